package dev.gatehouse.admin.token;

import dev.gatehouse.admin.audit.AuditContext;
import dev.gatehouse.admin.audit.AuditLog;
import dev.gatehouse.admin.common.Blocking;
import dev.gatehouse.admin.common.NotFoundException;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.token.TokenValidator.ValidToken;
import dev.gatehouse.storage.token.ApiToken;
import dev.gatehouse.storage.token.ApiTokenRepository;
import dev.gatehouse.storage.user.User;
import dev.gatehouse.storage.user.UserRepository;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Creating, listing and revoking API tokens. A token is created for the signed-in user and acts as
 * that user; the token itself is returned once and only its SHA-256 is stored. JDBC runs on
 * bounded-elastic threads. Tokens are no part of the proxy configuration: no config revision is made, but
 * creating and revoking one is written to the audit log (never the token), in the same transaction.
 */
@Service
public class TokenService {

    private static final Logger log = LoggerFactory.getLogger(TokenService.class);

    /** A token that is forgotten in a script still stops working one day; the user may clear it. */
    static final int SUGGESTED_LIFETIME_DAYS = 90;

    private final ApiTokenRepository tokens;
    private final UserRepository users;
    private final ApiTokenAuthenticator authenticator;
    private final Clock clock;
    private final AuditLog audit;

    /** The clock is the application's {@link Clock} bean when there is one (tests move it), else UTC. */
    @Autowired
    public TokenService(ApiTokenRepository tokens, UserRepository users, ApiTokenAuthenticator authenticator,
                        ObjectProvider<Clock> clock, AuditLog audit) {
        this(tokens, users, authenticator, clock.getIfUnique(Clock::systemUTC), audit);
    }

    TokenService(ApiTokenRepository tokens, UserRepository users, ApiTokenAuthenticator authenticator, Clock clock,
                 AuditLog audit) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.users = Objects.requireNonNull(users, "users");
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /** The expiry the "new token" form suggests: {@value #SUGGESTED_LIFETIME_DAYS} days from today (UTC). */
    public LocalDate suggestedExpiry() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(SUGGESTED_LIFETIME_DAYS);
    }

    /** Every token, revoked and expired ones included, newest first. */
    public Mono<List<TokenView>> list() {
        return Blocking.mono(() -> tokens.findAll().stream().map(token -> TokenView.of(token, clock.instant())).toList());
    }

    /** @throws NotFoundException (as the Mono's error) for an unknown id */
    public Mono<TokenView> get(long id) {
        return Blocking.mono(() -> tokens.findById(id).map(token -> TokenView.of(token, clock.instant()))
                .orElseThrow(() -> new NotFoundException("there is no API token " + id)));
    }

    /**
     * Creates a token for {@code actor} (the signed-in user's email).
     *
     * @return the token, whose secret the caller shows once and keeps nowhere
     * @throws ValidationException (as the Mono's error) naming {@code name}, {@code scope} or {@code expiresOn}
     */
    public Mono<NewToken> create(TokenCommand command, String actor) {
        return Mono.fromCallable(() -> TokenValidator.validate(command, LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)))
                .flatMap(valid -> Mono.deferContextual(context -> {
                    String clientIp = AuditContext.clientIp(context);
                    return Blocking.mono(() -> store(valid, actor, clientIp));
                }));
    }

    /**
     * Revokes a token: the next call with it is refused. Revoking a revoked token changes nothing.
     *
     * @throws NotFoundException (as the Mono's error) for an unknown id
     */
    public Mono<TokenView> revoke(long id, String actor) {
        return Mono.deferContextual(context -> {
                    String clientIp = AuditContext.clientIp(context);
                    return Blocking.mono(() -> audit.change(
                            () -> tokens.revoke(id).orElseThrow(() -> new NotFoundException("there is no API token " + id)),
                            revoked -> new AuditLog.Entry(actor, clientIp, AuditLog.REVOKE, AuditLog.API_TOKEN, Long.toString(id),
                                    "revoked API token '" + revoked.name() + "' (" + TokenSecrets.hint(revoked.keyId())
                                            + ") of " + revoked.userEmail())));
                })
                .map(revoked -> {
                    authenticator.forget(id);
                    log.info("API token {} ('{}', {}) revoked by {}", id, revoked.name(), TokenSecrets.hint(revoked.keyId()),
                            actor);
                    return TokenView.of(revoked, clock.instant());
                });
    }

    private NewToken store(ValidToken valid, String actor, String clientIp) {
        User user = users.findByEmail(actor).orElseThrow(() -> new IllegalStateException(
                "no user '" + actor + "' to create an API token for: tokens are created by a signed-in user"));
        TokenSecrets.Generated generated = TokenSecrets.generate();
        ApiToken saved = audit.change(() -> tokens.insert(user.id(), valid.name(), valid.scope(), generated.keyId(),
                        TokenSecrets.hash(generated.token()), valid.expiresAt()),
                token -> new AuditLog.Entry(actor, clientIp, AuditLog.CREATE, AuditLog.API_TOKEN, Long.toString(token.id()),
                        "created API token '" + token.name() + "' (" + token.scope() + ", " + TokenSecrets.hint(token.keyId())
                                + ", " + (token.expiresAt() == null ? "never expires" : "expires " + token.expiresAt()) + ")"));
        log.info("API token {} ('{}', {}, {}) created by {}", saved.id(), saved.name(), saved.scope(),
                TokenSecrets.hint(saved.keyId()), actor);
        return new NewToken(TokenView.of(saved, clock.instant()), generated.token());
    }
}

package dev.gatehouse.admin.twofactor;

import dev.gatehouse.admin.audit.AuditContext;
import dev.gatehouse.admin.audit.AuditLog;
import dev.gatehouse.admin.common.Blocking;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.storage.user.SignInPolicyRepository;
import dev.gatehouse.storage.user.TwoFactorRepository;
import dev.gatehouse.storage.user.TwoFactorStatus;
import dev.gatehouse.storage.user.User;
import dev.gatehouse.storage.user.UserRepository;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Mono;

/**
 * Two-factor sign-in with an authenticator app (TOTP, {@link Totp}) and one-time {@link RecoveryCodes}:
 * turning it on (a new secret, confirmed with a first code), checking codes at sign-in, turning it off,
 * and the policy that makes it compulsory.
 *
 * <p>The secret is kept sealed with the master key (see {@link TwoFactorRepository}); a code is accepted
 * once (the step of each accepted code is recorded, and an older or equal step is refused); a recovery
 * code is used up by the check that accepts it. Users are named by their email, the dashboard's
 * principal name. JDBC runs on bounded-elastic threads. Whoever calls {@link #check} is responsible for
 * counting wrong codes against the sign-in throttle; nothing here limits guesses on its own.
 *
 * <p>Turning it on or off, new recovery codes and the policy are written to the audit log in the same
 * transaction as the change (never a secret or a code).
 */
@Service
public class TwoFactorService {

    private static final Logger log = LoggerFactory.getLogger(TwoFactorService.class);

    /** The audit log's object type of the sign-in policy (a singleton: no object id). */
    public static final String POLICY_OBJECT_TYPE = "sign-in-policy";

    /** The name authenticator apps show above the code (and in the {@code otpauth://} label). */
    public static final String ISSUER = "Gatehouse";
    /** Secret size: 160 bits, the HMAC-SHA-1 block RFC 4226 recommends. */
    static final int SECRET_BYTES = 20;

    /** What a code given at sign-in turned out to be. */
    public enum CodeCheck {
        /** The authenticator's current code, not used before. */
        ACCEPTED,
        /** One of the recovery codes, now used up. */
        RECOVERY_CODE_ACCEPTED,
        /** Anything else: wrong, expired, already used, or the user has no two-factor sign-in. */
        REJECTED;

        public boolean accepted() {
            return this != REJECTED;
        }
    }

    /**
     * A secret offered for setting up, before the first code confirms it; nothing is stored yet.
     *
     * @param secret base32, for typing into the app
     * @param uri    the {@code otpauth://totp/...} URI carrying the secret, issuer and account
     */
    public record Enrolment(String secret, String uri) {

        public Enrolment {
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(uri, "uri");
        }

        /** The secret in groups of four, easier to type. */
        public String groupedSecret() {
            return secret.replaceAll("(.{4})(?!$)", "$1 ");
        }

        /** Keeps the secret out of logs (and of a session store that prints its attributes). */
        @Override
        public String toString() {
            return "Enrolment[redacted]";
        }
    }

    private final UserRepository users;
    private final TwoFactorRepository twoFactor;
    private final SignInPolicyRepository policy;
    private final Clock clock;
    private final AuditLog audit;
    private final SecureRandom random = new SecureRandom();

    /** The clock is the application's {@link Clock} bean when there is one (tests move it), else UTC. */
    @Autowired
    public TwoFactorService(UserRepository users, TwoFactorRepository twoFactor, SignInPolicyRepository policy,
                            ObjectProvider<Clock> clock, AuditLog audit) {
        this(users, twoFactor, policy, clock.getIfUnique(Clock::systemUTC), audit);
    }

    public TwoFactorService(UserRepository users, TwoFactorRepository twoFactor, SignInPolicyRepository policy, Clock clock,
                            AuditLog audit) {
        this.users = Objects.requireNonNull(users, "users");
        this.twoFactor = Objects.requireNonNull(twoFactor, "twoFactor");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /** A fresh secret for {@code email} to set up; stored only by {@link #enable} once a code confirms it. */
    public Enrolment newEnrolment(String email) {
        byte[] key = new byte[SECRET_BYTES];
        random.nextBytes(key);
        String secret = Base32.encode(key);
        String label = UriUtils.encodePathSegment(ISSUER + ":" + email, StandardCharsets.UTF_8);
        String uri = "otpauth://totp/" + label + "?secret=" + secret + "&issuer=" + ISSUER
                + "&algorithm=SHA1&digits=" + Totp.DIGITS + "&period=" + Totp.PERIOD_SECONDS;
        return new Enrolment(secret, uri);
    }

    /** The user's two-factor sign-in, or empty when it is off (or there is no such user). */
    public Mono<Optional<TwoFactorStatus>> status(String email) {
        return Blocking.mono(() -> user(email).flatMap(user -> twoFactor.status(user.id())));
    }

    /** Whether the user signs in with a second factor. */
    public Mono<Boolean> isOn(String email) {
        return status(email).map(Optional::isPresent);
    }

    /**
     * Turns two-factor sign-in on with the enrolment's secret, once {@code code} shows the app has it.
     * Replaces any earlier secret and codes.
     *
     * @return the new recovery codes, to be shown once
     * @throws ValidationException (as the Mono's error) naming {@code code} when it does not match
     */
    public Mono<List<String>> enable(String email, Enrolment enrolment, String code) {
        return Mono.deferContextual(context -> {
            String clientIp = AuditContext.clientIp(context);
            return Blocking.mono(() -> {
                User user = user(email).orElseThrow(() -> noUser(email));
                OptionalLong step = Totp.matchingStep(Base32.decode(enrolment.secret()), digits(code), clock.instant());
                if (step.isEmpty()) {
                    throw new ValidationException("code", "code: that is not the code your authenticator app shows now for "
                            + "this secret; check the app's entry and the phone's clock, and type the 6 digits again");
                }
                List<String> codes = RecoveryCodes.generate();
                audit.change(() -> twoFactor.enable(user.id(), enrolment.secret(), step.getAsLong(),
                                codes.stream().map(RecoveryCodes::hash).toList()),
                        status -> new AuditLog.Entry(user.email(), clientIp, AuditLog.UPDATE, AuditLog.USER, user.email(),
                                "two-factor sign-in turned on, with " + codes.size() + " new recovery codes"));
                log.info("Two-factor sign-in turned on for {}", user.email());
                return codes;
            });
        });
    }

    /**
     * Turns two-factor sign-in off for {@code email}: by the user (after password and code) or by an
     * administrator resetting a user who lost the authenticator and the recovery codes.
     *
     * @return false if it was off already
     */
    public Mono<Boolean> disable(String email, String actor) {
        return Mono.deferContextual(context -> {
            String clientIp = AuditContext.clientIp(context);
            return Blocking.mono(() -> {
                User user = user(email).orElseThrow(() -> noUser(email));
                boolean wasOn = Boolean.TRUE.equals(audit.change(() -> twoFactor.disable(user.id()),
                        off -> new AuditLog.Entry(actor, clientIp, AuditLog.UPDATE, AuditLog.USER, user.email(), off
                                ? "two-factor sign-in turned off; its secret and recovery codes deleted"
                                : "two-factor sign-in turned off (it was off already)")));
                if (wasOn) {
                    log.info("Two-factor sign-in turned off for {} by {}", user.email(), actor);
                }
                return wasOn;
            });
        });
    }

    /**
     * A new set of recovery codes for a user with two-factor sign-in; the old ones stop working.
     *
     * @return the codes to show once; empty if the user has no two-factor sign-in
     */
    public Mono<Optional<List<String>>> newRecoveryCodes(String email) {
        return Mono.deferContextual(context -> {
            String clientIp = AuditContext.clientIp(context);
            return Blocking.mono(() -> {
                User user = user(email).orElseThrow(() -> noUser(email));
                List<String> codes = RecoveryCodes.generate();
                boolean replaced = Boolean.TRUE.equals(audit.change(
                        () -> twoFactor.replaceRecoveryCodes(user.id(), codes.stream().map(RecoveryCodes::hash).toList()),
                        done -> new AuditLog.Entry(user.email(), clientIp, AuditLog.UPDATE, AuditLog.USER, user.email(), done
                                ? codes.size() + " new recovery codes; the old ones no longer work"
                                : "no new recovery codes: two-factor sign-in is off")));
                if (!replaced) {
                    return Optional.<List<String>>empty();
                }
                log.info("New recovery codes made for {}", user.email());
                return Optional.of(codes);
            });
        });
    }

    /**
     * Checks a code given at sign-in: the authenticator's code (6 digits, spaces ignored) or a recovery
     * code (16 characters, case, spaces and dashes ignored), using it up when it is accepted.
     */
    public Mono<CodeCheck> check(String email, String code) {
        return Blocking.mono(() -> {
            Optional<User> user = user(email);
            if (user.isEmpty() || code == null) {
                return CodeCheck.REJECTED;
            }
            long userId = user.get().id();
            if (RecoveryCodes.looksLikeOne(code)) {
                if (twoFactor.status(userId).isPresent() && twoFactor.useRecoveryCode(userId, RecoveryCodes.hash(code))) {
                    log.info("{} signed in with a recovery code; {} left", user.get().email(),
                            twoFactor.status(userId).map(TwoFactorStatus::recoveryCodesLeft).orElse(0));
                    return CodeCheck.RECOVERY_CODE_ACCEPTED;
                }
                return CodeCheck.REJECTED;
            }
            Optional<String> secret = twoFactor.secret(userId);
            if (secret.isEmpty()) {
                return CodeCheck.REJECTED;
            }
            OptionalLong step = Totp.matchingStep(Base32.decode(secret.get()), digits(code), clock.instant());
            return step.isPresent() && twoFactor.useStep(userId, step.getAsLong()) ? CodeCheck.ACCEPTED : CodeCheck.REJECTED;
        });
    }

    /** Whether every user must sign in with a second factor. */
    public Mono<Boolean> required() {
        return Blocking.mono(policy::twoFactorRequired);
    }

    /** Makes two-factor sign-in compulsory for every user, or not. Only for administrators (the caller checks). */
    public Mono<Void> setRequired(boolean required, String actor) {
        return Mono.deferContextual(context -> {
            String clientIp = AuditContext.clientIp(context);
            return Blocking.run(() -> {
                boolean before = audit.change(() -> {
                    boolean was = policy.twoFactorRequired();
                    policy.setTwoFactorRequired(required);
                    return was;
                }, was -> new AuditLog.Entry(actor, clientIp, AuditLog.UPDATE, POLICY_OBJECT_TYPE, null,
                        "two-factor sign-in required for every user: " + was + " → " + required));
                log.info("Two-factor sign-in {} for every user, set by {} (was {})",
                        required ? "required" : "not required", actor, before ? "required" : "not required");
            });
        });
    }

    private Optional<User> user(String email) {
        return email == null || email.isBlank() ? Optional.empty() : users.findByEmail(email);
    }

    private static IllegalStateException noUser(String email) {
        return new IllegalStateException("no user '" + email + "': two-factor sign-in belongs to a signed-in user");
    }

    /** The code without the spaces some apps show in the middle ("123 456"). */
    private static String digits(String code) {
        return code == null ? "" : code.replace(" ", "").strip();
    }
}

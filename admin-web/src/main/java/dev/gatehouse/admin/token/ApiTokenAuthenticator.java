package dev.gatehouse.admin.token;

import dev.gatehouse.admin.common.Blocking;
import dev.gatehouse.storage.token.ApiToken;
import dev.gatehouse.storage.token.ApiTokenRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import reactor.core.publisher.Mono;

/**
 * Checks bearer tokens for the API: hashes the presented token (SHA-256, microseconds) and looks the
 * hash up, in a short-lived in-memory cache first and in the database (on a bounded-elastic thread,
 * never an event loop) on a miss. Expiry and revocation are judged on every call with the clock, not
 * cached; revoking through {@link TokenService} drops the token from the cache at once.
 *
 * <p>"Last used" is written at most once per {@link #LAST_USE_PRECISION} per token, so a script calling
 * in a loop costs no write per call.
 *
 * <p>Only tokens that exist are cached: unknown ones go to the database each time (one indexed
 * lookup, as cheap as the cache would be worth), so random tokens cannot crowd out real ones.
 */
public class ApiTokenAuthenticator implements ReactiveAuthenticationManager {

    private static final Logger log = LoggerFactory.getLogger(ApiTokenAuthenticator.class);

    /** How long a token read from the database is trusted before it is read again. */
    static final Duration CACHE_TIME = Duration.ofSeconds(10);
    /** Most tokens cached at once; far above what one appliance's administrators create. */
    static final int CACHE_SIZE = 1024;
    /** "Last used" is recorded to about this precision. */
    static final Duration LAST_USE_PRECISION = Duration.ofMinutes(1);

    private record Cached(ApiToken token, Instant loadedAt) {
    }

    private final ApiTokenRepository tokens;
    private final Clock clock;
    /** Token hash -> the token as last read. */
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    /** Token id -> the last use written (or found) in the database. */
    private final Map<Long, Instant> lastUseWritten = new ConcurrentHashMap<>();
    /** Moves on every {@link #forget}, so a read that raced with a revocation is not cached. */
    private final AtomicLong generation = new AtomicLong();

    public ApiTokenAuthenticator(ApiTokenRepository tokens, Clock clock) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @return an {@link ApiTokenAuthentication} for a usable token; fails with
     *     {@link InvalidBearerTokenException} for anything else; empty for anything but a {@link BearerToken}
     */
    @Override
    public Mono<Authentication> authenticate(Authentication authentication) {
        if (!(authentication instanceof BearerToken bearer)) {
            return Mono.empty();
        }
        String presented = bearer.token();
        bearer.eraseCredentials();
        if (!TokenSecrets.wellFormed(presented)) {
            return Mono.error(new InvalidBearerTokenException());
        }
        String hash = TokenSecrets.hash(presented);
        return Mono.defer(() -> Mono.justOrEmpty(cached(hash)))
                .switchIfEmpty(load(hash))
                .filter(token -> token.usableAt(clock.instant()))
                .switchIfEmpty(Mono.error(InvalidBearerTokenException::new))
                .flatMap(token -> recordUse(token).thenReturn(new ApiTokenAuthentication(token)));
    }

    /** Drops a token from the cache, so a revocation takes effect with the next call. */
    public void forget(long tokenId) {
        generation.incrementAndGet();
        cache.values().removeIf(cached -> cached.token().id() == tokenId);
        lastUseWritten.remove(tokenId);
    }

    private ApiToken cached(String hash) {
        Cached cached = cache.get(hash);
        if (cached == null) {
            return null;
        }
        Instant now = clock.instant();
        if (now.isBefore(cached.loadedAt()) || !now.isBefore(cached.loadedAt().plus(CACHE_TIME))) {
            cache.remove(hash, cached);
            return null;
        }
        return cached.token();
    }

    private Mono<ApiToken> load(String hash) {
        return Mono.defer(() -> {
            long readGeneration = generation.get();
            return Blocking.mono(() -> tokens.findByHash(hash).orElse(null))
                    .doOnNext(token -> remember(hash, token, readGeneration));
        });
    }

    private void remember(String hash, ApiToken token, long readGeneration) {
        if (generation.get() != readGeneration) {
            return;
        }
        if (cache.size() >= CACHE_SIZE) {
            Instant now = clock.instant();
            cache.values().removeIf(cached -> !now.isBefore(cached.loadedAt().plus(CACHE_TIME)));
            if (cache.size() >= CACHE_SIZE) {
                // Only a cache: starting over costs one query per token in use.
                cache.clear();
            }
        }
        Cached entry = new Cached(token, clock.instant());
        cache.put(hash, entry);
        if (generation.get() != readGeneration) {
            // a revocation ran between the check above and the put
            cache.remove(hash, entry);
        }
    }

    /** Writes "last used" when the last write (or the stored value) is older than the precision. */
    private Mono<Void> recordUse(ApiToken token) {
        Instant now = clock.instant();
        Instant last = lastUseWritten.get(token.id());
        if (last == null && token.lastUsedAt() != null) {
            Instant raced = lastUseWritten.putIfAbsent(token.id(), token.lastUsedAt());
            last = raced == null ? token.lastUsedAt() : raced;
        }
        if (last != null && now.isBefore(last.plus(LAST_USE_PRECISION))) {
            return Mono.empty();
        }
        boolean claimed = last == null
                ? lastUseWritten.putIfAbsent(token.id(), now) == null
                : lastUseWritten.replace(token.id(), last, now);
        if (!claimed) {
            return Mono.empty(); // another call of the same token writes it
        }
        return Blocking.run(() -> tokens.recordUse(token.id(), now))
                .onErrorResume(failure -> {
                    // The call is authenticated all the same; only the dashboard's "last used" lags.
                    log.warn("Could not record the use of API token {} ('{}'): {}", token.id(), token.name(),
                            failure.toString());
                    return Mono.empty();
                });
    }
}

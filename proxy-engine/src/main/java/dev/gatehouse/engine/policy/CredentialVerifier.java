package dev.gatehouse.engine.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Checks basic-auth passwords against bcrypt hashes off the event loops: a bcrypt check takes tens
 * of milliseconds, which an event loop must never spend. Verdicts are cached per access list and
 * {@code Authorization} value (valid ones for 10 minutes, wrong ones for 1 minute), so a signed-in
 * browser costs one check per 10 minutes, and a repeated wrong guess none. Concurrent requests with
 * the same credentials share one check. The worker pool and its queue are small and bounded: a
 * guessing flood waits or is refused (503) instead of taking the proxy's CPU.
 */
public final class CredentialVerifier {

    /** Not a user's hash: checked for unknown user names so they take as long as known ones. */
    private static final String DUMMY_HASH = OpenBSDBCrypt.generate("not-a-password".toCharArray(), new byte[16], 10);

    private record Key(Object accessList, String authorization) {
    }

    private final Cache<Key, Boolean> accepted = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(10)).build();
    private final Cache<Key, Boolean> refused = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(1)).build();
    private final ConcurrentHashMap<Key, CompletableFuture<Boolean>> inFlight = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor workers;

    public CredentialVerifier() {
        workers = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(128), runnable -> {
            Thread thread = new Thread(runnable, "gatehouse-basic-auth");
            thread.setDaemon(true);
            return thread;
        });
        // Idle workers end, so an engine without basic auth (or a stopped one) keeps no thread.
        workers.allowCoreThreadTimeOut(true);
    }

    /** TRUE or FALSE when these credentials were checked lately for this list; null when unknown. */
    Boolean cached(Object accessList, String authorization) {
        Key key = new Key(accessList, authorization);
        if (accepted.getIfPresent(key) != null) {
            return Boolean.TRUE;
        }
        return refused.getIfPresent(key) != null ? Boolean.FALSE : null;
    }

    /**
     * Checks the password against the hash (null hash: an unknown user, always refused after the
     * same work) on a worker thread, then caches the verdict.
     *
     * @return the verdict; completed exceptionally with {@link RejectedExecutionException} when the
     *     workers are saturated
     */
    CompletableFuture<Boolean> verify(Object accessList, String authorization, String passwordHash, char[] password) {
        Key key = new Key(accessList, authorization);
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return running;
        }
        try {
            workers.execute(() -> {
                boolean ok;
                try {
                    ok = OpenBSDBCrypt.checkPassword(passwordHash != null ? passwordHash : DUMMY_HASH, password)
                            && passwordHash != null;
                } catch (RuntimeException malformed) {
                    ok = false;
                }
                (ok ? accepted : refused).put(key, Boolean.TRUE);
                inFlight.remove(key);
                mine.complete(ok);
            });
        } catch (RejectedExecutionException busy) {
            inFlight.remove(key);
            mine.completeExceptionally(busy);
        }
        return mine;
    }
}

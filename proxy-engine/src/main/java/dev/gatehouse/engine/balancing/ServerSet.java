package dev.gatehouse.engine.balancing;

/**
 * The servers of a backend that may take a request right now, and their weights: the primary
 * servers that are up, not ejected and not drained, or, when there are none, the backup servers that
 * are. Immutable; a health change publishes a new set, so one request reads one consistent view.
 */
public final class ServerSet {

    static final ServerSet EMPTY = new ServerSet(new int[0], new int[0], new long[0], false, Long.MAX_VALUE);

    /** Indexes into the backend's server list. */
    final int[] servers;
    final int[] weights;
    /** Per entry, a hash of the server's address (client-IP hashing ranks servers by it). */
    final long[] addressHashes;
    final boolean backups;
    /** System.nanoTime() at which an ejection ends and the set must be rebuilt; Long.MAX_VALUE for none. */
    final long reviewAtNanos;
    final boolean hasReview;

    ServerSet(int[] servers, int[] weights, long[] addressHashes, boolean backups, long reviewAtNanos) {
        this.servers = servers;
        this.weights = weights;
        this.addressHashes = addressHashes;
        this.backups = backups;
        this.reviewAtNanos = reviewAtNanos;
        this.hasReview = reviewAtNanos != Long.MAX_VALUE;
    }

    public boolean isEmpty() {
        return servers.length == 0;
    }

    public int size() {
        return servers.length;
    }

    /** True when only backup servers are eligible. */
    public boolean usingBackups() {
        return backups;
    }

    public boolean contains(int server) {
        for (int s : servers) {
            if (s == server) {
                return true;
            }
        }
        return false;
    }
}

package dev.gatehouse.engine.balancing;

import dev.gatehouse.engine.config.HealthCheckDefinition;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the engine knows about one server's health: the active check's verdict and last result, and
 * the passive count of failures in a row with the ejection they led to. One object per server
 * address, carried over to the next {@code Upstream} when an apply changes the backend but keeps
 * the server, so a change elsewhere never resets what was learned.
 *
 * <p>Threads: request paths on any event loop count failures ({@link #failures}) and read the
 * volatile fields; the active checks of a backend run on one event loop, which alone touches the
 * check counters.
 */
public final class ServerHealth {

    /** Verdict of the active check; servers start up so a fresh backend serves at once. */
    private volatile boolean checkUp = true;
    private int goodChecksInARow;
    private int badChecksInARow;
    private volatile CheckResult lastCheck;

    final AtomicInteger failures = new AtomicInteger();
    /** System.nanoTime() until which the server is ejected; meaningful while {@link #ejected} is set. */
    volatile long ejectedUntilNanos;
    volatile boolean ejected;

    /** The outcome of one active check. */
    public record CheckResult(boolean good, int status, String error, long latencyMillis, long atEpochMillis) {
    }

    public boolean checkUp() {
        return checkUp;
    }

    public CheckResult lastCheck() {
        return lastCheck;
    }

    public boolean ejected() {
        return ejected;
    }

    public int failuresInARow() {
        return failures.get();
    }

    /**
     * Records a check result and applies the thresholds.
     *
     * @return true when the verdict changed (the caller republishes the eligible servers)
     */
    boolean recordCheck(CheckResult result, HealthCheckDefinition check) {
        lastCheck = result;
        if (result.good()) {
            badChecksInARow = 0;
            goodChecksInARow++;
            if (!checkUp && goodChecksInARow >= check.healthyThreshold()) {
                checkUp = true;
                // Back from the dead: what passive checks held against it is history.
                failures.set(0);
                ejected = false;
                return true;
            }
        } else {
            goodChecksInARow = 0;
            badChecksInARow++;
            if (checkUp && badChecksInARow >= check.unhealthyThreshold()) {
                checkUp = false;
                return true;
            }
        }
        return false;
    }
}

package dev.gatehouse.engine.config;

import java.time.Duration;

/**
 * Passive health: a server whose requests fail {@code maxFailures} times in a row (connect refused
 * or timed out, connection closed before a response, a 5xx status, no response in time) is ejected
 * for {@code ejectFor}: it gets no requests, then it is tried again. One good response resets the
 * count.
 *
 * @param maxFailures consecutive failures that eject a server; default 3; 0 turns passive checks off
 * @param ejectFor how long an ejected server rests; default 30 s
 */
public record PassiveHealthDefinition(int maxFailures, Duration ejectFor) {

    public static final int DEFAULT_MAX_FAILURES = 3;
    public static final Duration DEFAULT_EJECT_FOR = Duration.ofSeconds(30);
    /** The defaults: 3 failures in a row eject a server for 30 s. */
    public static final PassiveHealthDefinition DEFAULT = new PassiveHealthDefinition(DEFAULT_MAX_FAILURES, DEFAULT_EJECT_FOR);
    /** Passive checks off: failures never eject a server. */
    public static final PassiveHealthDefinition OFF = new PassiveHealthDefinition(0, DEFAULT_EJECT_FOR);

    public PassiveHealthDefinition {
        ejectFor = ejectFor == null ? DEFAULT_EJECT_FOR : ejectFor;
    }

    public boolean enabled() {
        return maxFailures > 0;
    }
}

package dev.gatehouse.admin.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long a dashboard sign-in lasts, from {@code gatehouse.session.*} properties or the environment
 * ({@code GATEHOUSE_SESSION_IDLE_TIMEOUT=15m}, ...). Durations take units ({@code 90s}, {@code 30m},
 * {@code 12h}). Invalid values stop the start with a message naming the property.
 *
 * @param idleTimeout a session nobody used for this long is signed out
 *     ({@code GATEHOUSE_SESSION_IDLE_TIMEOUT}); default 30 minutes. The dashboard's background refreshes
 *     (the status cards polling) do not count as use, so an open tab does not keep a session alive.
 * @param absoluteTimeout a session this old is signed out however busy it is
 *     ({@code GATEHOUSE_SESSION_ABSOLUTE_TIMEOUT}); default 12 hours
 * @param reauthenticationWindow how long after the password (and code) was last entered sensitive pages
 *     (two-factor settings, user management) stay open without asking again
 *     ({@code GATEHOUSE_SESSION_REAUTHENTICATION_WINDOW}); default 5 minutes
 * @param maxSessions sessions kept in memory at once: sign-ins, finished or waiting for their code; anonymous
 *     visitors get none ({@link DashboardCsrfTokens}), so they cannot fill it
 *     ({@code GATEHOUSE_SESSION_MAX_SESSIONS}); default 10,000. Sessions are not persisted: a restart
 *     signs everyone out.
 */
@ConfigurationProperties("gatehouse.session")
public record SessionSettings(
        @DefaultValue("30m") Duration idleTimeout,
        @DefaultValue("12h") Duration absoluteTimeout,
        @DefaultValue("5m") Duration reauthenticationWindow,
        @DefaultValue("10000") int maxSessions) {

    /** The defaults, for tests and code that runs without property binding. */
    public static final SessionSettings DEFAULT = new SessionSettings(Duration.ofMinutes(30), Duration.ofHours(12),
            Duration.ofMinutes(5), 10_000);

    public SessionSettings {
        requirePositive("gatehouse.session.idle-timeout", idleTimeout);
        requirePositive("gatehouse.session.absolute-timeout", absoluteTimeout);
        requirePositive("gatehouse.session.reauthentication-window", reauthenticationWindow);
        if (maxSessions < 1) {
            throw new IllegalArgumentException("gatehouse.session.max-sessions must be at least 1, was " + maxSessions);
        }
    }

    private static void requirePositive(String property, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(property + " must be a positive duration such as 30m or 12h, was " + value);
        }
    }
}

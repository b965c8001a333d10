package dev.gatehouse.engine.config;

import java.time.Duration;

/**
 * A request rate limit per client IP address (a token bucket, computed as GCRA): each client may
 * make {@link #requests()} requests per {@link #period()} on average, and up to {@link #burst()} more
 * at once. Requests over it get 429 Too Many Requests with {@code Retry-After}, and reach no backend.
 *
 * @param requests requests per period, 1 or more
 * @param period the period; default (null) one second
 * @param burst extra requests allowed in a quick succession, 0 or more; default 0 (nginx's
 *     {@code burst=0 nodelay})
 */
public record RateLimitDefinition(int requests, Duration period, int burst) {

    public RateLimitDefinition {
        period = period == null ? Duration.ofSeconds(1) : period;
    }

    /** {@code requests} per second with this burst. */
    public static RateLimitDefinition perSecond(int requests, int burst) {
        return new RateLimitDefinition(requests, null, burst);
    }
}

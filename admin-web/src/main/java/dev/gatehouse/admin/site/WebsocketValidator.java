package dev.gatehouse.admin.site;

import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.site.SiteCommand.WebsocketCommand;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.storage.site.SiteWebsockets;
import java.util.List;

/**
 * Checks a site's {@link WebsocketCommand}. The idle timeout is 1 s to 24 h: below a second a socket
 * would be cut between two keystrokes of a chat, and apps that stay quiet for longer than a day send
 * pings anyway. A timeout with WebSockets off is refused rather than stored to no effect: it most
 * likely means {@code websockets} was forgotten.
 *
 * <p>Problems name the field as the API does ({@code websocketIdleTimeoutMs}) and the bad value.
 */
public final class WebsocketValidator {

    public static final long MIN_IDLE_TIMEOUT_MS = 1_000;
    public static final long MAX_IDLE_TIMEOUT_MS = 24 * 3_600_000;
    /** What a site without a timeout of its own gets: the engine's default, 10 minutes. */
    public static final long DEFAULT_IDLE_TIMEOUT_MS = SiteDefinition.DEFAULT_WEBSOCKET_IDLE_TIMEOUT.toMillis();

    static final String IDLE_TIMEOUT_FIELD = "websocketIdleTimeoutMs";

    private WebsocketValidator() {
    }

    /** Every problem with {@code command}; empty when it is valid. */
    public static List<FieldProblem> problems(WebsocketCommand command) {
        Long timeout = command.idleTimeoutMs();
        if (timeout == null) {
            return List.of();
        }
        if (!command.enabled()) {
            return List.of(new FieldProblem(IDLE_TIMEOUT_FIELD, IDLE_TIMEOUT_FIELD + " (" + duration(timeout)
                    + ") only applies when websockets is on: turn websockets on, or leave the timeout out"));
        }
        if (timeout < MIN_IDLE_TIMEOUT_MS || timeout > MAX_IDLE_TIMEOUT_MS) {
            return List.of(new FieldProblem(IDLE_TIMEOUT_FIELD, IDLE_TIMEOUT_FIELD + " must be between "
                    + duration(MIN_IDLE_TIMEOUT_MS) + " and " + duration(MAX_IDLE_TIMEOUT_MS)
                    + ", was " + duration(timeout)));
        }
        return List.of();
    }

    /** The stored form of a command {@link #problems} found nothing wrong with; null timeout stays null. */
    static SiteWebsockets toStored(WebsocketCommand command) {
        return command.enabled() ? new SiteWebsockets(true, command.idleTimeoutMs()) : SiteWebsockets.OFF;
    }

    /** 300000 -> "5 min", 2000 -> "2 s", 1500 -> "1500 ms", in the words the backend validator uses. */
    static String duration(long millis) {
        if (millis != 0 && millis % 3_600_000 == 0) {
            return millis / 3_600_000 + " h";
        }
        if (millis != 0 && millis % 60_000 == 0) {
            return millis / 60_000 + " min";
        }
        if (millis != 0 && millis % 1_000 == 0) {
            return millis / 1_000 + " s";
        }
        return millis + " ms";
    }
}

package dev.gatehouse.admin.backend;

import dev.gatehouse.engine.config.BackendProtocol;
import java.util.Arrays;
import java.util.List;

/**
 * A backend protocol as people see it: the engine's name, a label and what it is for. The switch has
 * no default, so a protocol the engine adds does not compile until it has words here.
 *
 * @param value the engine's name, posted by the form and used in the API: {@code http1} or {@code http2}
 * @param label e.g. "HTTP/2", also the list's badge
 * @param purpose a few words after the label in the form's select, e.g. "gRPC and HTTP/2-only servers"
 */
public record ProtocolChoice(String value, String label, String purpose) {

    private static final List<ProtocolChoice> ALL = Arrays.stream(BackendProtocol.values()).map(ProtocolChoice::of).toList();

    static ProtocolChoice of(BackendProtocol protocol) {
        String value = protocol.configName();
        return switch (protocol) {
            case HTTP1 -> new ProtocolChoice(value, "HTTP/1.1", "default");
            case HTTP2 -> new ProtocolChoice(value, "HTTP/2", "gRPC and HTTP/2-only servers");
        };
    }

    /** Every protocol, in the engine's order (HTTP/1.1, the default, first). */
    public static List<ProtocolChoice> all() {
        return ALL;
    }

    /** What the form's select shows, e.g. "HTTP/1.1 — default". */
    public String option() {
        return label + " — " + purpose;
    }

    /** The label of a stored protocol name; the name itself when the engine does not know it. */
    public static String label(String value) {
        try {
            return of(BackendProtocol.fromName(value)).label();
        } catch (IllegalArgumentException unknown) {
            return value;
        }
    }
}

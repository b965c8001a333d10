package dev.gatehouse.engine.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a backend's servers speak. Clients may use either protocol whatever the backend speaks. */
public enum BackendProtocol {

    /**
     * HTTP/1.1 over keep-alive connections, one request per connection at a time. The default:
     * every web app speaks it. WebSockets need it.
     */
    HTTP1("http1"),
    /**
     * HTTP/2: cleartext with prior knowledge (h2c) for plain servers, ALPN {@code h2} for
     * {@link ServerDefinition#tls() https} ones. Many requests share one connection per server and
     * event loop, and trailers pass both ways: what gRPC services need.
     */
    HTTP2("http2");

    private final String configName;

    BackendProtocol(String configName) {
        this.configName = configName;
    }

    /** The name used in the API and stored config: {@code http1} or {@code http2}. */
    public String configName() {
        return configName;
    }

    /**
     * The protocol with this name, case-insensitive; {@code h2}, {@code h2c} and {@code grpc} mean
     * {@link #HTTP2}, {@code http/1.1} means {@link #HTTP1}.
     *
     * @throws IllegalArgumentException naming the unknown value and the known ones
     */
    public static BackendProtocol fromName(String name) {
        if (name != null) {
            switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "http1", "http/1.1", "http1.1" -> {
                    return HTTP1;
                }
                case "http2", "h2", "h2c", "grpc" -> {
                    return HTTP2;
                }
                default -> {
                }
            }
        }
        throw new IllegalArgumentException("unknown protocol '" + name + "'; use one of "
                + Arrays.stream(values()).map(BackendProtocol::configName).collect(Collectors.joining(", ")));
    }
}

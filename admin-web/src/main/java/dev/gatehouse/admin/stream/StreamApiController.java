package dev.gatehouse.admin.stream;

import dev.gatehouse.admin.api.ApiController;
import dev.gatehouse.engine.stream.StreamStatus;
import java.net.URI;
import java.security.Principal;
import java.time.Instant;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code /api/v1/streams}: TCP streams. List, create, read, replace, delete, enable, disable, and the
 * live status of every stream.
 *
 * <p>Body of POST and PUT; {@code listenPort} and {@code backend} are required, every other field has
 * the default shown in brackets:
 * <pre>{@code
 * {"listenPort": 5432,             1-65535, not the dashboard's or the proxy's own ports, one stream per port
 *  "backend": "db",                an existing backend whose servers are plain host:port (not https)
 *  "bindHost": "127.0.0.1",        [null = the proxy's bind address] an IPv4 or IPv6 address of this machine
 *  "enabled": true,                [true for a new stream; a PUT without it keeps the state]
 *  "proxyProtocol": "v2",          [none] none, v1 or v2: PROXY protocol header sent to the server first
 *  "idleTimeoutMs": 600000,        [600000 = 10 min] 1 s to 7 days without a byte either way, then closed
 *  "connectTimeoutMs": 5000}       [null = the backend's] 100 ms to 5 min for a server to accept
 * }</pre>
 * PUT replaces the whole stream, so an option left out of a PUT goes back to its default. Answers have
 * the same shape with {@code idleTimeoutMs} filled in, plus {@code id}, {@code createdAt} and
 * {@code updatedAt}; {@code connectTimeoutMs} stays null while the backend's is used.
 *
 * <p>{@code POST /api/v1/streams/{id}/enable} and {@code .../disable} switch a stream on or off live.
 * {@code GET /api/v1/streams/status} lists what the engine does with each stream now: whether it is
 * listening (and why not), its open and accepted connections.
 */
@ApiController
@RequestMapping("/api/v1/streams")
public class StreamApiController {

    private final StreamService streams;

    public StreamApiController(StreamService streams) {
        this.streams = streams;
    }

    /** Body of POST and PUT; PUT replaces the whole stream. */
    public record StreamRequest(Integer listenPort, String bindHost, String backend, Boolean enabled,
                                String proxyProtocol, Long idleTimeoutMs, Long connectTimeoutMs) {

        StreamCommand toCommand() {
            return new StreamCommand(listenPort, bindHost, backend, enabled, proxyProtocol, idleTimeoutMs, connectTimeoutMs);
        }
    }

    /** A stream with the idle timeout in effect filled in; {@code connectTimeoutMs} null = the backend's. */
    public record StreamResponse(long id, int listenPort, String bindHost, String backend, boolean enabled,
                                 String proxyProtocol, long idleTimeoutMs, Long connectTimeoutMs, Instant createdAt,
                                 Instant updatedAt) {

        static StreamResponse of(StreamView view) {
            return new StreamResponse(view.id(), view.listenPort(), view.bindHost(), view.backend(), view.enabled(),
                    view.proxyProtocol(), view.idleTimeoutMsInEffect(), view.connectTimeoutMs(), view.createdAt(),
                    view.updatedAt());
        }
    }

    /**
     * One stream as the engine sees it now; {@code bindHost} is the address it listens on (the proxy's
     * when the stream names none), {@code problem} why an enabled stream is not listening.
     */
    public record StreamStatusResponse(long id, String bindHost, int listenPort, String backend, boolean enabled,
                                       boolean listening, int activeConnections, long acceptedConnections,
                                       String problem) {

        static StreamStatusResponse of(StreamStatus status) {
            return new StreamStatusResponse(Long.parseLong(status.id()), status.bindHost(), status.listenPort(),
                    status.backend(), status.enabled(), status.listening(), status.activeConnections(),
                    status.acceptedConnections(), status.problem());
        }
    }

    @GetMapping
    public Flux<StreamResponse> list() {
        return streams.list().map(StreamResponse::of);
    }

    @GetMapping("/status")
    public Flux<StreamStatusResponse> status() {
        return streams.status().map(StreamStatusResponse::of);
    }

    @GetMapping("/{id}")
    public Mono<StreamResponse> get(@PathVariable long id) {
        return streams.get(id).map(StreamResponse::of);
    }

    @PostMapping
    public Mono<ResponseEntity<StreamResponse>> create(@RequestBody StreamRequest request, Principal principal) {
        return streams.create(request.toCommand(), principal.getName())
                .map(view -> ResponseEntity.created(URI.create("/api/v1/streams/" + view.id()))
                        .body(StreamResponse.of(view)));
    }

    @PutMapping("/{id}")
    public Mono<StreamResponse> replace(@PathVariable long id, @RequestBody StreamRequest request, Principal principal) {
        return streams.update(id, request.toCommand(), principal.getName()).map(StreamResponse::of);
    }

    @PostMapping("/{id}/enable")
    public Mono<StreamResponse> enable(@PathVariable long id, Principal principal) {
        return streams.setEnabled(id, true, principal.getName()).map(StreamResponse::of);
    }

    @PostMapping("/{id}/disable")
    public Mono<StreamResponse> disable(@PathVariable long id, Principal principal) {
        return streams.setEnabled(id, false, principal.getName()).map(StreamResponse::of);
    }

    @DeleteMapping("/{id}")
    public Mono<ResponseEntity<Void>> delete(@PathVariable long id, Principal principal) {
        return streams.delete(id, principal.getName()).thenReturn(ResponseEntity.noContent().build());
    }
}

package dev.gatehouse.admin.stream;

import dev.gatehouse.admin.common.Blocking;
import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.NotFoundException;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.config.ConfigPublisher;
import dev.gatehouse.admin.config.ConfigPublisher.Change;
import dev.gatehouse.engine.ProxyEngine;
import dev.gatehouse.engine.stream.StreamStatus;
import dev.gatehouse.storage.backend.Backend;
import dev.gatehouse.storage.backend.BackendRepository;
import dev.gatehouse.storage.stream.StreamRepository;
import dev.gatehouse.storage.stream.StreamSettings;
import dev.gatehouse.storage.stream.TcpStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * TCP streams: list, read, and writes that are validated, stored and made live in one step
 * ({@link ConfigPublisher}): a new stream's port is bound before the call returns, and a port that
 * cannot be bound (in use, privileged, an address the machine does not have) rejects the change with
 * nothing stored. Every method is non-blocking; JDBC runs on bounded-elastic threads.
 */
@Service
public class StreamService {

    private final StreamRepository streams;
    private final BackendRepository backends;
    private final ConfigPublisher publisher;
    private final ProxyEngine engine;
    private final Environment environment;

    public StreamService(StreamRepository streams, BackendRepository backends, ConfigPublisher publisher,
                         ProxyEngine engine, Environment environment) {
        this.streams = streams;
        this.backends = backends;
        this.publisher = publisher;
        this.engine = engine;
        this.environment = environment;
    }

    /** Every stream, ordered by port, with what the engine is doing with it. */
    public Flux<StreamView> list() {
        return Blocking.flux(() -> {
            Map<Long, String> backendNames = new HashMap<>();
            backends.findAll().forEach(backend -> backendNames.put(backend.id(), backend.name()));
            Map<String, StreamStatus> live = liveById();
            return streams.findAll().stream().map(stream -> view(stream, backendNames.get(stream.settings().backendId()),
                    live)).toList();
        });
    }

    /** @throws NotFoundException (as the Mono's error) when there is no such stream */
    public Mono<StreamView> get(long id) {
        return Blocking.mono(() -> view(require(id)));
    }

    /** The engine's view of every stream of the live configuration: listening or not, connections. */
    public Flux<StreamStatus> status() {
        return Flux.defer(() -> Flux.fromIterable(engine.streamStatus()));
    }

    public Mono<StreamView> create(StreamCommand command, String actor) {
        return publisher.publish(actor, () -> {
            StreamSettings settings = validate(command, null, true);
            TcpStream created = streams.insert(settings);
            return new Change<>(view(created), "created stream " + label(created));
        });
    }

    /** Replaces everything; {@code enabled} is kept when the command leaves it null. */
    public Mono<StreamView> update(long id, StreamCommand command, String actor) {
        return publisher.publish(actor, () -> {
            TcpStream before = require(id);
            StreamSettings settings = validate(command, id, before.settings().enabled());
            TcpStream updated = streams.update(id, settings).orElseThrow(() -> notFound(id));
            return new Change<>(view(updated), "updated stream " + label(updated));
        });
    }

    public Mono<StreamView> setEnabled(long id, boolean enabled, String actor) {
        return publisher.publish(actor, () -> {
            TcpStream updated = streams.setEnabled(id, enabled).orElseThrow(() -> notFound(id));
            return new Change<>(view(updated), (enabled ? "enabled stream " : "disabled stream ") + label(updated));
        });
    }

    public Mono<Void> delete(long id, String actor) {
        return publisher.<Void>publish(actor, () -> {
            TcpStream stream = require(id);
            streams.delete(id);
            return new Change<>(null, "deleted stream " + label(stream));
        });
    }

    /**
     * Field problems first (all of them at once), then clashes with stored state.
     *
     * @param ownId the stream being edited, whose own port is not a clash; null when creating
     * @param enabledByDefault what a command without {@code enabled} means
     */
    private StreamSettings validate(StreamCommand command, Long ownId, boolean enabledByDefault) {
        StreamValidator.Valid valid = StreamValidator.normalize(command, reservedPorts());
        Optional<Backend> backend = backends.findByName(valid.backend());
        if (backend.isEmpty()) {
            throw new ValidationException("backend", "no backend named '" + valid.backend() + "'");
        }
        Optional<TcpStream> owner = streams.findByListenPort(valid.listenPort());
        if (owner.isPresent() && (ownId == null || owner.get().id() != ownId)) {
            throw new ConflictException("listenPort", "listenPort " + valid.listenPort() + " is already used by stream "
                    + owner.get().id() + (owner.get().settings().enabled() ? "" : " (disabled)"));
        }
        boolean enabled = command.enabled() == null ? enabledByDefault : command.enabled();
        return new StreamSettings(valid.listenPort(), valid.bindHost(), backend.get().id(), enabled,
                valid.proxyProtocol(), valid.idleTimeoutMs(), valid.connectTimeoutMs());
    }

    /**
     * The ports the appliance listens on itself, which no stream may take: the dashboard's (once its
     * server is up, the one it really bound) and the proxy's HTTP and HTTPS ports.
     */
    Map<Integer, String> reservedPorts() {
        Map<Integer, String> reserved = new TreeMap<>();
        Integer admin = environment.getProperty("local.server.port", Integer.class,
                environment.getProperty("server.port", Integer.class));
        if (admin != null && admin > 0) {
            reserved.put(admin, "the dashboard's port");
        }
        reserved.put(engine.httpPort(), "the proxy's HTTP port");
        if (engine.httpsPort() > 0) {
            reserved.put(engine.httpsPort(), "the proxy's HTTPS port");
        }
        return reserved;
    }

    private TcpStream require(long id) {
        return streams.findById(id).orElseThrow(() -> notFound(id));
    }

    private StreamView view(TcpStream stream) {
        String backendName = backends.findById(stream.settings().backendId()).map(Backend::name)
                .orElseThrow(() -> new IllegalStateException("stream " + stream.id() + " refers to missing backend "
                        + stream.settings().backendId()));
        return view(stream, backendName, liveById());
    }

    private static StreamView view(TcpStream stream, String backendName, Map<String, StreamStatus> live) {
        StreamSettings settings = stream.settings();
        return new StreamView(stream.id(), settings.listenPort(), settings.bindHost(), backendName, settings.enabled(),
                settings.proxyProtocol(), settings.idleTimeoutMs(), settings.connectTimeoutMs(), stream.createdAt(),
                stream.updatedAt(), live.get(String.valueOf(stream.id())));
    }

    private Map<String, StreamStatus> liveById() {
        Map<String, StreamStatus> byId = new HashMap<>();
        List<StreamStatus> live = engine.streamStatus();
        live.forEach(status -> byId.put(status.id(), status));
        return byId;
    }

    /** How a stream is named to people: its port. */
    private static String label(TcpStream stream) {
        return "on port " + stream.settings().listenPort();
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException("there is no stream with id " + id);
    }
}

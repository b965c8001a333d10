package dev.gatehouse.admin.backend;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.gatehouse.admin.api.ApiController;
import dev.gatehouse.admin.backend.BackendCommand.HealthCheckCommand;
import dev.gatehouse.admin.backend.BackendCommand.LimitsCommand;
import dev.gatehouse.admin.backend.BackendCommand.PassiveHealthCommand;
import dev.gatehouse.admin.backend.BackendCommand.ServerCommand;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConnectionPoolDefinition;
import dev.gatehouse.storage.backend.BackendConnectionLimits;
import dev.gatehouse.storage.backend.BackendHealthCheck;
import dev.gatehouse.storage.backend.BackendServer;
import dev.gatehouse.storage.backend.BackendSettings;
import java.net.URI;
import java.security.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * {@code /api/v1/backends}: list, create, read, replace, delete, and drain or undrain one server.
 *
 * <p>Body of POST and PUT; only {@code name} and {@code servers} are required, every other field
 * has the default shown in brackets:
 * <pre>{@code
 * {"name": "app",
 *  "balancing": "least-connections",      [round-robin] or weighted-round-robin, power-of-two-choices,
 *                                          client-ip-hash, sticky-cookie
 *  "protocol": "http2",                   [http1] or http2 (also accepted as h2, h2c, grpc; answered as http2):
 *                                          what the servers speak. http2 for gRPC and HTTP/2-only servers: h2c
 *                                          to plain servers, TLS with ALPN h2 to https ones. WebSocket upgrades
 *                                          only reach http1 backends; health checks use the backend's protocol
 *  "connectTimeoutMs": 5000,              [the engine's: 5000] 100 ms to 5 min
 *  "responseTimeoutMs": 60000,            [the engine's: 60000] 1 s to 1 h
 *  "maxRetries": 2,                       [2] 0-10 other servers a failed request may be retried on
 *  "passiveHealth": {"maxFailures": 3,    [3] failures in a row that eject a server, 0-100, 0 = off
 *                    "ejectForSeconds": 30},  [30] 1-3600
 *  "healthCheck": {"path": "/health",     [no active check when null or absent; path "/"]
 *                  "intervalMs": 10000, "timeoutMs": 2000,          [10000, 2000] 1 s to 1 h; >= 100 ms and below the interval
 *                  "expectedStatusMin": 200, "expectedStatusMax": 399,  [200, 399] 100-599
 *                  "healthyThreshold": 1, "unhealthyThreshold": 3},     [1, 3] 1-10
 *  "idleTimeoutMs": 30000,                [the engine's: 30000] 1 s to 1 h; an idle pooled connection is closed
 *  "maxConnectionsPerServer": 0,          [0 = no limit] 0-100000 requests in flight per server
 *  "queueSize": 100,                      [100] 0-100000 requests waiting for a slot (over the limit: 503)
 *  "queueTimeoutMs": 10000,               [10000] 100 ms to 5 min a request may wait, then 503
 *  "servers": [{"address": "10.0.0.1:8080",  host:port, [ipv6]:port, or https://host:port (sets the scheme)
 *               "scheme": "https",        [http, or the address's] http or https
 *               "weight": 2,              [1] 1-1000
 *               "backup": false,          [false] used only while no primary server is eligible
 *               "drained": false,         [false] takes no new requests
 *               "verifyTls": true,        [true] https only: check the certificate (false still encrypts)
 *               "tlsServerName": "app.internal"}]}  [null = the host] https only: SNI and expected name
 * }</pre>
 * A server may also be given as the bare string {@code "127.0.0.1:18080"} (or
 * {@code "https://app.internal:8443"}); at most 64 per backend. PUT replaces the whole backend, so a
 * field left out of a PUT goes back to its default. Answers have the same shape with every default
 * filled in (and {@code "healthCheck": null} when there is none, {@code "tlsServerName": null} when
 * the host is used), plus {@code id}, {@code usedBySites}, {@code createdAt} and {@code updatedAt}.
 *
 * <p>{@code POST /api/v1/backends/{id}/servers/drain} and {@code .../undrain} with
 * {@code {"address":"10.0.0.1:8080"}} set one server's {@code drained} flag, live at once; 404 names
 * the address when the backend has no such server.
 */
@ApiController
@RequestMapping("/api/v1/backends")
public class BackendApiController {

    private final BackendService backends;

    public BackendApiController(BackendService backends) {
        this.backends = backends;
    }

    /** One upstream server in API bodies; null fields take their defaults. */
    public record ServerJson(String address, String scheme, Integer weight, Boolean backup, Boolean drained,
                             Boolean verifyTls, String tlsServerName) {

        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public ServerJson(@JsonProperty("address") String address, @JsonProperty("scheme") String scheme,
                          @JsonProperty("weight") Integer weight, @JsonProperty("backup") Boolean backup,
                          @JsonProperty("drained") Boolean drained, @JsonProperty("verifyTls") Boolean verifyTls,
                          @JsonProperty("tlsServerName") String tlsServerName) {
            this.address = address;
            this.scheme = scheme;
            this.weight = weight;
            this.backup = backup;
            this.drained = drained;
            this.verifyTls = verifyTls;
            this.tlsServerName = tlsServerName;
        }

        /** Lets scripts write {@code "servers":["127.0.0.1:8080"]} (or {@code "https://app.internal:8443"}). */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static ServerJson of(String address) {
            return new ServerJson(address, null, null, null, null, null, null);
        }

        static ServerJson of(BackendServer server) {
            return new ServerJson(server.address(), server.tls() ? ServerAddress.HTTPS : ServerAddress.HTTP,
                    server.weight(), server.backup(), server.drained(), server.verifyTls(), server.tlsServerName());
        }

        ServerCommand toCommand() {
            return new ServerCommand(address, weight, backup, drained, scheme, verifyTls, tlsServerName);
        }
    }

    /** Body of POST and PUT; PUT replaces the whole backend. */
    public record BackendRequest(String name, String balancing, String protocol, Long connectTimeoutMs,
                                 Long responseTimeoutMs, Integer maxRetries, PassiveHealthCommand passiveHealth,
                                 HealthCheckCommand healthCheck, Long idleTimeoutMs, Integer maxConnectionsPerServer,
                                 Integer queueSize, Long queueTimeoutMs, List<ServerJson> servers) {

        BackendCommand toCommand() {
            List<ServerCommand> commands = new ArrayList<>();
            if (servers != null) {
                servers.forEach(server -> commands.add(server == null ? null : server.toCommand()));
            }
            return new BackendCommand(name, commands, balancing, connectTimeoutMs, responseTimeoutMs, maxRetries,
                    passiveHealth, healthCheck,
                    new LimitsCommand(idleTimeoutMs, maxConnectionsPerServer, queueSize, queueTimeoutMs), protocol);
        }
    }

    /** Body of drain and undrain. */
    public record ServerAddressRequest(String address) {

        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public ServerAddressRequest(@JsonProperty("address") String address) {
            this.address = address;
        }
    }

    /** A backend with every default filled in; {@code healthCheck} is null when there is no active check. */
    public record BackendResponse(long id, String name, String balancing, String protocol, long connectTimeoutMs,
                                  long responseTimeoutMs, int maxRetries, PassiveHealthCommand passiveHealth,
                                  HealthCheckCommand healthCheck, long idleTimeoutMs, int maxConnectionsPerServer,
                                  int queueSize, long queueTimeoutMs, List<ServerJson> servers, List<String> usedBySites,
                                  Instant createdAt, Instant updatedAt) {

        static BackendResponse of(BackendView view) {
            BackendSettings settings = view.settings();
            BackendHealthCheck check = settings.healthCheck();
            BackendConnectionLimits limits = settings.limits();
            return new BackendResponse(view.id(), view.name(), settings.balancing(), settings.protocol(),
                    orDefault(settings.connectTimeoutMs(), BackendDefinition.DEFAULT_CONNECT_TIMEOUT.toMillis()),
                    orDefault(settings.responseTimeoutMs(), BackendDefinition.DEFAULT_RESPONSE_TIMEOUT.toMillis()),
                    settings.maxRetries(),
                    new PassiveHealthCommand(settings.passiveMaxFailures(), settings.passiveEjectSeconds()),
                    check == null ? null : new HealthCheckCommand(check.path(), check.intervalMs(), check.timeoutMs(),
                            check.expectedStatusMin(), check.expectedStatusMax(), check.healthyThreshold(),
                            check.unhealthyThreshold()),
                    orDefault(limits.idleTimeoutMs(), ConnectionPoolDefinition.DEFAULT_IDLE_TIMEOUT.toMillis()),
                    limits.maxConnectionsPerServer(), limits.queueSize(), limits.queueTimeoutMs(),
                    view.servers().stream().map(ServerJson::of).toList(), view.usedBySites(), view.createdAt(),
                    view.updatedAt());
        }

        private static long orDefault(Long value, long fallback) {
            return value == null ? fallback : value;
        }
    }

    @GetMapping
    public Flux<BackendResponse> list() {
        return backends.list().map(BackendResponse::of);
    }

    @GetMapping("/{id}")
    public Mono<BackendResponse> get(@PathVariable long id) {
        return backends.get(id).map(BackendResponse::of);
    }

    @PostMapping
    public Mono<ResponseEntity<BackendResponse>> create(@RequestBody BackendRequest request, Principal principal) {
        return backends.create(request.toCommand(), principal.getName())
                .map(view -> ResponseEntity.created(URI.create("/api/v1/backends/" + view.id()))
                        .body(BackendResponse.of(view)));
    }

    @PutMapping("/{id}")
    public Mono<BackendResponse> replace(@PathVariable long id, @RequestBody BackendRequest request,
                                         Principal principal) {
        return backends.update(id, request.toCommand(), principal.getName()).map(BackendResponse::of);
    }

    @PostMapping("/{id}/servers/drain")
    public Mono<BackendResponse> drain(@PathVariable long id, @RequestBody ServerAddressRequest request,
                                       Principal principal) {
        return backends.setDrained(id, request.address(), true, principal.getName()).map(BackendResponse::of);
    }

    @PostMapping("/{id}/servers/undrain")
    public Mono<BackendResponse> undrain(@PathVariable long id, @RequestBody ServerAddressRequest request,
                                         Principal principal) {
        return backends.setDrained(id, request.address(), false, principal.getName()).map(BackendResponse::of);
    }

    @DeleteMapping("/{id}")
    public Mono<ResponseEntity<Void>> delete(@PathVariable long id, Principal principal) {
        return backends.delete(id, principal.getName()).thenReturn(ResponseEntity.noContent().build());
    }
}

package dev.gatehouse.admin.backend;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.gatehouse.admin.api.ApiController;
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
 * {@code /api/v1/backends}: list, create, read, replace, delete. Bodies:
 * {@code {"name":"app","servers":[{"address":"127.0.0.1:18080"}]}} (a server may also be given as the
 * bare string {@code "127.0.0.1:18080"}).
 */
@ApiController
@RequestMapping("/api/v1/backends")
public class BackendApiController {

    private final BackendService backends;

    public BackendApiController(BackendService backends) {
        this.backends = backends;
    }

    /** One upstream server in API bodies. */
    public record ServerJson(String address) {

        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public ServerJson(@JsonProperty("address") String address) {
            this.address = address;
        }

        /** Lets scripts write {@code "servers":["127.0.0.1:8080"]}. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static ServerJson of(String address) {
            return new ServerJson(address);
        }
    }

    /** Body of POST and PUT; PUT replaces the whole backend. */
    public record BackendRequest(String name, List<ServerJson> servers) {

        BackendCommand toCommand() {
            List<String> addresses = new ArrayList<>();
            if (servers != null) {
                servers.forEach(server -> addresses.add(server == null ? null : server.address()));
            }
            return new BackendCommand(name, addresses);
        }
    }

    public record BackendResponse(long id, String name, List<ServerJson> servers, List<String> usedBySites,
                                  Instant createdAt, Instant updatedAt) {

        static BackendResponse of(BackendView view) {
            return new BackendResponse(view.id(), view.name(), view.servers().stream().map(ServerJson::new).toList(),
                    view.usedBySites(), view.createdAt(), view.updatedAt());
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

    @DeleteMapping("/{id}")
    public Mono<ResponseEntity<Void>> delete(@PathVariable long id, Principal principal) {
        return backends.delete(id, principal.getName()).thenReturn(ResponseEntity.noContent().build());
    }
}

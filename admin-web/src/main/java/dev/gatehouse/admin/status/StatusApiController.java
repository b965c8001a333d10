package dev.gatehouse.admin.status;

import dev.gatehouse.admin.api.ApiController;
import java.time.Instant;
import org.springframework.web.bind.annotation.GetMapping;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/v1/status}: the live revision, whether the engine runs, its ports and the counts.
 * {@code httpsPort} is -1 when the engine has no HTTPS listener.
 */
@ApiController
public class StatusApiController {

    private final StatusService status;

    public StatusApiController(StatusService status) {
        this.status = status;
    }

    public record StatusResponse(long revision, boolean engineRunning, int httpPort, long sites, long enabledSites,
                                 long backends, Instant revisionCreatedAt, int httpsPort) {

        static StatusResponse of(StatusView view) {
            return new StatusResponse(view.revision(), view.engineRunning(), view.httpPort(), view.siteCount(),
                    view.enabledSiteCount(), view.backendCount(), view.revisionCreatedAt(), view.httpsPort());
        }
    }

    @GetMapping("/api/v1/status")
    public Mono<StatusResponse> status() {
        return status.status().map(StatusResponse::of);
    }
}

package dev.gatehouse.admin.backendstatus;

import dev.gatehouse.admin.api.ApiController;
import org.springframework.web.bind.annotation.GetMapping;

import java.util.List;

/**
 * {@code GET /api/v1/backends/status}: every backend's servers as the engine sees them now — state
 * (up, down, ejected, draining, drained), last health check, requests in flight and per second.
 */
@ApiController
public class BackendStatusApiController {

    private final BackendStatusService status;

    public BackendStatusApiController(BackendStatusService status) {
        this.status = status;
    }

    @GetMapping("/api/v1/backends/status")
    public List<BackendStatusService.BackendServersView> status() {
        return status.current();
    }
}

package dev.gatehouse.admin.audit;

import dev.gatehouse.admin.api.ApiController;
import dev.gatehouse.storage.audit.AuditEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/v1/audit}, for administrators and operators: the audit log, newest first, filtered by
 * {@code actor}, {@code objectType}, {@code from} and {@code to}, a page at a time ({@code page} from 1,
 * {@code size} up to 500, default 50); see {@link AuditQuery}. A bad parameter is a 400 naming it.
 */
@ApiController
@RequestMapping("/api/v1/audit")
public class AuditApiController {

    private final AuditService audit;

    public AuditApiController(AuditService audit) {
        this.audit = audit;
    }

    /**
     * One entry.
     *
     * @param clientIp the client's address; null for the appliance's own work
     * @param objectId null for singletons such as the settings
     * @param revision the configuration revision of a configuration change; null otherwise
     */
    public record EntryResponse(long id, Instant time, String actor, String clientIp, String action, String objectType,
                                String objectId, String summary, Long revision) {

        static EntryResponse of(AuditEvent event) {
            return new EntryResponse(event.id(), event.occurredAt(), event.actor(), event.clientIp(), event.action(),
                    event.objectType(), event.objectId(), event.summary(), event.configRevision());
        }
    }

    /** @param total entries matching the filter, on all pages */
    public record PageResponse(List<EntryResponse> entries, int page, int size, long total) {
    }

    @GetMapping
    public Mono<PageResponse> list(@RequestParam Map<String, String> parameters) {
        return audit.find(AuditQuery.of(parameters)).map(page -> new PageResponse(
                page.entries().stream().map(EntryResponse::of).toList(), page.page(), page.size(), page.total()));
    }
}

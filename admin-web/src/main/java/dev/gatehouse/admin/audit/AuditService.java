package dev.gatehouse.admin.audit;

import dev.gatehouse.admin.common.Blocking;
import dev.gatehouse.storage.audit.AuditEvent;
import dev.gatehouse.storage.audit.AuditEventRepository;
import java.util.List;
import java.util.Objects;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** Reads the audit log, a page at a time, newest first. JDBC runs on bounded-elastic threads. */
@Service
public class AuditService {

    private final AuditEventRepository events;

    public AuditService(AuditEventRepository events) {
        this.events = Objects.requireNonNull(events, "events");
    }

    /**
     * One page of entries.
     *
     * @param entries newest first
     * @param page the page number, from 1
     * @param total entries matching the filter, on all pages
     */
    public record AuditPage(List<AuditEvent> entries, int page, int size, long total) {

        public long pages() {
            return Math.max(1, (total + size - 1) / size);
        }

        public boolean hasPrevious() {
            return page > 1;
        }

        public boolean hasNext() {
            return (long) page * size < total;
        }
    }

    /** @throws dev.gatehouse.admin.common.ValidationException (as the Mono's error) naming a bad parameter */
    public Mono<AuditPage> find(AuditQuery query) {
        return Mono.fromCallable(query::validate).flatMap(valid -> Blocking.mono(() -> new AuditPage(
                events.find(valid.filter(), valid.offset(), valid.size()), valid.page(), valid.size(),
                events.count(valid.filter()))));
    }

    /** Everyone who appears in the log, for the page's actor filter. */
    public Mono<List<String>> actors() {
        return Blocking.mono(events::actors);
    }
}

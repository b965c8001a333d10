package dev.gatehouse.admin.status;

import dev.gatehouse.admin.common.Blocking;
import dev.gatehouse.engine.EngineStatus;
import dev.gatehouse.engine.ProxyEngine;
import dev.gatehouse.storage.backend.BackendRepository;
import dev.gatehouse.storage.revision.ConfigRevision;
import dev.gatehouse.storage.revision.ConfigRevisionRepository;
import dev.gatehouse.storage.site.SiteRepository;
import java.time.Instant;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** Reads the live state of the engine and the counts from the database. */
@Service
public class StatusService {

    private final ProxyEngine engine;
    private final SiteRepository sites;
    private final BackendRepository backends;
    private final ConfigRevisionRepository revisions;

    public StatusService(ProxyEngine engine, SiteRepository sites, BackendRepository backends,
                         ConfigRevisionRepository revisions) {
        this.engine = engine;
        this.sites = sites;
        this.backends = backends;
        this.revisions = revisions;
    }

    public Mono<StatusView> status() {
        return Blocking.mono(() -> {
            EngineStatus live = engine.status();
            Instant createdAt = revisions.findByNumber(live.liveRevision()).map(ConfigRevision::createdAt)
                    .orElse(null);
            return new StatusView(live.liveRevision(), live.running(), live.httpPort(), sites.count(),
                    sites.countEnabled(), backends.count(), createdAt, live.httpsPort());
        });
    }
}

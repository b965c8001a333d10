package dev.gatehouse.admin.config;

import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.storage.backend.Backend;
import dev.gatehouse.storage.backend.BackendRepository;
import dev.gatehouse.storage.site.Site;
import dev.gatehouse.storage.site.SiteRepository;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Builds the complete engine configuration from what is stored. Blocking (JDBC): call it on a
 * bounded-elastic thread, inside the write's transaction so it sees the uncommitted change.
 *
 * <p>Each site becomes one route {@code "/"} to its backend; later issues add paths, certificates
 * and policies here. Output order is the repositories' (backends by name, sites by id), so the same
 * stored state always gives an equal snapshot.
 */
@Component
public class SnapshotBuilder {

    /** The one route a dashboard site has for now: every path. */
    static final String ROOT_PATH = "/";

    private final BackendRepository backends;
    private final SiteRepository sites;

    public SnapshotBuilder(BackendRepository backends, SiteRepository sites) {
        this.backends = backends;
        this.sites = sites;
    }

    public ConfigSnapshot build(long revision) {
        Map<Long, String> backendNames = new HashMap<>();
        List<BackendDefinition> backendDefinitions = new ArrayList<>();
        for (Backend backend : backends.findAll()) {
            backendNames.put(backend.id(), backend.name());
            backendDefinitions.add(toDefinition(backend));
        }
        List<SiteDefinition> siteDefinitions = sites.findAll().stream()
                .map(site -> toDefinition(site, backendNames))
                .toList();
        return new ConfigSnapshot(revision, backendDefinitions, siteDefinitions);
    }

    private static BackendDefinition toDefinition(Backend backend) {
        List<ServerDefinition> servers = backend.servers().stream().map(ServerDefinition::parse).toList();
        return new BackendDefinition(backend.name(), servers);
    }

    private static SiteDefinition toDefinition(Site site, Map<Long, String> backendNames) {
        String backendName = backendNames.get(site.backendId());
        if (backendName == null) {
            // The foreign key makes this impossible; fail loudly rather than route somewhere else.
            throw new IllegalStateException("site " + site.id() + " refers to missing backend " + site.backendId());
        }
        return new SiteDefinition(String.valueOf(site.id()), site.hostnames(), site.enabled(),
                List.of(new RouteDefinition(ROOT_PATH, backendName)));
    }
}

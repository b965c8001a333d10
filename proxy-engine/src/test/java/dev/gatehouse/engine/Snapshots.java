package dev.gatehouse.engine;

import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.SiteDefinition;

import java.util.List;

/** Small builders for snapshots in tests. */
final class Snapshots {

    private Snapshots() {
    }

    static BackendDefinition backend(String name, TestOrigin... origins) {
        return new BackendDefinition(name, java.util.Arrays.stream(origins).map(TestOrigin::server).toList());
    }

    static BackendDefinition backend(String name, ServerDefinition... servers) {
        return new BackendDefinition(name, List.of(servers));
    }

    static SiteDefinition site(String id, String hostname, String backend) {
        return new SiteDefinition(id, List.of(hostname), true, List.of(new RouteDefinition("/", backend)));
    }

    static ConfigSnapshot snapshot(long revision, List<BackendDefinition> backends, List<SiteDefinition> sites) {
        return new ConfigSnapshot(revision, backends, sites);
    }
}

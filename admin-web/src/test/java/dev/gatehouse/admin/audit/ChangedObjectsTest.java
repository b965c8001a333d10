package dev.gatehouse.admin.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.audit.SnapshotDiff.ObjectChange;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.CertificateDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Only what differs between two configurations goes on to be compared field by field; keys never do. */
class ChangedObjectsTest {

    private static final String CHAIN = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    private static final List<BackendDefinition> BACKENDS = List.of(
            new BackendDefinition("app", List.of(ServerDefinition.parse("10.0.0.1:80"))),
            new BackendDefinition("other", List.of(ServerDefinition.parse("10.0.0.2:80"))));

    private static List<SiteDefinition> sites(int count) {
        List<SiteDefinition> sites = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            sites.add(site(i, "app"));
        }
        return sites;
    }

    private static SiteDefinition site(int id, String backend) {
        return new SiteDefinition(Integer.toString(id), List.of("s" + id + ".example.test"), true,
                List.of(new RouteDefinition("/", backend)));
    }

    @Test
    void oneChangedSiteOfManyIsAllThatIsCompared() {
        List<SiteDefinition> changed = new ArrayList<>(sites(1000));
        changed.set(499, site(500, "other"));
        ConfigSnapshot before = new ConfigSnapshot(7, BACKENDS, sites(1000));
        ConfigSnapshot after = new ConfigSnapshot(8, BACKENDS, changed);

        ChangedObjects.Json json = ChangedObjects.between(before, after);

        assertThat(json.before()).contains("s500.example.test").doesNotContain("s499.example.test", "\"name\":\"app\"");
        assertThat(json.after()).contains("s500.example.test").doesNotContain("s501.example.test");
        assertThat(SnapshotDiff.between(json.before(), json.after())).containsExactly(
                new ObjectChange("update", "site", "500", "site 500 s500.example.test: routes[0].backend app → other"));
    }

    @Test
    void addedAndRemovedObjectsAreKeptOnTheirSide() {
        ConfigSnapshot before = new ConfigSnapshot(7, BACKENDS, List.of(site(1, "app"), site(2, "app")));
        ConfigSnapshot after = new ConfigSnapshot(8, BACKENDS.subList(0, 1), List.of(site(2, "app"), site(3, "app")));

        ChangedObjects.Json json = ChangedObjects.between(before, after);

        assertThat(SnapshotDiff.between(json.before(), json.after()))
                .extracting(ObjectChange::action, ObjectChange::objectType, ObjectChange::objectId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("create", "site", "3"),
                        org.assertj.core.groups.Tuple.tuple("delete", "site", "1"),
                        org.assertj.core.groups.Tuple.tuple("delete", "backend", "other"));
    }

    @Test
    void aNewPrivateKeyAloneLeavesNothingToShow() {
        ConfigSnapshot before = new ConfigSnapshot(7, BACKENDS, List.of(),
                List.of(new CertificateDefinition("shop", CHAIN, "-----BEGIN PRIVATE KEY-----\nOLDKEY\n-----END PRIVATE KEY-----\n")));
        ConfigSnapshot after = new ConfigSnapshot(8, BACKENDS, List.of(),
                List.of(new CertificateDefinition("shop", CHAIN, "-----BEGIN PRIVATE KEY-----\nNEWKEY\n-----END PRIVATE KEY-----\n")));

        ChangedObjects.Json json = ChangedObjects.between(before, after);

        assertThat(json.before() + json.after()).contains("shop").doesNotContain("PRIVATE KEY", "OLDKEY", "NEWKEY");
        assertThat(SnapshotDiff.between(json.before(), json.after())).isEmpty();
    }
}

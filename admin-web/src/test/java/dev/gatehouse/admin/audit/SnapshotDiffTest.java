package dev.gatehouse.admin.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.admin.audit.SnapshotDiff.ObjectChange;
import dev.gatehouse.admin.config.SnapshotJson;
import dev.gatehouse.engine.config.AccessListDefinition;
import dev.gatehouse.engine.config.AccessListDefinition.BasicAuthUser;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.CertificateDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The audit log's field-level summary of a revision: what it says for each kind of change, and what it never says. */
class SnapshotDiffTest {

    static Stream<Arguments> changes() {
        String site = "{\"id\":\"12\",\"hostnames\":[\"app.example.com\"],\"enabled\":true,\"forceHttps\":false,"
                + "\"routes\":[{\"pathPrefix\":\"/\",\"backend\":\"app\"}]}";
        return Stream.of(
                Arguments.of("a changed site: list and flag, before and after",
                        "{\"revision\":1,\"sites\":[" + site + "]}",
                        "{\"revision\":2,\"sites\":[" + site.replace("[\"app.example.com\"]", "[\"app.example.com\",\"www.example.com\"]")
                                .replace("\"forceHttps\":false", "\"forceHttps\":true") + "]}",
                        List.of(new ObjectChange("update", "site", "12", "site 12 app.example.com: hostnames [app.example.com] "
                                + "→ [app.example.com, www.example.com]; forceHttps false → true"))),
                Arguments.of("a nested value",
                        "{\"sites\":[" + site + "]}",
                        "{\"sites\":[" + site.replace("\"backend\":\"app\"", "\"backend\":\"app2\"") + "]}",
                        List.of(new ObjectChange("update", "site", "12", "site 12 app.example.com: routes[0].backend app → app2"))),
                Arguments.of("a created site lists what it has, not what it lacks",
                        "{\"sites\":[]}",
                        "{\"sites\":[{\"id\":\"3\",\"hostnames\":[\"new.example.com\"],\"enabled\":true,\"certificate\":null,"
                                + "\"routes\":[]}]}",
                        List.of(new ObjectChange("create", "site", "3",
                                "created site 3 new.example.com: hostnames [new.example.com]; enabled true"))),
                Arguments.of("a deleted backend says what it was",
                        "{\"backends\":[{\"name\":\"app\",\"servers\":[{\"host\":\"10.0.0.1\",\"port\":80}]}]}",
                        "{\"backends\":[]}",
                        List.of(new ObjectChange("delete", "backend", "app",
                                "deleted backend app: servers[10.0.0.1:80].host 10.0.0.1; servers[10.0.0.1:80].port 80"))),
                Arguments.of("a server added or removed whole is named once, by host:port",
                        "{\"backends\":[{\"name\":\"app\",\"servers\":[{\"host\":\"10.0.0.1\",\"port\":80,\"weight\":1}]}]}",
                        "{\"backends\":[{\"name\":\"app\",\"servers\":[{\"host\":\"10.0.0.2\",\"port\":80,\"weight\":1},"
                                + "{\"host\":\"10.0.0.1\",\"port\":80,\"weight\":5}]}]}",
                        List.of(new ObjectChange("update", "backend", "app",
                                "backend app: servers[10.0.0.2:80] added; servers[10.0.0.1:80].weight 1 → 5"))),
                Arguments.of("settings are one object each",
                        "{\"defaultSite\":{\"action\":\"NOT_FOUND\",\"redirect\":null}}",
                        "{\"defaultSite\":{\"action\":\"CLOSE\",\"redirect\":null}}",
                        List.of(new ObjectChange("update", "default-site", null, "default site: action NOT_FOUND → CLOSE"))),
                Arguments.of("a field the snapshot gains later is an object of its own",
                        "{\"revision\":1}",
                        "{\"revision\":2,\"caches\":{\"size\":10}}",
                        List.of(new ObjectChange("update", "caches", null, "caches: size (none) → 10"))),
                Arguments.of("only the revision number changed: nothing to say",
                        "{\"revision\":1,\"sites\":[" + site + "]}",
                        "{\"revision\":2,\"sites\":[" + site + "]}",
                        List.of()),
                Arguments.of("the first revision creates everything",
                        null,
                        "{\"revision\":1,\"backends\":[{\"name\":\"app\",\"servers\":[]}],\"sites\":[]}",
                        List.of(new ObjectChange("create", "backend", "app", "created backend app"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void describesTheChange(String name, String before, String after, List<ObjectChange> expected) {
        assertThat(SnapshotDiff.between(before, after)).containsExactlyElementsOf(expected);
    }

    static Stream<Arguments> secrets() {
        return Stream.of(
                Arguments.of("a user's password hash changed",
                        "{\"accessLists\":[{\"name\":\"staff\",\"users\":[{\"username\":\"alice\",\"passwordHash\":\"$2a$10$aaaaaaaaaaaaaaaaaaaaaa\"}]}]}",
                        "{\"accessLists\":[{\"name\":\"staff\",\"users\":[{\"username\":\"alice\",\"passwordHash\":\"$2a$10$bbbbbbbbbbbbbbbbbbbbbb\"}]}]}",
                        "access list staff: users[alice].passwordHash (changed)"),
                Arguments.of("a user added with a password",
                        "{\"accessLists\":[{\"name\":\"staff\",\"users\":[]}]}",
                        "{\"accessLists\":[{\"name\":\"staff\",\"users\":[{\"username\":\"bob\",\"passwordHash\":\"$2a$10$bbbbbbbbbbbbbbbbbbbbbb\"}]}]}",
                        "access list staff: users[bob] added"),
                Arguments.of("a created access list",
                        "{\"accessLists\":[]}",
                        "{\"accessLists\":[{\"name\":\"staff\",\"users\":[{\"username\":\"bob\",\"passwordHash\":\"$2a$10$bbbbbbbbbbbbbbbbbbbbbb\"}]}]}",
                        "created access list staff: users[bob].username bob; users[bob].passwordHash (set)"),
                Arguments.of("a certificate's chain",
                        "{\"certificates\":[{\"name\":\"shop\",\"certificateChainPem\":\"-----BEGIN CERTIFICATE-----\\nAAAA\"}]}",
                        "{\"certificates\":[{\"name\":\"shop\",\"certificateChainPem\":\"-----BEGIN CERTIFICATE-----\\nBBBB\"}]}",
                        "certificate shop: certificateChainPem (changed)"),
                Arguments.of("a credential header's value",
                        "{\"sites\":[{\"id\":\"1\",\"headers\":{\"request\":[]}}]}",
                        "{\"sites\":[{\"id\":\"1\",\"headers\":{\"request\":[{\"action\":\"SET\",\"name\":\"X-Api-Key\",\"value\":\"s3cr3t-value\"}]}}]}",
                        "site 1: headers.request[X-Api-Key] added"),
                Arguments.of("a credential header's value changed",
                        "{\"sites\":[{\"id\":\"1\",\"headers\":{\"request\":[{\"action\":\"SET\",\"name\":\"Authorization\",\"value\":\"Bearer one-secret\"}]}}]}",
                        "{\"sites\":[{\"id\":\"1\",\"headers\":{\"request\":[{\"action\":\"SET\",\"name\":\"Authorization\",\"value\":\"Bearer two-secret\"}]}}]}",
                        "site 1: headers.request[Authorization].value (changed)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secrets")
    void neverShowsASecret(String name, String before, String after, String expected) {
        List<ObjectChange> changes = SnapshotDiff.between(before, after);

        assertThat(changes).extracting(ObjectChange::summary).containsExactly(expected);
        assertThat(changes.get(0).summary()).doesNotContain("$2a$", "BEGIN", "AAAA", "BBBB", "secret", "s3cr3t");
    }

    @Test
    void anOrdinaryHeaderValueIsShown() {
        List<ObjectChange> changes = SnapshotDiff.between(
                "{\"sites\":[{\"id\":\"1\",\"headers\":{\"response\":[{\"action\":\"SET\",\"name\":\"X-Frame-Options\",\"value\":\"DENY\"}]}}]}",
                "{\"sites\":[{\"id\":\"1\",\"headers\":{\"response\":[{\"action\":\"SET\",\"name\":\"X-Frame-Options\",\"value\":\"SAMEORIGIN\"}]}}]}");

        assertThat(changes).extracting(ObjectChange::summary)
                .containsExactly("site 1: headers.response[X-Frame-Options].value DENY → SAMEORIGIN");
    }

    @Test
    void longValuesAreCut() {
        String longName = "x".repeat(300);
        List<ObjectChange> changes = SnapshotDiff.between("{\"sites\":[{\"id\":\"1\",\"note\":\"a\"}]}",
                "{\"sites\":[{\"id\":\"1\",\"note\":\"" + longName + "\"}]}");

        assertThat(changes.get(0).summary()).endsWith("…").hasSizeLessThan(SnapshotDiff.MAX_VALUE_LENGTH + 40);
    }

    /** Through the real stored form: a certificate's private key and an access list's hashes never show. */
    @Test
    void realSnapshotsKeepKeysAndHashesOut() {
        String hash = "$2a$10$" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQ";
        ConfigSnapshot before = new ConfigSnapshot(4, List.of(new BackendDefinition("app", List.of(ServerDefinition.parse("10.0.0.1:80")))),
                List.of(new SiteDefinition("7", List.of("shop.example.test"), true, List.of(new RouteDefinition("/", "app")))));
        ConfigSnapshot after = new ConfigSnapshot(5, before.backends(),
                List.of(new SiteDefinition("7", List.of("shop.example.test"), true, List.of(new RouteDefinition("/", "app")),
                        "shop", true, null)),
                List.of(new CertificateDefinition("shop", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
                        "-----BEGIN PRIVATE KEY-----\nSECRETKEY\n-----END PRIVATE KEY-----\n")))
                .withAccessLists(List.of(new AccessListDefinition("staff", List.of(), List.of(new BasicAuthUser("alice", hash)),
                        false, null)));

        List<ObjectChange> changes = SnapshotDiff.between(SnapshotJson.write(before), SnapshotJson.write(after));

        assertThat(changes).extracting(ObjectChange::action, ObjectChange::objectType, ObjectChange::objectId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("update", "site", "7"),
                        org.assertj.core.groups.Tuple.tuple("create", "certificate", "shop"),
                        org.assertj.core.groups.Tuple.tuple("create", "access-list", "staff"));
        assertThat(changes.get(0).summary()).contains("certificate none → shop", "forceHttps false → true");
        assertThat(String.join("\n", changes.stream().map(ObjectChange::summary).toList()))
                .doesNotContain("PRIVATE KEY", "SECRETKEY", "MIIB", "$2a$", hash);
    }

    @Test
    void notJsonIsRefused() {
        assertThatThrownBy(() -> SnapshotDiff.between("{", "{}")).isInstanceOf(IllegalArgumentException.class);
    }
}

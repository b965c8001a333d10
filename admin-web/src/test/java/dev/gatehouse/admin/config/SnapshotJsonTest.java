package dev.gatehouse.admin.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.engine.ConfigError;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.CertificateDefinition;
import dev.gatehouse.engine.config.HstsPolicy;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotJsonTest {

    private static final ConfigSnapshot SNAPSHOT = new ConfigSnapshot(7,
            List.of(new BackendDefinition("app", List.of(ServerDefinition.parse("127.0.0.1:8080"),
                            ServerDefinition.parse("[::1]:9000")), Duration.ofMillis(1500), Duration.ofMinutes(2)),
                    new BackendDefinition("other", List.of(ServerDefinition.parse("other.internal:80")))),
            List.of(new SiteDefinition("3", List.of("app.example.test", "*.apps.example.test"), true,
                            List.of(new RouteDefinition("/", "app"))),
                    new SiteDefinition("4", List.of("off.example.test"), false,
                            List.of(new RouteDefinition("/", "other")))));

    @Test
    void aSnapshotSurvivesTheRoundTripExactly() {
        String json = SnapshotJson.write(SNAPSHOT);
        ConfigSnapshot read = SnapshotJson.read(7, json);
        assertThat(read).isEqualTo(SNAPSHOT);
        assertThat(read.backends().get(0).connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(read.backends().get(0).responseTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(read.backends().get(1).connectTimeout()).isEqualTo(BackendDefinition.DEFAULT_CONNECT_TIMEOUT);
    }

    @Test
    void privateKeysAreNeverWrittenAndReadBackAsMissing() {
        String key = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n";
        String chain = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";
        ConfigSnapshot withCertificate = new ConfigSnapshot(8, SNAPSHOT.backends(),
                List.of(new SiteDefinition("3", List.of("app.example.test"), true, List.of(new RouteDefinition("/", "app")),
                        "shop", true, new HstsPolicy(600, true, false))),
                List.of(new CertificateDefinition("shop", chain, key)));

        String json = SnapshotJson.write(withCertificate);

        assertThat(json).doesNotContain("PRIVATE KEY").doesNotContain("privateKey").doesNotContain("MIGHAgEA")
                .contains("\"name\":\"shop\"", "BEGIN CERTIFICATE", "\"certificate\":\"shop\"",
                        "\"forceHttps\":true", "\"maxAgeSeconds\":600");
        ConfigSnapshot read = SnapshotJson.read(8, json);
        assertThat(read.certificates()).singleElement().satisfies(certificate -> {
            assertThat(certificate.name()).isEqualTo("shop");
            assertThat(certificate.certificateChainPem()).isEqualTo(chain);
            assertThat(certificate.privateKeyPem()).isNull();
        });
        assertThat(read.sites()).isEqualTo(withCertificate.sites());
    }

    @Test
    void theStoredFormIsReadableJson() {
        String json = SnapshotJson.write(SNAPSHOT);
        assertThat(json).contains("\"revision\":7", "\"connectTimeout\":\"PT1.5S\"", "\"responseTimeout\":\"PT2M\"",
                "\"host\":\"::1\"", "\"hostnames\":[\"app.example.test\",\"*.apps.example.test\"]",
                "\"pathPrefix\":\"/\"");
    }

    @Test
    void unreadableRevisionsAreNamed() {
        assertThatThrownBy(() -> SnapshotJson.read(12, "{\"revision\":12,\"backends\":[{\"nam\":1}]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("stored revision 12 is not a readable snapshot: ");
        assertThatThrownBy(() -> SnapshotJson.read(13, "not json"))
                .hasMessageStartingWith("stored revision 13 is not a readable snapshot: ");
    }

    @Test
    void engineErrorsBecomeFormFieldProblems() {
        assertThat(ConfigPublisher.toProblems(List.of(
                new ConfigError("site 3", "routes[0].backend", "no backend named 'x'"),
                new ConfigError("site 3", "hostnames[1]", "'a b' is not a hostname"),
                new ConfigError("", "backends", "duplicate backend"))))
                .containsExactly(
                        new FieldProblem("backend", "site 3: no backend named 'x'"),
                        new FieldProblem("hostnames[1]", "site 3: 'a b' is not a hostname"),
                        new FieldProblem("backends", "duplicate backend"));
    }
}

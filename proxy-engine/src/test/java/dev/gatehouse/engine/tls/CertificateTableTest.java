package dev.gatehouse.engine.tls;

import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.CertificateDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.engine.routing.RoutingTable;
import dev.gatehouse.engine.routing.RoutingTableCompiler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which certificate a TLS server name selects, by the routing table's own host rules. */
class CertificateTableTest {

    private static final BackendDefinition BACKEND = new BackendDefinition("app", List.of(new ServerDefinition("127.0.0.1", 9000)));
    private static final List<CertificateDefinition> CERTIFICATES = List.of(
            TestCertificates.selfSigned("exact.test").definition("exact"),
            TestCertificates.selfSigned("*.wild.test").definition("wild"),
            TestCertificates.selfSigned("off.test").definition("off"),
            TestCertificates.selfSigned("beats.wild.test").definition("beats"));

    private static SslContext defaultContext;
    private static CertificateTable table;

    private static SiteDefinition site(String id, String hostname, boolean enabled, String certificate) {
        return new SiteDefinition(id, List.of(hostname), enabled, List.of(new RouteDefinition("/", "app")), certificate, false, null);
    }

    @BeforeAll
    static void compile() {
        ConfigSnapshot snapshot = new ConfigSnapshot(1, List.of(BACKEND), List.of(
                site("1", "exact.test", true, "exact"),
                site("2", "*.wild.test", true, "wild"),
                site("3", "off.test", false, "off"),
                site("4", "nocert.test", true, null),
                site("5", "beats.wild.test", true, "beats"),
                site("6", "plain.wild.test", true, null)), CERTIFICATES);
        RoutingTable<String> routes = RoutingTableCompiler.compile(snapshot, BackendDefinition::name).table();
        defaultContext = TlsContexts.build(TestCertificates.selfSigned("default.invalid").definition("default"), SslProvider.JDK);
        table = CertificateTable.initial(defaultContext, SslProvider.JDK).next(snapshot.certificates(), routes);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "NONE", value = {
            "exact.test, exact",
            "EXACT.test, exact",
            "exact.test., exact",
            "a.wild.test, wild",
            "b.wild.test, wild",
            "beats.wild.test, beats",
            "plain.wild.test, default",   // an exact site without certificate beats the wildcard one
            "wild.test, default",         // the wildcard needs one more label
            "a.b.wild.test, default",     // ... exactly one
            "off.test, default",          // disabled site
            "nocert.test, default",       // site without certificate
            "unknown.test, default",
            "NONE, default",              // no SNI
            "'bad name!', default",
    })
    void selectsTheCertificateOfTheSiteOwningTheName(String serverName, String expected) {
        SslContext selected = table.select(serverName);
        assertThat(selected).isSameAs(expected.equals("default") ? defaultContext : table.context(expected));
        assertThat(selected).isNotNull();
    }

    @Test
    void unchangedDefinitionsKeepTheirContext() {
        ConfigSnapshot next = new ConfigSnapshot(2, List.of(BACKEND), List.of(site("1", "exact.test", true, "exact")),
                List.of(CERTIFICATES.get(0), TestCertificates.selfSigned("*.wild.test").definition("wild")));
        CertificateTable nextTable = table.next(next.certificates(),
                RoutingTableCompiler.compile(next, BackendDefinition::name).table());
        assertThat(nextTable.context("exact")).isSameAs(table.context("exact"));
        assertThat(nextTable.context("wild")).isNotNull().isNotSameAs(table.context("wild"));
        assertThat(nextTable.context("off")).isNull();
        assertThat(nextTable.names()).containsExactlyInAnyOrder("exact", "wild");
        assertThat(nextTable.select("a.wild.test")).as("site 2 is gone").isSameAs(defaultContext);
    }

    @Test
    void aDisabledTableBuildsAndSelectsNothing() {
        CertificateTable disabled = CertificateTable.disabled().next(CERTIFICATES, RoutingTable.empty());
        assertThat(disabled.enabled()).isFalse();
        assertThat(disabled.select("exact.test")).isNull();
        assertThat(disabled.names()).isEmpty();
        assertThat(disabled.check(CERTIFICATES)).isEqualTo(Map.of());
    }
}

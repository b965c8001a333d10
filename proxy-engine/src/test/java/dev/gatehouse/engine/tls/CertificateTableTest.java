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
        table = CertificateTable.initial(TestCertificates.selfSigned("default.invalid").definition("default"), SslProvider.JDK)
                .next(snapshot.certificates(), snapshot.sites(), routes);
        defaultContext = table.defaultContext();
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
        CertificateTable nextTable = table.next(next.certificates(), next.sites(),
                RoutingTableCompiler.compile(next, BackendDefinition::name).table());
        assertThat(nextTable.context("exact")).isSameAs(table.context("exact"));
        assertThat(nextTable.context("wild")).isNotNull().isNotSameAs(table.context("wild"));
        assertThat(nextTable.context("off")).isNull();
        assertThat(nextTable.names()).containsExactlyInAnyOrder("exact", "wild");
        assertThat(nextTable.select("a.wild.test")).as("site 2 is gone").isSameAs(defaultContext);
    }

    @Test
    void aDisabledTableBuildsAndSelectsNothing() {
        CertificateTable disabled = CertificateTable.disabled().next(CERTIFICATES, List.of(), RoutingTable.empty());
        assertThat(disabled.enabled()).isFalse();
        assertThat(disabled.select("exact.test")).isNull();
        assertThat(disabled.names()).isEmpty();
        assertThat(disabled.check(CERTIFICATES)).isEqualTo(Map.of());
    }

    // ------------------------------------------------------------------ HTTP/2 per site

    private static List<String> alpn(SslContext context) {
        return context.applicationProtocolNegotiator().protocols();
    }

    private static CertificateTable apply(CertificateTable before, ConfigSnapshot snapshot) {
        return before.next(snapshot.certificates(), snapshot.sites(),
                RoutingTableCompiler.compile(snapshot, BackendDefinition::name).table());
    }

    private static ConfigSnapshot http2Snapshot(long revision, boolean exactHttp2, boolean nocertHttp2, String backend) {
        BackendDefinition named = new BackendDefinition(backend, List.of(new ServerDefinition("127.0.0.1", 9000)));
        return new ConfigSnapshot(revision, List.of(named), List.of(
                new SiteDefinition("1", List.of("exact.test"), true, List.of(new RouteDefinition("/", backend)), "exact",
                        false, null).withHttp2(exactHttp2),
                new SiteDefinition("2", List.of("*.wild.test"), true, List.of(new RouteDefinition("/", backend)), "wild",
                        false, null),
                new SiteDefinition("5", List.of("beats.wild.test"), true, List.of(new RouteDefinition("/", backend)),
                        "wild", false, null).withHttp2(false),
                new SiteDefinition("3", List.of("off.test"), false, List.of(new RouteDefinition("/", backend)), "off",
                        false, null).withHttp2(false),
                new SiteDefinition("4", List.of("nocert.test"), true, List.of(new RouteDefinition("/", backend)), null,
                        false, null).withHttp2(nocertHttp2)),
                CERTIFICATES.subList(0, 3));
    }

    @Test
    void aSiteWithHttp2OffGetsItsCertificateOfferingOnlyHttp11() {
        CertificateTable h2 = apply(table, http2Snapshot(2, true, true, "app"));
        CertificateTable off = apply(h2, http2Snapshot(3, false, false, "app"));

        assertThat(alpn(h2.select("exact.test"))).containsExactly("h2", "http/1.1");
        assertThat(h2.http11Context("exact")).as("built only while a site needs it").isNull();
        assertThat(h2.http11Context("off")).as("a disabled site needs nothing").isNull();

        assertThat(off.select("exact.test")).isSameAs(off.http11Context("exact"));
        assertThat(alpn(off.select("exact.test"))).containsExactly("http/1.1");
        assertThat(off.context("exact")).as("the h2 variant is kept").isSameAs(h2.context("exact"));
        // The same certificate, two sites: the exact one has HTTP/2 off, the wildcard one on.
        assertThat(alpn(off.select("beats.wild.test"))).containsExactly("http/1.1");
        assertThat(off.select("a.wild.test")).isSameAs(off.context("wild"));
        assertThat(alpn(off.select("a.wild.test"))).containsExactly("h2", "http/1.1");
        // Without a certificate of its own: the default certificate, HTTP/1.1 only.
        assertThat(off.select("nocert.test")).isSameAs(off.http11Context(null)).isNotSameAs(defaultContext);
        assertThat(alpn(off.select("nocert.test"))).containsExactly("http/1.1");
        assertThat(alpn(h2.select("nocert.test"))).containsExactly("h2", "http/1.1");
        // No name, or a name nobody owns: the default, offering both.
        assertThat(off.select(null)).isSameAs(defaultContext);
        assertThat(off.select("unknown.test")).isSameAs(defaultContext);
        assertThat(off.select("off.test")).isSameAs(defaultContext);
        assertThat(alpn(defaultContext)).containsExactly("h2", "http/1.1");
    }

    @Test
    void http11ContextsAreKeptAcrossUnrelatedAppliesAndDroppedWhenNoSiteNeedsThem() {
        CertificateTable off = apply(table, http2Snapshot(2, false, false, "app"));
        CertificateTable unrelated = apply(off, http2Snapshot(3, false, false, "other"));
        CertificateTable backOn = apply(unrelated, http2Snapshot(4, true, true, "other"));

        assertThat(unrelated.http11Context("exact")).isNotNull().isSameAs(off.http11Context("exact"));
        assertThat(unrelated.http11Context("wild")).isNotNull().isSameAs(off.http11Context("wild"));
        assertThat(unrelated.context("exact")).isSameAs(off.context("exact"));
        assertThat(unrelated.select("exact.test")).isSameAs(off.select("exact.test"));
        assertThat(unrelated.select("nocert.test")).isSameAs(off.select("nocert.test"));

        assertThat(backOn.http11Context("exact")).isNull();
        assertThat(backOn.select("exact.test")).isSameAs(off.context("exact"));
        assertThat(backOn.http11Context("wild")).as("beats.wild.test still has HTTP/2 off")
                .isSameAs(off.http11Context("wild"));
    }
}

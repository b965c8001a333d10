package dev.gatehouse.engine.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigSnapshotCertificatesTest {

    private static final String CHAIN = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
            + "-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n";
    private static final String KEY = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n";

    @Test
    void certificateToStringNeverShowsTheKey() {
        CertificateDefinition certificate = new CertificateDefinition("shop", CHAIN, KEY);
        assertThat(certificate.toString()).isEqualTo("CertificateDefinition[name=shop, chain=2 certificate(s)]");
        assertThat(new ConfigSnapshot(1, List.of(), List.of(), List.of(certificate)).toString())
                .doesNotContain("PRIVATE KEY").doesNotContain("c2VjcmV0");
        assertThat(new CertificateDefinition("x", null, null).toString()).isEqualTo("CertificateDefinition[name=x, chain=0 certificate(s)]");
    }

    @Test
    void certificatesArePartOfTheContent() {
        CertificateDefinition one = new CertificateDefinition("shop", CHAIN, KEY);
        CertificateDefinition other = new CertificateDefinition("shop", CHAIN, KEY.replace("c2VjcmV0", "b3RoZXI="));
        ConfigSnapshot withOne = new ConfigSnapshot(1, List.of(), List.of(), List.of(one));
        assertThat(withOne.sameContentAs(new ConfigSnapshot(7, List.of(), List.of(), List.of(one)))).isTrue();
        assertThat(withOne.sameContentAs(new ConfigSnapshot(1, List.of(), List.of(), List.of(other)))).isFalse();
        assertThat(withOne.sameContentAs(new ConfigSnapshot(1, List.of(), List.of()))).isFalse();
        assertThat(withOne).isNotEqualTo(new ConfigSnapshot(1, List.of(), List.of(), List.of(other)));
        assertThat(withOne.withRevision(5).certificates()).containsExactly(one);
        assertThat(withOne.hashCode()).isEqualTo(new ConfigSnapshot(1, List.of(), List.of(), List.of(one)).hashCode());
        assertThat(new ConfigSnapshot(1, List.of(), List.of(), null).certificates()).isEmpty();
    }

    @Test
    void oldConstructorsMeanNoTls() {
        SiteDefinition site = new SiteDefinition("1", List.of("a.test"), true, List.of(new RouteDefinition("/", "a")));
        assertThat(site.certificate()).isNull();
        assertThat(site.forceHttps()).isFalse();
        assertThat(site.hsts()).isNull();
        assertThat(new ConfigSnapshot(1, List.of(), List.of(site)).certificates()).isEmpty();
    }
}

package dev.gatehouse.admin.certificate.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.certificate.bundle.TestPki.Credential;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostnameCoverageTest {

    static final TestPki PKI = TestPki.at(Instant.parse("2026-03-01T12:00:00Z"));

    /** SANs: an exact name, a wildcard, an IP, plus patterns browsers refuse. */
    static final Credential SAN_CERT = PKI.leaf("ignored-cn.example.net")
            .sans("shop.example.com", "*.example.org", "Mixed.Example.COM", "*.com", "f*.example.net",
                    "*.*.example.info")
            .ipSans("192.0.2.10")
            .issue();
    /** No SAN extension at all: only then does the CN count. */
    static final Credential CN_ONLY = PKI.leaf("legacy.example.com").noSubjectAltNames().issue();
    static final Credential CN_WILDCARD_ONLY = PKI.leaf("*.legacy.example.com").noSubjectAltNames().issue();
    /** A SAN extension without DNS names: the CN must not be used. */
    static final Credential IP_SAN_ONLY = PKI.leaf("ip.example.com").sans().ipSans("192.0.2.20").issue();
    static final Credential WILDCARD_SITE_CERT = PKI.leaf("*.example.io").sans("*.example.io", "a.example.io").issue();

    @ParameterizedTest(name = "{0} covers {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            SAN_CERT           | shop.example.com          | true
            SAN_CERT           | SHOP.Example.Com          | true
            SAN_CERT           | shop.example.com.         | true
            SAN_CERT           | mixed.example.com         | true
            SAN_CERT           | www.shop.example.com      | false
            SAN_CERT           | example.com               | false
            SAN_CERT           | a.example.org             | true
            SAN_CERT           | A.EXAMPLE.ORG             | true
            SAN_CERT           | a.b.example.org           | false
            SAN_CERT           | example.org               | false
            SAN_CERT           | .example.org              | false
            SAN_CERT           | anything.com              | false
            SAN_CERT           | foo.example.net           | false
            SAN_CERT           | a.b.example.info          | false
            SAN_CERT           | 192.0.2.10                | false
            SAN_CERT           | ignored-cn.example.net    | false
            SAN_CERT           | *.example.org             | true
            SAN_CERT           | *.EXAMPLE.org             | true
            SAN_CERT           | *.shop.example.com        | false
            SAN_CERT           | *.com                     | false
            CN_ONLY            | legacy.example.com        | true
            CN_ONLY            | LEGACY.example.com        | true
            CN_ONLY            | www.legacy.example.com    | false
            CN_WILDCARD_ONLY   | www.legacy.example.com    | true
            CN_WILDCARD_ONLY   | legacy.example.com        | false
            IP_SAN_ONLY        | ip.example.com            | false
            WILDCARD_SITE_CERT | *.example.io              | true
            WILDCARD_SITE_CERT | a.example.io              | true
            WILDCARD_SITE_CERT | b.example.io              | true
            WILDCARD_SITE_CERT | example.io                | false
            SAN_CERT           | ''                        | false
            """)
    void coversByRfc6125(String certificate, String hostname, boolean covered) {
        assertThat(HostnameCoverage.covers(certificate(certificate).certificate(), hostname)).isEqualTo(covered);
    }

    @Test
    void wildcardSiteHostnameNeedsTheSameWildcardNotOneOfItsNames() {
        Credential oneName = PKI.leaf("a.example.com").issue();
        Credential deeperWildcard = PKI.leaf("*.a.example.com").issue();

        assertThat(HostnameCoverage.covers(oneName.certificate(), "*.example.com")).isFalse();
        assertThat(HostnameCoverage.covers(deeperWildcard.certificate(), "*.example.com")).isFalse();
    }

    @Test
    void internationalizedHostnamesCompareAsPunycode() {
        Credential idn = PKI.leaf("xn--bcher-kva.example").issue();

        assertThat(HostnameCoverage.covers(idn.certificate(), "bücher.example")).isTrue();
        assertThat(HostnameCoverage.covers(idn.certificate(), "BÜCHER.example")).isTrue();
    }

    @Test
    void uncoveredListsTheMissingHostnamesInOrderAndAsGiven() {
        List<String> uncovered = HostnameCoverage.uncovered(SAN_CERT.certificate(),
                List.of("shop.example.com", "WWW.Example.COM", "a.example.org", "example.org", "*.example.org"));

        assertThat(uncovered).containsExactly("WWW.Example.COM", "example.org");
        assertThat(HostnameCoverage.uncovered(SAN_CERT.certificate(), List.of())).isEmpty();
    }

    private static Credential certificate(String name) {
        return switch (name) {
            case "SAN_CERT" -> SAN_CERT;
            case "CN_ONLY" -> CN_ONLY;
            case "CN_WILDCARD_ONLY" -> CN_WILDCARD_ONLY;
            case "IP_SAN_ONLY" -> IP_SAN_ONLY;
            case "WILDCARD_SITE_CERT" -> WILDCARD_SITE_CERT;
            default -> throw new IllegalArgumentException(name);
        };
    }
}

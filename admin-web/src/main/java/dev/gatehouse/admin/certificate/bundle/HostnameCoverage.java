package dev.gatehouse.admin.certificate.bundle;

import java.net.IDN;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * Whether a certificate is valid for a site's hostnames, by the rules browsers apply (RFC 6125, as
 * narrowed by the CA/Browser Forum):
 *
 * <ul>
 *   <li>Only DNS names in the subjectAltName extension count. The subject CN is consulted only when the
 *       certificate has no subjectAltName extension at all: that is the legacy fallback of RFC 6125
 *       §6.4.4; a certificate that has the extension has said which names it is for.</li>
 *   <li>Comparison ignores case and a trailing dot; non-ASCII hostnames are compared in their
 *       punycode (A-label) form, which is what certificates contain.</li>
 *   <li>A wildcard is only a whole left-most label {@code *.} followed by at least two labels:
 *       {@code *.example.com} covers exactly one extra label ({@code a.example.com}), not the apex
 *       {@code example.com} and not {@code a.b.example.com}. Partial wildcards ({@code f*.example.com})
 *       and {@code *.com} cover nothing; browsers reject them.</li>
 *   <li>A site hostname that is itself a wildcard ({@code *.example.com}) is covered only by the SAN
 *       {@code *.example.com}. The site answers for every one-label subdomain, so it needs a
 *       certificate valid for all of them; a SAN naming one of them ({@code a.example.com}) leaves the
 *       rest with a certificate error, and no other SAN pattern covers exactly that set.</li>
 * </ul>
 */
public final class HostnameCoverage {

    private static final int SAN_DNS = 2;

    private HostnameCoverage() {
    }

    /** Whether {@code leaf} is valid for {@code hostname} (exact or {@code *.example.com}). */
    public static boolean covers(X509Certificate leaf, String hostname) {
        Objects.requireNonNull(leaf, "leaf");
        String host = normalize(hostname);
        if (host.isEmpty()) {
            return false;
        }
        for (String name : presentedNames(leaf)) {
            if (matches(normalize(name), host)) {
                return true;
            }
        }
        return false;
    }

    /** The entries of {@code hostnames} that {@code leaf} does not cover, in their order and spelling. */
    public static List<String> uncovered(X509Certificate leaf, List<String> hostnames) {
        Objects.requireNonNull(leaf, "leaf");
        List<String> names = presentedNames(leaf).stream().map(HostnameCoverage::normalize).toList();
        List<String> out = new ArrayList<>();
        for (String hostname : hostnames) {
            String host = normalize(hostname);
            if (host.isEmpty() || names.stream().noneMatch(name -> matches(name, host))) {
                out.add(hostname);
            }
        }
        return out;
    }

    /** DNS SANs when the extension is present, otherwise the most specific subject CN. */
    private static List<String> presentedNames(X509Certificate leaf) {
        Collection<List<?>> sans;
        try {
            sans = leaf.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            // An unreadable extension is still an extension: it must not open the CN fallback.
            return List.of();
        }
        if (sans != null) {
            List<String> dns = new ArrayList<>();
            for (List<?> san : sans) {
                if (san.size() >= 2 && san.get(0) instanceof Integer type && type == SAN_DNS
                        && san.get(1) instanceof String name) {
                    dns.add(name);
                }
            }
            return dns;
        }
        RDN[] cns = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
        if (cns.length == 0) {
            return List.of();
        }
        // The last CN in DER order is the most specific one (RFC 6125 §6.4.4 leaves the choice to us).
        ASN1Encodable value = cns[cns.length - 1].getFirst().getValue();
        return value instanceof ASN1String s ? List.of(s.getString()) : List.of();
    }

    /**
     * @param name a presented name, normalized
     * @param host the site hostname, normalized
     */
    private static boolean matches(String name, String host) {
        if (host.startsWith("*.")) {
            return name.equals(host) && validWildcardBase(name.substring(2));
        }
        if (name.startsWith("*.")) {
            String suffix = name.substring(1); // ".example.com"
            if (!validWildcardBase(suffix.substring(1))) {
                return false;
            }
            int firstDot = host.indexOf('.');
            return firstDot > 0 && host.substring(firstDot).equals(suffix);
        }
        return !name.contains("*") && name.equals(host);
    }

    private static boolean validWildcardBase(String base) {
        return !base.contains("*") && base.indexOf('.') > 0 && !base.endsWith(".");
    }

    private static String normalize(String hostname) {
        if (hostname == null) {
            return "";
        }
        String host = hostname.trim();
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (!host.chars().allMatch(c -> c < 0x80)) {
            try {
                // "*" is not a legal label for IDN, so convert only what follows a wildcard.
                host = host.startsWith("*.") ? "*." + IDN.toASCII(host.substring(2)) : IDN.toASCII(host);
            } catch (IllegalArgumentException e) {
                return host.toLowerCase(Locale.ROOT);
            }
        }
        return host.toLowerCase(Locale.ROOT);
    }
}

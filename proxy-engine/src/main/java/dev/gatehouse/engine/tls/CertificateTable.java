package dev.gatehouse.engine.tls;

import dev.gatehouse.engine.config.CertificateDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.engine.routing.CompiledSite;
import dev.gatehouse.engine.routing.HostNames;
import dev.gatehouse.engine.routing.RoutingTable;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which certificate the HTTPS listener serves for a TLS server name (SNI): the one of the enabled
 * site owning the name, found by the {@link RoutingTable}'s own host lookup (exact name first, then
 * a one-label wildcard), so TLS and routing never disagree about who owns a name. No name, an
 * unknown one, or a site without a certificate get the engine's default certificate.
 *
 * <p>The same lookup chooses what ALPN offers: {@code h2} and {@code http/1.1}, or only
 * {@code http/1.1} for a site with {@link SiteDefinition#http2()} off. There is one context per
 * (certificate, HTTP/2 on or off) pair that a site uses; the HTTP/1.1-only variant of a certificate
 * is only built while an enabled site needs it. The default certificate has both variants from the
 * start; no name, or a name no site owns, gets the one offering both.
 *
 * <p>Immutable, compiled next to the routing table and swapped in with it as one live
 * configuration. Contexts are built on the admin thread when a snapshot is compiled and carried
 * over to the next table while their definition is unchanged, so session caches and ticket keys
 * survive unrelated applies; a replaced certificate gets new contexts, used by every handshake that
 * starts after the swap while connections already established keep theirs. Switching a site's
 * HTTP/2 only moves its host names to the other variant: connections already open keep the
 * protocol they negotiated.
 */
public final class CertificateTable {

    private static final CertificateTable DISABLED = new CertificateTable(RoutingTable.empty(), Map.of(), Map.of(), null,
            null, null);

    private final RoutingTable<?> routes;
    private final Map<String, Entry> byName;
    /** The context of each enabled site whose handshakes do not get {@link #defaultContext}, by site id. */
    private final Map<String, SslContext> bySite;
    private final SslContext defaultContext;
    private final SslContext defaultHttp11Context;
    private final SslProvider provider;

    /**
     * A built certificate: the definition it came from, kept to tell whether the next one changed,
     * its context offering HTTP/2 and HTTP/1.1, and the HTTP/1.1-only one, or null while no site needs it.
     */
    private record Entry(CertificateDefinition definition, SslContext context, SslContext http11Context) {
        @Override
        public String toString() {
            return definition.toString();
        }
    }

    private CertificateTable(RoutingTable<?> routes, Map<String, Entry> byName, Map<String, SslContext> bySite,
                             SslContext defaultContext, SslContext defaultHttp11Context, SslProvider provider) {
        this.routes = routes;
        this.byName = byName;
        this.bySite = bySite;
        this.defaultContext = defaultContext;
        this.defaultHttp11Context = defaultHttp11Context;
        this.provider = provider;
    }

    /** The table of an engine without HTTPS listener: it builds no contexts and selects none. */
    public static CertificateTable disabled() {
        return DISABLED;
    }

    /**
     * A table with no certificates of its own yet: every name gets the default certificate, offering
     * HTTP/2 and HTTP/1.1.
     *
     * @param provider the TLS implementation this and later contexts are built with
     * @throws IllegalArgumentException when the default certificate does not parse or match, or the
     *     provider refuses it
     */
    public static CertificateTable initial(CertificateDefinition defaultCertificate, SslProvider provider) {
        if (defaultCertificate == null || provider == null) {
            throw new IllegalArgumentException("a default certificate and a provider are required");
        }
        PemCertificates.Parsed parsed = PemCertificates.parse(defaultCertificate);
        return new CertificateTable(RoutingTable.empty(), Map.of(), Map.of(), TlsContexts.build(parsed, provider, true),
                TlsContexts.build(parsed, provider, false), provider);
    }

    /** True when this table serves an HTTPS listener (it has a default certificate). */
    public boolean enabled() {
        return defaultContext != null;
    }

    /**
     * The table for a new snapshot's certificates, sites and routing table, reusing this table's
     * contexts for definitions that did not change. The definitions must have passed validation. Runs
     * on the admin thread.
     *
     * @param sites the snapshot's sites, for their certificate and {@link SiteDefinition#http2()};
     *     {@code newRoutes} must be compiled from the same snapshot
     * @throws IllegalArgumentException when the TLS library refuses a certificate; nothing is kept
     */
    public CertificateTable next(List<CertificateDefinition> certificates, List<SiteDefinition> sites,
                                 RoutingTable<?> newRoutes) {
        if (!enabled()) {
            return new CertificateTable(newRoutes, Map.of(), Map.of(), null, null, null);
        }
        Set<String> http11Needed = new HashSet<>();
        for (SiteDefinition site : sites) {
            if (site.enabled() && !site.http2() && site.certificate() != null) {
                http11Needed.add(site.certificate());
            }
        }
        Map<String, Entry> built = new HashMap<>();
        for (CertificateDefinition definition : certificates) {
            built.put(definition.name(), entry(definition, byName.get(definition.name()),
                    http11Needed.contains(definition.name())));
        }
        Map<String, SslContext> siteContexts = new HashMap<>();
        for (SiteDefinition site : sites) {
            if (!site.enabled()) {
                continue;
            }
            Entry entry = site.certificate() == null ? null : built.get(site.certificate());
            SslContext context = entry == null ? (site.http2() ? null : defaultHttp11Context)
                    : site.http2() ? entry.context() : entry.http11Context();
            if (context != null) {
                siteContexts.put(site.id(), context);
            }
        }
        return new CertificateTable(newRoutes, Collections.unmodifiableMap(built), Collections.unmodifiableMap(siteContexts),
                defaultContext, defaultHttp11Context, provider);
    }

    /** The entry of a definition: the previous one's contexts while the definition is unchanged. */
    private Entry entry(CertificateDefinition definition, Entry previous, boolean http11Needed) {
        boolean unchanged = previous != null && previous.definition().equals(definition);
        if (unchanged && (!http11Needed || previous.http11Context() != null)) {
            return http11Needed ? previous : new Entry(definition, previous.context(), null);
        }
        PemCertificates.Parsed parsed = PemCertificates.parse(definition);
        SslContext context = unchanged ? previous.context() : TlsContexts.build(parsed, provider, true);
        return new Entry(definition, context, http11Needed ? TlsContexts.build(parsed, provider, false) : null);
    }

    /**
     * Builds the contexts {@link #next} would build, without keeping them: for validating a snapshot
     * the TLS library might still refuse (a key size or curve it does not support).
     *
     * @return one sentence per refused certificate, by certificate name; empty when all are fine
     */
    public Map<String, String> check(List<CertificateDefinition> certificates) {
        if (!enabled()) {
            return Map.of();
        }
        Map<String, String> problems = new HashMap<>();
        for (CertificateDefinition definition : certificates) {
            Entry old = byName.get(definition.name());
            if (old != null && old.definition().equals(definition)) {
                continue;
            }
            try {
                TlsContexts.build(definition, provider);
            } catch (IllegalArgumentException e) {
                problems.put(definition.name(), e.getMessage());
            }
        }
        return problems;
    }

    /**
     * The context for a TLS server name: the certificate of the enabled site owning it, else the
     * default one, in the variant the site's HTTP/2 setting asks for. Null only when HTTPS is
     * disabled. Called once per handshake on an event loop: two hash lookups, no allocation for an
     * already lower-case name.
     *
     * @param serverName the SNI host name as the client sent it, or null when it sent none
     */
    public SslContext select(String serverName) {
        if (serverName == null) {
            return defaultContext;
        }
        String host = HostNames.fromHostHeader(serverName);
        if (host == null) {
            return defaultContext;
        }
        CompiledSite<?> site = routes.site(host);
        if (site == null) {
            return defaultContext;
        }
        SslContext context = bySite.get(site.id());
        return context == null ? defaultContext : context;
    }

    /** The context of the default certificate; null when HTTPS is disabled. */
    public SslContext defaultContext() {
        return defaultContext;
    }

    /** The context built for a named certificate, offering HTTP/2 and HTTP/1.1, or null. */
    public SslContext context(String certificateName) {
        Entry entry = byName.get(certificateName);
        return entry == null ? null : entry.context();
    }

    /**
     * The HTTP/1.1-only context of a named certificate, or null while no enabled site with HTTP/2 off
     * uses it; {@code null} names the default certificate's.
     */
    public SslContext http11Context(String certificateName) {
        if (certificateName == null) {
            return defaultHttp11Context;
        }
        Entry entry = byName.get(certificateName);
        return entry == null ? null : entry.http11Context();
    }

    /** Names of the certificates with a built context. */
    public List<String> names() {
        return List.copyOf(new ArrayList<>(byName.keySet()));
    }
}

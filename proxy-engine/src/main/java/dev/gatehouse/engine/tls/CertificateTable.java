package dev.gatehouse.engine.tls;

import dev.gatehouse.engine.config.CertificateDefinition;
import dev.gatehouse.engine.routing.CompiledSite;
import dev.gatehouse.engine.routing.HostNames;
import dev.gatehouse.engine.routing.RoutingTable;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which certificate the HTTPS listener serves for a TLS server name (SNI): the one of the enabled
 * site owning the name, found by the {@link RoutingTable}'s own host lookup (exact name first, then
 * a one-label wildcard), so TLS and routing never disagree about who owns a name. No name, an
 * unknown one, or a site without a certificate get the engine's default certificate.
 *
 * <p>Immutable, compiled next to the routing table and swapped in with it as one live
 * configuration. Contexts are built on the admin thread when a snapshot is compiled and carried
 * over to the next table while their definition is unchanged, so session caches and ticket keys
 * survive unrelated applies; a replaced certificate gets a new context, used by every handshake that
 * starts after the swap while connections already established keep theirs.
 */
public final class CertificateTable {

    private static final CertificateTable DISABLED = new CertificateTable(RoutingTable.empty(), Map.of(), null, null);

    private final RoutingTable<?> routes;
    private final Map<String, Entry> byName;
    private final SslContext defaultContext;
    private final SslProvider provider;

    /** A built certificate: the definition it came from, kept to tell whether the next one changed. */
    private record Entry(CertificateDefinition definition, SslContext context) {
        @Override
        public String toString() {
            return definition.toString();
        }
    }

    private CertificateTable(RoutingTable<?> routes, Map<String, Entry> byName, SslContext defaultContext,
                             SslProvider provider) {
        this.routes = routes;
        this.byName = byName;
        this.defaultContext = defaultContext;
        this.provider = provider;
    }

    /** The table of an engine without HTTPS listener: it builds no contexts and selects none. */
    public static CertificateTable disabled() {
        return DISABLED;
    }

    /**
     * A table with no certificates of its own yet: every name gets {@code defaultContext}.
     *
     * @param provider the TLS implementation later contexts are built with
     */
    public static CertificateTable initial(SslContext defaultContext, SslProvider provider) {
        if (defaultContext == null || provider == null) {
            throw new IllegalArgumentException("a default certificate context and a provider are required");
        }
        return new CertificateTable(RoutingTable.empty(), Map.of(), defaultContext, provider);
    }

    /** True when this table serves an HTTPS listener (it has a default certificate). */
    public boolean enabled() {
        return defaultContext != null;
    }

    /**
     * The table for a new snapshot's certificates and routing table, reusing this table's contexts
     * for definitions that did not change. The definitions must have passed validation. Runs on the
     * admin thread.
     *
     * @throws IllegalArgumentException when the TLS library refuses a certificate; nothing is kept
     */
    public CertificateTable next(List<CertificateDefinition> certificates, RoutingTable<?> newRoutes) {
        if (!enabled()) {
            return new CertificateTable(newRoutes, Map.of(), null, null);
        }
        Map<String, Entry> built = new HashMap<>();
        for (CertificateDefinition definition : certificates) {
            Entry old = byName.get(definition.name());
            if (old != null && old.definition().equals(definition)) {
                built.put(definition.name(), old);
            } else {
                built.put(definition.name(), new Entry(definition, TlsContexts.build(definition, provider)));
            }
        }
        return new CertificateTable(newRoutes, Collections.unmodifiableMap(built), defaultContext, provider);
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
     * default one. Null only when HTTPS is disabled. Called once per handshake on an event loop: two
     * hash lookups, no allocation for an already lower-case name.
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
        if (site == null || site.certificate() == null) {
            return defaultContext;
        }
        Entry entry = byName.get(site.certificate());
        return entry == null ? defaultContext : entry.context();
    }

    /** The context of the default certificate; null when HTTPS is disabled. */
    public SslContext defaultContext() {
        return defaultContext;
    }

    /** The context built for a named certificate, or null. */
    public SslContext context(String certificateName) {
        Entry entry = byName.get(certificateName);
        return entry == null ? null : entry.context();
    }

    /** Names of the certificates with a built context. */
    public List<String> names() {
        return List.copyOf(new ArrayList<>(byName.keySet()));
    }
}

package dev.gatehouse.engine.routing;

import dev.gatehouse.engine.config.DefaultSiteDefinition;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The compiled, immutable form of a validated {@code ConfigSnapshot}: which enabled site answers a
 * host name, and which route of that site answers a path. Built by {@link RoutingTableCompiler};
 * a request reads the live table once and uses it to its end.
 *
 * <p>Host lookup is O(1): one hash lookup of the exact name, then (only if that misses) one lookup
 * of the name without its first label among the wildcard sites, since a wildcard stands for exactly
 * one label. An exact name therefore always beats a wildcard. Path lookup scans the site's routes
 * longest prefix first (sites have a handful of routes).
 *
 * @param <B> the runtime form of a backend, e.g. the forwarder's connection pools
 */
public final class RoutingTable<B> {

    private final long revision;
    private final Map<String, CompiledSite<B>> sitesByExactName;
    /** Keyed by the part after {@code *.}: {@code *.example.com} is stored as {@code example.com}. */
    private final Map<String, CompiledSite<B>> sitesByWildcardSuffix;
    private final Map<String, B> backendsByName;
    private final int siteCount;
    private final DefaultSiteDefinition defaultSite;

    RoutingTable(long revision, Map<String, CompiledSite<B>> sitesByExactName,
                 Map<String, CompiledSite<B>> sitesByWildcardSuffix, Map<String, B> backendsByName, int siteCount) {
        this(revision, sitesByExactName, sitesByWildcardSuffix, backendsByName, siteCount, DefaultSiteDefinition.NOT_FOUND);
    }

    RoutingTable(long revision, Map<String, CompiledSite<B>> sitesByExactName,
                 Map<String, CompiledSite<B>> sitesByWildcardSuffix, Map<String, B> backendsByName, int siteCount,
                 DefaultSiteDefinition defaultSite) {
        this.defaultSite = defaultSite;
        this.revision = revision;
        this.sitesByExactName = new HashMap<>(sitesByExactName);
        this.sitesByWildcardSuffix = new HashMap<>(sitesByWildcardSuffix);
        this.backendsByName = Collections.unmodifiableMap(new LinkedHashMap<>(backendsByName));
        this.siteCount = siteCount;
    }

    /** A table routing nothing: every host gets the default site. */
    public static <B> RoutingTable<B> empty() {
        return new RoutingTable<>(0, Map.of(), Map.of(), Map.of(), 0);
    }

    /** The revision of the snapshot this table was compiled from. */
    public long revision() {
        return revision;
    }

    /**
     * The enabled site answering this (normalised) host name, or null: the exact name first, then a
     * wildcard standing for its first label. The only host matcher of the engine: TLS certificate
     * selection (SNI) uses it too, so both always agree on which site owns a name.
     *
     * @param host a host name as returned by {@link HostNames#fromHostHeader}: lower-case, no port
     */
    public CompiledSite<B> site(String host) {
        CompiledSite<B> exact = sitesByExactName.get(host);
        if (exact != null) {
            return exact;
        }
        int dot = host.indexOf('.');
        if (dot <= 0 || dot == host.length() - 1) {
            return null;
        }
        return sitesByWildcardSuffix.get(host.substring(dot + 1));
    }

    /** Every backend of the snapshot by name, in snapshot order, used by a route or not. */
    public Map<String, B> backends() {
        return backendsByName;
    }

    /** Enabled sites in this table. */
    /** What requests for host names no enabled site has get. */
    public DefaultSiteDefinition defaultSite() {
        return defaultSite;
    }

    public int siteCount() {
        return siteCount;
    }
}

package dev.gatehouse.engine.config;

import java.util.List;
import java.util.Objects;

/**
 * The complete configuration of the engine at one revision: immutable and self-contained, so the
 * same snapshot can be stored as JSON, diffed, replayed on another node, or rolled back to.
 *
 * <p>A snapshot is only a description; {@code ProxyEngine.apply} validates and compiles it into a
 * {@code RoutingTable}. Two snapshots with equal {@link #backends()}, {@link #sites()},
 * {@link #certificates()} and {@link #defaultSite()} describe the same configuration, whatever their
 * revision numbers ({@link #sameContentAs}).
 *
 * @param revision the config revision number; 0 means "nothing applied yet"
 * @param backends every backend a site may route to, by unique name
 * @param sites every site, enabled or not, in no particular order
 * @param certificates every certificate a site may be served with, by unique name; default empty
 * @param defaultSite what requests for unknown host names get; default (null)
 *     {@link DefaultSiteDefinition#NOT_FOUND}, the "no site here" page
 */
public record ConfigSnapshot(long revision, List<BackendDefinition> backends, List<SiteDefinition> sites,
                             List<CertificateDefinition> certificates, DefaultSiteDefinition defaultSite) {

    public ConfigSnapshot {
        if (revision < 0) {
            throw new IllegalArgumentException("revision must be >= 0, was " + revision);
        }
        backends = backends == null ? List.of() : List.copyOf(backends);
        sites = sites == null ? List.of() : List.copyOf(sites);
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
        defaultSite = defaultSite == null ? DefaultSiteDefinition.NOT_FOUND : defaultSite;
    }

    /** A snapshot with the default "no site here" page for unknown host names. */
    public ConfigSnapshot(long revision, List<BackendDefinition> backends, List<SiteDefinition> sites,
                          List<CertificateDefinition> certificates) {
        this(revision, backends, sites, certificates, null);
    }

    /** A snapshot without certificates. */
    public ConfigSnapshot(long revision, List<BackendDefinition> backends, List<SiteDefinition> sites) {
        this(revision, backends, sites, List.of());
    }

    /** The configuration an engine starts with: no sites, so every request gets the default site. */
    public static ConfigSnapshot empty() {
        return new ConfigSnapshot(0, List.of(), List.of(), List.of(), null);
    }

    /** The same content under another revision number. */
    public ConfigSnapshot withRevision(long newRevision) {
        return new ConfigSnapshot(newRevision, backends, sites, certificates, defaultSite);
    }

    /** True when both snapshots configure the engine identically: the revision number is ignored. */
    public boolean sameContentAs(ConfigSnapshot other) {
        return other != null && backends.equals(other.backends) && sites.equals(other.sites)
                && certificates.equals(other.certificates) && defaultSite.equals(other.defaultSite);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigSnapshot that && revision == that.revision && sameContentAs(that);
    }

    @Override
    public int hashCode() {
        return Objects.hash(revision, backends, sites, certificates, defaultSite);
    }
}

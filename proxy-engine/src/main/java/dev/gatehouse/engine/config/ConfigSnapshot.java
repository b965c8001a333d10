package dev.gatehouse.engine.config;

import java.util.List;
import java.util.Objects;

/**
 * The complete configuration of the engine at one revision: immutable and self-contained, so the
 * same snapshot can be stored as JSON, diffed, replayed on another node, or rolled back to.
 *
 * <p>A snapshot is only a description; {@code ProxyEngine.apply} validates and compiles it into a
 * {@code RoutingTable}. Two snapshots with equal {@link #backends()}, {@link #sites()},
 * {@link #certificates()}, {@link #defaultSite()}, {@link #streams()}, {@link #listeners()} and {@link #accessLists()} describe the same
 * configuration, whatever their revision numbers ({@link #sameContentAs}).
 *
 * @param revision the config revision number; 0 means "nothing applied yet"
 * @param backends every backend a site may route to, by unique name
 * @param sites every site, enabled or not, in no particular order
 * @param certificates every certificate a site may be served with, by unique name; default empty
 * @param defaultSite what requests for unknown host names get; default (null)
 *     {@link DefaultSiteDefinition#NOT_FOUND}, the "no site here" page
 * @param streams every TCP stream, enabled or not, each listening on a port of its own; default empty
 * @param listeners how the HTTP and HTTPS listeners treat connections (PROXY protocol from balancers
 *     in front); default (null) {@link ListenerPolicy#DEFAULT}
 * @param accessLists every access list a site may use, by unique name; default empty
 */
public record ConfigSnapshot(long revision, List<BackendDefinition> backends, List<SiteDefinition> sites,
                             List<CertificateDefinition> certificates, DefaultSiteDefinition defaultSite,
                             List<StreamDefinition> streams, ListenerPolicy listeners,
                             List<AccessListDefinition> accessLists) {

    public ConfigSnapshot {
        if (revision < 0) {
            throw new IllegalArgumentException("revision must be >= 0, was " + revision);
        }
        backends = backends == null ? List.of() : List.copyOf(backends);
        sites = sites == null ? List.of() : List.copyOf(sites);
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
        defaultSite = defaultSite == null ? DefaultSiteDefinition.NOT_FOUND : defaultSite;
        streams = streams == null ? List.of() : List.copyOf(streams);
        listeners = listeners == null ? ListenerPolicy.DEFAULT : listeners;
        accessLists = accessLists == null ? List.of() : List.copyOf(accessLists);
    }

    /** A snapshot without access lists. */
    public ConfigSnapshot(long revision, List<BackendDefinition> backends, List<SiteDefinition> sites,
                          List<CertificateDefinition> certificates, DefaultSiteDefinition defaultSite,
                          List<StreamDefinition> streams, ListenerPolicy listeners) {
        this(revision, backends, sites, certificates, defaultSite, streams, listeners, null);
    }

    /** A snapshot with the default listener policy. */
    public ConfigSnapshot(long revision, List<BackendDefinition> backends, List<SiteDefinition> sites,
                          List<CertificateDefinition> certificates, DefaultSiteDefinition defaultSite,
                          List<StreamDefinition> streams) {
        this(revision, backends, sites, certificates, defaultSite, streams, null);
    }

    /** A snapshot without TCP streams. */
    public ConfigSnapshot(long revision, List<BackendDefinition> backends, List<SiteDefinition> sites,
                          List<CertificateDefinition> certificates, DefaultSiteDefinition defaultSite) {
        this(revision, backends, sites, certificates, defaultSite, null);
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
        return new ConfigSnapshot(0, List.of(), List.of(), List.of(), null, null, null, null);
    }

    /** The same content under another revision number. */
    public ConfigSnapshot withRevision(long newRevision) {
        return new ConfigSnapshot(newRevision, backends, sites, certificates, defaultSite, streams, listeners, accessLists);
    }

    /** The same configuration with these TCP streams instead. */
    public ConfigSnapshot withStreams(List<StreamDefinition> newStreams) {
        return new ConfigSnapshot(revision, backends, sites, certificates, defaultSite, newStreams, listeners, accessLists);
    }

    /** The same configuration with this listener policy instead. */
    public ConfigSnapshot withListeners(ListenerPolicy newListeners) {
        return new ConfigSnapshot(revision, backends, sites, certificates, defaultSite, streams, newListeners, accessLists);
    }

    /** The same configuration with these access lists instead. */
    public ConfigSnapshot withAccessLists(List<AccessListDefinition> newAccessLists) {
        return new ConfigSnapshot(revision, backends, sites, certificates, defaultSite, streams, listeners, newAccessLists);
    }

    /** True when both snapshots configure the engine identically: the revision number is ignored. */
    public boolean sameContentAs(ConfigSnapshot other) {
        return other != null && backends.equals(other.backends) && sites.equals(other.sites)
                && certificates.equals(other.certificates) && defaultSite.equals(other.defaultSite)
                && streams.equals(other.streams) && listeners.equals(other.listeners)
                && accessLists.equals(other.accessLists);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigSnapshot that && revision == that.revision && sameContentAs(that);
    }

    @Override
    public int hashCode() {
        return Objects.hash(revision, backends, sites, certificates, defaultSite, streams, listeners, accessLists);
    }
}

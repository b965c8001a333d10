package dev.gatehouse.admin.site;

import dev.gatehouse.admin.certificate.CertificateService;
import dev.gatehouse.admin.common.Blocking;
import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.NotFoundException;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.config.ConfigPublisher;
import dev.gatehouse.admin.config.ConfigPublisher.Change;
import dev.gatehouse.storage.accesslist.AccessList;
import dev.gatehouse.storage.accesslist.AccessListRepository;
import dev.gatehouse.storage.backend.Backend;
import dev.gatehouse.storage.backend.BackendRepository;
import dev.gatehouse.admin.site.SiteCommand.HttpsCommand;
import dev.gatehouse.engine.config.HstsPolicy;
import dev.gatehouse.storage.site.Site;
import dev.gatehouse.storage.site.SiteTls;
import dev.gatehouse.storage.site.SiteRepository;
import dev.gatehouse.storage.site.SiteHeaders;
import dev.gatehouse.storage.site.SitePolicies;
import dev.gatehouse.storage.site.SiteRedirect;
import dev.gatehouse.storage.site.SiteWebsockets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sites: list, read, and writes that are validated, stored and made live in one step
 * ({@link ConfigPublisher}). Every method is non-blocking; JDBC runs on bounded-elastic threads.
 */
@Service
public class SiteService {

    private final SiteRepository sites;
    private final BackendRepository backends;
    private final ConfigPublisher publisher;
    private final CertificateService certificates;
    private final AccessListRepository accessLists;

    public SiteService(SiteRepository sites, BackendRepository backends, ConfigPublisher publisher,
                       CertificateService certificates, AccessListRepository accessLists) {
        this.sites = sites;
        this.backends = backends;
        this.publisher = publisher;
        this.certificates = certificates;
        this.accessLists = accessLists;
    }

    /** Every site, ordered by id. */
    public Flux<SiteView> list() {
        return Blocking.flux(() -> {
            Map<Long, String> backendNames = new HashMap<>();
            backends.findAll().forEach(backend -> backendNames.put(backend.id(), backend.name()));
            Map<Long, String> certificateNames = certificates.namesById();
            Map<Long, String> accessListNames = new HashMap<>();
            accessLists.findAll().forEach(list -> accessListNames.put(list.id(), list.name()));
            return sites.findAll().stream()
                    .map(site -> view(site, site.backendId() == null ? null : backendNames.get(site.backendId()),
                            certificateNames::get, accessListNames::get))
                    .toList();
        });
    }

    /** @throws NotFoundException (as the Mono's error) when there is no such site */
    public Mono<SiteView> get(long id) {
        return Blocking.mono(() -> view(require(id)));
    }

    public Mono<SiteView> create(SiteCommand command, String actor) {
        return publisher.publish(actor, () -> {
            Valid valid = validate(command, null);
            boolean enabled = command.enabled() == null || command.enabled();
            Site created = sites.insert(valid.hostnames(), valid.backendId(), enabled, valid.tls(),
                    valid.websockets(), valid.redirect(), valid.headers(), valid.policies());
            return new Change<>(view(created), "created site " + label(created));
        });
    }

    /**
     * Replaces hostnames, backend, HTTPS and WebSocket settings (a command without a certificate leaves
     * the site HTTP-only, one without WebSockets turns them off); {@code enabled} is kept when the
     * command leaves it null.
     */
    public Mono<SiteView> update(long id, SiteCommand command, String actor) {
        return publisher.publish(actor, () -> {
            Site before = require(id);
            Valid valid = validate(command, id);
            boolean enabled = command.enabled() == null ? before.enabled() : command.enabled();
            Site updated = sites.update(id, valid.hostnames(), valid.backendId(), enabled, valid.tls(),
                            valid.websockets(), valid.redirect(), valid.headers(), valid.policies())
                    .orElseThrow(() -> notFound(id));
            return new Change<>(view(updated), "updated site " + label(updated));
        });
    }

    public Mono<SiteView> setEnabled(long id, boolean enabled, String actor) {
        return publisher.publish(actor, () -> {
            Site updated = sites.setEnabled(id, enabled).orElseThrow(() -> notFound(id));
            return new Change<>(view(updated), (enabled ? "enabled site " : "disabled site ") + label(updated));
        });
    }

    public Mono<Void> delete(long id, String actor) {
        return publisher.<Void>publish(actor, () -> {
            Site site = require(id);
            sites.delete(id);
            return new Change<>(null, "deleted site " + label(site));
        });
    }

    /** @param backendId null exactly when {@code redirect} is set */
    private record Valid(List<String> hostnames, Long backendId, SiteTls tls, SiteWebsockets websockets,
                         SiteRedirect redirect, SiteHeaders headers, SitePolicies policies) {
    }

    /**
     * Field problems first (all of them at once), then clashes with other sites.
     *
     * @param ownId the site being edited, whose own hostnames are not a clash; null when creating
     */
    private Valid validate(SiteCommand command, Long ownId) {
        List<FieldProblem> problems = new ArrayList<>(HostnameValidator.problems(command.hostnames()));
        Optional<Backend> backend = Optional.empty();
        String backendName = command.backend() == null ? "" : command.backend().trim();
        if (command.redirect() != null) {
            if (!backendName.isEmpty()) {
                problems.add(new FieldProblem("backend", "a site either forwards to a backend or redirects: give backend "
                        + "or redirect, not both (backend '" + backendName + "' was given with a redirect)"));
            }
            problems.addAll(RedirectValidator.problems("redirect", command.redirect()));
        } else if (backendName.isEmpty()) {
            problems.add(new FieldProblem("backend", "backend is required: the name of an existing backend "
                    + "(or give a redirect instead)"));
        } else {
            backend = backends.findByName(backendName);
            if (backend.isEmpty()) {
                problems.add(new FieldProblem("backend", "no backend named '" + backendName + "'"));
            }
        }
        problems.addAll(httpsProblems(command.https()));
        problems.addAll(WebsocketValidator.problems(command.websockets()));
        if (command.headers() != null) {
            problems.addAll(HeaderRuleValidator.problems(command.headers()));
            problems.addAll(TrustedProxyValidator.problems(command.headers().trustedProxies()));
        }
        Optional<AccessList> accessList = Optional.empty();
        if (command.policies() != null) {
            problems.addAll(SitePolicyValidator.problems(command.policies()));
            String accessListName = SitePolicyValidator.accessListName(command.policies());
            if (accessListName != null) {
                accessList = accessLists.findByName(accessListName);
                if (accessList.isEmpty()) {
                    problems.add(new FieldProblem(SitePolicyValidator.ACCESS_LIST_FIELD, SitePolicyValidator.ACCESS_LIST_FIELD
                            + ": no access list named '" + accessListName + "'"));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
        List<String> hostnames = command.hostnames().stream().map(HostnameValidator::normalize).toList();
        for (int i = 0; i < hostnames.size(); i++) {
            String hostname = hostnames.get(i);
            int first = hostnames.indexOf(hostname);
            if (first < i) {
                throw new ConflictException("hostnames", "hostnames[" + i + "] '" + hostname
                        + "' is listed twice (also hostnames[" + first + "])");
            }
            Optional<Site> owner = sites.findByHostname(hostname);
            if (owner.isPresent() && (ownId == null || owner.get().id() != ownId)) {
                throw new ConflictException("hostnames", "hostnames[" + i + "] '" + hostname
                        + "' is already used by site " + owner.get().id()
                        + (owner.get().enabled() ? "" : " (disabled)"));
            }
        }
        return new Valid(hostnames, backend.map(Backend::id).orElse(null), tls(command.https(), hostnames),
                WebsocketValidator.toStored(command.websockets()),
                command.redirect() == null ? null : RedirectValidator.toStored(command.redirect()),
                command.headers() != null ? HeaderRuleValidator.toStored(command.headers())
                        : ownId == null ? SiteHeaders.DEFAULT : require(ownId).headers(),
                command.policies() != null ? SitePolicyValidator.toStored(command.policies(), accessList.map(AccessList::id)
                        .orElse(null))
                        : ownId == null ? SitePolicies.DEFAULT : require(ownId).policies());
    }

    /** HTTPS settings that are wrong whatever is stored: options without a certificate, bad HSTS values. */
    private static List<FieldProblem> httpsProblems(HttpsCommand https) {
        List<FieldProblem> problems = new ArrayList<>();
        boolean hasCertificate = https.certificate() != null && !https.certificate().isBlank();
        if (https.forceHttps() && !hasCertificate) {
            problems.add(new FieldProblem("forceHttps", "Force HTTPS needs a certificate: choose one for this site"));
        }
        if (https.hsts()) {
            if (!hasCertificate) {
                problems.add(new FieldProblem("hsts", "HSTS needs a certificate: choose one for this site"));
            }
            try {
                hstsPolicy(https);
            } catch (IllegalArgumentException e) {
                problems.add(new FieldProblem("hsts", e.getMessage()));
            }
        } else if (https.hstsPreload() || https.hstsIncludeSubDomains()) {
            problems.add(new FieldProblem("hsts", "includeSubDomains and preload are HSTS options: turn HSTS on to use them"));
        }
        return problems;
    }

    private static HstsPolicy hstsPolicy(HttpsCommand https) {
        long maxAge = https.hstsMaxAgeSeconds() == null ? HstsPolicy.DEFAULT_MAX_AGE_SECONDS : https.hstsMaxAgeSeconds();
        return new HstsPolicy(maxAge, https.hstsIncludeSubDomains(), https.hstsPreload());
    }

    /**
     * The stored form; the certificate must exist and cover every hostname. HTTP/2 is kept without a
     * certificate too: HTTPS clients of such a site get the default certificate.
     */
    private SiteTls tls(HttpsCommand https, List<String> hostnames) {
        if (https.certificate() == null || https.certificate().isBlank()) {
            return new SiteTls(null, false, null, false, false, https.http2());
        }
        long certificateId = certificates.requireCovering(https.certificate().trim(), hostnames);
        HstsPolicy hsts = https.hsts() ? hstsPolicy(https) : null;
        return new SiteTls(certificateId, https.forceHttps(), hsts == null ? null : hsts.maxAgeSeconds(),
                hsts != null && hsts.includeSubDomains(), hsts != null && hsts.preload(), https.http2());
    }

    private Site require(long id) {
        return sites.findById(id).orElseThrow(() -> notFound(id));
    }

    private SiteView view(Site site) {
        String backendName = site.backendId() == null ? null : backends.findById(site.backendId()).map(Backend::name)
                .orElseThrow(() -> new IllegalStateException("site " + site.id() + " refers to missing backend "
                        + site.backendId()));
        return view(site, backendName, id -> certificates.nameOf(id).orElse(null),
                id -> accessLists.findById(id).map(AccessList::name).orElse(null));
    }

    /**
     * @param certificateName the name of a certificate by id (one query for a list, not one per site)
     * @param accessListName the name of an access list by id, likewise
     */
    private static SiteView view(Site site, String backendName, Function<Long, String> certificateName,
                                 Function<Long, String> accessListName) {
        SiteTls tls = site.tls();
        String certificate = tls.certificateId() == null ? null : certificateName.apply(tls.certificateId());
        if (tls.certificateId() != null && certificate == null) {
            // The foreign key makes this impossible; fail loudly rather than show the site as HTTP-only.
            throw new IllegalStateException("site " + site.id() + " refers to missing certificate " + tls.certificateId());
        }
        Long accessListId = site.policies().accessListId();
        String accessList = accessListId == null ? null : accessListName.apply(accessListId);
        if (accessListId != null && accessList == null) {
            // The foreign key makes this impossible; fail loudly rather than show the site as open to all.
            throw new IllegalStateException("site " + site.id() + " refers to missing access list " + accessListId);
        }
        SiteWebsockets websockets = site.websockets();
        return new SiteView(site.id(), site.hostnames(), backendName, site.enabled(), certificate, tls.forceHttps(),
                tls.hstsMaxAgeSeconds(), tls.hstsIncludeSubDomains(), tls.hstsPreload(), websockets.enabled(),
                websockets.enabled() ? websockets.idleTimeoutMs() : null, site.createdAt(), site.updatedAt(),
                site.redirect(), site.headers(), tls.http2(), site.policies(), accessList);
    }

    /** How a site is named to people: its first hostname. */
    private static String label(Site site) {
        return site.hostnames().isEmpty() ? "site " + site.id() : site.hostnames().get(0);
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException("there is no site with id " + id);
    }
}

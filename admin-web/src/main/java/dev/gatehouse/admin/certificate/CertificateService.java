package dev.gatehouse.admin.certificate;

import dev.gatehouse.admin.certificate.CertificateView.SiteUse;
import dev.gatehouse.admin.certificate.CertificateWarning.Kind;
import dev.gatehouse.admin.certificate.bundle.CertificateBundle;
import dev.gatehouse.admin.certificate.bundle.CertificateBundleReader;
import dev.gatehouse.admin.certificate.bundle.CertificateDetails;
import dev.gatehouse.admin.certificate.bundle.CertificateInput;
import dev.gatehouse.admin.certificate.bundle.CertificateInputException;
import dev.gatehouse.admin.certificate.bundle.HostnameCoverage;
import dev.gatehouse.admin.common.Blocking;
import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.NotFoundException;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.config.ConfigPublisher;
import dev.gatehouse.admin.config.ConfigPublisher.Change;
import dev.gatehouse.storage.certificate.CertificateRepository;
import dev.gatehouse.storage.certificate.StoredCertificate;
import dev.gatehouse.storage.site.Site;
import dev.gatehouse.storage.site.SiteRepository;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Certificates: upload, inspect, replace, delete, and the warnings the dashboard shows. Writes go
 * through {@link ConfigPublisher}, so a certificate is validated, stored (its key encrypted by the
 * repository) and live in one step, and a rejected upload stores nothing. Every method is
 * non-blocking: parsing, key decryption and JDBC run on bounded-elastic threads.
 */
@Service
public class CertificateService {

    /** What a certificate name may look like: safe in URLs, JSON and the API's site references. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final CertificateRepository certificates;
    private final SiteRepository sites;
    private final ConfigPublisher publisher;
    private final CertificateBundleReader reader;
    private final Clock clock;

    @Autowired
    public CertificateService(CertificateRepository certificates, SiteRepository sites, ConfigPublisher publisher) {
        this(certificates, sites, publisher, Clock.systemUTC());
    }

    CertificateService(CertificateRepository certificates, SiteRepository sites, ConfigPublisher publisher,
                       Clock clock) {
        this.certificates = certificates;
        this.sites = sites;
        this.publisher = publisher;
        this.clock = clock;
        this.reader = new CertificateBundleReader(clock);
    }

    /** Every uploaded certificate, ordered by name (the built-in default certificate is not listed). */
    public Flux<CertificateView> list() {
        return Blocking.flux(() -> {
            Map<Long, List<Site>> usage = sitesByCertificate();
            return certificates.findAll().stream()
                    .map(certificate -> view(certificate, usage.getOrDefault(certificate.id(), List.of())))
                    .toList();
        });
    }

    /** @throws NotFoundException (as the Mono's error) when there is no such uploaded certificate */
    public Mono<CertificateView> get(long id) {
        return Blocking.mono(() -> view(require(id)));
    }

    /** The chain as PEM, leaf first, for download. Never the key. */
    public Mono<NamedChain> chain(long id) {
        return Blocking.mono(() -> {
            StoredCertificate certificate = require(id);
            return new NamedChain(certificate.name(), certificate.chainPem());
        });
    }

    /** A certificate chain to download: the file is named after the certificate. */
    public record NamedChain(String name, String pem) {
    }

    /**
     * Reads an upload and says what it is, storing nothing: the dashboard's "Check" step.
     *
     * @throws ValidationException (as the Mono's error) naming every problem with the input
     */
    public Mono<CertificateDetails> inspect(CertificateInput input) {
        return Blocking.mono(() -> CertificateDetails.of(read(input).chain(), clock));
    }

    /**
     * Stores and serves a new certificate. A blank name is taken from the certificate's first name
     * ({@code *.example.com} becomes {@code wildcard.example.com}).
     */
    public Mono<CertificateView> create(String name, CertificateInput input, String actor) {
        return Blocking.mono(() -> read(input)).flatMap(bundle -> publisher.publish(actor, () -> {
            String validName = nameFor(name, bundle);
            Optional<StoredCertificate> existing = certificates.findByName(validName);
            if (existing.isPresent()) {
                throw new ConflictException("name", "a certificate named '" + existing.get().name()
                        + "' already exists; choose another name or replace that one");
            }
            StoredCertificate stored;
            try {
                stored = certificates.insert(validName, bundle.chainPem(), bundle.fingerprintSha256(),
                        bundle.privateKeyPkcs8Pem());
            } catch (DuplicateKeyException reserved) {
                // findByName sees uploaded certificates only; the built-in default's name is taken too.
                throw new ConflictException("name", "the name '" + validName + "' is taken; choose another name");
            }
            return new Change<>(view(stored, List.of()), "uploaded certificate " + stored.name());
        }));
    }

    /**
     * Puts a new chain and key (a renewal) in place of a certificate's, keeping its name and the sites
     * that use it: new TLS handshakes get the new certificate at once, open connections carry on.
     *
     * @throws ValidationException when the new certificate does not cover a hostname of a site using it
     */
    public Mono<CertificateView> replace(long id, CertificateInput input, String actor) {
        return Blocking.mono(() -> read(input)).flatMap(bundle -> publisher.publish(actor, () -> {
            StoredCertificate before = require(id);
            List<Site> users = sites.findByCertificateId(id);
            List<FieldProblem> problems = new ArrayList<>();
            for (Site site : users) {
                for (String hostname : HostnameCoverage.uncovered(bundle.leaf(), site.hostnames())) {
                    problems.add(new FieldProblem("certificate", "the new certificate does not cover '" + hostname
                            + "' of site " + label(site) + " (it covers " + names(bundle.leaf()) + ")"));
                }
            }
            if (!problems.isEmpty()) {
                throw new ValidationException(problems);
            }
            StoredCertificate replaced = certificates.replace(id, bundle.chainPem(), bundle.fingerprintSha256(),
                    bundle.privateKeyPkcs8Pem()).orElseThrow(() -> notFound(id));
            return new Change<>(view(replaced, users), "replaced certificate " + before.name());
        }));
    }

    /** @throws ConflictException while any site still uses the certificate */
    public Mono<Void> delete(long id, String actor) {
        return publisher.<Void>publish(actor, () -> {
            StoredCertificate certificate = require(id);
            List<String> users = sites.findByCertificateId(id).stream().map(CertificateService::label).toList();
            if (!users.isEmpty()) {
                throw new ConflictException("name", "certificate '" + certificate.name() + "' is used by site(s) "
                        + String.join(", ", users) + "; give them another certificate or none first");
            }
            certificates.delete(id);
            return new Change<>(null, "deleted certificate " + certificate.name());
        });
    }

    /**
     * Certificates that expired or expire within {@link CertificateDetails#EXPIRY_WARNING_DAYS} days,
     * and site hostnames their certificate does not cover; most urgent first.
     */
    public Mono<List<CertificateWarning>> warnings() {
        return Blocking.mono(() -> {
            Map<Long, List<Site>> usage = sitesByCertificate();
            List<CertificateWarning> warnings = new ArrayList<>();
            for (StoredCertificate certificate : certificates.findAll()) {
                CertificateView view = view(certificate, usage.getOrDefault(certificate.id(), List.of()));
                CertificateDetails details = view.details();
                LocalDate end = LocalDate.ofInstant(details.notAfter(), ZoneOffset.UTC);
                if (details.status() == CertificateDetails.Status.EXPIRED) {
                    warnings.add(new CertificateWarning(Kind.EXPIRED, certificate.id(), "Certificate '" + certificate.name()
                            + "' expired on " + end + "; browsers refuse the sites using it. Upload a renewed one."));
                } else if (details.status() == CertificateDetails.Status.EXPIRING_SOON) {
                    warnings.add(new CertificateWarning(Kind.EXPIRING_SOON, certificate.id(), "Certificate '"
                            + certificate.name() + "' expires in " + details.daysLeft() + " day(s) (" + end + ")."));
                }
                for (SiteUse use : view.usedBy()) {
                    if (!use.uncoveredHostnames().isEmpty()) {
                        warnings.add(new CertificateWarning(Kind.HOSTNAME_NOT_COVERED, certificate.id(), "Site "
                                + use.label() + " uses certificate '" + certificate.name() + "', which does not cover "
                                + String.join(", ", use.uncoveredHostnames()) + "."));
                    }
                }
            }
            warnings.sort((a, b) -> a.kind().compareTo(b.kind()));
            return warnings;
        });
    }

    /**
     * The problems a site's hostnames have with the certificate named {@code name}: unknown name, or
     * hostnames outside its SANs. Blocking; for {@code SiteService}, inside its transaction.
     *
     * @return the certificate's id when it covers every hostname
     * @throws ValidationException on field {@code certificate} otherwise
     */
    public long requireCovering(String name, List<String> hostnames) {
        StoredCertificate certificate = certificates.findByName(name).orElseThrow(() -> new ValidationException(
                "certificate", "no certificate named '" + name + "'"));
        X509Certificate leaf = leaf(certificate);
        List<String> uncovered = HostnameCoverage.uncovered(leaf, hostnames);
        if (!uncovered.isEmpty()) {
            throw new ValidationException(uncovered.stream()
                    .map(hostname -> new FieldProblem("certificate", "certificate '" + certificate.name()
                            + "' does not cover hostname '" + hostname + "' (it covers " + names(leaf) + ")"))
                    .toList());
        }
        return certificate.id();
    }

    /** The names of the uploaded certificates by id, for lists of sites; blocking. */
    public Map<Long, String> namesById() {
        return certificates.findAll().stream().collect(Collectors.toMap(StoredCertificate::id, StoredCertificate::name));
    }

    /** The name of a stored certificate by id, for site views; blocking. */
    public Optional<String> nameOf(long id) {
        return certificates.findById(id).filter(c -> !c.builtin()).map(StoredCertificate::name);
    }

    private CertificateBundle read(CertificateInput input) {
        try {
            return reader.read(input);
        } catch (CertificateInputException e) {
            throw new ValidationException(e.problems().stream()
                    .map(problem -> new FieldProblem(problem.field(), problem.message()))
                    .toList());
        }
    }

    private static String nameFor(String requested, CertificateBundle bundle) {
        String name = requested == null ? "" : requested.trim();
        if (name.isEmpty()) {
            name = defaultName(bundle);
        }
        if (!NAME.matcher(name).matches()) {
            throw new ValidationException("name", "name '" + name + "' must be 1-64 letters, digits, dots, dashes or "
                    + "underscores, starting with a letter or digit");
        }
        return name;
    }

    /** The first DNS name of the certificate, made into a valid name. */
    private static String defaultName(CertificateBundle bundle) {
        List<String> sans = CertificateDetails.subjectAlternativeNames(bundle.leaf());
        String first = sans.isEmpty() ? "certificate" : sans.get(0);
        String name = first.toLowerCase(Locale.ROOT).replace("*.", "wildcard.").replaceAll("[^a-z0-9._-]", "-");
        name = name.replaceAll("^[^a-z0-9]+", "");
        if (name.isEmpty()) {
            name = "certificate";
        }
        return name.length() > 64 ? name.substring(0, 64) : name;
    }

    private Map<Long, List<Site>> sitesByCertificate() {
        return sites.findAll().stream()
                .filter(site -> site.tls().certificateId() != null)
                .collect(Collectors.groupingBy(site -> site.tls().certificateId()));
    }

    private StoredCertificate require(long id) {
        return certificates.findById(id).filter(c -> !c.builtin()).orElseThrow(() -> notFound(id));
    }

    private CertificateView view(StoredCertificate certificate) {
        return view(certificate, sites.findByCertificateId(certificate.id()));
    }

    private CertificateView view(StoredCertificate certificate, List<Site> users) {
        List<X509Certificate> chain = reader.readChainOnly(certificate.chainPem());
        CertificateDetails details = CertificateDetails.of(chain, clock);
        List<SiteUse> usedBy = users.stream()
                .map(site -> new SiteUse(site.id(), label(site), HostnameCoverage.uncovered(chain.get(0), site.hostnames())))
                .toList();
        return new CertificateView(certificate.id(), certificate.name(), details, usedBy, certificate.createdAt(),
                certificate.updatedAt());
    }

    private X509Certificate leaf(StoredCertificate certificate) {
        return reader.readChainOnly(certificate.chainPem()).get(0);
    }

    private static String names(X509Certificate leaf) {
        List<String> sans = CertificateDetails.subjectAlternativeNames(leaf);
        return sans.isEmpty() ? "no DNS names" : String.join(", ", sans);
    }

    /** How a site is named to people: its first hostname. */
    static String label(Site site) {
        return site.hostnames().isEmpty() ? "site " + site.id() : site.hostnames().get(0);
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException("there is no certificate with id " + id);
    }
}

package dev.gatehouse.admin.certificate;

import dev.gatehouse.admin.api.ApiController;
import dev.gatehouse.admin.certificate.CertificateView.SiteUse;
import dev.gatehouse.admin.certificate.bundle.CertificateDetails;
import dev.gatehouse.admin.certificate.bundle.CertificateDetails.ChainEntry;
import dev.gatehouse.admin.certificate.bundle.CertificateInput;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.security.ObjectPermissions;
import dev.gatehouse.admin.security.ObjectPermissions.Action;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.Part;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code /api/v1/certificates}: upload, list, read, replace, delete, and download the chain.
 * Responses carry metadata only; no call ever returns key material.
 *
 * <p>Uploads, as JSON: {@code {"name":"shop","certificate":"<PEM chain>","privateKey":"<PEM key>"}}
 * (optional {@code "keyPassphrase"} for an encrypted key), or {@code {"name":"shop","pkcs12":"<base64
 * of the .p12>","pkcs12Password":"..."}}; or as multipart with the same part names
 * ({@code curl -F name=shop -F certificate=@fullchain.pem -F privateKey=@privkey.pem}, or
 * {@code -F pkcs12=@shop.p12 -F pkcs12Password=...}). {@code POST /api/v1/certificates/check} reads an
 * upload and answers what it would store, storing nothing.
 */
@ApiController
@RequestMapping("/api/v1/certificates")
public class CertificateApiController {

    private final CertificateService certificates;
    private final ObjectPermissions permissions;

    public CertificateApiController(CertificateService certificates, ObjectPermissions permissions) {
        this.certificates = certificates;
        this.permissions = permissions;
    }

    /** Body of a JSON upload; PUT replaces chain and key and ignores {@code name}. */
    public record CertificateRequest(String name, String certificate, String privateKey, String keyPassphrase,
                                     String pkcs12, String pkcs12Password) {

        CertificateInput toInput() {
            if (pkcs12 != null && !pkcs12.isBlank()) {
                byte[] bundle;
                try {
                    bundle = Base64.getMimeDecoder().decode(pkcs12.trim());
                } catch (IllegalArgumentException e) {
                    throw new ValidationException(CertificateUploads.PKCS12, "pkcs12 must be the .p12/.pfx file in base64");
                }
                return CertificateInput.pkcs12(bundle, pkcs12Password);
            }
            return CertificateInput.pem(certificate, privateKey, keyPassphrase);
        }

        @Override
        public String toString() {
            return "CertificateRequest[name=" + name + "]";
        }
    }

    public record ChainEntryJson(String subject, String issuer, Instant notAfter, String fingerprintSha256) {

        static ChainEntryJson of(ChainEntry entry) {
            return new ChainEntryJson(entry.subject(), entry.issuer(), entry.notAfter(), entry.fingerprintSha256());
        }
    }

    /** What a certificate is, as read from its chain: the same for a stored one and a check. */
    public record DetailsJson(String subject, List<String> subjectAlternativeNames, String issuer,
                              List<ChainEntryJson> chain, Instant notBefore, Instant notAfter, long daysLeft,
                              String status, String keyType, int keySize, String fingerprintSha256,
                              String serialNumber, boolean selfSigned) {

        static DetailsJson of(CertificateDetails d) {
            return new DetailsJson(d.subject(), d.subjectAlternativeNames(), d.issuer(),
                    d.chain().stream().map(ChainEntryJson::of).toList(), d.notBefore(), d.notAfter(), d.daysLeft(),
                    d.status().name(), d.keyType(), d.keySize(), d.fingerprintSha256(), d.serialNumber(), d.selfSigned());
        }
    }

    public record SiteUseJson(long siteId, String site, List<String> uncoveredHostnames) {

        static SiteUseJson of(SiteUse use) {
            return new SiteUseJson(use.siteId(), use.label(), use.uncoveredHostnames());
        }
    }

    public record CertificateResponse(long id, String name, String subject, List<String> subjectAlternativeNames,
                                      String issuer, List<ChainEntryJson> chain, Instant notBefore, Instant notAfter,
                                      long daysLeft, String status, String keyType, int keySize,
                                      String fingerprintSha256, String serialNumber, boolean selfSigned,
                                      List<SiteUseJson> usedBy, Instant createdAt, Instant updatedAt) {

        static CertificateResponse of(CertificateView view) {
            DetailsJson d = DetailsJson.of(view.details());
            return new CertificateResponse(view.id(), view.name(), d.subject(), d.subjectAlternativeNames(),
                    d.issuer(), d.chain(), d.notBefore(), d.notAfter(), d.daysLeft(), d.status(), d.keyType(),
                    d.keySize(), d.fingerprintSha256(), d.serialNumber(), d.selfSigned(),
                    view.usedBy().stream().map(SiteUseJson::of).toList(), view.createdAt(), view.updatedAt());
        }
    }

    @GetMapping
    public Flux<CertificateResponse> list(Principal principal) {
        return certificates.list()
                .filterWhen(view -> permissions.allows(principal, Action.READ, ObjectPermissions.CERTIFICATE, view.id()))
                .map(CertificateResponse::of);
    }

    /** What the dashboard warns about (expired, expiring within 30 days, hostnames not covered), for monitoring. */
    public record WarningJson(String kind, long certificateId, String message) {
    }

    @GetMapping("/warnings")
    public Flux<WarningJson> warnings(Principal principal) {
        return certificates.warnings()
                .flatMapIterable(list -> list)
                .filterWhen(w -> permissions.allows(principal, Action.READ, ObjectPermissions.CERTIFICATE, w.certificateId()))
                .map(w -> new WarningJson(w.kind().name(), w.certificateId(), w.message()));
    }

    @GetMapping("/{id}")
    public Mono<CertificateResponse> get(@PathVariable long id, Principal principal) {
        return permissions.require(principal, Action.READ, ObjectPermissions.CERTIFICATE, id)
                .then(certificates.get(id))
                .map(CertificateResponse::of);
    }

    /** The chain as a PEM file (leaf first). The key is never downloadable. */
    @GetMapping(value = "/{id}/chain", produces = "application/x-pem-file")
    public Mono<ResponseEntity<byte[]>> chain(@PathVariable long id, Principal principal) {
        return permissions.require(principal, Action.READ, ObjectPermissions.CERTIFICATE, id)
                .then(certificates.chain(id))
                .map(chain -> ResponseEntity.ok()
                        .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                                .filename(chain.name() + ".chain.pem").build().toString())
                        .contentType(MediaType.parseMediaType("application/x-pem-file"))
                        .body(chain.pem().getBytes(StandardCharsets.US_ASCII)));
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<CertificateResponse>> create(@RequestBody CertificateRequest request,
                                                            Principal principal) {
        return permissions.require(principal, Action.CREATE, ObjectPermissions.CERTIFICATE, null)
                .then(Mono.fromCallable(request::toInput))
                .flatMap(input -> certificates.create(request.name(), input, principal.getName()))
                .map(CertificateApiController::created);
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public Mono<ResponseEntity<CertificateResponse>> createFromForm(@RequestBody Mono<MultiValueMap<String, Part>> form,
                                                                    Principal principal) {
        return permissions.require(principal, Action.CREATE, ObjectPermissions.CERTIFICATE, null)
                .then(form)
                .flatMap(CertificateUploads::read)
                .flatMap(upload -> certificates.create(upload.name(), upload.input(), principal.getName()))
                .map(CertificateApiController::created);
    }

    @PostMapping(value = "/check", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<DetailsJson> check(@RequestBody CertificateRequest request, Principal principal) {
        return permissions.require(principal, Action.CREATE, ObjectPermissions.CERTIFICATE, null)
                .then(Mono.fromCallable(request::toInput))
                .flatMap(certificates::inspect)
                .map(DetailsJson::of);
    }

    @PostMapping(value = "/check", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public Mono<DetailsJson> checkForm(@RequestBody Mono<MultiValueMap<String, Part>> form, Principal principal) {
        return permissions.require(principal, Action.CREATE, ObjectPermissions.CERTIFICATE, null)
                .then(form)
                .flatMap(CertificateUploads::read)
                .flatMap(upload -> certificates.inspect(upload.input()))
                .map(DetailsJson::of);
    }

    @PutMapping(value = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<CertificateResponse> replace(@PathVariable long id, @RequestBody CertificateRequest request,
                                             Principal principal) {
        return permissions.require(principal, Action.CHANGE, ObjectPermissions.CERTIFICATE, id)
                .then(Mono.fromCallable(request::toInput))
                .flatMap(input -> certificates.replace(id, input, principal.getName()))
                .map(CertificateResponse::of);
    }

    @PutMapping(value = "/{id}", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public Mono<CertificateResponse> replaceFromForm(@PathVariable long id,
                                                     @RequestBody Mono<MultiValueMap<String, Part>> form,
                                                     Principal principal) {
        return permissions.require(principal, Action.CHANGE, ObjectPermissions.CERTIFICATE, id)
                .then(form)
                .flatMap(CertificateUploads::read)
                .flatMap(upload -> certificates.replace(id, upload.input(), principal.getName()))
                .map(CertificateResponse::of);
    }

    @DeleteMapping("/{id}")
    public Mono<ResponseEntity<Void>> delete(@PathVariable long id, Principal principal) {
        return permissions.require(principal, Action.DELETE, ObjectPermissions.CERTIFICATE, id)
                .then(certificates.delete(id, principal.getName()))
                .thenReturn(ResponseEntity.noContent().build());
    }

    private static ResponseEntity<CertificateResponse> created(CertificateView view) {
        return ResponseEntity.created(URI.create("/api/v1/certificates/" + view.id())).body(CertificateResponse.of(view));
    }
}

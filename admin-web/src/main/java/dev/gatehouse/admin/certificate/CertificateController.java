package dev.gatehouse.admin.certificate;

import dev.gatehouse.admin.certificate.CertificateUploads.Upload;
import dev.gatehouse.admin.certificate.bundle.CertificateDetails;
import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.security.ObjectPermissions;
import dev.gatehouse.admin.security.ObjectPermissions.Action;
import dev.gatehouse.admin.web.Flash;
import dev.gatehouse.admin.web.FlashMessages;
import dev.gatehouse.admin.web.FormErrors;
import dev.gatehouse.admin.web.PageController;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.Part;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.validation.BeanPropertyBindingResult;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The Certificates pages: list, upload (with a Check step that stores nothing), details, replace,
 * chain download and delete, with Post/Redirect/Get and flash messages.
 *
 * <p>The upload form is multipart (it carries files) and is read by {@link CertificateUploads}, so it
 * has the API's size limits and parsing; there is no data binding, so no {@code @InitBinder}: the
 * only values shown again are the ones {@link CertificateForm#from} copies, and never a private key,
 * passphrase or password. Every handler asks {@link ObjectPermissions} first.
 *
 * <p>Check works in two ways: with htmx, the button posts the form in the background and only the
 * result card is replaced, so the picked files and the typed key stay in the browser; without
 * script, the whole form comes back with the result, the pasted chain kept and the secrets cleared.
 */
@PageController
@RequestMapping("/certificates")
public class CertificateController {

    private static final String LIST = "/certificates";
    private static final String FORM_VIEW = "certificates/form";
    private static final String CHECK_RESULT_VIEW = "certificates/form :: check-result";
    private static final String HX_REQUEST = "HX-Request";
    private static final MediaType PEM_FILE = MediaType.parseMediaType("application/x-pem-file");

    private final CertificateService certificates;
    private final ObjectPermissions permissions;

    public CertificateController(CertificateService certificates, ObjectPermissions permissions) {
        this.certificates = certificates;
        this.permissions = permissions;
    }

    @GetMapping
    public Mono<String> list(Model model, ServerWebExchange exchange) {
        return principal(exchange)
                .flatMapMany(principal -> certificates.list().filterWhen(certificate ->
                        permissions.allows(principal, Action.READ, ObjectPermissions.CERTIFICATE, certificate.id())))
                .collectList()
                .doOnNext(all -> model.addAttribute("certificates", all))
                .then(FlashMessages.moveToModel(exchange, model))
                .thenReturn("certificates/list");
    }

    @GetMapping("/new")
    public Mono<Rendering> newCertificate(Model model, ServerWebExchange exchange) {
        return require(exchange, Action.CREATE, null)
                .then(Mono.fromCallable(() -> form(model, new CertificateForm(), null, null, HttpStatus.OK)));
    }

    @PostMapping
    public Mono<Rendering> create(Model model, ServerWebExchange exchange) {
        return require(exchange, Action.CREATE, null).flatMap(actor -> save(model, exchange, null,
                upload -> certificates.create(upload.name(), upload.input(), actor),
                saved -> "Certificate '" + saved.name() + "' uploaded."));
    }

    /** Reads the upload and shows what it is; stores nothing. */
    @PostMapping("/check")
    public Mono<Rendering> check(Model model, ServerWebExchange exchange) {
        return require(exchange, Action.CREATE, null).then(Mono.defer(() -> check(model, exchange, null)));
    }

    @GetMapping("/{id}")
    public Mono<String> details(@PathVariable long id, Model model, ServerWebExchange exchange) {
        return require(exchange, Action.READ, id)
                .then(Mono.defer(() -> certificates.get(id)))
                .doOnNext(certificate -> model.addAttribute("certificate", certificate))
                .then(FlashMessages.moveToModel(exchange, model))
                .thenReturn("certificates/details");
    }

    /** The chain as a PEM file, leaf first: what a client or monitoring needs. Never the key. */
    @GetMapping("/{id}/chain.pem")
    public Mono<ResponseEntity<byte[]>> chain(@PathVariable long id, ServerWebExchange exchange) {
        return require(exchange, Action.READ, id)
                .then(Mono.defer(() -> certificates.chain(id)))
                .map(chain -> ResponseEntity.ok()
                        .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                                .filename(chain.name() + ".chain.pem").build().toString())
                        .cacheControl(CacheControl.noStore())
                        .contentType(PEM_FILE)
                        .body(chain.pem().getBytes(StandardCharsets.US_ASCII)));
    }

    @GetMapping("/{id}/replace")
    public Mono<Rendering> replaceForm(@PathVariable long id, Model model, ServerWebExchange exchange) {
        return require(exchange, Action.CHANGE, id)
                .then(Mono.defer(() -> certificates.get(id)))
                .map(current -> form(model, new CertificateForm(), current, null, HttpStatus.OK));
    }

    @PostMapping("/{id}/replace")
    public Mono<Rendering> replace(@PathVariable long id, Model model, ServerWebExchange exchange) {
        return require(exchange, Action.CHANGE, id).flatMap(actor -> certificates.get(id).flatMap(current ->
                save(model, exchange, current,
                        upload -> certificates.replace(id, upload.input(), actor),
                        saved -> "Certificate '" + saved.name() + "' replaced: new connections use it now.")));
    }

    /** Check for the replace form: the same as {@link #check}, shown on the replace page. */
    @PostMapping("/{id}/check")
    public Mono<Rendering> checkReplacement(@PathVariable long id, Model model, ServerWebExchange exchange) {
        return require(exchange, Action.CHANGE, id)
                .then(Mono.defer(() -> certificates.get(id)))
                .flatMap(current -> check(model, exchange, current));
    }

    @PostMapping("/{id}/delete")
    public Mono<Rendering> delete(@PathVariable long id, ServerWebExchange exchange) {
        return require(exchange, Action.DELETE, id).flatMap(actor -> certificates.get(id)
                .flatMap(certificate -> certificates.delete(id, actor).thenReturn(certificate))
                .flatMap(deleted -> redirect(exchange, LIST,
                        Flash.success("Certificate '" + deleted.name() + "' deleted.")))
                // Still used by a site: nothing was deleted; its page lists the sites to change first.
                .onErrorResume(ConflictException.class,
                        conflict -> redirect(exchange, LIST + "/" + id, Flash.danger(conflict.getMessage()))));
    }

    private Mono<Rendering> save(Model model, ServerWebExchange exchange, CertificateView current,
                                 Function<Upload, Mono<CertificateView>> write,
                                 Function<CertificateView, String> message) {
        return exchange.getMultipartData().flatMap(parts -> {
            CertificateForm form = CertificateForm.from(parts);
            return CertificateUploads.read(form.selectedParts(parts))
                    .flatMap(write)
                    .flatMap(saved -> redirect(exchange, LIST + "/" + saved.id(), Flash.success(message.apply(saved))))
                    .onErrorResume(ValidationException.class, rejected ->
                            Mono.just(rejectedForm(model, form, current, binding -> FormErrors.reject(binding,
                                    CertificateForm.FIELDS, rejected), HttpStatus.BAD_REQUEST)))
                    .onErrorResume(ConflictException.class, conflict ->
                            Mono.just(rejectedForm(model, form, current, binding -> FormErrors.reject(binding,
                                    CertificateForm.FIELDS, conflict), HttpStatus.CONFLICT)));
        });
    }

    private Mono<Rendering> check(Model model, ServerWebExchange exchange, CertificateView current) {
        boolean partial = "true".equals(exchange.getRequest().getHeaders().getFirst(HX_REQUEST));
        return exchange.getMultipartData().flatMap(parts -> {
            CertificateForm form = CertificateForm.from(parts);
            return CertificateUploads.read(form.selectedParts(parts))
                    .flatMap(upload -> certificates.inspect(upload.input()))
                    .map(details -> partial
                            ? checkResult(model, details, List.of())
                            : form(model, form, current, details, HttpStatus.OK))
                    .onErrorResume(ValidationException.class, rejected -> Mono.just(partial
                            // htmx swaps only 2xx answers: the problems are the result of a successful check.
                            ? checkResult(model, null, rejected.problems())
                            : rejectedForm(model, form, current,
                                    binding -> FormErrors.reject(binding, CertificateForm.FIELDS, rejected),
                                    HttpStatus.BAD_REQUEST)));
        });
    }

    private static Rendering checkResult(Model model, CertificateDetails details, List<FieldProblem> problems) {
        model.addAttribute("checked", details);
        model.addAttribute("checkProblems", problems);
        return Rendering.view(CHECK_RESULT_VIEW).status(HttpStatus.OK).build();
    }

    private static Rendering rejectedForm(Model model, CertificateForm form, CertificateView current,
                                          Consumer<BindingResult> reject, HttpStatus status) {
        Rendering rendering = form(model, form, current, null, status);
        reject.accept(binding(model));
        return rendering;
    }

    /**
     * The upload form. {@code current} is the certificate being replaced (null when uploading a new
     * one); {@code checked} is what a Check read (null otherwise).
     */
    private static Rendering form(Model model, CertificateForm form, CertificateView current,
                                  CertificateDetails checked, HttpStatus status) {
        // The form first, then its binding result: the model drops a binding result whose target changes.
        model.addAttribute("form", form);
        model.addAttribute(BindingResult.MODEL_KEY_PREFIX + "form", new BeanPropertyBindingResult(form, "form"));
        model.addAttribute("replacing", current);
        model.addAttribute("checked", checked);
        return Rendering.view(FORM_VIEW).status(status).build();
    }

    private static BindingResult binding(Model model) {
        return (BindingResult) model.getAttribute(BindingResult.MODEL_KEY_PREFIX + "form");
    }

    /** Completes with the signed-in user's name (the actor of changes) once the action is allowed. */
    private Mono<String> require(ServerWebExchange exchange, Action action, Long id) {
        return principal(exchange).flatMap(principal ->
                permissions.require(principal, action, ObjectPermissions.CERTIFICATE, id).thenReturn(principal.getName()));
    }

    private static Mono<Principal> principal(ServerWebExchange exchange) {
        return exchange.getPrincipal().switchIfEmpty(Mono.error(() -> new IllegalStateException(
                "no signed-in user for " + exchange.getRequest().getPath()
                        + ": certificate pages must require authentication")));
    }

    private static Mono<Rendering> redirect(ServerWebExchange exchange, String location, Flash flash) {
        return FlashMessages.put(exchange, flash).thenReturn(Rendering.redirectTo(location).build());
    }
}

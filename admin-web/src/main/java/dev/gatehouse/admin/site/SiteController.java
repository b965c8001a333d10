package dev.gatehouse.admin.site;

import dev.gatehouse.admin.accesslist.AccessListService;
import dev.gatehouse.admin.backend.BackendService;
import dev.gatehouse.admin.backend.BackendView;
import dev.gatehouse.admin.certificate.CertificateService;
import dev.gatehouse.admin.certificate.CertificateView;
import dev.gatehouse.admin.certificate.bundle.CertificateDetails;
import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.web.Flash;
import dev.gatehouse.admin.web.FlashMessages;
import dev.gatehouse.admin.web.FormErrors;
import dev.gatehouse.admin.web.PageController;
import dev.gatehouse.admin.web.SignedInUser;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.InitBinder;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The Sites pages: list, add, edit, enable/disable, delete. Every change is a POST that redirects
 * to the list with a flash message (Post/Redirect/Get); a rejected form is shown again with the
 * user's input and each problem next to its field, and nothing is saved. The form's HTTPS section
 * chooses a certificate and the Force-HTTPS and HSTS options; its WebSockets section switches
 * WebSocket upgrades on with their idle timeout. Its "Action" chooses between forwarding to a backend and
 * redirecting every request (a redirection host); its Headers section sets Host passing and the header
 * rules, with "Add rule" posting the form back with one more row; its Access and limits section chooses an
 * access list, a rate limit, exploit blocking and size limits.
 */
@PageController
@RequestMapping("/sites")
public class SiteController {

    private static final String LIST = "/sites";
    private static final String FORM_VIEW = "sites/form";

    private final SiteService sites;
    private final BackendService backends;
    private final CertificateService certificates;
    private final AccessListService accessLists;

    public SiteController(SiteService sites, BackendService backends, CertificateService certificates,
                          AccessListService accessLists) {
        this.sites = sites;
        this.backends = backends;
        this.certificates = certificates;
        this.accessLists = accessLists;
    }

    /**
     * A certificate as the site form offers it.
     *
     * @param name the value posted
     * @param label what the option says: the name, the names it covers and its expiry, so the right
     *     one is picked without opening the certificates page
     * @param expired shown, but marked, so a site keeps showing the certificate it has
     */
    public record CertificateChoice(String name, String label, boolean expired) {

        static CertificateChoice of(CertificateView certificate) {
            CertificateDetails details = certificate.details();
            List<String> sans = details.subjectAlternativeNames();
            String names = sans.isEmpty() ? details.subject()
                    : sans.size() <= 3 ? String.join(", ", sans)
                    : String.join(", ", sans.subList(0, 3)) + " +" + (sans.size() - 3) + " more";
            String expiry = details.notAfter().atZone(ZoneOffset.UTC).toLocalDate().toString();
            boolean expired = details.status() == CertificateDetails.Status.EXPIRED;
            return new CertificateChoice(certificate.name(), certificate.name() + " — " + names
                    + (expired ? " (EXPIRED " + expiry + ")" : " (expires " + expiry + ")"), expired);
        }
    }

    @InitBinder("form")
    void bindOnlyFormFields(WebDataBinder binder) {
        binder.setAllowedFields(SiteForm.BINDABLE);
    }

    @GetMapping
    public Mono<String> list(Model model, ServerWebExchange exchange) {
        return Mono.zip(sites.list().collectList(), backends.list().hasElements())
                .doOnNext(loaded -> model
                        .addAttribute("sites", loaded.getT1())
                        .addAttribute("hasBackends", loaded.getT2()))
                .then(FlashMessages.moveToModel(exchange, model))
                .thenReturn("sites/list");
    }

    @GetMapping("/new")
    public Mono<Rendering> newSite(Model model) {
        model.addAttribute("form", new SiteForm());
        return form(model, null, HttpStatus.OK);
    }

    @GetMapping("/{id}/edit")
    public Mono<Rendering> edit(@PathVariable long id, Model model) {
        return sites.get(id).flatMap(site -> {
            model.addAttribute("form", SiteForm.from(site));
            return form(model, id, HttpStatus.OK);
        });
    }

    @PostMapping
    public Mono<Rendering> create(@ModelAttribute("form") SiteForm form, BindingResult binding, Model model,
                                  ServerWebExchange exchange) {
        return save(form, binding, model, exchange, null,
                actor -> sites.create(form.toCommand(), actor), "added");
    }

    @PostMapping("/{id}")
    public Mono<Rendering> update(@PathVariable long id, @ModelAttribute("form") SiteForm form, BindingResult binding,
                                  Model model, ServerWebExchange exchange) {
        return save(form, binding, model, exchange, id,
                actor -> sites.update(id, form.toCommand(), actor), "saved");
    }

    /** "Add rule" on a new site: the same form with one more empty rule row; nothing is saved. */
    @PostMapping("/new/add-rule/{list:request|response}")
    public Mono<Rendering> addRuleToNew(@PathVariable String list, @ModelAttribute("form") SiteForm form, Model model) {
        form.addRule(list);
        return form(model, null, HttpStatus.OK);
    }

    /** "Add rule" while editing: the same form with one more empty rule row; nothing is saved. */
    @PostMapping("/{id}/add-rule/{list:request|response}")
    public Mono<Rendering> addRule(@PathVariable long id, @PathVariable String list,
                                   @ModelAttribute("form") SiteForm form, Model model) {
        form.addRule(list);
        return form(model, id, HttpStatus.OK);
    }

    @PostMapping("/{id}/enable")
    public Mono<Rendering> enable(@PathVariable long id, ServerWebExchange exchange) {
        return setEnabled(id, true, exchange);
    }

    @PostMapping("/{id}/disable")
    public Mono<Rendering> disable(@PathVariable long id, ServerWebExchange exchange) {
        return setEnabled(id, false, exchange);
    }

    @PostMapping("/{id}/delete")
    public Mono<Rendering> delete(@PathVariable long id, ServerWebExchange exchange) {
        return SignedInUser.email(exchange)
                .flatMap(actor -> sites.get(id).flatMap(site -> sites.delete(id, actor).thenReturn(site)))
                .flatMap(site -> redirectToList(exchange, Flash.success("Site " + name(site) + " deleted.")))
                .onErrorResume(ConflictException.class,
                        conflict -> redirectToList(exchange, Flash.danger(conflict.getMessage())))
                .onErrorResume(ValidationException.class,
                        rejected -> redirectToList(exchange, Flash.danger(rejected.getMessage())));
    }

    private Mono<Rendering> save(SiteForm form, BindingResult binding, Model model, ServerWebExchange exchange,
                                 Long siteId, Function<String, Mono<SiteView>> write, String verb) {
        rejectUnreadable(binding, "hstsMaxAgeSeconds", form.getHstsMaxAgeSeconds(), form.hstsMaxAgeProblem());
        rejectUnreadable(binding, "websocketIdleTimeoutMinutes", form.getWebsocketIdleTimeoutMinutes(),
                form.websocketIdleTimeoutProblem());
        rejectUnreadable(binding, "redirectStatus", form.getRedirectStatus(), form.redirectStatusProblem());
        form.policyInputProblems().forEach((control, problem) ->
                rejectUnreadable(binding, control, (String) binding.getRawFieldValue(control), problem));
        if (binding.hasErrors()) {
            return form(model, siteId, HttpStatus.BAD_REQUEST);
        }
        return SignedInUser.email(exchange)
                .flatMap(write)
                .flatMap(site -> redirectToList(exchange, Flash.success("Site " + name(site) + " " + verb + ".")))
                .onErrorResume(ValidationException.class, rejected -> {
                    rejected.problems().forEach(problem -> {
                        String ruleControl = form.ruleControlFor(problem.field());
                        if (ruleControl != null && ruleControl.contains("[")) {
                            binding.addError(new FieldError(binding.getObjectName(), ruleControl,
                                    binding.getRawFieldValue(ruleControl), false, null, null, problem.message()));
                        } else {
                            FormErrors.reject(binding, SiteForm.FIELDS,
                                    ruleControl != null ? ruleControl : SiteForm.controlFor(problem.field()),
                                    problem.message());
                        }
                    });
                    return form(model, siteId, HttpStatus.BAD_REQUEST);
                })
                .onErrorResume(ConflictException.class, conflict -> {
                    FormErrors.reject(binding, SiteForm.FIELDS, conflict);
                    return form(model, siteId, HttpStatus.CONFLICT);
                });
    }

    /** A number box whose text is not a number: shown next to it, unless binding already said so. */
    private static void rejectUnreadable(BindingResult binding, String field, String typed, String problem) {
        if (problem != null && !binding.hasFieldErrors(field)) {
            binding.addError(new FieldError(binding.getObjectName(), field, typed, false, null, null, problem));
        }
    }

    private Mono<Rendering> setEnabled(long id, boolean enabled, ServerWebExchange exchange) {
        return SignedInUser.email(exchange)
                .flatMap(actor -> sites.setEnabled(id, enabled, actor))
                .flatMap(site -> redirectToList(exchange,
                        Flash.success("Site " + name(site) + (enabled ? " enabled." : " disabled."))))
                .onErrorResume(ConflictException.class,
                        conflict -> redirectToList(exchange, Flash.danger(conflict.getMessage())))
                .onErrorResume(ValidationException.class,
                        rejected -> redirectToList(exchange, Flash.danger(rejected.getMessage())));
    }

    /** The form page; the backend, certificate and access list choices are loaded fresh each time it is shown. */
    private Mono<Rendering> form(Model model, Long siteId, HttpStatus status) {
        return Mono.zip(backends.list().map(BackendView::name).collectList(),
                        certificates.list().map(CertificateChoice::of).collectList(),
                        accessLists.names().collectList())
                .map(choices -> {
                    model.addAttribute("backendNames", choices.getT1());
                    model.addAttribute("certificateChoices", choices.getT2());
                    model.addAttribute("accessListNames", choices.getT3());
                    model.addAttribute("defaultWebsocketIdleTimeoutMinutes",
                            SiteForm.DEFAULT_WEBSOCKET_IDLE_TIMEOUT_MINUTES);
                    if (siteId != null) {
                        model.addAttribute("siteId", siteId);
                    }
                    return Rendering.view(FORM_VIEW).status(status).build();
                });
    }

    private static Mono<Rendering> redirectToList(ServerWebExchange exchange, Flash flash) {
        return FlashMessages.put(exchange, flash).thenReturn(Rendering.redirectTo(LIST).build());
    }

    private static String name(SiteView site) {
        return site.hostnames().isEmpty() ? "#" + site.id() : site.hostnames().get(0);
    }
}

package dev.gatehouse.admin.settings;

import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.web.Flash;
import dev.gatehouse.admin.web.FlashMessages;
import dev.gatehouse.admin.web.FormErrors;
import dev.gatehouse.admin.web.PageController;
import dev.gatehouse.admin.web.SignedInUser;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.InitBinder;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The Settings page. Its "Unknown host names" card chooses what requests for host names no enabled site
 * has get: the 404 page, a redirect, or a closed connection. Its "Load balancers in front" card lists the
 * balancers whose PROXY protocol header is believed. Each card is a form of its own; saving is
 * Post/Redirect/Get with a flash message; a rejected card is shown again with each problem next to its
 * field (the other card as stored), and nothing is saved.
 */
@PageController
@RequestMapping("/settings")
public class SettingsController {

    private static final String PAGE = "/settings";
    private static final String VIEW = "settings/index";

    private static final String DEFAULT_SITE = "defaultSite";
    private static final String LISTENERS = "listeners";

    private final DefaultSiteService defaultSites;
    private final ListenerSettingsService listeners;

    public SettingsController(DefaultSiteService defaultSites, ListenerSettingsService listeners) {
        this.defaultSites = defaultSites;
        this.listeners = listeners;
    }

    @InitBinder(DEFAULT_SITE)
    void bindOnlyFormFields(WebDataBinder binder) {
        binder.setAllowedFields(DefaultSiteForm.FIELDS.toArray(String[]::new));
    }

    @InitBinder(LISTENERS)
    void bindOnlyListenerFields(WebDataBinder binder) {
        binder.setAllowedFields(ListenerForm.FIELDS.toArray(String[]::new));
    }

    @GetMapping
    public Mono<String> show(Model model, ServerWebExchange exchange) {
        return withStoredForms(model)
                .then(FlashMessages.moveToModel(exchange, model))
                .thenReturn(VIEW);
    }

    @PostMapping("/default-site")
    public Mono<Rendering> saveDefaultSite(@ModelAttribute(DEFAULT_SITE) DefaultSiteForm form, BindingResult binding,
                                           Model model, ServerWebExchange exchange) {
        String statusProblem = form.redirectStatusProblem();
        if (statusProblem != null) {
            binding.addError(new FieldError(binding.getObjectName(), "redirectStatus", form.getRedirectStatus(), false,
                    null, null, statusProblem));
        }
        if (binding.hasErrors()) {
            return page(model, HttpStatus.BAD_REQUEST);
        }
        return SignedInUser.email(exchange)
                .flatMap(actor -> defaultSites.update(form.toCommand(), actor))
                .flatMap(saved -> FlashMessages.put(exchange, Flash.success("Unknown host names now get "
                        + DefaultSiteService.describe(saved) + ".")).thenReturn(Rendering.redirectTo(PAGE).build()))
                .onErrorResume(ValidationException.class, rejected -> {
                    rejected.problems().forEach(problem -> FormErrors.reject(binding, DefaultSiteForm.FIELDS,
                            DefaultSiteForm.controlFor(problem.field()), problem.message()));
                    return page(model, HttpStatus.BAD_REQUEST);
                });
    }

    @PostMapping("/listeners")
    public Mono<Rendering> saveListeners(@ModelAttribute(LISTENERS) ListenerForm form, BindingResult binding,
                                         Model model, ServerWebExchange exchange) {
        if (binding.hasErrors()) {
            return page(model, HttpStatus.BAD_REQUEST);
        }
        return SignedInUser.email(exchange)
                .flatMap(actor -> listeners.update(form.toCommand(), actor))
                .flatMap(saved -> FlashMessages.put(exchange, Flash.success("The proxy's listeners now "
                        + ListenerSettingsService.describe(saved) + ".")).thenReturn(Rendering.redirectTo(PAGE).build()))
                .onErrorResume(ValidationException.class, rejected -> {
                    FormErrors.reject(binding, ListenerForm.FIELDS, rejected);
                    return page(model, HttpStatus.BAD_REQUEST);
                });
    }

    /** The page with the posted card as it is and the other card as stored. */
    private Mono<Rendering> page(Model model, HttpStatus status) {
        return withStoredForms(model).thenReturn(Rendering.view(VIEW).status(status).build());
    }

    /** Adds each card's stored settings that the model does not have yet (a posted card keeps its input). */
    private Mono<Void> withStoredForms(Model model) {
        Mono<Void> defaultSite = model.containsAttribute(DEFAULT_SITE) ? Mono.empty()
                : defaultSites.get().doOnNext(stored -> model.addAttribute(DEFAULT_SITE, DefaultSiteForm.from(stored))).then();
        Mono<Void> listenerSettings = model.containsAttribute(LISTENERS) ? Mono.empty()
                : listeners.get().doOnNext(stored -> model.addAttribute(LISTENERS, ListenerForm.from(stored))).then();
        return Mono.when(defaultSite, listenerSettings);
    }
}

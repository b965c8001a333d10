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
 * has get: the 404 page, a redirect, or a closed connection. Saving is Post/Redirect/Get with a flash
 * message; a rejected choice is shown again with each problem next to its field, and nothing is saved.
 */
@PageController
@RequestMapping("/settings")
public class SettingsController {

    private static final String PAGE = "/settings";
    private static final String VIEW = "settings/index";

    private final DefaultSiteService defaultSites;

    public SettingsController(DefaultSiteService defaultSites) {
        this.defaultSites = defaultSites;
    }

    @InitBinder("defaultSite")
    void bindOnlyFormFields(WebDataBinder binder) {
        binder.setAllowedFields(DefaultSiteForm.FIELDS.toArray(String[]::new));
    }

    @GetMapping
    public Mono<String> show(Model model, ServerWebExchange exchange) {
        return defaultSites.get()
                .doOnNext(defaultSite -> model.addAttribute("defaultSite", DefaultSiteForm.from(defaultSite)))
                .then(FlashMessages.moveToModel(exchange, model))
                .thenReturn(VIEW);
    }

    @PostMapping("/default-site")
    public Mono<Rendering> saveDefaultSite(@ModelAttribute("defaultSite") DefaultSiteForm form, BindingResult binding,
                                           ServerWebExchange exchange) {
        String statusProblem = form.redirectStatusProblem();
        if (statusProblem != null) {
            binding.addError(new FieldError(binding.getObjectName(), "redirectStatus", form.getRedirectStatus(), false,
                    null, null, statusProblem));
        }
        if (binding.hasErrors()) {
            return Mono.just(page(HttpStatus.BAD_REQUEST));
        }
        return SignedInUser.email(exchange)
                .flatMap(actor -> defaultSites.update(form.toCommand(), actor))
                .flatMap(saved -> FlashMessages.put(exchange, Flash.success("Unknown host names now get "
                        + DefaultSiteService.describe(saved) + ".")).thenReturn(Rendering.redirectTo(PAGE).build()))
                .onErrorResume(ValidationException.class, rejected -> {
                    rejected.problems().forEach(problem -> FormErrors.reject(binding, DefaultSiteForm.FIELDS,
                            DefaultSiteForm.controlFor(problem.field()), problem.message()));
                    return Mono.just(page(HttpStatus.BAD_REQUEST));
                });
    }

    private static Rendering page(HttpStatus status) {
        return Rendering.view(VIEW).status(status).build();
    }
}

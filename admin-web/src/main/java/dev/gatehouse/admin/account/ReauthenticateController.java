package dev.gatehouse.admin.account;

import dev.gatehouse.admin.security.DashboardSignIn.Confirmation;
import dev.gatehouse.admin.security.LoginThrottledException;
import dev.gatehouse.admin.security.ReauthenticationService;
import dev.gatehouse.admin.twofactor.TwoFactorService;
import dev.gatehouse.admin.web.FormErrors;
import dev.gatehouse.admin.web.PageController;
import java.security.Principal;
import java.util.Objects;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.InitBinder;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * "Confirm it's you" ({@value ReauthenticationService#PAGE}): the password, and a code with two-factor
 * sign-in, before the sensitive pages ({@link ReauthenticationService#SENSITIVE_PATHS}); then back to
 * {@code next}, a path on this server only. Attempts count against the sign-in throttle.
 */
@PageController
public class ReauthenticateController {

    private static final String VIEW = "account/reauthenticate";

    private final ReauthenticationService reauthentication;
    private final TwoFactorService twoFactor;

    public ReauthenticateController(ReauthenticationService reauthentication, TwoFactorService twoFactor) {
        this.reauthentication = Objects.requireNonNull(reauthentication, "reauthentication");
        this.twoFactor = Objects.requireNonNull(twoFactor, "twoFactor");
    }

    @InitBinder("confirmationForm")
    void bindOnlyPasswordCodeAndNext(WebDataBinder binder) {
        binder.setAllowedFields(ConfirmationForm.FIELDS.toArray(String[]::new));
    }

    @GetMapping(ReauthenticationService.PAGE)
    public Mono<String> form(@RequestParam(name = "next", required = false) String next, Model model,
                             ServerWebExchange exchange) {
        ConfirmationForm form = new ConfirmationForm();
        form.setNext(ReauthenticationService.safeNext(next));
        model.addAttribute("confirmationForm", form);
        return showForm(model, exchange).thenReturn(VIEW);
    }

    @PostMapping(ReauthenticationService.PAGE)
    public Mono<Rendering> confirm(@ModelAttribute("confirmationForm") ConfirmationForm form, BindingResult binding,
                                   Model model, ServerWebExchange exchange) {
        String password = form.getPassword();
        String code = form.getCode();
        String next = ReauthenticationService.safeNext(form.getNext());
        form.forgetSecrets();
        form.setNext(next);
        return reauthentication.reauthenticate(exchange, password, code)
                .flatMap(result -> result == Confirmation.CONFIRMED
                        ? Mono.just(Rendering.redirectTo(next).build())
                        : refused(binding, model, exchange, "The password or the code is not right.", HttpStatus.BAD_REQUEST))
                .onErrorResume(LoginThrottledException.class, throttled -> refused(binding, model, exchange,
                        "Too many failed attempts; " + AccountController.retryPart(throttled.getMessage()) + ".",
                        HttpStatus.TOO_MANY_REQUESTS));
    }

    private Mono<Rendering> refused(BindingResult binding, Model model, ServerWebExchange exchange, String message,
                                    HttpStatus status) {
        FormErrors.reject(binding, ConfirmationForm.FIELDS, "", message);
        return showForm(model, exchange).thenReturn(Rendering.view(VIEW).status(status).build());
    }

    /** Whether to ask for a code too, and how long the confirmation will last. */
    private Mono<Void> showForm(Model model, ServerWebExchange exchange) {
        model.addAttribute("windowMinutes", reauthentication.window().toMinutes());
        return exchange.getPrincipal()
                .map(Principal::getName)
                .flatMap(twoFactor::isOn)
                .defaultIfEmpty(false)
                .doOnNext(on -> model.addAttribute("codeNeeded", on))
                .then();
    }
}

package dev.gatehouse.admin.account;

import dev.gatehouse.admin.common.ForbiddenException;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.security.DashboardSignIn.Confirmation;
import dev.gatehouse.admin.security.LoginThrottledException;
import dev.gatehouse.admin.security.ReauthenticationService;
import dev.gatehouse.admin.security.SessionSettings;
import dev.gatehouse.admin.security.SignInState;
import dev.gatehouse.admin.twofactor.TwoFactorService;
import dev.gatehouse.admin.twofactor.TwoFactorService.Enrolment;
import dev.gatehouse.admin.user.CurrentRoles;
import dev.gatehouse.admin.user.Role;
import dev.gatehouse.admin.web.Flash;
import dev.gatehouse.admin.web.FlashMessages;
import dev.gatehouse.admin.web.FormErrors;
import dev.gatehouse.admin.web.PageController;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.InitBinder;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

/**
 * The signed-in user's account page and their two-factor sign-in: set it up (a new secret, shown as text
 * and as an {@code otpauth://} URI, confirmed with a first code), see the recovery codes once, make new
 * ones, turn it off (password and code again); and for administrators the policy that requires it of
 * everyone. Post/Redirect/Get throughout.
 *
 * <p>Everything under {@code /account/security} needs a recent password ({@link ReauthenticationService},
 * enforced before these handlers run). The secret being set up and the recovery codes to show live in
 * the user's session only until the page that needs them has used them.
 */
@PageController
@RequestMapping("/account")
public class AccountController {

    /** Session attribute: the {@link Enrolment} offered on the set-up page, until a code confirms it. */
    static final String ENROLMENT_ATTRIBUTE = AccountController.class.getName() + ".enrolment";
    /** Session attribute: {@link NewRecoveryCodes} until the page that shows them once. */
    static final String NEW_CODES_ATTRIBUTE = AccountController.class.getName() + ".newRecoveryCodes";

    private static final String ACCOUNT = "/account";
    private static final String ENROL = "/account/security/two-factor";
    private static final String CODES = "/account/security/recovery-codes";

    /**
     * Recovery codes just made, for the one page that shows them.
     */
    record NewRecoveryCodes(List<String> codes) {

        NewRecoveryCodes {
            codes = List.copyOf(codes);
        }

        /** Keeps the codes out of logs (and of a session store that prints its attributes). */
        @Override
        public String toString() {
            return "NewRecoveryCodes[" + codes.size() + " codes]";
        }
    }

    private final TwoFactorService twoFactor;
    private final ReauthenticationService reauthentication;
    private final CurrentRoles roles;
    private final SessionSettings sessions;

    public AccountController(TwoFactorService twoFactor, ReauthenticationService reauthentication, CurrentRoles roles,
                             SessionSettings sessions) {
        this.twoFactor = Objects.requireNonNull(twoFactor, "twoFactor");
        this.reauthentication = Objects.requireNonNull(reauthentication, "reauthentication");
        this.roles = Objects.requireNonNull(roles, "roles");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
    }

    @InitBinder("enrolmentForm")
    void bindOnlyTheCode(WebDataBinder binder) {
        binder.setAllowedFields(EnrolmentForm.FIELDS.toArray(String[]::new));
    }

    @InitBinder("confirmationForm")
    void bindOnlyPasswordAndCode(WebDataBinder binder) {
        binder.setAllowedFields(ConfirmationForm.FIELDS.toArray(String[]::new));
    }

    @InitBinder("policyForm")
    void bindOnlyThePolicy(WebDataBinder binder) {
        binder.setAllowedFields(PolicyForm.FIELDS.toArray(String[]::new));
    }

    @GetMapping
    public Mono<String> account(Model model, ServerWebExchange exchange) {
        return principal(exchange).flatMap(principal -> {
            Optional<Role> role = roles.of(principal);
            model.addAttribute("email", principal.getName());
            model.addAttribute("role", role.map(Role::name).orElse(""));
            model.addAttribute("administrator", role.filter(r -> r == Role.ADMIN).isPresent());
            model.addAttribute("idleMinutes", sessions.idleTimeout().toMinutes());
            return Mono.zip(twoFactor.status(principal.getName()), twoFactor.required(), exchange.getSession())
                    .doOnNext(loaded -> {
                        model.addAttribute("twoFactor", loaded.getT1().orElse(null));
                        model.addAttribute("twoFactorRequired", loaded.getT2());
                        PolicyForm policy = new PolicyForm();
                        policy.setTwoFactorRequired(loaded.getT2());
                        model.addAttribute("policyForm", policy);
                        Instant signedInAt = SignInState.signedInAt(loaded.getT3());
                        model.addAttribute("signedInAt", signedInAt);
                        model.addAttribute("sessionEndsAt", signedInAt == null ? null : signedInAt.plus(sessions.absoluteTimeout()));
                    });
        }).then(FlashMessages.moveToModel(exchange, model)).thenReturn("account/index");
    }

    /** The set-up page: the same new secret on every visit of this session until it is confirmed. */
    @GetMapping("/security/two-factor")
    public Mono<Rendering> enrolment(Model model, ServerWebExchange exchange) {
        return principal(exchange).flatMap(principal -> twoFactor.isOn(principal.getName()).flatMap(on -> {
            if (on) {
                return FlashMessages.put(exchange, Flash.success("Two-factor sign-in is on already. To move it to another "
                                + "device, turn it off and set it up again."))
                        .thenReturn(Rendering.redirectTo(ACCOUNT).build());
            }
            return exchange.getSession().zipWith(twoFactor.required()).map(loaded -> {
                model.addAttribute("enrolment", enrolment(loaded.getT1(), principal.getName()));
                model.addAttribute("twoFactorRequired", loaded.getT2());
                model.addAttribute("enrolmentForm", new EnrolmentForm());
                return Rendering.view("account/two-factor").build();
            });
        }));
    }

    @PostMapping("/security/two-factor")
    public Mono<Rendering> enable(@ModelAttribute("enrolmentForm") EnrolmentForm form, BindingResult binding, Model model,
                                  ServerWebExchange exchange) {
        return principal(exchange).flatMap(principal -> exchange.getSession().flatMap(session -> {
            Enrolment enrolment = enrolment(session, principal.getName());
            return twoFactor.enable(principal.getName(), enrolment, form.getCode())
                    .flatMap(codes -> {
                        session.getAttributes().remove(ENROLMENT_ATTRIBUTE);
                        session.getAttributes().put(NEW_CODES_ATTRIBUTE, new NewRecoveryCodes(codes));
                        return FlashMessages.put(exchange, Flash.success("Two-factor sign-in is on: from now on you sign "
                                        + "in with your password and a code from the app."))
                                .thenReturn(Rendering.redirectTo(CODES).build());
                    })
                    .onErrorResume(ValidationException.class, wrongCode -> {
                        form.setCode("");
                        FormErrors.reject(binding, EnrolmentForm.FIELDS, wrongCode);
                        return twoFactor.required().map(required -> {
                            model.addAttribute("enrolment", enrolment);
                            model.addAttribute("twoFactorRequired", required);
                            return Rendering.view("account/two-factor").status(HttpStatus.BAD_REQUEST).build();
                        });
                    });
        }));
    }

    /** Shows codes just made, once; afterwards (a reload) only the account page. */
    @GetMapping("/security/recovery-codes")
    public Mono<Rendering> recoveryCodes(Model model, ServerWebExchange exchange) {
        return exchange.getSession().flatMap(session -> {
            Object codes = session.getAttributes().remove(NEW_CODES_ATTRIBUTE);
            if (!(codes instanceof NewRecoveryCodes made)) {
                return Mono.just(Rendering.redirectTo(ACCOUNT).build());
            }
            model.addAttribute("recoveryCodes", made.codes());
            return FlashMessages.moveToModel(exchange, model).thenReturn(Rendering.view("account/recovery-codes").build());
        });
    }

    @PostMapping("/security/recovery-codes")
    public Mono<Rendering> newRecoveryCodes(ServerWebExchange exchange) {
        return principal(exchange).flatMap(principal -> twoFactor.newRecoveryCodes(principal.getName()))
                .flatMap(made -> made.isEmpty()
                        ? FlashMessages.put(exchange, Flash.danger("Recovery codes belong to two-factor sign-in, which is "
                                        + "off for your account."))
                                .thenReturn(Rendering.redirectTo(ACCOUNT).build())
                        : exchange.getSession()
                                .doOnNext(session -> session.getAttributes().put(NEW_CODES_ATTRIBUTE, new NewRecoveryCodes(made.get())))
                                .then(FlashMessages.put(exchange, Flash.success("New recovery codes made: the old ones no "
                                        + "longer work.")))
                                .thenReturn(Rendering.redirectTo(CODES).build()));
    }

    @GetMapping("/security/two-factor/disable")
    public Mono<Rendering> disableForm(Model model, ServerWebExchange exchange) {
        return principal(exchange).flatMap(principal -> twoFactor.isOn(principal.getName()).zipWith(twoFactor.required()))
                .map(loaded -> {
                    if (!loaded.getT1()) {
                        return Rendering.redirectTo(ACCOUNT).build();
                    }
                    model.addAttribute("confirmationForm", new ConfirmationForm());
                    model.addAttribute("twoFactorRequired", loaded.getT2());
                    return Rendering.view("account/disable-two-factor").build();
                });
    }

    /** Needs the password and a code (or a recovery code) once more, whatever the re-authentication says. */
    @PostMapping("/security/two-factor/disable")
    public Mono<Rendering> disable(@ModelAttribute("confirmationForm") ConfirmationForm form, BindingResult binding,
                                   Model model, ServerWebExchange exchange) {
        String password = form.getPassword();
        String code = form.getCode();
        form.forgetSecrets();
        return principal(exchange).flatMap(principal -> reauthentication.reauthenticate(exchange, password, code)
                .flatMap(result -> result == Confirmation.CONFIRMED
                        ? twoFactor.disable(principal.getName(), principal.getName())
                                .then(FlashMessages.put(exchange, Flash.success("Two-factor sign-in is off: you sign in "
                                        + "with your password alone. Its secret and recovery codes are deleted.")))
                                .thenReturn(Rendering.redirectTo(ACCOUNT).build())
                        : refusedDisable(binding, model, "The password or the code is not right.", HttpStatus.BAD_REQUEST))
                .onErrorResume(LoginThrottledException.class, throttled ->
                        refusedDisable(binding, model, "Too many failed attempts; " + retryPart(throttled.getMessage()) + ".",
                                HttpStatus.TOO_MANY_REQUESTS)));
    }

    /** Administrators only; turning the requirement on also needs two-factor sign-in on the administrator's own account. */
    @PostMapping("/security/policy")
    public Mono<Rendering> policy(@ModelAttribute("policyForm") PolicyForm form, ServerWebExchange exchange) {
        return principal(exchange).flatMap(principal -> {
            if (roles.of(principal).filter(role -> role == Role.ADMIN).isEmpty()) {
                return Mono.error(new ForbiddenException(
                        "only administrators may change the sign-in policy"));
            }
            if (!form.isTwoFactorRequired()) {
                return twoFactor.setRequired(false, principal.getName())
                        .then(FlashMessages.put(exchange, Flash.success("Two-factor sign-in is no longer required; "
                                + "each user decides for their own account.")))
                        .thenReturn(Rendering.redirectTo(ACCOUNT).build());
            }
            return twoFactor.isOn(principal.getName()).flatMap(on -> on
                    ? twoFactor.setRequired(true, principal.getName())
                            .then(FlashMessages.put(exchange, Flash.success("Two-factor sign-in is required: users "
                                    + "without it are asked to set it up before anything else.")))
                            .thenReturn(Rendering.redirectTo(ACCOUNT).build())
                    : FlashMessages.put(exchange, Flash.danger("Turn on two-factor sign-in for your own account first, "
                                    + "then require it of everyone."))
                            .thenReturn(Rendering.redirectTo(ACCOUNT).build()));
        });
    }

    private Mono<Rendering> refusedDisable(BindingResult binding, Model model, String message, HttpStatus status) {
        FormErrors.reject(binding, ConfirmationForm.FIELDS, "", message);
        return twoFactor.required().map(required -> {
            model.addAttribute("twoFactorRequired", required);
            return Rendering.view("account/disable-two-factor").status(status).build();
        });
    }

    /** The session's offered secret, made on first use. */
    private Enrolment enrolment(WebSession session, String email) {
        Object offered = session.getAttributes().get(ENROLMENT_ATTRIBUTE);
        if (offered instanceof Enrolment enrolment) {
            return enrolment;
        }
        Enrolment enrolment = twoFactor.newEnrolment(email);
        session.getAttributes().put(ENROLMENT_ATTRIBUTE, enrolment);
        return enrolment;
    }

    /** "too many failed sign-ins; try again in 3 seconds" -> "try again in 3 seconds". */
    static String retryPart(String message) {
        int semicolon = message.indexOf("; ");
        return semicolon < 0 ? message : message.substring(semicolon + 2);
    }

    private static Mono<Principal> principal(ServerWebExchange exchange) {
        return exchange.getPrincipal().switchIfEmpty(Mono.error(() -> new IllegalStateException(
                "no signed-in user for " + exchange.getRequest().getPath() + ": account pages must require authentication")));
    }
}

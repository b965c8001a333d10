package dev.gatehouse.admin.setup;

import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.web.FormErrors;
import dev.gatehouse.admin.web.PageController;
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
import reactor.core.publisher.Mono;

/**
 * Creates the first administrator on a fresh installation; there is no default password. Once an
 * administrator exists the page only sends people to the sign-in page.
 */
@PageController
@RequestMapping("/setup")
public class SetupController {

    private static final String VIEW = "setup/index";
    private static final String SIGN_IN = "/login";

    private final SetupService setup;

    public SetupController(SetupService setup) {
        this.setup = setup;
    }

    @InitBinder("form")
    void bindOnlyFormFields(WebDataBinder binder) {
        binder.setAllowedFields(SetupForm.FIELDS.toArray(String[]::new));
    }

    @GetMapping
    public Mono<Rendering> form(Model model) {
        return setup.needsSetup().map(needed -> {
            if (!needed) {
                return Rendering.redirectTo(SIGN_IN).build();
            }
            model.addAttribute("form", new SetupForm());
            return Rendering.view(VIEW).build();
        });
    }

    @PostMapping
    public Mono<Rendering> createAdministrator(@ModelAttribute("form") SetupForm form, BindingResult binding) {
        String password = form.getPassword() == null ? "" : form.getPassword();
        boolean passwordsMatch = form.passwordsMatch();
        // Before any error is recorded: an error keeps its field's value, and a re-rendered page
        // must not carry the password back to the browser.
        form.forgetPasswords();
        if (!passwordsMatch) {
            FormErrors.reject(binding, SetupForm.FIELDS, "confirmPassword", "The two passwords are not the same.");
        }
        if (binding.hasErrors()) {
            return Mono.just(rejected());
        }
        String email = form.getEmail() == null ? "" : form.getEmail().trim();
        return setup.createFirstAdmin(email, password)
                .thenReturn(Rendering.redirectTo(SIGN_IN + "?setup").build())
                .onErrorResume(ValidationException.class, problems -> {
                    FormErrors.reject(binding, SetupForm.FIELDS, problems);
                    return Mono.just(rejected());
                })
                // Someone finished setup first: this form can no longer create anyone.
                .onErrorResume(ConflictException.class, alreadyDone -> Mono.just(Rendering.redirectTo(SIGN_IN).build()));
    }

    private static Rendering rejected() {
        return Rendering.view(VIEW).status(HttpStatus.BAD_REQUEST).build();
    }
}

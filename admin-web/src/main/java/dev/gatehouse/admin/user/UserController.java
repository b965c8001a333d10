package dev.gatehouse.admin.user;

import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.NotFoundException;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.security.ObjectPermissions;
import dev.gatehouse.admin.security.ObjectPermissions.Action;
import dev.gatehouse.admin.web.Flash;
import dev.gatehouse.admin.web.FlashMessages;
import dev.gatehouse.admin.web.FormErrors;
import dev.gatehouse.admin.web.PageController;
import java.security.Principal;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.InitBinder;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The "Users" pages, for administrators: list users with their role and last sign-in, add one with an
 * initial password, change a role, reset a password, delete; Post/Redirect/Get with a flash message. The
 * last administrator cannot be demoted or deleted (the list says why instead).
 *
 * <p>Administrators only twice over: by path ({@code RoleRules}) and by {@link ObjectPermissions} in every
 * handler. Re-authentication: every path here is one of ReauthenticationService's sensitive paths, so
 * ReauthenticationFilter asks for the password again first unless it was entered within the last minutes.
 */
@PageController
@RequestMapping("/users")
public class UserController {

    private static final String LIST = "/users";

    private final UserService users;
    private final ObjectPermissions permissions;

    public UserController(UserService users, ObjectPermissions permissions) {
        this.users = users;
        this.permissions = permissions;
    }

    @InitBinder("form")
    void bindOnlyUserFields(WebDataBinder binder) {
        binder.setAllowedFields(UserForm.FIELDS.toArray(String[]::new));
    }

    @InitBinder("passwordForm")
    void bindOnlyPasswordField(WebDataBinder binder) {
        binder.setAllowedFields(PasswordForm.FIELDS.toArray(String[]::new));
    }

    @GetMapping
    public Mono<String> list(Model model, ServerWebExchange exchange) {
        return principal(exchange)
                .flatMap(principal -> users.list().flatMapMany(Flux::fromIterable)
                        .filterWhen(user -> permissions.allows(principal, Action.READ, ObjectPermissions.USER, user.id()))
                        .collectList())
                .doOnNext(all -> model
                        .addAttribute("users", all)
                        .addAttribute("roles", Role.labels())
                        .addAttribute("administrators", all.stream().filter(user -> user.role() == Role.ADMIN).count()))
                .then(FlashMessages.moveToModel(exchange, model))
                .thenReturn("users/list");
    }

    @GetMapping("/new")
    public Mono<Rendering> newUser(Model model, ServerWebExchange exchange) {
        return require(exchange, Action.CREATE, null).then(Mono.fromCallable(() -> {
            model.addAttribute("form", new UserForm());
            return form(HttpStatus.OK, model);
        }));
    }

    @PostMapping
    public Mono<Rendering> create(@ModelAttribute("form") UserForm form, BindingResult binding, Model model,
                                  ServerWebExchange exchange) {
        return require(exchange, Action.CREATE, null)
                .flatMap(actor -> users.create(form.toCommand(), actor))
                .flatMap(created -> redirectToList(exchange, Flash.success("User " + created.email() + " added as "
                        + created.role().label() + ". Give them their password over a safe channel.")))
                .onErrorResume(ValidationException.class, rejected -> {
                    FormErrors.reject(binding, UserForm.FIELDS, rejected);
                    return Mono.just(form(HttpStatus.BAD_REQUEST, model));
                })
                .onErrorResume(ConflictException.class, conflict -> {
                    FormErrors.reject(binding, UserForm.FIELDS, conflict);
                    return Mono.just(form(HttpStatus.CONFLICT, model));
                });
    }

    /** The row's role menu posts here. */
    @PostMapping("/{id}/role")
    public Mono<Rendering> changeRole(@PathVariable long id, ServerWebExchange exchange) {
        return require(exchange, Action.CHANGE, id)
                .flatMap(actor -> Mono.zip(exchange.getFormData(), exchange.getSession())
                        .flatMap(request -> users.changeRole(id, request.getT1().getFirst("role"), actor, request.getT2())))
                .flatMap(user -> redirectToList(exchange, Flash.success("User " + user.email() + " is now "
                        + user.role().label() + ".")))
                .onErrorResume(ConflictException.class, refused -> redirectToList(exchange, Flash.danger(refused.getMessage())))
                .onErrorResume(ValidationException.class, refused -> redirectToList(exchange, Flash.danger(refused.getMessage())));
    }

    @GetMapping("/{id}/password")
    public Mono<Rendering> passwordForm(@PathVariable long id, Model model, ServerWebExchange exchange) {
        return require(exchange, Action.CHANGE, id)
                .then(Mono.defer(() -> users.get(id)))
                .map(user -> {
                    model.addAttribute("user", user);
                    model.addAttribute("passwordForm", new PasswordForm());
                    return passwordPage(HttpStatus.OK);
                });
    }

    @PostMapping("/{id}/password")
    public Mono<Rendering> resetPassword(@PathVariable long id, @ModelAttribute("passwordForm") PasswordForm form,
                                         BindingResult binding, Model model, ServerWebExchange exchange) {
        return require(exchange, Action.CHANGE, id)
                .flatMap(actor -> exchange.getSession()
                        .flatMap(session -> users.resetPassword(id, form.getPassword(), actor, session)))
                .flatMap(user -> redirectToList(exchange, Flash.success("Password of " + user.email()
                        + " reset. Give them the new one over a safe channel.")))
                .onErrorResume(ValidationException.class, rejected -> users.get(id).map(user -> {
                    FormErrors.reject(binding, PasswordForm.FIELDS, rejected);
                    model.addAttribute("user", user);
                    form.setPassword("");
                    return passwordPage(HttpStatus.BAD_REQUEST);
                }));
    }

    @PostMapping("/{id}/delete")
    public Mono<Rendering> delete(@PathVariable long id, ServerWebExchange exchange) {
        return require(exchange, Action.DELETE, id)
                .flatMap(actor -> users.get(id).flatMap(user -> users.delete(id, actor).thenReturn(user)))
                .flatMap(user -> redirectToList(exchange, Flash.success("User " + user.email()
                        + " deleted, with their API tokens.")))
                .onErrorResume(ConflictException.class, refused -> redirectToList(exchange, Flash.danger(refused.getMessage())))
                .onErrorResume(NotFoundException.class, gone -> redirectToList(exchange, Flash.danger(gone.getMessage())));
    }

    private static Rendering form(HttpStatus status, Model model) {
        model.addAttribute("roles", Role.labels());
        return Rendering.view("users/form").status(status).build();
    }

    private static Rendering passwordPage(HttpStatus status) {
        return Rendering.view("users/password").status(status).build();
    }

    private static Mono<Rendering> redirectToList(ServerWebExchange exchange, Flash flash) {
        return FlashMessages.put(exchange, flash).thenReturn(Rendering.redirectTo(LIST).build());
    }

    /** Completes with the signed-in user's email (the actor) once the action on users is allowed. */
    private Mono<String> require(ServerWebExchange exchange, Action action, Long id) {
        return principal(exchange).flatMap(principal -> permissions.require(principal, action, ObjectPermissions.USER, id)
                .thenReturn(principal.getName()));
    }

    private static Mono<Principal> principal(ServerWebExchange exchange) {
        return exchange.getPrincipal().switchIfEmpty(Mono.error(() -> new IllegalStateException(
                "no signed-in user for " + exchange.getRequest().getPath() + ": user pages must require authentication")));
    }
}

package dev.gatehouse.admin.token;

import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.security.ObjectPermissions;
import dev.gatehouse.admin.security.ObjectPermissions.Action;
import dev.gatehouse.admin.web.Flash;
import dev.gatehouse.admin.web.FlashMessages;
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
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The "API tokens" pages: list, create, revoke, with Post/Redirect/Get.
 *
 * <p>A created token is shown exactly once: the POST keeps it in the user's session and the next list
 * page takes it out again while showing it (a reload no longer has it). Nothing else ever has the
 * token: the list shows its public start only. Every handler asks {@link ObjectPermissions} first: an
 * administrator sees and revokes every token, an operator only their own.
 */
@PageController
@RequestMapping("/tokens")
public class TokenController {

    /** Session attribute holding a just-created token until the list page has shown it. */
    static final String CREATED_TOKEN_ATTRIBUTE = TokenController.class.getName() + ".createdToken";

    private static final String LIST = "/tokens";
    private static final String LIST_VIEW = "tokens/list";
    private static final String FORM_VIEW = "tokens/form";

    /**
     * The token just created, for the one page that shows it.
     *
     * @param secret the token itself
     */
    public record CreatedToken(String name, String scope, String secret) {

        public CreatedToken {
            Objects.requireNonNull(secret, "secret");
        }

        /** Keeps the token out of logs (and of a session store that prints its attributes). */
        @Override
        public String toString() {
            return "CreatedToken[name=" + name + ", scope=" + scope + "]";
        }
    }

    private final TokenService tokens;
    private final ObjectPermissions permissions;

    public TokenController(TokenService tokens, ObjectPermissions permissions) {
        this.tokens = tokens;
        this.permissions = permissions;
    }

    @InitBinder("form")
    void bindOnlyFormFields(WebDataBinder binder) {
        binder.setAllowedFields(TokenForm.FIELDS.toArray(String[]::new));
    }

    @GetMapping
    public Mono<String> list(Model model, ServerWebExchange exchange) {
        return principal(exchange)
                .flatMap(principal -> tokens.list().flatMapMany(Flux::fromIterable)
                        .filterWhen(token -> permissions.allows(principal, Action.READ, ObjectPermissions.API_TOKEN, token.id(),
                                token.owner()))
                        .collectList())
                .doOnNext(all -> model.addAttribute("tokens", all))
                .then(moveCreatedTokenToModel(exchange, model))
                .then(FlashMessages.moveToModel(exchange, model))
                .thenReturn(LIST_VIEW);
    }

    @GetMapping("/new")
    public Mono<Rendering> newToken(Model model, ServerWebExchange exchange) {
        return require(exchange, Action.CREATE, null)
                .then(Mono.fromCallable(() -> {
                    model.addAttribute("form", TokenForm.blank(tokens.suggestedExpiry()));
                    return form(HttpStatus.OK);
                }));
    }

    @PostMapping
    public Mono<Rendering> create(@ModelAttribute("form") TokenForm form, BindingResult binding, ServerWebExchange exchange) {
        return require(exchange, Action.CREATE, null)
                .flatMap(actor -> tokens.create(form.toCommand(), actor))
                .flatMap(created -> exchange.getSession()
                        .doOnNext(session -> session.getAttributes().put(CREATED_TOKEN_ATTRIBUTE, new CreatedToken(
                                created.view().name(), created.view().scope(), created.secret())))
                        .then(FlashMessages.put(exchange, Flash.success("API token '" + created.view().name()
                                + "' created. Copy it now: it is shown only this once.")))
                        .thenReturn(Rendering.redirectTo(LIST).build()))
                .onErrorResume(ValidationException.class, rejected -> {
                    FormErrors.reject(binding, TokenForm.FIELDS, rejected);
                    return Mono.just(form(HttpStatus.BAD_REQUEST));
                });
    }

    @PostMapping("/{id}/revoke")
    public Mono<Rendering> revoke(@PathVariable long id, ServerWebExchange exchange) {
        // whose token it is decides whether an operator may revoke it
        return principal(exchange)
                .flatMap(principal -> tokens.get(id).flatMap(token -> permissions.require(principal, Action.DELETE,
                                ObjectPermissions.API_TOKEN, id, token.owner()))
                        .then(Mono.defer(() -> tokens.revoke(id, principal.getName()))))
                .flatMap(revoked -> FlashMessages.put(exchange, Flash.success("API token '" + revoked.name()
                                + "' revoked: calls with it are refused from now on."))
                        .thenReturn(Rendering.redirectTo(LIST).build()));
    }

    private static Mono<Void> moveCreatedTokenToModel(ServerWebExchange exchange, Model model) {
        return exchange.getSession()
                .doOnNext(session -> {
                    Object created = session.getAttributes().remove(CREATED_TOKEN_ATTRIBUTE);
                    if (created instanceof CreatedToken token) {
                        model.addAttribute("createdToken", token);
                    }
                })
                .then();
    }

    private static Rendering form(HttpStatus status) {
        return Rendering.view(FORM_VIEW).status(status).build();
    }

    /** Completes with the signed-in user's name (the token's owner and the actor) once the action is allowed. */
    private Mono<String> require(ServerWebExchange exchange, Action action, Long id) {
        return principal(exchange).flatMap(principal ->
                permissions.require(principal, action, ObjectPermissions.API_TOKEN, id).thenReturn(principal.getName()));
    }

    private static Mono<Principal> principal(ServerWebExchange exchange) {
        return exchange.getPrincipal().switchIfEmpty(Mono.error(() -> new IllegalStateException(
                "no signed-in user for " + exchange.getRequest().getPath()
                        + ": API token pages must require authentication")));
    }
}

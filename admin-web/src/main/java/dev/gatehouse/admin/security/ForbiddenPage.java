package dev.gatehouse.admin.security;

import dev.gatehouse.admin.user.CurrentRoles;
import dev.gatehouse.admin.user.Role;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.result.view.ViewResolver;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The dashboard's answer when {@link RoleRules} refuses a signed-in user a page or form: the same 403 page
 * the controllers show for {@code ForbiddenException} ({@code error/403}), saying what the user's role may
 * do, instead of a bare "Access Denied". The buttons for such requests are not shown in the first place;
 * this is for typed or stale URLs and tampered forms.
 */
@Component
public class ForbiddenPage implements ServerAccessDeniedHandler {

    static final String VIEW = "error/403";

    private final ObjectProvider<ViewResolver> viewResolvers;
    private final CurrentRoles roles;

    public ForbiddenPage(ObjectProvider<ViewResolver> viewResolvers, CurrentRoles roles) {
        this.viewResolvers = viewResolvers;
        this.roles = roles;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
        return exchange.getPrincipal()
                .map(roles::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(role -> render(exchange, message(role.orElse(null))));
    }

    /** What the page says, by role. */
    static String message(Role role) {
        if (role == null) {
            return "Your account has no role that may use this page.";
        }
        return switch (role) {
            case VIEWER -> "Your role is viewer: you may look at everything but change nothing, and user "
                    + "management and the audit log are for administrators.";
            case OPERATOR -> "Your role is operator: you may change sites, backends, streams, certificates and access "
                    + "lists, but users and settings are for administrators.";
            case ADMIN -> "Not allowed.";
        };
    }

    private Mono<Void> render(ServerWebExchange exchange, String message) {
        exchange.getResponse().setStatusCode(HttpStatus.FORBIDDEN);
        Map<String, Object> model = new HashMap<>();
        model.put("message", message);
        return Flux.fromStream(viewResolvers.orderedStream())
                .concatMap(resolver -> resolver.resolveViewName(VIEW, Locale.ROOT))
                .next()
                .flatMap(view -> view.render(model, MediaType.TEXT_HTML, exchange).thenReturn(view))
                .switchIfEmpty(Mono.defer(() -> plain(exchange, message)).then(Mono.empty()))
                .then();
    }

    /** Without a template engine (never in the appliance): the message as text. */
    private static Mono<Void> plain(ServerWebExchange exchange, String message) {
        exchange.getResponse().getHeaders().setContentType(MediaType.TEXT_PLAIN);
        DataBuffer body = exchange.getResponse().bufferFactory().wrap(message.getBytes(StandardCharsets.UTF_8));
        return exchange.getResponse().writeWith(Mono.just(body));
    }
}

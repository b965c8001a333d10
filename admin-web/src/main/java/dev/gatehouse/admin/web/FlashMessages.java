package dev.gatehouse.admin.web;

import org.springframework.ui.Model;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Flash messages for WebFlux, which has no RedirectAttributes flash support: the message is kept in
 * the user's session by the POST and removed by the first page that shows it, so a reload does not
 * show it again.
 */
public final class FlashMessages {

    static final String SESSION_ATTRIBUTE = FlashMessages.class.getName() + ".flash";

    /** The model attribute the layout renders. */
    public static final String MODEL_ATTRIBUTE = "flash";

    private FlashMessages() {
    }

    /** Keeps {@code flash} for the next page of this session, replacing one not shown yet. */
    public static Mono<Void> put(ServerWebExchange exchange, Flash flash) {
        return exchange.getSession()
                .doOnNext(session -> session.getAttributes().put(SESSION_ATTRIBUTE, flash))
                .then();
    }

    /** Moves the pending flash message, if any, from the session into {@code model}. */
    public static Mono<Void> moveToModel(ServerWebExchange exchange, Model model) {
        return exchange.getSession()
                .doOnNext(session -> {
                    Object flash = session.getAttributes().remove(SESSION_ATTRIBUTE);
                    if (flash instanceof Flash message) {
                        model.addAttribute(MODEL_ATTRIBUTE, message);
                    }
                })
                .then();
    }
}

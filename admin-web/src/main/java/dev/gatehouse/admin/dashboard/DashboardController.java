package dev.gatehouse.admin.dashboard;

import dev.gatehouse.admin.status.StatusService;
import dev.gatehouse.admin.web.FlashMessages;
import dev.gatehouse.admin.web.PageController;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** The dashboard home: engine state, live revision, counts, and the first steps for a new user. */
@PageController
public class DashboardController {

    private final StatusService status;

    public DashboardController(StatusService status) {
        this.status = status;
    }

    @GetMapping("/")
    public Mono<String> dashboard(Model model, ServerWebExchange exchange) {
        return status.status()
                .doOnNext(current -> model.addAttribute("status", current))
                .then(FlashMessages.moveToModel(exchange, model))
                .thenReturn("dashboard/index");
    }

    /** The status cards alone, polled by the dashboard (htmx) to follow applies made elsewhere. */
    @GetMapping("/dashboard/status")
    public Mono<String> statusCards(Model model) {
        return status.status()
                .doOnNext(current -> model.addAttribute("status", current))
                .thenReturn("dashboard/index :: status-cards");
    }
}

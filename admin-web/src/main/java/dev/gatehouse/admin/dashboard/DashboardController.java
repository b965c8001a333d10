package dev.gatehouse.admin.dashboard;

import dev.gatehouse.admin.backendstatus.BackendStatusService;
import dev.gatehouse.admin.certificate.CertificateService;
import dev.gatehouse.admin.status.StatusService;
import dev.gatehouse.admin.web.FlashMessages;
import dev.gatehouse.admin.web.PageController;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The dashboard home: engine state and ports, live revision, counts, certificate warnings (expiry,
 * hostnames a certificate does not cover), each backend's servers live, and the first steps for a
 * new user.
 */
@PageController
public class DashboardController {

    private final StatusService status;
    private final CertificateService certificates;
    private final BackendStatusService backendStatus;

    public DashboardController(StatusService status, CertificateService certificates, BackendStatusService backendStatus) {
        this.status = status;
        this.certificates = certificates;
        this.backendStatus = backendStatus;
    }

    @GetMapping("/")
    public Mono<String> dashboard(Model model, ServerWebExchange exchange) {
        return Mono.zip(status.status(), certificates.warnings())
                .doOnNext(loaded -> model
                        .addAttribute("status", loaded.getT1())
                        .addAttribute("certificateWarnings", loaded.getT2())
                        .addAttribute("backendHealth", backendStatus.current()))
                .then(FlashMessages.moveToModel(exchange, model))
                .thenReturn("dashboard/index");
    }

    /** The backends' servers alone, polled every 2 s so up/down/ejected and rates follow live. */
    @GetMapping("/dashboard/backends")
    public String backendHealth(Model model) {
        model.addAttribute("backendHealth", backendStatus.current());
        return "dashboard/index :: backend-health";
    }

    /** The status cards alone, polled by the dashboard (htmx) to follow applies made elsewhere. */
    @GetMapping("/dashboard/status")
    public Mono<String> statusCards(Model model) {
        return status.status()
                .doOnNext(current -> model.addAttribute("status", current))
                .thenReturn("dashboard/index :: status-cards");
    }
}

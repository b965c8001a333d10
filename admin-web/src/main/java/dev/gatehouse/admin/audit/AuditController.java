package dev.gatehouse.admin.audit;

import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.web.PageController;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * The "Audit log" page, for administrators and operators: who changed what and when, from which address,
 * newest first, filtered by user, object type and days, {@value AuditQuery#DEFAULT_SIZE} entries a page. The
 * filter is a GET form, so a filtered page is a link that can be kept and shared. A bad filter value is shown
 * above the table instead of entries.
 */
@PageController
@RequestMapping("/audit")
public class AuditController {

    private final AuditService audit;

    public AuditController(AuditService audit) {
        this.audit = audit;
    }

    @GetMapping
    public Mono<Rendering> list(@RequestParam Map<String, String> parameters, Model model) {
        AuditQuery query = AuditQuery.of(parameters);
        model.addAttribute("query", query);
        model.addAttribute("objectTypes", AuditLog.OBJECT_TYPES);
        return audit.actors()
                .doOnNext(actors -> model.addAttribute("actors", actors))
                .then(Mono.defer(() -> audit.find(query)))
                .map(page -> {
                    model.addAttribute("page", page);
                    model.addAttribute("previousPage", page.hasPrevious() ? link(query, page.page() - 1) : null);
                    model.addAttribute("nextPage", page.hasNext() ? link(query, page.page() + 1) : null);
                    return Rendering.view("audit/list").build();
                })
                .onErrorResume(ValidationException.class, rejected -> {
                    model.addAttribute("filterProblems", rejected.problems());
                    return Mono.just(Rendering.view("audit/list").status(HttpStatus.BAD_REQUEST).build());
                });
    }

    /** The same filter on another page. */
    static String link(AuditQuery query, int page) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("actor", query.actor());
        parameters.put("objectType", query.objectType());
        parameters.put("from", query.from());
        parameters.put("to", query.to());
        parameters.put("size", query.size());
        UriComponentsBuilder link = UriComponentsBuilder.fromPath("/audit");
        parameters.forEach((name, value) -> {
            if (value != null && !value.isBlank()) {
                link.queryParam(name, value);
            }
        });
        return link.queryParam("page", page).encode().build().toUriString();
    }
}

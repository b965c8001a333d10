package dev.gatehouse.admin.backend;

import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.web.Flash;
import dev.gatehouse.admin.web.FlashMessages;
import dev.gatehouse.admin.web.FormErrors;
import dev.gatehouse.admin.web.PageController;
import dev.gatehouse.admin.web.SignedInUser;
import java.util.function.Function;
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
import reactor.core.publisher.Mono;

/**
 * The Backends pages: list, add, edit, delete, with Post/Redirect/Get and flash messages. A backend
 * still used by a site is not deleted; the list says why.
 */
@PageController
@RequestMapping("/backends")
public class BackendController {

    private static final String LIST = "/backends";
    private static final String FORM_VIEW = "backends/form";

    private final BackendService backends;

    public BackendController(BackendService backends) {
        this.backends = backends;
    }

    @InitBinder("form")
    void bindOnlyFormFields(WebDataBinder binder) {
        binder.setAllowedFields(BackendForm.FIELDS.toArray(String[]::new));
    }

    @GetMapping
    public Mono<String> list(Model model, ServerWebExchange exchange) {
        return backends.list().collectList()
                .doOnNext(all -> model.addAttribute("backends", all))
                .then(FlashMessages.moveToModel(exchange, model))
                .thenReturn("backends/list");
    }

    @GetMapping("/new")
    public Rendering newBackend(Model model) {
        model.addAttribute("form", new BackendForm());
        return form(model, null, HttpStatus.OK);
    }

    @GetMapping("/{id}/edit")
    public Mono<Rendering> edit(@PathVariable long id, Model model) {
        return backends.get(id).map(backend -> {
            model.addAttribute("form", BackendForm.from(backend));
            return form(model, id, HttpStatus.OK);
        });
    }

    @PostMapping
    public Mono<Rendering> create(@ModelAttribute("form") BackendForm form, BindingResult binding, Model model,
                                  ServerWebExchange exchange) {
        return save(form, binding, model, exchange, null,
                actor -> backends.create(form.toCommand(), actor), "added");
    }

    @PostMapping("/{id}")
    public Mono<Rendering> update(@PathVariable long id, @ModelAttribute("form") BackendForm form,
                                  BindingResult binding, Model model, ServerWebExchange exchange) {
        return save(form, binding, model, exchange, id,
                actor -> backends.update(id, form.toCommand(), actor), "saved");
    }

    @PostMapping("/{id}/delete")
    public Mono<Rendering> delete(@PathVariable long id, ServerWebExchange exchange) {
        return SignedInUser.email(exchange)
                .flatMap(actor -> backends.get(id).flatMap(backend -> backends.delete(id, actor).thenReturn(backend)))
                .flatMap(backend -> redirectToList(exchange, Flash.success("Backend " + backend.name() + " deleted.")))
                // In use by a site: nothing was deleted, and the message names the sites.
                .onErrorResume(ConflictException.class,
                        conflict -> redirectToList(exchange, Flash.danger(conflict.getMessage())))
                .onErrorResume(ValidationException.class,
                        rejected -> redirectToList(exchange, Flash.danger(rejected.getMessage())));
    }

    private Mono<Rendering> save(BackendForm form, BindingResult binding, Model model, ServerWebExchange exchange,
                                 Long backendId, Function<String, Mono<BackendView>> write, String verb) {
        if (binding.hasErrors()) {
            return Mono.just(form(model, backendId, HttpStatus.BAD_REQUEST));
        }
        return SignedInUser.email(exchange)
                .flatMap(write)
                .flatMap(backend -> redirectToList(exchange,
                        Flash.success("Backend " + backend.name() + " " + verb + ".")))
                .onErrorResume(ValidationException.class, rejected -> {
                    FormErrors.reject(binding, BackendForm.FIELDS, rejected);
                    return Mono.just(form(model, backendId, HttpStatus.BAD_REQUEST));
                })
                .onErrorResume(ConflictException.class, conflict -> {
                    FormErrors.reject(binding, BackendForm.FIELDS, conflict);
                    return Mono.just(form(model, backendId, HttpStatus.CONFLICT));
                });
    }

    private static Rendering form(Model model, Long backendId, HttpStatus status) {
        if (backendId != null) {
            model.addAttribute("backendId", backendId);
        }
        return Rendering.view(FORM_VIEW).status(status).build();
    }

    private static Mono<Rendering> redirectToList(ServerWebExchange exchange, Flash flash) {
        return FlashMessages.put(exchange, flash).thenReturn(Rendering.redirectTo(LIST).build());
    }
}

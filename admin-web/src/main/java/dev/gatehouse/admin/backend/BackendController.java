package dev.gatehouse.admin.backend;

import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.NotFoundException;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.web.Flash;
import dev.gatehouse.admin.web.FlashMessages;
import dev.gatehouse.admin.web.PageController;
import dev.gatehouse.admin.web.SignedInUser;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
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
 * The Backends pages: list, add, edit, delete, and drain or undrain one server from the list, with
 * Post/Redirect/Get and flash messages. A backend still used by a site is not deleted; the list says
 * why. The form has one row per server; "Add server" posts the form back with one more empty row
 * and saves nothing, so the page needs no script.
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
        binder.setAllowedFields(BackendForm.BINDABLE);
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

    /** "Add server" on a new backend: the same form with one more empty row; nothing is saved. */
    @PostMapping("/new/add-server")
    public Rendering addServerToNew(@ModelAttribute("form") BackendForm form, Model model) {
        form.addRow();
        return form(model, null, HttpStatus.OK);
    }

    /** "Add server" while editing: the same form with one more empty row; nothing is saved. */
    @PostMapping("/{id}/add-server")
    public Rendering addServer(@PathVariable long id, @ModelAttribute("form") BackendForm form, Model model) {
        form.addRow();
        return form(model, id, HttpStatus.OK);
    }

    @PostMapping("/{id}/servers/drain")
    public Mono<Rendering> drain(@PathVariable long id, ServerWebExchange exchange) {
        return setDrained(id, true, exchange);
    }

    @PostMapping("/{id}/servers/undrain")
    public Mono<Rendering> undrain(@PathVariable long id, ServerWebExchange exchange) {
        return setDrained(id, false, exchange);
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

    private Mono<Rendering> setDrained(long id, boolean drained, ServerWebExchange exchange) {
        return exchange.getFormData()
                .map(data -> data.getFirst("address") == null ? "" : data.getFirst("address").strip())
                .zipWith(SignedInUser.email(exchange))
                .flatMap(request -> backends.setDrained(id, request.getT1(), drained, request.getT2())
                        .flatMap(backend -> redirectToList(exchange, Flash.success("Server " + request.getT1()
                                + " of backend " + backend.name() + (drained
                                ? " drained: it takes no new requests; those in flight finish."
                                : " undrained: it takes requests again.")))))
                // The list the button was on is out of date (the server or backend is gone): say so there.
                .onErrorResume(NotFoundException.class,
                        missing -> redirectToList(exchange, Flash.danger(missing.getMessage())))
                .onErrorResume(ValidationException.class,
                        rejected -> redirectToList(exchange, Flash.danger(rejected.getMessage())))
                .onErrorResume(ConflictException.class,
                        conflict -> redirectToList(exchange, Flash.danger(conflict.getMessage())));
    }

    private Mono<Rendering> save(BackendForm form, BindingResult binding, Model model, ServerWebExchange exchange,
                                 Long backendId, Function<String, Mono<BackendView>> write, String verb) {
        form.inputProblems().forEach((field, message) -> {
            if (!binding.hasFieldErrors(field)) {
                binding.addError(fieldError(binding, field, message));
            }
        });
        if (binding.hasErrors()) {
            return Mono.just(form(model, backendId, HttpStatus.BAD_REQUEST));
        }
        return SignedInUser.email(exchange)
                .flatMap(write)
                .flatMap(backend -> redirectToList(exchange,
                        Flash.success("Backend " + backend.name() + " " + verb + ".")))
                .onErrorResume(ValidationException.class, rejected -> {
                    rejected.problems().forEach(problem -> reject(binding, form, problem));
                    return Mono.just(form(model, backendId, HttpStatus.BAD_REQUEST));
                })
                .onErrorResume(ConflictException.class, conflict -> {
                    reject(binding, form, new FieldProblem(conflict.field(), conflict.getMessage()));
                    return Mono.just(form(model, backendId, HttpStatus.CONFLICT));
                });
    }

    /** Puts a problem next to the control it is about (a server's row, a seconds box), or above the form. */
    private static void reject(BindingResult binding, BackendForm form, FieldProblem problem) {
        String control = form.controlFor(problem.field());
        if (control == null) {
            binding.addError(new ObjectError(binding.getObjectName(), null, null, problem.message()));
        } else {
            binding.addError(fieldError(binding, control, problem.message()));
        }
    }

    /** No message codes: the sentence is shown as written. The rejected value keeps what the user typed. */
    private static FieldError fieldError(BindingResult binding, String field, String message) {
        return new FieldError(binding.getObjectName(), field, binding.getRawFieldValue(field), false, null, null, message);
    }

    private static Rendering form(Model model, Long backendId, HttpStatus status) {
        if (model.getAttribute("form") instanceof BackendForm form) {
            form.ensureRow();
        }
        model.addAttribute("balancingChoices", BalancingChoice.all());
        model.addAttribute("protocolChoices", ProtocolChoice.all());
        model.addAttribute("defaults", BackendForm.DEFAULTS);
        if (backendId != null) {
            model.addAttribute("backendId", backendId);
        }
        return Rendering.view(FORM_VIEW).status(status).build();
    }

    private static Mono<Rendering> redirectToList(ServerWebExchange exchange, Flash flash) {
        return FlashMessages.put(exchange, flash).thenReturn(Rendering.redirectTo(LIST).build());
    }
}

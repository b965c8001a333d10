package dev.gatehouse.admin.stream;

import dev.gatehouse.admin.backend.BackendService;
import dev.gatehouse.admin.backend.BackendView;
import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.web.Flash;
import dev.gatehouse.admin.web.FlashMessages;
import dev.gatehouse.admin.web.PageController;
import dev.gatehouse.admin.web.SignedInUser;
import java.util.List;
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
 * The Streams pages: list (with whether each stream is listening and its open connections), add,
 * edit, enable/disable, delete. Every change is a POST that redirects to the list with a flash message
 * (Post/Redirect/Get); a rejected form is shown again with the user's input and each problem next to
 * its field (a port in use on the machine included, as the engine reports it), and nothing is saved.
 */
@PageController
@RequestMapping("/streams")
public class StreamController {

    private static final String LIST = "/streams";
    private static final String FORM_VIEW = "streams/form";

    /**
     * The PROXY protocol choices of the form.
     *
     * @param value what is posted
     * @param label what the option says
     */
    public record ProxyProtocolChoice(String value, String label) {

        static final List<ProxyProtocolChoice> ALL = List.of(
                new ProxyProtocolChoice("none", "None — the server sees the proxy's address (default)"),
                new ProxyProtocolChoice("v1", "PROXY protocol v1 (text)"),
                new ProxyProtocolChoice("v2", "PROXY protocol v2 (binary)"));
    }

    private final StreamService streams;
    private final BackendService backends;

    public StreamController(StreamService streams, BackendService backends) {
        this.streams = streams;
        this.backends = backends;
    }

    @InitBinder("form")
    void bindOnlyFormFields(WebDataBinder binder) {
        binder.setAllowedFields(StreamForm.BINDABLE);
    }

    @GetMapping
    public Mono<String> list(Model model, ServerWebExchange exchange) {
        return Mono.zip(streams.list().collectList(), backends.list().hasElements())
                .doOnNext(loaded -> model
                        .addAttribute("streams", loaded.getT1())
                        .addAttribute("hasBackends", loaded.getT2()))
                .then(FlashMessages.moveToModel(exchange, model))
                .thenReturn("streams/list");
    }

    @GetMapping("/new")
    public Mono<Rendering> newStream(Model model) {
        model.addAttribute("form", new StreamForm());
        return form(model, null, HttpStatus.OK);
    }

    @GetMapping("/{id}/edit")
    public Mono<Rendering> edit(@PathVariable long id, Model model) {
        return streams.get(id).flatMap(stream -> {
            model.addAttribute("form", StreamForm.from(stream));
            return form(model, id, HttpStatus.OK);
        });
    }

    @PostMapping
    public Mono<Rendering> create(@ModelAttribute("form") StreamForm form, BindingResult binding, Model model,
                                  ServerWebExchange exchange) {
        return save(form, binding, model, exchange, null, actor -> streams.create(form.toCommand(), actor), "added");
    }

    @PostMapping("/{id}")
    public Mono<Rendering> update(@PathVariable long id, @ModelAttribute("form") StreamForm form, BindingResult binding,
                                  Model model, ServerWebExchange exchange) {
        return save(form, binding, model, exchange, id, actor -> streams.update(id, form.toCommand(), actor), "saved");
    }

    @PostMapping("/{id}/enable")
    public Mono<Rendering> enable(@PathVariable long id, ServerWebExchange exchange) {
        return setEnabled(id, true, exchange);
    }

    @PostMapping("/{id}/disable")
    public Mono<Rendering> disable(@PathVariable long id, ServerWebExchange exchange) {
        return setEnabled(id, false, exchange);
    }

    @PostMapping("/{id}/delete")
    public Mono<Rendering> delete(@PathVariable long id, ServerWebExchange exchange) {
        return SignedInUser.email(exchange)
                .flatMap(actor -> streams.get(id).flatMap(stream -> streams.delete(id, actor).thenReturn(stream)))
                .flatMap(stream -> redirectToList(exchange, Flash.success("Stream on port " + stream.listenPort()
                        + " deleted; open connections carry on until they end.")))
                .onErrorResume(ConflictException.class,
                        conflict -> redirectToList(exchange, Flash.danger(conflict.getMessage())))
                .onErrorResume(ValidationException.class,
                        rejected -> redirectToList(exchange, Flash.danger(rejected.getMessage())));
    }

    private Mono<Rendering> save(StreamForm form, BindingResult binding, Model model, ServerWebExchange exchange,
                                 Long streamId, Function<String, Mono<StreamView>> write, String verb) {
        form.inputProblems().forEach((field, message) -> {
            if (!binding.hasFieldErrors(field)) {
                binding.addError(fieldError(binding, field, message));
            }
        });
        if (binding.hasErrors()) {
            return form(model, streamId, HttpStatus.BAD_REQUEST);
        }
        return SignedInUser.email(exchange)
                .flatMap(write)
                .flatMap(stream -> redirectToList(exchange,
                        Flash.success("Stream on port " + stream.listenPort() + " " + verb + ".")))
                .onErrorResume(ValidationException.class, rejected -> {
                    rejected.problems().forEach(problem -> reject(binding, problem));
                    return form(model, streamId, HttpStatus.BAD_REQUEST);
                })
                .onErrorResume(ConflictException.class, conflict -> {
                    reject(binding, new FieldProblem(conflict.field(), conflict.getMessage()));
                    return form(model, streamId, HttpStatus.CONFLICT);
                });
    }

    private Mono<Rendering> setEnabled(long id, boolean enabled, ServerWebExchange exchange) {
        return SignedInUser.email(exchange)
                .flatMap(actor -> streams.setEnabled(id, enabled, actor))
                .flatMap(stream -> redirectToList(exchange, Flash.success("Stream on port " + stream.listenPort()
                        + (enabled ? " enabled." : " disabled; open connections carry on until they end."))))
                // Enabling can fail on a port taken meanwhile: said on the list, nothing changed.
                .onErrorResume(ConflictException.class,
                        conflict -> redirectToList(exchange, Flash.danger(conflict.getMessage())))
                .onErrorResume(ValidationException.class,
                        rejected -> redirectToList(exchange, Flash.danger(rejected.getMessage())));
    }

    /** Puts a problem next to the control it is about, or above the form. */
    private static void reject(BindingResult binding, FieldProblem problem) {
        String control = StreamForm.controlFor(problem.field());
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

    /** The form page; the backend choices are loaded fresh each time it is shown. */
    private Mono<Rendering> form(Model model, Long streamId, HttpStatus status) {
        return backends.list().map(BackendView::name).collectList().map(names -> {
            model.addAttribute("backendNames", names);
            model.addAttribute("proxyProtocolChoices", ProxyProtocolChoice.ALL);
            model.addAttribute("defaultIdleTimeoutMinutes", StreamForm.DEFAULT_IDLE_TIMEOUT_MINUTES);
            if (streamId != null) {
                model.addAttribute("streamId", streamId);
            }
            return Rendering.view(FORM_VIEW).status(status).build();
        });
    }

    private static Mono<Rendering> redirectToList(ServerWebExchange exchange, Flash flash) {
        return FlashMessages.put(exchange, flash).thenReturn(Rendering.redirectTo(LIST).build());
    }
}

package dev.gatehouse.admin.accesslist;

import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.FieldProblem;
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
 * The Access lists pages: list (with the sites each list guards), add, edit, delete. Every change is a
 * POST that redirects to the list with a flash message (Post/Redirect/Get); a rejected form is shown again
 * with the user's input, each problem next to its row or field, and nothing is saved. Passwords are the
 * exception to "the user's input": their boxes always come back empty.
 */
@PageController
@RequestMapping("/access-lists")
public class AccessListController {

    private static final String LIST = "/access-lists";
    private static final String FORM_VIEW = "access-lists/form";

    private final AccessListService lists;

    public AccessListController(AccessListService lists) {
        this.lists = lists;
    }

    @InitBinder("form")
    void bindOnlyFormFields(WebDataBinder binder) {
        binder.setAllowedFields(AccessListForm.BINDABLE);
    }

    @GetMapping
    public Mono<String> list(Model model, ServerWebExchange exchange) {
        return lists.list().collectList()
                .doOnNext(all -> model.addAttribute("accessLists", all))
                .then(FlashMessages.moveToModel(exchange, model))
                .thenReturn("access-lists/list");
    }

    @GetMapping("/new")
    public Mono<Rendering> newList(Model model) {
        model.addAttribute("form", AccessListForm.blank());
        return Mono.just(form(model, null, HttpStatus.OK));
    }

    @GetMapping("/{id}/edit")
    public Mono<Rendering> edit(@PathVariable long id, Model model) {
        return lists.get(id).map(list -> {
            model.addAttribute("form", AccessListForm.from(list));
            return form(model, id, HttpStatus.OK);
        });
    }

    @PostMapping
    public Mono<Rendering> create(@ModelAttribute("form") AccessListForm form, BindingResult binding, Model model,
                                  ServerWebExchange exchange) {
        return save(form, binding, model, exchange, null, actor -> lists.create(form.toCommand(), actor), "added");
    }

    @PostMapping("/{id}")
    public Mono<Rendering> update(@PathVariable long id, @ModelAttribute("form") AccessListForm form,
                                  BindingResult binding, Model model, ServerWebExchange exchange) {
        return save(form, binding, model, exchange, id, actor -> lists.update(id, form.toCommand(), actor), "saved");
    }

    /** "Add rule" / "Add user" on a new list: the same form with one more empty row; nothing is saved. */
    @PostMapping("/new/add/{row:rule|user}")
    public Mono<Rendering> addRowToNew(@PathVariable String row, @ModelAttribute("form") AccessListForm form,
                                       Model model) {
        form.addRow(row);
        return Mono.just(form(model, null, HttpStatus.OK));
    }

    /** "Add rule" / "Add user" while editing: the same form with one more empty row; nothing is saved. */
    @PostMapping("/{id}/add/{row:rule|user}")
    public Mono<Rendering> addRow(@PathVariable long id, @PathVariable String row,
                                  @ModelAttribute("form") AccessListForm form, Model model) {
        form.addRow(row);
        return Mono.just(form(model, id, HttpStatus.OK));
    }

    @PostMapping("/{id}/delete")
    public Mono<Rendering> delete(@PathVariable long id, ServerWebExchange exchange) {
        return SignedInUser.email(exchange)
                .flatMap(actor -> lists.get(id).flatMap(list -> lists.delete(id, actor).thenReturn(list)))
                .flatMap(list -> redirectToList(exchange, Flash.success("Access list " + list.name() + " deleted.")))
                .onErrorResume(ConflictException.class,
                        conflict -> redirectToList(exchange, Flash.danger(conflict.getMessage())))
                .onErrorResume(ValidationException.class,
                        rejected -> redirectToList(exchange, Flash.danger(rejected.getMessage())));
    }

    private Mono<Rendering> save(AccessListForm form, BindingResult binding, Model model, ServerWebExchange exchange,
                                 Long listId, Function<String, Mono<AccessListView>> write, String verb) {
        if (binding.hasErrors()) {
            return Mono.just(form(model, listId, HttpStatus.BAD_REQUEST));
        }
        return SignedInUser.email(exchange)
                .flatMap(write)
                .flatMap(list -> redirectToList(exchange, Flash.success("Access list " + list.name() + " " + verb + ".")))
                .onErrorResume(ValidationException.class, rejected -> {
                    rejected.problems().forEach(problem -> reject(binding, form, problem));
                    return Mono.just(form(model, listId, HttpStatus.BAD_REQUEST));
                })
                .onErrorResume(ConflictException.class, conflict -> {
                    reject(binding, form, new FieldProblem(conflict.field(), conflict.getMessage()));
                    return Mono.just(form(model, listId, HttpStatus.CONFLICT));
                });
    }

    /**
     * Puts a problem next to the control it is about, or above the form. No message codes: the sentence is
     * shown as written. A password box's rejected value is not kept: it is never shown again.
     */
    private static void reject(BindingResult binding, AccessListForm form, FieldProblem problem) {
        String control = form.controlFor(problem.field());
        if (control == null) {
            binding.addError(new ObjectError(binding.getObjectName(), null, null, problem.message()));
            return;
        }
        Object rejected = control.endsWith(".password") ? null : binding.getRawFieldValue(control);
        binding.addError(new FieldError(binding.getObjectName(), control, rejected, false, null, null, problem.message()));
    }

    /** The form page, its password boxes emptied. */
    private static Rendering form(Model model, Long listId, HttpStatus status) {
        Object form = model.getAttribute("form");
        if (form instanceof AccessListForm accessListForm) {
            accessListForm.forgetPasswords();
        }
        if (listId != null) {
            model.addAttribute("listId", listId);
        }
        return Rendering.view(FORM_VIEW).status(status).build();
    }

    private static Mono<Rendering> redirectToList(ServerWebExchange exchange, Flash flash) {
        return FlashMessages.put(exchange, flash).thenReturn(Rendering.redirectTo(LIST).build());
    }
}

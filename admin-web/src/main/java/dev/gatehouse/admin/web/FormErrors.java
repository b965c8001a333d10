package dev.gatehouse.admin.web;

import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ValidationException;
import java.util.Set;
import org.springframework.validation.BindingResult;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Puts the services' problems onto a form's {@link BindingResult} so each message appears next to
 * the field it is about. Problem fields name list entries ({@code hostnames[1]}, {@code servers[0]})
 * or nested values ({@code routes[0].backend}); a form shows a list in one control, so a problem is
 * attached to the control named by its first segment. Problems about anything the form has no
 * control for are shown above the form, never dropped.
 */
public final class FormErrors {

    private FormErrors() {
    }

    /** Adds every problem of {@code rejected} to {@code binding}. */
    public static void reject(BindingResult binding, Set<String> formFields, ValidationException rejected) {
        for (FieldProblem problem : rejected.problems()) {
            reject(binding, formFields, problem.field(), problem.message());
        }
    }

    /** Adds {@code conflict}'s message to {@code binding}, next to its field. */
    public static void reject(BindingResult binding, Set<String> formFields, ConflictException conflict) {
        reject(binding, formFields, conflict.field(), conflict.getMessage());
    }

    /** Adds {@code message} next to the form control for {@code problemField}, or above the form. */
    public static void reject(BindingResult binding, Set<String> formFields, String problemField, String message) {
        String control = formControl(problemField);
        // No message codes: the service's sentence is shown as written, never looked up or formatted.
        if (formFields.contains(control)) {
            Object rejectedValue = binding.getRawFieldValue(control);
            binding.addError(new FieldError(binding.getObjectName(), control, rejectedValue, false, null, null, message));
        } else {
            binding.addError(new ObjectError(binding.getObjectName(), null, null, message));
        }
    }

    /** {@code hostnames[1]} -> {@code hostnames}; {@code routes[0].backend} -> {@code routes}. */
    static String formControl(String problemField) {
        if (problemField == null) {
            return "";
        }
        int end = problemField.length();
        int bracket = problemField.indexOf('[');
        int dot = problemField.indexOf('.');
        if (bracket >= 0) {
            end = Math.min(end, bracket);
        }
        if (dot >= 0) {
            end = Math.min(end, dot);
        }
        return problemField.substring(0, end);
    }
}

package dev.gatehouse.admin.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ValidationException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.validation.BeanPropertyBindingResult;
import org.springframework.validation.ObjectError;

class FormErrorsTest {

    /** A stand-in form with the two controls the mapping cares about. */
    public static class Form {
        private String hostnames = "a.example.test\nb c";
        private String backend = "app";

        public String getHostnames() {
            return hostnames;
        }

        public String getBackend() {
            return backend;
        }
    }

    private static final Set<String> FIELDS = Set.of("hostnames", "backend");

    @ParameterizedTest
    @CsvSource({
            "hostnames,          hostnames",
            "hostnames[1],       hostnames",
            "hostnames[12],      hostnames",
            "backend,            backend",
            "routes[0].backend,  routes",
            "backend.name,       backend",
            "'',                 ''",
    })
    void problemFieldNamesTheFormControl(String problemField, String control) {
        assertThat(FormErrors.formControl(problemField)).isEqualTo(control);
    }

    @Test
    void problemsLandOnTheirControlsAndTheRestAboveTheForm() {
        BeanPropertyBindingResult binding = new BeanPropertyBindingResult(new Form(), "form");

        FormErrors.reject(binding, FIELDS, new ValidationException(List.of(
                new FieldProblem("hostnames[1]", "hostnames[1] 'b c' must not contain spaces"),
                new FieldProblem("routes[0].backend", "no backend named 'x'"))));
        FormErrors.reject(binding, FIELDS, new ConflictException("backend", "backend 'app' is {0} busy"));

        assertThat(binding.getFieldError("hostnames").getDefaultMessage())
                .isEqualTo("hostnames[1] 'b c' must not contain spaces");
        assertThat(binding.getFieldError("hostnames").getRejectedValue()).isEqualTo("a.example.test\nb c");
        // Messages are shown as the service wrote them: no message-code lookup, no {0} formatting.
        assertThat(binding.getFieldError("backend").getCodes()).isNull();
        assertThat(binding.getFieldError("backend").getDefaultMessage()).isEqualTo("backend 'app' is {0} busy");
        assertThat(binding.getGlobalErrors()).extracting(ObjectError::getDefaultMessage)
                .containsExactly("no backend named 'x'");
    }
}

package dev.gatehouse.admin.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FormListsTest {

    static Stream<Arguments> textareas() {
        return Stream.of(
                Arguments.of(null, List.of()),
                Arguments.of("", List.of()),
                Arguments.of(" \n \r\n ", List.of()),
                Arguments.of("a.example.test", List.of("a.example.test")),
                Arguments.of("a.example.test\nb.example.test", List.of("a.example.test", "b.example.test")),
                Arguments.of("a.example.test\r\nb.example.test\r\n", List.of("a.example.test", "b.example.test")),
                Arguments.of("a.example.test, b.example.test,,", List.of("a.example.test", "b.example.test")),
                Arguments.of("  10.0.0.1:80 \n\n 10.0.0.2:80  ", List.of("10.0.0.1:80", "10.0.0.2:80")),
                // Spaces inside an entry are the service's to reject, with its own message: never split on them.
                Arguments.of("my site.example.test", List.of("my site.example.test")),
                Arguments.of("http://a.example.test:8080/x", List.of("http://a.example.test:8080/x")));
    }

    @ParameterizedTest
    @MethodSource("textareas")
    void splitsOnLinesAndCommasAndTrims(String text, List<String> entries) {
        assertThat(FormLists.split(text)).isEqualTo(entries);
    }

    @Test
    void joinedListSplitsBackToItself() {
        List<String> entries = List.of("a.example.test", "*.example.test");
        assertThat(FormLists.join(entries)).isEqualTo("a.example.test\n*.example.test");
        assertThat(FormLists.split(FormLists.join(entries))).isEqualTo(entries);
    }
}

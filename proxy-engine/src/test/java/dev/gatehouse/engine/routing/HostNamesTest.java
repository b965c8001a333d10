package dev.gatehouse.engine.routing;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class HostNamesTest {

    @ParameterizedTest(name = "Host \"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
            "app.example.com        | app.example.com",
            "APP.Example.COM        | app.example.com",
            "app.example.com:8080   | app.example.com",
            "App.Example.com:80     | app.example.com",
            "example.com.           | example.com",
            "localhost              | localhost",
            "127.0.0.1:8080         | 127.0.0.1",
            "[::1]                  | [::1]",
            "[::1]:8080             | [::1]",
            "[2001:DB8::1]:443      | [2001:db8::1]",
            "under_score.internal   | under_score.internal",
    })
    void normalisesHostHeader(String header, String expected) {
        assertThat(HostNames.fromHostHeader(header)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "Host \"{0}\" is malformed")
    @ValueSource(strings = {"", "bad host", "a.test:", "a.test:99999", "a.test:80x", "a.test:-1", ":8080", "a:b:c",
            "[::1", "[::1]x", "[]", "[::g]", "a/b", "user@a.test", "a.test\t", "<script>.test"})
    void rejectsMalformedHostHeader(String header) {
        assertThat(HostNames.fromHostHeader(header)).isNull();
    }

    @ParameterizedTest(name = "site host name \"{0}\" is valid")
    @ValueSource(strings = {"a.com", "app.example.com", "*.example.com", "*.a.b.example.com", "localhost", "x-1.y2.com",
            "127.0.0.1", "a", "xn--bcher-kva.example"})
    void acceptsValidSiteHostnames(String hostname) {
        assertThat(HostNames.problemWith(hostname)).isNull();
    }

    @ParameterizedTest(name = "site host name \"{0}\" -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "http://a.com        | 'http://a.com' must not contain a scheme; enter just the host name, e.g. a.com",
            "a b.com             | 'a b.com' must not contain spaces",
            "a.com/x             | 'a.com/x' must not contain a path",
            "a.com:8080          | 'a.com:8080' must not contain a port",
            "*.com               | '*.com' is too broad; a wildcard needs at least two labels after it",
            "a.*.com             | 'a.*.com' may only use '*' as the whole first label",
            "*.*.example.com     | '*.*.example.com' may only use '*' as the whole first label",
            "-a.com              | '-a.com' has the label '-a' which must not start or end with '-'",
            "a-.com              | 'a-.com' has the label 'a-' which must not start or end with '-'",
            "a..com              | 'a..com' must not contain two dots in a row",
            ".a.com              | '.a.com' must not start or end with a dot",
            "a_b.com             | 'a_b.com' contains '_'; host names use only letters, digits, '-' and '.'",
            "Upper.com           | 'Upper.com' contains 'U'",
    })
    void explainsInvalidSiteHostnames(String hostname, String message) {
        assertThat(HostNames.problemWith(hostname)).startsWith(message);
    }

    @org.junit.jupiter.api.Test
    void limitsLabelAndNameLength() {
        String label64 = "a".repeat(64);
        assertThat(HostNames.problemWith(label64 + ".com")).contains("has a label of 64 characters; each part between dots has at most 63");
        assertThat(HostNames.problemWith("a".repeat(63) + ".com")).isNull();
        String name254 = ("a".repeat(49) + ".").repeat(5) + "abcd";
        assertThat(name254).hasSize(254);
        assertThat(HostNames.problemWith(name254)).contains("is 254 characters long; host names have at most 253");
        assertThat(HostNames.problemWith(null)).isEqualTo("host name is missing");
        assertThat(HostNames.problemWith("")).isEqualTo("host name is empty; enter a host name, e.g. app.example.com");
    }
}

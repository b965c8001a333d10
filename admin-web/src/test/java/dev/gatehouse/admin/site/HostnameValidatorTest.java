package dev.gatehouse.admin.site;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.common.FieldProblem;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostnameValidatorTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "app.example.com", "APP.Example.COM", "  padded.example.com ", "localhost", "a", "x-1.example.com",
        "*.example.com", "*.a.b.example.com", "xn--bcher-kva.example", "192.168.1.10", "0.example.com",
        "a123456789012345678901234567890123456789012345678901234567890bc.example.com"
    })
    void accepts(String hostname) {
        assertThat(HostnameValidator.problem(HostnameValidator.normalize(hostname))).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        http://a.com               | 'http://a.com' must not contain a scheme; enter just the host name, e.g. a.com
        https://shop.example.com/x | 'https://shop.example.com/x' must not contain a scheme; enter just the host name, e.g. shop.example.com
        my site.example.com        | 'my site.example.com' must not contain spaces
        "a\tb.example.com"         | must not contain spaces
        example.com/path           | 'example.com/path' must not contain a path; enter just the host name, e.g. example.com
        example.com?q=1            | must not contain a path
        example.com:8080           | 'example.com:8080' must not contain a port; enter just the host name, e.g. example.com (the proxy listens on its own ports)
        .example.com               | '.example.com' must not start or end with a dot
        example.com.               | must not start or end with a dot
        a..example.com             | 'a..example.com' must not contain two dots in a row
        -app.example.com           | has the label '-app' which must not start or end with '-'
        app-.example.com           | has the label 'app-' which must not start or end with '-'
        app_1.example.com          | 'app_1.example.com' contains '_'; host names use only letters, digits, '-' and '.'
        bücher.example             | contains 'ü'; write international names in their xn-- (punycode) form
        user@example.com           | contains '@'
        *.com                      | '*.com' is too broad; a wildcard needs at least two labels after it, e.g. *.example.com
        *                          | is too broad
        a.*.example.com            | may only use '*' as the whole first label, e.g. *.example.com
        *app.example.com           | may only use '*' as the whole first label
        **.example.com             | may only use '*' as the whole first label
        a1234567890123456789012345678901234567890123456789012345678901234.com | has a label of 65 characters; each part between dots has at most 63
        """)
    void rejectsWithAMessageNamingTheProblem(String hostname, String expected) {
        assertThat(HostnameValidator.problem(HostnameValidator.normalize(hostname))).hasValueSatisfying(
                message -> assertThat(message).contains(expected));
    }

    @Test
    void rejectsOverlongNamesAndEmptyEntries() {
        String longName = String.join(".", "a".repeat(61), "b".repeat(60), "c".repeat(60), "d".repeat(60),
                "example.com");
        assertThat(longName).hasSize(256);
        assertThat(HostnameValidator.problem(longName)).hasValue("is 256 characters long; host names have at most 253");
        assertThat(HostnameValidator.problems(Arrays.asList("ok.example.com", "  ", null, "bad host")))
                .containsExactly(
                        new FieldProblem("hostnames[1]", "hostnames[1] is empty; enter a host name, e.g. app.example.com"),
                        new FieldProblem("hostnames[2]", "hostnames[2] is empty; enter a host name, e.g. app.example.com"),
                        new FieldProblem("hostnames[3]", "hostnames[3] 'bad host' must not contain spaces"));
        assertThat(HostnameValidator.problems(List.of())).containsExactly(new FieldProblem("hostnames",
                "at least one hostname is required, e.g. app.example.com or *.example.com"));
    }
}

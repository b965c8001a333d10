package dev.gatehouse.admin.site;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.common.FieldProblem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrustedProxyValidatorTest {

    /** entry as typed | what is stored. */
    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        127.0.0.1            | 127.0.0.1
        ' 10.0.0.0/8 '       | 10.0.0.0/8
        192.0.2.7/32         | 192.0.2.7/32
        0.0.0.0/0            | 0.0.0.0/0
        172.16.0.0/12        | 172.16.0.0/12
        ::1                  | ::1
        2001:db8::/32        | 2001:db8::/32
        2001:DB8::1/128      | 2001:DB8::1/128
        ::/0                 | ::/0
        """)
    void accepts(String entry, String stored) {
        assertThat(TrustedProxyValidator.problems(List.of(entry))).isEmpty();
        assertThat(TrustedProxyValidator.toStored(List.of(entry))).containsExactly(stored);
    }

    /** entry | the one problem's message, always on trustedProxies[1] (entry 0 is a good one). */
    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        10.0.0.0/33          | trustedProxies[1]: trusted proxy '10.0.0.0/33' has prefix /33; use 0-32
        2001:db8::/129       | trustedProxies[1]: trusted proxy '2001:db8::/129' has prefix /129; use 0-128
        10.0.0.0/-1          | trustedProxies[1]: trusted proxy '10.0.0.0/-1' has prefix /-1; use 0-32
        10.0.0.0/8x          | trustedProxies[1]: trusted proxy '10.0.0.0/8x' has a prefix length that is not a number
        10.0.0.0/            | trustedProxies[1]: trusted proxy '10.0.0.0/' has a prefix length that is not a number
        10.0.0.256           | trustedProxies[1]: trusted proxy '10.0.0.256' is not an IP address or CIDR block (e.g. 10.0.0.0/8)
        lb.example.com       | trustedProxies[1]: trusted proxy 'lb.example.com' is not an IP address or CIDR block (e.g. 10.0.0.0/8)
        10.0.0.*             | trustedProxies[1]: trusted proxy '10.0.0.*' is not an IP address or CIDR block (e.g. 10.0.0.0/8)
        10.0.0.0-10.0.0.9    | trustedProxies[1]: trusted proxy '10.0.0.0-10.0.0.9' is not an IP address or CIDR block (e.g. 10.0.0.0/8)
        http://10.0.0.1      | trustedProxies[1]: trusted proxy 'http://10.0.0.1' is not an IP address or CIDR block (e.g. 10.0.0.0/8)
        '   '                | trustedProxies[1]: a trusted proxy entry is empty
        """)
    void rejectsNamingTheEntryAndWhy(String entry, String message) {
        assertThat(TrustedProxyValidator.problems(List.of("127.0.0.1", entry)))
                .containsExactly(new FieldProblem("trustedProxies[1]", message));
    }

    @Test
    void aMissingEntryAndAnOverlongOneAreNamedToo() {
        String overlong = "1".repeat(65);
        assertThat(TrustedProxyValidator.problems(Arrays.asList(null, overlong, "10.0.0.1"))).containsExactly(
                new FieldProblem("trustedProxies[0]", "trustedProxies[0]: a trusted proxy entry is empty"),
                new FieldProblem("trustedProxies[1]", "trustedProxies[1]: trusted proxy '" + overlong
                        + "' is 65 characters long; at most 64 are allowed"));
    }

    @Test
    void everyBadEntryIsReportedAtOnce() {
        assertThat(TrustedProxyValidator.problems(List.of("a", "10.0.0.1", "b/8")))
                .extracting(FieldProblem::field).containsExactly("trustedProxies[0]", "trustedProxies[2]");
    }

    @Test
    void noneIsTheDefaultAndAtMostAHundredAreAllowed() {
        assertThat(TrustedProxyValidator.problems(List.of())).isEmpty();
        List<String> hundred = new ArrayList<>(Collections.nCopies(TrustedProxyValidator.MAX_ENTRIES, "10.0.0.1"));
        assertThat(TrustedProxyValidator.problems(hundred)).isEmpty();
        hundred.add("10.0.0.2");
        assertThat(TrustedProxyValidator.problems(hundred)).containsExactly(new FieldProblem("trustedProxies",
                "trustedProxies has 101 entries; at most 100 are allowed (use CIDR blocks such as 10.0.0.0/8 to cover many addresses)"));
    }
}

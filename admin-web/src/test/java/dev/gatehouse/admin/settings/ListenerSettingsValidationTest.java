package dev.gatehouse.admin.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.storage.settings.ListenerSettings;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The listener settings' checks, without the database: {@link ListenerSettingsService#validate}. */
class ListenerSettingsValidationTest {

    @Test
    void addressesAndCidrBlocksOfBothFamiliesAreStoredTrimmedInOrder() {
        assertThat(ListenerSettingsService.validate(new ListenerCommand(List.of(" 10.0.0.0/8 ", "192.0.2.7", "2001:db8::/32",
                "::1", "127.0.0.1/32")))).isEqualTo(new ListenerSettings(List.of("10.0.0.0/8", "192.0.2.7", "2001:db8::/32",
                "::1", "127.0.0.1/32")));
        assertThat(ListenerSettingsService.validate(new ListenerCommand(null))).isEqualTo(ListenerSettings.DEFAULT);
    }

    /** entry -> the problem's message (the field is always proxyProtocolFrom[1], after a good entry). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        lb.example.com  | proxyProtocolFrom[1]: address 'lb.example.com' is not an IP address or CIDR block (e.g. 10.0.0.0/8)
        10.0.0.0/33     | proxyProtocolFrom[1]: address '10.0.0.0/33' has prefix /33; use 0-32
        10.0.0.0/x      | proxyProtocolFrom[1]: address '10.0.0.0/x' has a prefix length that is not a number
        ::ffff:10.0.0.1 | proxyProtocolFrom[1]: address '::ffff:10.0.0.1' is an IPv4-mapped IPv6 address; write it as IPv4 (e.g. 10.0.0.0/8)
        ' '             | proxyProtocolFrom[1]: an entry is empty
        """)
    void aBadEntryIsNamedWithWhatIsWrong(String entry, String message) {
        assertThatThrownBy(() -> ListenerSettingsService.validate(new ListenerCommand(List.of("10.0.0.1", entry))))
                .isInstanceOf(ValidationException.class)
                .satisfies(error -> assertThat(((ValidationException) error).problems())
                        .containsExactly(new FieldProblem("proxyProtocolFrom[1]", message)));
    }

    @Test
    void everyBadEntryIsReportedAtOnceAndAMissingOneToo() {
        assertThatThrownBy(() -> ListenerSettingsService.validate(new ListenerCommand(Arrays.asList("x", "10.0.0.1", null,
                "1".repeat(65)))))
                .isInstanceOf(ValidationException.class)
                .satisfies(error -> assertThat(((ValidationException) error).problems()).extracting(FieldProblem::field)
                        .containsExactly("proxyProtocolFrom[0]", "proxyProtocolFrom[2]", "proxyProtocolFrom[3]"));
    }

    @Test
    void atMostAHundredEntries() {
        assertThat(ListenerSettingsService.validate(new ListenerCommand(Collections.nCopies(100, "10.0.0.1")))
                .proxyProtocolFrom()).hasSize(100);
        assertThatThrownBy(() -> ListenerSettingsService.validate(new ListenerCommand(Collections.nCopies(101, "10.0.0.1"))))
                .isInstanceOf(ValidationException.class)
                .hasMessage("proxyProtocolFrom has 101 entries; at most 100 are allowed (use CIDR blocks such as "
                        + "10.0.0.0/8 to cover many addresses)");
    }

    @Test
    void theDescriptionSaysWhatTheListenersBelieve() {
        assertThat(ListenerSettingsService.describe(ListenerSettings.DEFAULT)).isEqualTo("believe no PROXY protocol header");
        assertThat(ListenerSettingsService.describe(new ListenerSettings(List.of("10.0.0.0/8", "::1"))))
                .isEqualTo("believe PROXY protocol headers from 10.0.0.0/8, ::1");
    }
}

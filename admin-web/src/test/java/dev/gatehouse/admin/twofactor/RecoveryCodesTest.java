package dev.gatehouse.admin.twofactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecoveryCodesTest {

    @Test
    void aSetIsTenDistinctCodesInGroupsOfFourWithoutLookAlikes() {
        List<String> codes = RecoveryCodes.generate();

        assertThat(codes).hasSize(RecoveryCodes.COUNT).doesNotHaveDuplicates();
        assertThat(codes).allSatisfy(code -> assertThat(code)
                .matches("[a-hj-km-np-z2-9]{4}-[a-hj-km-np-z2-9]{4}-[a-hj-km-np-z2-9]{4}-[a-hj-km-np-z2-9]{4}")
                .doesNotContain("i", "l", "o", "0", "1"));
        assertThat(codes).allSatisfy(code -> assertThat(RecoveryCodes.looksLikeOne(code)).isTrue());
    }

    @Test
    void setsDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            seen.addAll(RecoveryCodes.generate());
        }
        assertThat(seen).hasSize(100 * RecoveryCodes.COUNT);
    }

    @Test
    void theStoredHashIgnoresCaseSpacesAndDashesAndIsNotTheCode() {
        String code = "k7mq-2xbd-9wnr-h4tc";
        String hash = RecoveryCodes.hash(code);

        assertThat(hash).matches("[0-9a-f]{64}").doesNotContain("k7mq");
        assertThat(RecoveryCodes.hash("K7MQ2XBD9WNRH4TC")).isEqualTo(hash);
        assertThat(RecoveryCodes.hash(" k7mq 2xbd-9wnr h4tc ")).isEqualTo(hash);
        assertThat(RecoveryCodes.hash("k7mq-2xbd-9wnr-h4td")).isNotEqualTo(hash);
    }

    @ParameterizedTest
    @ValueSource(strings = {"123456", "123 456", "", "k7mq-2xbd-9wnr", "k7mq-2xbd-9wnr-h4tc-aaaa", "k7mq-2xbd-9wnr-h4t0",
            "k7mq-2xbd-9wnr-h4t!"})
    void sixDigitCodesAndMalformedInputAreNotTakenForRecoveryCodes(String input) {
        assertThat(RecoveryCodes.looksLikeOne(input)).isFalse();
    }

    @Test
    void nullIsNotARecoveryCode() {
        assertThat(RecoveryCodes.looksLikeOne(null)).isFalse();
    }
}

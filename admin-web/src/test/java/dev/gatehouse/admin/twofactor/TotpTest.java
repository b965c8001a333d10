package dev.gatehouse.admin.twofactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 6238 appendix B and RFC 4226 appendix D test vectors, then the window and the input checks. */
class TotpTest {

    private static final byte[] SHA1_SEED = ascii("12345678901234567890");
    private static final byte[] SHA256_SEED = ascii("12345678901234567890123456789012");
    private static final byte[] SHA512_SEED = ascii("1234567890123456789012345678901234567890123456789012345678901234");

    @ParameterizedTest(name = "{0} s, {1}")
    @CsvSource({
            "59,          HmacSHA1,   94287082",
            "59,          HmacSHA256, 46119246",
            "59,          HmacSHA512, 90693936",
            "1111111109,  HmacSHA1,   07081804",
            "1111111109,  HmacSHA256, 68084774",
            "1111111109,  HmacSHA512, 25091201",
            "1111111111,  HmacSHA1,   14050471",
            "1111111111,  HmacSHA256, 67062674",
            "1111111111,  HmacSHA512, 99943326",
            "1234567890,  HmacSHA1,   89005924",
            "1234567890,  HmacSHA256, 91819424",
            "1234567890,  HmacSHA512, 93441116",
            "2000000000,  HmacSHA1,   69279037",
            "2000000000,  HmacSHA256, 90698825",
            "2000000000,  HmacSHA512, 38618901",
            "20000000000, HmacSHA1,   65353130",
            "20000000000, HmacSHA256, 77737706",
            "20000000000, HmacSHA512, 47863826",
    })
    void rfc6238AppendixB(long epochSeconds, String algorithm, String expected) {
        byte[] seed = switch (algorithm) {
            case "HmacSHA1" -> SHA1_SEED;
            case "HmacSHA256" -> SHA256_SEED;
            default -> SHA512_SEED;
        };
        long step = Totp.step(Instant.ofEpochSecond(epochSeconds));

        assertThat(Totp.code(algorithm, seed, step, 8)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "counter {0}")
    @CsvSource({"0, 755224", "1, 287082", "2, 359152", "3, 969429", "4, 338314", "5, 254676", "6, 287922",
            "7, 162583", "8, 399871", "9, 520489"})
    void rfc4226AppendixDSixDigitsAsAuthenticatorAppsMakeThem(long counter, String expected) {
        assertThat(Totp.code(SHA1_SEED, counter)).isEqualTo(expected);
    }

    @Test
    void theStepIsThirtySecondsSinceTheEpoch() {
        assertThat(Totp.step(Instant.ofEpochSecond(0))).isZero();
        assertThat(Totp.step(Instant.ofEpochSecond(29))).isZero();
        assertThat(Totp.step(Instant.ofEpochSecond(30))).isEqualTo(1);
        assertThat(Totp.step(Instant.ofEpochSecond(59))).isEqualTo(1);
        assertThat(Totp.step(Instant.ofEpochSecond(1111111109))).isEqualTo(0x23523EC);
    }

    @Test
    void theCodesOfThePreviousCurrentAndNextStepAreAcceptedAndNothingFurther() {
        Instant now = Instant.ofEpochSecond(1234567890);
        long step = Totp.step(now);

        for (long offset = -1; offset <= 1; offset++) {
            assertThat(Totp.matchingStep(SHA1_SEED, Totp.code(SHA1_SEED, step + offset), now)).hasValue(step + offset);
        }
        assertThat(Totp.matchingStep(SHA1_SEED, Totp.code(SHA1_SEED, step - 2), now)).isEmpty();
        assertThat(Totp.matchingStep(SHA1_SEED, Totp.code(SHA1_SEED, step + 2), now)).isEmpty();
    }

    @Test
    void aCodeOfAnotherKeyIsRefused() {
        Instant now = Instant.ofEpochSecond(1234567890);
        String code = Totp.code(SHA256_SEED, Totp.step(now));

        OptionalLong matched = Totp.matchingStep(SHA1_SEED, code, now);

        // a 1-in-a-million coincidence between the two fixed keys would make this test wrong forever, not flaky
        assertThat(matched).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "12345", "1234567", "12345a", "１２３４５６", " 123456", "-12345"})
    void anythingButSixAsciiDigitsIsRefusedWithoutComputing(String code) {
        assertThat(Totp.matchingStep(SHA1_SEED, code, Instant.ofEpochSecond(59))).isEmpty();
    }

    @Test
    void nullIsRefused() {
        assertThat(Totp.matchingStep(SHA1_SEED, null, Instant.ofEpochSecond(59))).isEmpty();
    }

    @Test
    void leadingZerosAreKept() {
        // step 1111111109 / 30 with the SHA-1 seed: 07081804 in 8 digits, so 081804 in 6
        assertThat(Totp.code(SHA1_SEED, Totp.step(Instant.ofEpochSecond(1111111109)))).isEqualTo("081804");
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}

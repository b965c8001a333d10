package dev.gatehouse.admin.twofactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 4648 section 10 vectors (without the padding authenticator apps do not need), and forgiving input. */
class Base32Test {

    @ParameterizedTest
    @CsvSource({"'', ''", "f, MY", "fo, MZXQ", "foo, MZXW6", "foob, MZXW6YQ", "fooba, MZXW6YTB", "foobar, MZXW6YTBOI"})
    void rfc4648Vectors(String text, String base32) {
        assertThat(Base32.encode(text.getBytes(StandardCharsets.US_ASCII))).isEqualTo(base32);
        assertThat(new String(Base32.decode(base32), StandardCharsets.US_ASCII)).isEqualTo(text);
    }

    @Test
    void decodingIgnoresCaseSpacesAndPadding() {
        assertThat(new String(Base32.decode("mzxw 6ytb oi======"), StandardCharsets.US_ASCII)).isEqualTo("foobar");
    }

    @Test
    void twentyRandomBytesRoundTripAsThirtyTwoCharacters() {
        byte[] key = new byte[20];
        new SecureRandom().nextBytes(key);

        String encoded = Base32.encode(key);

        assertThat(encoded).hasSize(32).matches("[A-Z2-7]+");
        assertThat(Base32.decode(encoded)).isEqualTo(key);
    }

    @Test
    void aCharacterOutsideTheAlphabetIsNamedByPositionNotRepeated() {
        assertThatThrownBy(() -> Base32.decode("MZXW1YTB"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not base32: character 5 is not A-Z or 2-7");
    }
}

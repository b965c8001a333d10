package dev.gatehouse.admin.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TokenSecretsTest {

    private static final String GOOD = "ght_Ab3dE9xQ_" + "0123456789abcdefghijABCDEFGHIJ0123456789abc";

    @Test
    void generatedTokensHaveThePrefixTheKeyIdAndA43CharacterSecret() {
        TokenSecrets.Generated generated = TokenSecrets.generate();

        assertThat(generated.token()).hasSize(56).startsWith("ght_" + generated.keyId() + "_").matches(TokenSecrets.PATTERN);
        assertThat(generated.keyId()).matches("[0-9A-Za-z]{8}");
        assertThat(TokenSecrets.wellFormed(generated.token())).isTrue();
        assertThat(generated.toString()).contains(generated.keyId()).doesNotContain(generated.token());
    }

    @Test
    void generatedTokensDoNotRepeat() {
        Set<String> tokens = new HashSet<>();
        Set<String> keyIds = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            TokenSecrets.Generated generated = TokenSecrets.generate();
            tokens.add(generated.token());
            keyIds.add(generated.keyId());
        }
        assertThat(tokens).hasSize(2000);
        assertThat(keyIds).hasSize(2000);
    }

    @Test
    void theStoredFormIsTheLowerCaseHexSha256OfTheWholeToken() {
        // FIPS 180-2 test vector
        assertThat(TokenSecrets.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(TokenSecrets.hash(GOOD)).matches("[0-9a-f]{64}").isNotEqualTo(TokenSecrets.hash(GOOD.replace("ght_", "ghx_")));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "ght_Ab3dE9xQ_0123456789abcdefghijABCDEFGHIJ0123456789ab",    // secret one short
        "ght_Ab3dE9xQ_0123456789abcdefghijABCDEFGHIJ0123456789abcd",  // one long
        "ghp_Ab3dE9xQ_0123456789abcdefghijABCDEFGHIJ0123456789abc",   // another vendor's prefix
        "GHT_Ab3dE9xQ_0123456789abcdefghijABCDEFGHIJ0123456789abc",
        "ght_Ab3dE9x_Q0123456789abcdefghijABCDEFGHIJ0123456789abc",   // separator in the wrong place
        "ght_Ab3dE9xQ-0123456789abcdefghijABCDEFGHIJ0123456789abc",
        "ght_Ab3dE9xQ_0123456789abcdefghijABCDEFGHIJ0123456789a+c",   // not base62
        "ght_Ab3dE9xQ_0123456789abcdefghijABCDEFGHIJ0123456789ab\n",
        " ght_Ab3dE9xQ_0123456789abcdefghijABCDEFGHIJ0123456789abc",
    })
    void anythingButTheExactShapeIsNotAToken(String presented) {
        assertThat(TokenSecrets.wellFormed(presented)).isFalse();
        assertThat(TokenSecrets.wellFormed(GOOD)).isTrue();
    }

    @ParameterizedTest
    @CsvSource({
        "00,          4, 0000",
        "3d,          4, 000z",
        "3e,          4, 0010",
        "ffffffff,    6, 4gfFC3",
    })
    void base62IsLeftPaddedToItsLength(String hex, int length, String expected) {
        assertThat(TokenSecrets.base62(HexFormat.of().parseHex(hex), length)).isEqualTo(expected);
    }

    @Test
    void aSecretOf256BitsAlwaysFitsIn43Digits() {
        byte[] allOnes = new byte[32];
        Arrays.fill(allOnes, (byte) 0xff);

        assertThat(TokenSecrets.base62(allOnes, 43)).hasSize(43);
        assertThatThrownBy(() -> TokenSecrets.base62(allOnes, 42)).isInstanceOf(IllegalArgumentException.class);
    }
}

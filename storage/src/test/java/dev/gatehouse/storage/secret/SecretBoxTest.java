package dev.gatehouse.storage.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class SecretBoxTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PLAINTEXT = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
    private static final String CONTEXT = "certificate-key:4f1c2a9e-0000-4000-8000-000000000001";

    private final SecretBox box = new SecretBox(MasterKey.of(randomBytes(32)));

    static Stream<String> plaintexts() {
        return Stream.of("", "a", PLAINTEXT, "ünïcödé ✓ 🔑", "x".repeat(200_000));
    }

    @ParameterizedTest
    @MethodSource("plaintexts")
    void sealedValueOpensToThePlaintext(String plaintext) {
        String sealed = box.seal(plaintext, CONTEXT);

        assertThat(box.open(sealed, CONTEXT)).isEqualTo(plaintext);
    }

    @Test
    void sealedValueIsVersionedBase64OfNonceCiphertextAndTag() {
        String sealed = box.seal(PLAINTEXT, CONTEXT);

        assertThat(sealed).startsWith("v1:").doesNotContain("PRIVATE KEY").doesNotContain("MIIEvQIBADAN");
        byte[] decoded = Base64.getDecoder().decode(sealed.substring(3));
        assertThat(decoded).hasSize(12 + PLAINTEXT.length() + 16);
    }

    @Test
    void sealingTheSameTextTwiceGivesDifferentValues() {
        String first = box.seal(PLAINTEXT, CONTEXT);
        String second = box.seal(PLAINTEXT, CONTEXT);

        assertThat(first).isNotEqualTo(second);
        // the random nonce leads the value, so they differ from the start
        assertThat(first.substring(0, 19)).isNotEqualTo(second.substring(0, 19));
        assertThat(box.open(first, CONTEXT)).isEqualTo(box.open(second, CONTEXT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"certificate-key:4f1c2a9e-0000-4000-8000-000000000002", "certificate-key:", "CERTIFICATE-KEY:4f1c2a9e-0000-4000-8000-000000000001",
            "other-purpose:4f1c2a9e-0000-4000-8000-000000000001"})
    void anotherContextCannotOpenIt(String otherContext) {
        String sealed = box.seal(PLAINTEXT, CONTEXT);

        assertCannotDecrypt(() -> box.open(sealed, otherContext), "wrong master key or tampered data");
    }

    @Test
    void anotherMasterKeyCannotOpenIt() {
        String sealed = box.seal(PLAINTEXT, CONTEXT);
        SecretBox other = new SecretBox(MasterKey.of(randomBytes(32)));

        assertCannotDecrypt(() -> other.open(sealed, CONTEXT), "wrong master key or tampered data");
    }

    static Stream<Arguments> tamperedValues() {
        return Stream.of(
                Arguments.of("flipped bit in the nonce", (UnaryOperator<byte[]>) b -> flip(b, 0)),
                Arguments.of("flipped bit in the ciphertext", (UnaryOperator<byte[]>) b -> flip(b, 12 + 5)),
                Arguments.of("flipped bit in the tag", (UnaryOperator<byte[]>) b -> flip(b, b.length - 1)),
                Arguments.of("tag cut off", (UnaryOperator<byte[]>) b -> java.util.Arrays.copyOf(b, b.length - 16)),
                Arguments.of("one byte appended", (UnaryOperator<byte[]>) b -> java.util.Arrays.copyOf(b, b.length + 1)),
                Arguments.of("only a nonce", (UnaryOperator<byte[]>) b -> java.util.Arrays.copyOf(b, 12)),
                Arguments.of("empty", (UnaryOperator<byte[]>) b -> new byte[0]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tamperedValues")
    void tamperedValueCannotBeOpened(String description, UnaryOperator<byte[]> tamper) {
        byte[] decoded = Base64.getDecoder().decode(box.seal(PLAINTEXT, CONTEXT).substring(3));
        String tampered = "v1:" + Base64.getEncoder().encodeToString(tamper.apply(decoded));

        assertCannotDecrypt(() -> box.open(tampered, CONTEXT), "wrong master key or tampered data");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "v1", "v2:AAAA", "-----BEGIN PRIVATE KEY-----", "v1:not*base64", "v1:"})
    void valueNotMadeBySealIsRefused(String notSealed) {
        assertCannotDecrypt(() -> box.open(notSealed, CONTEXT), "cannot decrypt");
    }

    @Test
    void openingNullIsRefused() {
        assertCannotDecrypt(() -> box.open(null, CONTEXT), "not a sealed value");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  "})
    void contextIsRequired(String context) {
        assertThatThrownBy(() -> box.seal(PLAINTEXT, context))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("context must not be null or blank");
        String sealed = box.seal(PLAINTEXT, CONTEXT);
        assertThatThrownBy(() -> box.open(sealed, context))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("context must not be null or blank");
    }

    @Test
    void nullPlaintextIsRefused() {
        assertThatThrownBy(() -> box.seal(null, CONTEXT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plaintext to seal must not be null");
    }

    @Test
    void toStringShowsNoKey() {
        byte[] key = randomBytes(32);

        assertThat(new SecretBox(MasterKey.of(key)).toString()).doesNotContain(Base64.getEncoder().encodeToString(key).substring(0, 6));
    }

    /** Asserts an IllegalStateException whose message, and whose causes' messages, never contain the plaintext. */
    private static void assertCannotDecrypt(Runnable open, String expected) {
        assertThatThrownBy(open::run)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(expected)
                .satisfies(e -> {
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain("MIIEvQIBADAN").doesNotContain(PLAINTEXT);
                    }
                });
    }

    private static byte[] flip(byte[] bytes, int index) {
        byte[] copy = bytes.clone();
        copy[index] ^= 0x01;
        return copy;
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}

package dev.gatehouse.admin.token;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * What an API token looks like: {@code ght_} + an 8-character key id + {@code _} + 43 characters of
 * secret, all base62 ({@code [0-9A-Za-z]}), 56 characters in all, e.g.
 * {@code ght_Ab3dE9xQ_4fJ0...}. The prefix makes a leaked token recognisable (secret scanners, a
 * grep of logs: {@value #PATTERN_TEXT}); the key id is stored in clear and shown in the dashboard, so
 * the token can be matched to its row and revoked; the secret is 256 random bits from
 * {@link SecureRandom}, which is why a plain SHA-256 is the right stored form: nobody can search a
 * 2^256 space, so salting and stretching (bcrypt) would only cost every API call time.
 */
public final class TokenSecrets {

    /** The fixed start of every token. */
    public static final String PREFIX = "ght_";

    static final int KEY_ID_LENGTH = 8;
    static final int SECRET_LENGTH = 43;
    static final int SECRET_BYTES = 32;

    private static final String PATTERN_TEXT = "ght_[0-9A-Za-z]{8}_[0-9A-Za-z]{43}";
    /** Matches a whole token; for secret scanners and tests that grep for leaks. */
    public static final Pattern PATTERN = Pattern.compile(PATTERN_TEXT);

    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final BigInteger SIXTY_TWO = BigInteger.valueOf(62);
    private static final SecureRandom RANDOM = new SecureRandom();

    private TokenSecrets() {
    }

    /** A new token: its key id (public) and the whole token (secret, shown once). */
    public record Generated(String keyId, String token) {

        /** Keeps the token out of logs and exception messages. */
        @Override
        public String toString() {
            return "Generated[keyId=" + keyId + ", token=" + hint(keyId) + "]";
        }
    }

    public static Generated generate() {
        char[] keyId = new char[KEY_ID_LENGTH];
        for (int i = 0; i < keyId.length; i++) {
            keyId[i] = BASE62[RANDOM.nextInt(BASE62.length)];
        }
        String secret = base62(randomBytes(SECRET_BYTES), SECRET_LENGTH);
        return new Generated(new String(keyId), PREFIX + new String(keyId) + "_" + secret);
    }

    /** Whether {@code presented} has the shape of a token; anything else is refused before a lookup. */
    public static boolean wellFormed(String presented) {
        return presented != null && presented.length() == PREFIX.length() + KEY_ID_LENGTH + 1 + SECRET_LENGTH
                && PATTERN.matcher(presented).matches();
    }

    /** The stored form: the lower-case hex SHA-256 of the whole token. */
    public static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java runtime has SHA-256", impossible);
        }
    }

    /** What the dashboard shows for a token: its public start, e.g. {@code ght_Ab3dE9xQ_…}. */
    public static String hint(String keyId) {
        return PREFIX + keyId + "_…";
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** {@code bytes} as an unsigned number in base62, left-padded with '0' to {@code length} digits. */
    static String base62(byte[] bytes, int length) {
        char[] digits = new char[length];
        BigInteger value = new BigInteger(1, bytes);
        for (int i = length - 1; i >= 0; i--) {
            BigInteger[] quotientAndRemainder = value.divideAndRemainder(SIXTY_TWO);
            digits[i] = BASE62[quotientAndRemainder[1].intValue()];
            value = quotientAndRemainder[0];
        }
        if (value.signum() != 0) {
            throw new IllegalArgumentException(bytes.length + " bytes do not fit in " + length + " base62 digits");
        }
        return new String(digits);
    }
}

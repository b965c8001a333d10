package dev.gatehouse.admin.twofactor;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords, RFC 6238 (HOTP, RFC 4226, over 30-second steps since the epoch), as
 * every authenticator app makes them: HMAC-SHA-1, 6 digits, 30 seconds. A code is accepted for its own
 * step and the one before and after ({@link #WINDOW}), which covers a phone's clock being off by up to
 * half a minute and a code typed as it rolls over; the caller refuses a step already used (replay).
 */
public final class Totp {

    /** Seconds per time step (RFC 6238's X). */
    public static final int PERIOD_SECONDS = 30;
    /** Digits of a code. */
    public static final int DIGITS = 6;
    /** Steps either side of now whose codes are accepted. */
    public static final int WINDOW = 1;
    /** The HMAC of the code; authenticator apps assume SHA-1 unless told otherwise. */
    public static final String ALGORITHM = "HmacSHA1";

    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private Totp() {
    }

    /** The time step of an instant: whole {@value #PERIOD_SECONDS}-second periods since the epoch. */
    public static long step(Instant instant) {
        return Math.floorDiv(instant.getEpochSecond(), PERIOD_SECONDS);
    }

    /** The 6-digit code of a step, with leading zeros. */
    public static String code(byte[] key, long step) {
        return code(ALGORITHM, key, step, DIGITS);
    }

    /**
     * RFC 4226 section 5.3 with the step as the counter: HMAC of the 8-byte big-endian step, dynamic
     * truncation to 31 bits, the last {@code digits} decimal digits.
     *
     * @param algorithm {@code HmacSHA1}, {@code HmacSHA256} or {@code HmacSHA512}
     */
    static String code(String algorithm, byte[] key, long step, int digits) {
        if (digits < 1 || digits >= POWERS_OF_TEN.length) {
            throw new IllegalArgumentException("digits must be 1-8, got " + digits);
        }
        byte[] hash = hmac(algorithm, key, ByteBuffer.allocate(Long.BYTES).putLong(step).array());
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
        String code = Integer.toString(binary % POWERS_OF_TEN[digits]);
        return "0".repeat(digits - code.length()) + code;
    }

    /**
     * The step within {@link #WINDOW} of {@code now} whose code is {@code code}, or empty. Every step of
     * the window is computed and compared in constant time, so the answer's timing says nothing about
     * which step (or digit) matched.
     */
    public static OptionalLong matchingStep(byte[] key, String code, Instant now) {
        if (code == null || code.length() != DIGITS || !code.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        byte[] presented = code.getBytes(StandardCharsets.US_ASCII);
        long current = step(now);
        long matched = -1;
        for (long step = current - WINDOW; step <= current + WINDOW; step++) {
            byte[] expected = code(key, step).getBytes(StandardCharsets.US_ASCII);
            if (MessageDigest.isEqual(expected, presented) && matched < 0) {
                matched = step;
            }
        }
        return matched < 0 ? OptionalLong.empty() : OptionalLong.of(matched);
    }

    private static byte[] hmac(String algorithm, byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            // HmacSHA1/256/512 are mandatory in every Java SE runtime; an empty key is the only way here
            throw new IllegalArgumentException("cannot compute " + algorithm + " with a key of " + key.length + " bytes", e);
        } finally {
            Arrays.fill(message, (byte) 0);
        }
    }
}

package dev.gatehouse.admin.twofactor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * One-time recovery codes: the way in when the authenticator is lost. A code is 16 characters from an
 * alphabet without look-alikes ({@code a-z} without {@code i l o}, {@code 2-9}), shown in groups of four
 * ({@code k7mq-2xbd-9wnr-h4tc}), 79 random bits. Only its SHA-256 is stored: nobody can search 2^79
 * codes, so salting and stretching would only slow every check down (see {@code user_recovery_code}).
 * Input is compared normalised: letter case, spaces and dashes do not matter.
 */
public final class RecoveryCodes {

    /** Codes in a set. */
    public static final int COUNT = 10;

    static final String ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
    static final int LENGTH = 16;
    private static final int GROUP = 4;
    private static final SecureRandom RANDOM = new SecureRandom();

    private RecoveryCodes() {
    }

    /** A new set of {@value #COUNT} distinct codes, formatted for showing. */
    public static List<String> generate() {
        List<String> codes = new ArrayList<>(COUNT);
        while (codes.size() < COUNT) {
            StringBuilder code = new StringBuilder(LENGTH + LENGTH / GROUP);
            for (int i = 0; i < LENGTH; i++) {
                if (i > 0 && i % GROUP == 0) {
                    code.append('-');
                }
                code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
            }
            // a repeat is astronomically unlikely, and would only shorten the set
            if (!codes.contains(code.toString())) {
                codes.add(code.toString());
            }
        }
        return List.copyOf(codes);
    }

    /**
     * Whether the input has the shape of a recovery code (rather than a 6-digit authenticator code): 16
     * characters of the alphabet once spaces and dashes are gone.
     */
    public static boolean looksLikeOne(String input) {
        String normalized = normalize(input);
        return normalized.length() == LENGTH && normalized.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0);
    }

    /** The stored form: the lower-case hex SHA-256 of the normalised code. */
    public static String hash(String code) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(normalize(code).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java runtime has SHA-256", impossible);
        }
    }

    /** Lower case, without spaces and dashes. */
    static String normalize(String input) {
        if (input == null) {
            return "";
        }
        StringBuilder normalized = new StringBuilder(input.length());
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            if (c != '-' && !Character.isWhitespace(c)) {
                normalized.append(c);
            }
        }
        return normalized.toString().toLowerCase(Locale.ROOT);
    }
}

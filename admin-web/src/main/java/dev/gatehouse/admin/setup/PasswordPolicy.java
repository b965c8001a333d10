package dev.gatehouse.admin.setup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What an administrator password must be: at least {@value #MIN_LENGTH} characters, at most
 * {@value #MAX_BYTES} bytes (bcrypt ignores anything longer), not one character repeated, not the
 * account's email, and not on the built-in list of commonly used passwords
 * ({@code common-passwords.txt} next to this class; compared case-insensitively).
 */
public final class PasswordPolicy {

    public static final int MIN_LENGTH = 12;
    public static final int MAX_BYTES = 72;

    private static final Set<String> COMMON = load("common-passwords.txt");

    private PasswordPolicy() {
    }

    /** @return why {@code password} is not acceptable for the account {@code email}; empty when it is */
    public static Optional<String> problem(String password, String email) {
        if (password == null || password.isEmpty()) {
            return Optional.of("password is required");
        }
        int length = password.codePointCount(0, password.length());
        if (length < MIN_LENGTH) {
            return Optional.of("password must be at least " + MIN_LENGTH + " characters, was " + length);
        }
        int bytes = password.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            return Optional.of("password must be at most " + MAX_BYTES + " bytes, was " + bytes);
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (lower.codePoints().distinct().count() == 1) {
            return Optional.of("password must not be one character repeated");
        }
        if (email != null && !email.isBlank()) {
            String mail = email.trim().toLowerCase(Locale.ROOT);
            int at = mail.indexOf('@');
            if (lower.equals(mail) || (at > 0 && lower.equals(mail.substring(0, at)))) {
                return Optional.of("password must not be the email address");
            }
        }
        if (COMMON.contains(lower)) {
            return Optional.of("password is on a list of commonly used passwords; choose another");
        }
        return Optional.empty();
    }

    private static Set<String> load(String resource) {
        try (InputStream in = PasswordPolicy.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource + " next to " + PasswordPolicy.class);
            }
            Set<String> words = new HashSet<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String word = line.strip();
                if (!word.isEmpty() && !word.startsWith("#")) {
                    words.add(word.toLowerCase(Locale.ROOT));
                }
            }
            return Set.copyOf(words);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

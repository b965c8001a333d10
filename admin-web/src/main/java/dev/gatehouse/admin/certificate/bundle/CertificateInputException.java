package dev.gatehouse.admin.certificate.bundle;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An uploaded certificate, chain, key or PKCS#12 file cannot be used; {@link #problems()} says every
 * independent reason at once, each tied to the form field the user has to fix.
 *
 * <p>Messages are written for the person doing the upload: they name what is wrong and how to fix it,
 * and never carry a library's exception text or class name. No cause is chained on purpose, so a
 * logged instance cannot leak parser internals (or fragments of key material in them).
 */
public final class CertificateInputException extends RuntimeException {

    /** The PEM certificate chain text (also used for chain, date and usage problems). */
    public static final String CERTIFICATE = "certificate";
    /** The PEM private key text. */
    public static final String PRIVATE_KEY = "privateKey";
    /** The passphrase of an encrypted PEM private key. */
    public static final String KEY_PASSPHRASE = "keyPassphrase";
    /** The uploaded PKCS#12 (.p12/.pfx) file. */
    public static final String PKCS12 = "pkcs12";
    /** The password of the PKCS#12 file. */
    public static final String PKCS12_PASSWORD = "pkcs12Password";

    private static final Set<String> FIELDS = Set.of(CERTIFICATE, PRIVATE_KEY, KEY_PASSPHRASE, PKCS12,
            PKCS12_PASSWORD);

    private final List<Problem> problems;

    /**
     * @param problems at least one
     */
    public CertificateInputException(List<Problem> problems) {
        super(join(problems));
        this.problems = List.copyOf(problems);
    }

    /** One problem. */
    public CertificateInputException(String field, String message) {
        this(List.of(new Problem(field, message)));
    }

    /** Every problem found, in the order they were found; never empty. */
    public List<Problem> problems() {
        return problems;
    }

    private static String join(List<Problem> problems) {
        Objects.requireNonNull(problems, "problems");
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a CertificateInputException needs at least one problem");
        }
        return problems.stream().map(p -> p.field() + ": " + p.message()).collect(Collectors.joining("; "));
    }

    /**
     * One thing wrong with the input.
     *
     * @param field one of {@link #CERTIFICATE}, {@link #PRIVATE_KEY}, {@link #KEY_PASSPHRASE},
     *     {@link #PKCS12}, {@link #PKCS12_PASSWORD}
     * @param message a sentence fragment for the user, e.g. "wrong passphrase for the private key"
     */
    public record Problem(String field, String message) {
        public Problem {
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException("CertificateInputException.Problem: unknown field '" + field
                        + "'; expected one of " + FIELDS.stream().sorted().toList());
            }
            if (message == null || message.isBlank()) {
                throw new IllegalArgumentException("CertificateInputException.Problem: message is blank for field '"
                        + field + "'");
            }
        }
    }
}

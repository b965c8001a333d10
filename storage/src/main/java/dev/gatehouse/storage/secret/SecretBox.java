package dev.gatehouse.storage.secret;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts short secrets (private keys) for storage with AES-256-GCM under the {@link MasterKey}.
 *
 * <p>Format: {@code "v1:" + base64(nonce || ciphertext || tag)} with a random 12-byte nonce and a
 * 16-byte tag; text, so that it fits a VARCHAR column on every database. The version prefix lets a
 * later release change the algorithm and still open old values.
 *
 * <p>The {@code context} is GCM associated data: not stored, but authenticated. The caller passes
 * something that identifies the purpose and the row (e.g. {@code "certificate-key:" + keyId}), so a
 * ciphertext copied into another row, or used for another purpose, fails to open instead of
 * yielding the wrong secret.
 *
 * <p>Thread-safe: a Cipher is created per call (they are not thread-safe, and this is not a hot path).
 * No message ever contains a plaintext.
 */
public final class SecretBox {

    /** Prefix of the current format. */
    public static final String VERSION_PREFIX = "v1:";

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int TAG_BYTES = TAG_BITS / 8;

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    public SecretBox(MasterKey key) {
        this.key = Objects.requireNonNull(key, "key").secretKey();
    }

    /**
     * Encrypts {@code plaintext}, bound to {@code context}.
     *
     * @return {@code "v1:" + base64(nonce || ciphertext || tag)}; different on every call
     * @throws IllegalArgumentException if either argument is null, or the context is blank
     */
    public String seal(String plaintext, String context) {
        if (plaintext == null) {
            throw new IllegalArgumentException("plaintext to seal must not be null");
        }
        byte[] associatedData = associatedData(context);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] input = plaintext.getBytes(StandardCharsets.UTF_8);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            byte[] encrypted = cipher.doFinal(input);
            byte[] sealed = ByteBuffer.allocate(NONCE_BYTES + encrypted.length).put(nonce).put(encrypted).array();
            return VERSION_PREFIX + Base64.getEncoder().encodeToString(sealed);
        } catch (GeneralSecurityException e) {
            // AES-GCM is mandatory in every Java SE runtime; reaching this means a broken JCE setup
            throw new IllegalStateException("cannot encrypt for context '" + context + "': " + e.getClass().getSimpleName(), e);
        } finally {
            Arrays.fill(input, (byte) 0);
        }
    }

    /**
     * Decrypts a value made by {@link #seal} with the same master key and context.
     *
     * @throws IllegalStateException if the value is not a sealed value, was sealed under another key
     *                               or context, or was changed
     */
    public String open(String sealed, String context) {
        byte[] associatedData = associatedData(context);
        if (sealed == null || !sealed.startsWith(VERSION_PREFIX)) {
            throw new IllegalStateException("cannot decrypt the value for context '" + context
                    + "': it is not a sealed value (it must start with '" + VERSION_PREFIX + "')");
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(sealed.substring(VERSION_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw cannotDecrypt(context);
        }
        if (decoded.length < NONCE_BYTES + TAG_BYTES) {
            throw cannotDecrypt(context);
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, decoded, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData);
            byte[] plaintext = cipher.doFinal(decoded, NONCE_BYTES, decoded.length - NONCE_BYTES);
            try {
                return new String(plaintext, StandardCharsets.UTF_8);
            } finally {
                Arrays.fill(plaintext, (byte) 0);
            }
        } catch (GeneralSecurityException e) {
            // AEADBadTagException in practice; no cause attached, it says nothing more useful
            throw cannotDecrypt(context);
        }
    }

    private static IllegalStateException cannotDecrypt(String context) {
        return new IllegalStateException("cannot decrypt the value for context '" + context
                + "': wrong master key or tampered data");
    }

    private static byte[] associatedData(String context) {
        if (context == null || context.isBlank()) {
            throw new IllegalArgumentException("context must not be null or blank, got " + (context == null ? "null" : "'" + context + "'"));
        }
        return context.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "SecretBox[AES-256-GCM, " + VERSION_PREFIX + "]";
    }
}

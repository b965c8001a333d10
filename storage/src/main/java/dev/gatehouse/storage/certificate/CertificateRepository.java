package dev.gatehouse.storage.certificate;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.storage.internal.JdbcSupport;
import dev.gatehouse.storage.internal.Require;
import dev.gatehouse.storage.secret.SecretBox;

/**
 * Certificates: PEM chains with their private keys, encrypted at rest (table {@code certificate}).
 *
 * <p>The repository does not parse certificates or keys; admin-web validates them before calling
 * it. It only refuses values the schema cannot hold and names that break the naming rule.
 *
 * <p><b>Private keys</b> are sealed with the {@link SecretBox} (AES-256-GCM under the master key)
 * before they reach the database, and only {@link #privateKeyPem(long)} reads and opens them; the
 * {@code find*} methods never select the key column. The associated data of each ciphertext is
 * {@code "certificate-key:" + key_id}, where {@code key_id} is a random UUID stored beside it and
 * renewed with every key. Chosen over the row id because the ciphertext can then be made before
 * the INSERT, so a row is complete in one statement (the key column is NOT NULL and never holds a
 * placeholder), and the binding survives moving the data to another database that renumbers ids.
 * A ciphertext copied to another row, or the old key put back after a replace, fails to decrypt.
 *
 * <p><b>Names</b> are stripped, 1-64 characters of {@code [A-Za-z0-9._-]} starting with a letter
 * or digit, so they are safe in URLs and JSON and unambiguous as API references. They keep the
 * letter case the user typed but are unique case-insensitively: the schema puts the unique
 * constraint on a second column holding the lower-cased name (portable; H2 has no unique index on
 * an expression). The built-in certificate is named {@value #BUILTIN_NAME} and takes part in that
 * uniqueness, so no user certificate can be given its name.
 *
 * <p>Errors: a taken name (any letter case), or a second built-in certificate, surfaces as Spring's
 * {@link org.springframework.dao.DuplicateKeyException}; deleting a certificate a site still uses
 * as {@link org.springframework.dao.DataIntegrityViolationException}. Either way nothing is
 * written. Writes join the caller's Spring transaction on the same DataSource when there is one.
 */
public class CertificateRepository {

    /** Longest certificate name. */
    public static final int MAX_NAME_LENGTH = 64;
    /** Longest chain PEM, in characters: 1 MiB, the upload limit. */
    public static final int MAX_CHAIN_PEM_LENGTH = 1024 * 1024;
    /** Longest private key PEM, in UTF-8 bytes (an RSA 16384-bit key PEM is about 12 KiB). */
    public static final int MAX_PRIVATE_KEY_PEM_BYTES = 64 * 1024;
    /** Longest fingerprint text. */
    public static final int MAX_FINGERPRINT_LENGTH = 128;
    /** Name of the built-in (self-signed default) certificate. */
    public static final String BUILTIN_NAME = "gatehouse-default";
    /** The naming rule for certificates. */
    public static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private static final String KEY_CONTEXT_PREFIX = "certificate-key:";

    /** Every column except the key ones. */
    private static final String SELECT = """
            SELECT id, name, builtin, chain_pem, fingerprint_sha256, created_at, updated_at
            FROM certificate""";

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final SecretBox secretBox;
    private final Clock clock;

    /** Marked so that Spring picks this constructor over the package-private one tests use to fix the clock. */
    @Autowired
    public CertificateRepository(DataSource dataSource, SecretBox secretBox) {
        this(dataSource, secretBox, Clock.systemUTC());
    }

    CertificateRepository(DataSource dataSource, SecretBox secretBox, Clock clock) {
        this.jdbc = JdbcSupport.client(dataSource);
        this.transactions = JdbcSupport.transactions(dataSource);
        this.secretBox = Objects.requireNonNull(secretBox, "secretBox");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The user certificates (not the built-in one), ordered by lower-cased name. */
    public List<StoredCertificate> findAll() {
        return jdbc.sql(SELECT + " WHERE builtin = FALSE ORDER BY name_key").query(CertificateRepository::map).list();
    }

    /** Any certificate, the built-in one included. */
    public Optional<StoredCertificate> findById(long id) {
        return jdbc.sql(SELECT + " WHERE id = :id").param("id", id).query(CertificateRepository::map).optional();
    }

    /** The user certificate with exactly this name (after stripping; letter case must match). */
    public Optional<StoredCertificate> findByName(String name) {
        String stripped = Require.text("certificate name", name, Integer.MAX_VALUE).strip();
        return jdbc.sql(SELECT + " WHERE name = :name AND builtin = FALSE")
                .param("name", stripped)
                .query(CertificateRepository::map)
                .optional();
    }

    /** The self-signed default certificate, once it has been generated. */
    public Optional<StoredCertificate> findBuiltin() {
        return jdbc.sql(SELECT + " WHERE builtin = TRUE").query(CertificateRepository::map).optional();
    }

    /**
     * Stores a user certificate; the private key is encrypted first.
     *
     * @throws org.springframework.dao.DuplicateKeyException if the name is taken in any letter case
     * @throws IllegalArgumentException if the name breaks the naming rule, or a value is blank or too long
     */
    public StoredCertificate insert(String name, String chainPem, String fingerprintSha256, String privateKeyPem) {
        return insert(checkName(name), false, chainPem, fingerprintSha256, privateKeyPem);
    }

    /**
     * Stores the built-in certificate, named {@value #BUILTIN_NAME}.
     *
     * @throws org.springframework.dao.DuplicateKeyException if there is one already
     * @throws IllegalArgumentException if a value is blank or too long
     */
    public StoredCertificate insertBuiltin(String chainPem, String fingerprintSha256, String privateKeyPem) {
        return insert(BUILTIN_NAME, true, chainPem, fingerprintSha256, privateKeyPem);
    }

    private StoredCertificate insert(String name, boolean builtin, String chainPem, String fingerprintSha256,
                                     String privateKeyPem) {
        checkChain(chainPem);
        checkFingerprint(fingerprintSha256);
        checkPrivateKey(privateKeyPem);
        String keyId = UUID.randomUUID().toString();
        String sealed = secretBox.seal(privateKeyPem, keyContext(keyId));
        Instant now = JdbcSupport.now(clock);
        long id = JdbcSupport.insertReturningId(jdbc.sql("""
                        INSERT INTO certificate (name, name_key, builtin, builtin_marker, chain_pem, fingerprint_sha256,
                                                 key_id, private_key_sealed, created_at, updated_at)
                        VALUES (:name, :nameKey, :builtin, :builtinMarker, :chainPem, :fingerprint,
                                :keyId, :sealed, :now, :now)""")
                .param("name", name)
                .param("nameKey", nameKey(name))
                .param("builtin", builtin)
                .param("builtinMarker", builtin ? Boolean.TRUE : null, Types.BOOLEAN)
                .param("chainPem", chainPem)
                .param("fingerprint", fingerprintSha256)
                .param("keyId", keyId)
                .param("sealed", sealed)
                .param("now", JdbcSupport.toDatabase(now)));
        return new StoredCertificate(id, name, builtin, chainPem, fingerprintSha256, now, now);
    }

    /**
     * Replaces the chain and private key of a certificate (user or built-in) in one statement, so
     * that a reader sees the old pair or the new pair, never a mix. Name, id and creation time stay.
     *
     * @return the updated certificate, or empty if there is no certificate with this id
     * @throws IllegalArgumentException if a value is blank or too long
     */
    public Optional<StoredCertificate> replace(long id, String chainPem, String fingerprintSha256, String privateKeyPem) {
        checkChain(chainPem);
        checkFingerprint(fingerprintSha256);
        checkPrivateKey(privateKeyPem);
        // a new key id with every key: the previous ciphertext cannot be put back in its place
        String keyId = UUID.randomUUID().toString();
        String sealed = secretBox.seal(privateKeyPem, keyContext(keyId));
        return transactions.execute(status -> {
            int updated = jdbc.sql("""
                            UPDATE certificate
                            SET chain_pem = :chainPem, fingerprint_sha256 = :fingerprint, key_id = :keyId,
                                private_key_sealed = :sealed, updated_at = :now
                            WHERE id = :id""")
                    .param("chainPem", chainPem)
                    .param("fingerprint", fingerprintSha256)
                    .param("keyId", keyId)
                    .param("sealed", sealed)
                    .param("now", JdbcSupport.toDatabase(JdbcSupport.now(clock)))
                    .param("id", id)
                    .update();
            return updated == 0 ? Optional.<StoredCertificate>empty() : findById(id);
        });
    }

    /**
     * Deletes a user certificate.
     *
     * @return false if there is no certificate with this id
     * @throws org.springframework.dao.DataIntegrityViolationException if a site still uses it
     * @throws IllegalArgumentException if it is the built-in certificate (replace it instead)
     */
    public boolean delete(long id) {
        return transactions.execute(status -> {
            Optional<Boolean> builtin = jdbc.sql("SELECT builtin FROM certificate WHERE id = :id")
                    .param("id", id)
                    .query(Boolean.class)
                    .optional();
            if (builtin.isEmpty()) {
                return false;
            }
            if (builtin.get()) {
                throw new IllegalArgumentException("certificate " + id + " is the built-in certificate " + BUILTIN_NAME
                        + ", which is served for unknown hostnames and cannot be deleted; replace it instead");
            }
            return jdbc.sql("DELETE FROM certificate WHERE id = :id").param("id", id).update() > 0;
        });
    }

    /**
     * The decrypted private key PEM of a certificate (user or built-in). For building TLS contexts
     * only: never put it in a response, a page, an export or a log line.
     *
     * @throws IllegalArgumentException if there is no certificate with this id
     * @throws IllegalStateException    if it cannot be decrypted (another master key, or changed data)
     */
    public String privateKeyPem(long id) {
        record SealedKey(String name, String keyId, String sealed) {
            @Override
            public String toString() {
                return "SealedKey[" + name + ", redacted]";
            }
        }
        SealedKey key = jdbc.sql("SELECT name, key_id, private_key_sealed FROM certificate WHERE id = :id")
                .param("id", id)
                .query((rs, row) -> new SealedKey(rs.getString("name"), rs.getString("key_id"), rs.getString("private_key_sealed")))
                .optional()
                .orElseThrow(() -> new IllegalArgumentException("no certificate with id " + id));
        try {
            return secretBox.open(key.sealed(), keyContext(key.keyId()));
        } catch (IllegalStateException e) {
            throw new IllegalStateException("cannot decrypt the private key of certificate '" + key.name() + "' (id " + id
                    + "): wrong master key or tampered data; the master key (file master.key in the data directory, or "
                    + "GATEHOUSE_MASTER_KEY) must be the one the certificate was stored with", e);
        }
    }

    /** Number of user certificates (the built-in one not counted). */
    public long count() {
        return jdbc.sql("SELECT COUNT(*) FROM certificate WHERE builtin = FALSE").query(Long.class).single();
    }

    private static String keyContext(String keyId) {
        return KEY_CONTEXT_PREFIX + keyId;
    }

    /** The stripped name, if it follows the naming rule. */
    private static String checkName(String name) {
        String stripped = Require.text("certificate name", name, Integer.MAX_VALUE).strip();
        Require.maxLength("certificate name", stripped, MAX_NAME_LENGTH);
        if (!NAME_PATTERN.matcher(stripped).matches()) {
            throw new IllegalArgumentException("certificate name '" + stripped + "' may contain only letters A-Z and a-z, "
                    + "digits, '.', '_' and '-', and must start with a letter or digit");
        }
        return stripped;
    }

    /** Names are ASCII (see the rule), so Java's and the database's LOWER agree. */
    private static String nameKey(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static void checkChain(String chainPem) {
        Require.text("certificate chain PEM", chainPem, MAX_CHAIN_PEM_LENGTH);
    }

    private static void checkFingerprint(String fingerprintSha256) {
        Require.text("certificate SHA-256 fingerprint", fingerprintSha256, MAX_FINGERPRINT_LENGTH);
    }

    /** Own messages rather than {@link Require}'s: those quote the value, and this one is a secret. */
    private static void checkPrivateKey(String privateKeyPem) {
        if (privateKeyPem == null) {
            throw new IllegalArgumentException("certificate private key PEM must not be null");
        }
        if (privateKeyPem.isBlank()) {
            throw new IllegalArgumentException("certificate private key PEM must not be blank");
        }
        int bytes = privateKeyPem.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PRIVATE_KEY_PEM_BYTES) {
            throw new IllegalArgumentException("certificate private key PEM is " + bytes + " bytes long; at most "
                    + MAX_PRIVATE_KEY_PEM_BYTES + " are allowed");
        }
    }

    private static StoredCertificate map(ResultSet rs, int row) throws SQLException {
        return new StoredCertificate(rs.getLong("id"), rs.getString("name"), rs.getBoolean("builtin"),
                rs.getString("chain_pem"), rs.getString("fingerprint_sha256"),
                JdbcSupport.instant(rs, "created_at"), JdbcSupport.instant(rs, "updated_at"));
    }
}

package dev.gatehouse.storage.certificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.storage.MutableClock;
import dev.gatehouse.storage.TestDatabase;
import dev.gatehouse.storage.backend.Backend;
import dev.gatehouse.storage.backend.BackendRepository;
import dev.gatehouse.storage.backend.BackendServer;
import dev.gatehouse.storage.secret.MasterKey;
import dev.gatehouse.storage.secret.SecretBox;
import dev.gatehouse.storage.site.Site;
import dev.gatehouse.storage.site.SiteRepository;
import dev.gatehouse.storage.site.SiteTls;

class CertificateRepositoryTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path tempDir;

    private TestDatabase database;
    private MutableClock clock;
    private SecretBox secretBox;
    private CertificateRepository certificates;
    private SiteRepository sites;
    private Backend backend;

    @BeforeEach
    void openDatabase() {
        database = TestDatabase.open(tempDir);
        clock = MutableClock.startingAt("2025-04-01T08:00:00.123456Z");
        secretBox = new SecretBox(MasterKey.of(randomBytes(32)));
        certificates = new CertificateRepository(database.dataSource(), secretBox, clock);
        sites = new SiteRepository(database.dataSource());
        backend = new BackendRepository(database.dataSource()).insert("app", BackendServer.list("127.0.0.1:8080"));
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    @Test
    void insertedCertificateIsFoundByIdNameAndInTheList() {
        String chain = fakePem("CERTIFICATE", 900) + fakePem("CERTIFICATE", 800);
        String key = fakePem("PRIVATE KEY", 1200);

        StoredCertificate inserted = certificates.insert("Shop-Wildcard.2025", chain, "AB:CD:EF", key);

        assertThat(inserted.id()).isPositive();
        assertThat(inserted.name()).isEqualTo("Shop-Wildcard.2025");
        assertThat(inserted.builtin()).isFalse();
        assertThat(inserted.chainPem()).isEqualTo(chain);
        assertThat(inserted.fingerprintSha256()).isEqualTo("AB:CD:EF");
        assertThat(inserted.createdAt()).isEqualTo(clock.instant()).isEqualTo(inserted.updatedAt());
        assertThat(certificates.findById(inserted.id())).contains(inserted);
        assertThat(certificates.findByName("Shop-Wildcard.2025")).contains(inserted);
        assertThat(certificates.findByName(" Shop-Wildcard.2025 ")).contains(inserted);
        assertThat(certificates.findByName("shop-wildcard.2025")).as("exact match").isEmpty();
        assertThat(certificates.findAll()).containsExactly(inserted);
        assertThat(certificates.count()).isEqualTo(1);
        assertThat(certificates.privateKeyPem(inserted.id())).isEqualTo(key);
        assertThat(certificates.findById(999_999)).isEmpty();
        assertThat(certificates.findByName("unknown")).isEmpty();
    }

    @Test
    void nameIsStrippedAndKeepsItsLetterCase() {
        StoredCertificate inserted = certificates.insert("  MyCert_1  ", fakePem("CERTIFICATE", 300), "01", fakePem("PRIVATE KEY", 300));

        assertThat(inserted.name()).isEqualTo("MyCert_1");
        assertThat(certificates.findById(inserted.id()).orElseThrow().name()).isEqualTo("MyCert_1");
    }

    @Test
    void findAllExcludesTheBuiltinAndIsOrderedByLowerCasedName() {
        StoredCertificate builtin = certificates.insertBuiltin(fakePem("CERTIFICATE", 300), "00", fakePem("PRIVATE KEY", 300));
        StoredCertificate beta = insert("beta");
        StoredCertificate alphaUpper = insert("Alpha");
        StoredCertificate gamma = insert("gamma");
        StoredCertificate alpha2 = insert("alpha2");
        StoredCertificate zulu = insert("Zulu");

        assertThat(certificates.findAll()).containsExactly(alphaUpper, alpha2, beta, gamma, zulu);
        assertThat(certificates.count()).isEqualTo(5);
        assertThat(database.rows("certificate")).isEqualTo(6);
        assertThat(certificates.findBuiltin()).contains(builtin);
        assertThat(certificates.findById(builtin.id())).contains(builtin);
        assertThat(certificates.findByName(CertificateRepository.BUILTIN_NAME)).as("user certificates only").isEmpty();
        assertThat(builtin.builtin()).isTrue();
        assertThat(builtin.name()).isEqualTo(CertificateRepository.BUILTIN_NAME);
    }

    @Test
    void thereIsNoBuiltinUntilOneIsInserted() {
        insert("user");

        assertThat(certificates.findBuiltin()).isEmpty();
    }

    @Test
    void onlyOneBuiltinCertificateCanExist() {
        StoredCertificate builtin = certificates.insertBuiltin(fakePem("CERTIFICATE", 300), "00", fakePem("PRIVATE KEY", 300));

        assertThatThrownBy(() -> certificates.insertBuiltin(fakePem("CERTIFICATE", 300), "11", fakePem("PRIVATE KEY", 300)))
                .isInstanceOf(DuplicateKeyException.class);

        assertThat(database.rows("certificate")).isEqualTo(1);
        assertThat(certificates.findBuiltin()).contains(builtin);
    }

    @Test
    void schemaAllowsOneBuiltinEvenWhenTheNameCheckIsBypassed() {
        certificates.insertBuiltin(fakePem("CERTIFICATE", 300), "00", fakePem("PRIVATE KEY", 300));

        // a second built-in row under another name: only uq_certificate_builtin_marker stands in the way
        assertThatThrownBy(() -> database.jdbc().sql("""
                        INSERT INTO certificate (name, name_key, builtin, builtin_marker, chain_pem, fingerprint_sha256,
                                                 key_id, private_key_sealed, created_at, updated_at)
                        SELECT 'other', 'other', builtin, builtin_marker, chain_pem, fingerprint_sha256,
                               'another-key-id', private_key_sealed, created_at, updated_at
                        FROM certificate""").update())
                .isInstanceOf(DuplicateKeyException.class);
        assertThat(database.rows("certificate")).isEqualTo(1);
    }

    @Test
    void schemaRefusesAPlaintextKey() {
        StoredCertificate stored = insert("web");

        assertThatThrownBy(() -> database.jdbc()
                .sql("UPDATE certificate SET private_key_sealed = :pem WHERE id = :id")
                .param("pem", fakePem("PRIVATE KEY", 300))
                .param("id", stored.id())
                .update())
                .isInstanceOf(DataIntegrityViolationException.class);
    }

    static Stream<Arguments> duplicateNames() {
        return Stream.of(
                Arguments.of("web", "web"),
                Arguments.of("web", "WEB"),
                Arguments.of("Shop.Example", "shop.example"),
                Arguments.of("web", "  Web "));
    }

    @ParameterizedTest(name = "{0} then {1}")
    @MethodSource("duplicateNames")
    void duplicateNameInAnyLetterCaseIsDuplicateKeyAndWritesNothing(String first, String second) {
        StoredCertificate existing = insert(first);
        clock.advance(Duration.ofSeconds(1));

        assertThatThrownBy(() -> insert(second)).isInstanceOf(DuplicateKeyException.class);

        assertThat(certificates.findAll()).containsExactly(existing);
    }

    @ParameterizedTest
    @ValueSource(strings = {CertificateRepository.BUILTIN_NAME, "Gatehouse-Default"})
    void theBuiltinNameIsTaken(String name) {
        certificates.insertBuiltin(fakePem("CERTIFICATE", 300), "00", fakePem("PRIVATE KEY", 300));

        assertThatThrownBy(() -> insert(name)).isInstanceOf(DuplicateKeyException.class);
        assertThat(certificates.count()).isZero();
    }

    static Stream<Arguments> invalidNames() {
        return Stream.of(
                Arguments.of(null, "certificate name must not be null"),
                Arguments.of("", "certificate name must not be blank"),
                Arguments.of("   ", "certificate name must not be blank"),
                Arguments.of("a".repeat(65), "certificate name 'aaa"),
                Arguments.of("-leading-dash", "certificate name '-leading-dash' may contain only letters"),
                Arguments.of(".hidden", "certificate name '.hidden' may contain only"),
                Arguments.of("_under", "certificate name '_under' may contain only"),
                Arguments.of("two words", "certificate name 'two words' may contain only"),
                Arguments.of("a/b", "certificate name 'a/b' may contain only"),
                Arguments.of("a?b=c", "certificate name 'a?b=c' may contain only"),
                Arguments.of("quote\"d", "may contain only"),
                Arguments.of("ümlaut", "certificate name 'ümlaut' may contain only"),
                Arguments.of("tab\tin", "may contain only"),
                Arguments.of("name:1", "must start with a letter or digit"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("invalidNames")
    void invalidNameIsRejectedWithAClearMessage(String name, String message) {
        assertThatThrownBy(() -> certificates.insert(name, fakePem("CERTIFICATE", 300), "00", fakePem("PRIVATE KEY", 300)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);

        assertThat(database.rows("certificate")).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "7", "web", "www.example.com", "my_cert-2025.v1", "A"})
    void validNamesAreAccepted(String name) {
        assertThat(insert(name).name()).isEqualTo(name);
    }

    @Test
    void longestNameIsAccepted() {
        String longest = "N" + "a".repeat(CertificateRepository.MAX_NAME_LENGTH - 1);

        assertThat(certificates.findById(insert(longest).id()).orElseThrow().name()).isEqualTo(longest);
    }

    static Stream<Arguments> invalidValues() {
        String pem = fakePem("CERTIFICATE", 300);
        String key = fakePem("PRIVATE KEY", 300);
        return Stream.of(
                Arguments.of(null, "00", key, "certificate chain PEM must not be null"),
                Arguments.of(" \n", "00", key, "certificate chain PEM must not be blank"),
                Arguments.of("x".repeat(CertificateRepository.MAX_CHAIN_PEM_LENGTH + 1), "00", key,
                        "certificate chain PEM 'xxx"),
                Arguments.of(pem, null, key, "certificate SHA-256 fingerprint must not be null"),
                Arguments.of(pem, "", key, "certificate SHA-256 fingerprint must not be blank"),
                Arguments.of(pem, "F".repeat(129), key, "at most 128 are allowed"),
                Arguments.of(pem, "00", null, "certificate private key PEM must not be null"),
                Arguments.of(pem, "00", "  ", "certificate private key PEM must not be blank"),
                Arguments.of(pem, "00", "-----BEGIN PRIVATE KEY-----\n" + "k".repeat(CertificateRepository.MAX_PRIVATE_KEY_PEM_BYTES),
                        "certificate private key PEM is 65564 bytes long; at most 65536 are allowed"));
    }

    @ParameterizedTest(name = "[{index}] {3}")
    @MethodSource("invalidValues")
    void invalidValuesAreRejectedOnInsertAndReplaceWithoutQuotingTheKey(String chain, String fingerprint, String key, String message) {
        StoredCertificate existing = insert("existing");

        for (Runnable write : List.<Runnable>of(
                () -> certificates.insert("new", chain, fingerprint, key),
                () -> certificates.insertBuiltin(chain, fingerprint, key),
                () -> certificates.replace(existing.id(), chain, fingerprint, key))) {
            assertThatThrownBy(write::run)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(message)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("BEGIN PRIVATE KEY").doesNotContain("kkkk"));
        }

        assertThat(certificates.findAll()).containsExactly(existing);
        assertThat(certificates.findBuiltin()).isEmpty();
    }

    @Test
    void largestValuesAreStored() {
        String chain = "C".repeat(CertificateRepository.MAX_CHAIN_PEM_LENGTH);
        String key = "K".repeat(CertificateRepository.MAX_PRIVATE_KEY_PEM_BYTES);
        String fingerprint = "F".repeat(CertificateRepository.MAX_FINGERPRINT_LENGTH);

        StoredCertificate stored = certificates.insert("big", chain, fingerprint, key);

        assertThat(certificates.findById(stored.id())).contains(stored);
        assertThat(certificates.privateKeyPem(stored.id())).isEqualTo(key);
    }

    @Test
    void replaceKeepsIdNameAndCreationAndChangesChainKeyFingerprintAndUpdatedAt() {
        StoredCertificate original = insert("web");
        StoredCertificate other = insert("other");
        String otherKey = certificates.privateKeyPem(other.id());
        clock.advance(Duration.ofDays(60));
        String newChain = fakePem("CERTIFICATE", 700);
        String newKey = fakePem("PRIVATE KEY", 1700);

        StoredCertificate replaced = certificates.replace(original.id(), newChain, "99:88", newKey).orElseThrow();

        assertThat(replaced.id()).isEqualTo(original.id());
        assertThat(replaced.name()).isEqualTo("web");
        assertThat(replaced.chainPem()).isEqualTo(newChain);
        assertThat(replaced.fingerprintSha256()).isEqualTo("99:88").isNotEqualTo(original.fingerprintSha256());
        assertThat(replaced.createdAt()).isEqualTo(original.createdAt());
        assertThat(replaced.updatedAt()).isEqualTo(clock.instant()).isAfter(original.updatedAt());
        assertThat(certificates.findById(original.id())).contains(replaced);
        assertThat(certificates.privateKeyPem(original.id())).isEqualTo(newKey);
        assertThat(certificates.findById(other.id())).contains(other);
        assertThat(certificates.privateKeyPem(other.id())).isEqualTo(otherKey);
        assertThat(certificates.count()).isEqualTo(2);
    }

    @Test
    void replaceOfUnknownIdIsEmptyAndWritesNothing() {
        StoredCertificate existing = insert("web");

        assertThat(certificates.replace(999_999, fakePem("CERTIFICATE", 300), "11", fakePem("PRIVATE KEY", 300))).isEmpty();

        assertThat(certificates.findAll()).containsExactly(existing);
    }

    @Test
    void builtinCanBeReplacedButNotDeleted() {
        StoredCertificate builtin = certificates.insertBuiltin(fakePem("CERTIFICATE", 300), "00", fakePem("PRIVATE KEY", 300));
        String newKey = fakePem("PRIVATE KEY", 400);

        StoredCertificate replaced = certificates.replace(builtin.id(), fakePem("CERTIFICATE", 300), "01", newKey).orElseThrow();

        assertThat(replaced.builtin()).isTrue();
        assertThat(certificates.privateKeyPem(builtin.id())).isEqualTo(newKey);
        assertThatThrownBy(() -> certificates.delete(builtin.id()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("built-in certificate gatehouse-default")
                .hasMessageContaining("cannot be deleted");
        assertThat(certificates.findBuiltin()).contains(replaced);
    }

    @Test
    void deleteRemovesTheCertificateAndItsKey() {
        StoredCertificate doomed = insert("doomed");
        StoredCertificate kept = insert("kept");

        assertThat(certificates.delete(doomed.id())).isTrue();
        assertThat(certificates.delete(doomed.id())).isFalse();

        assertThat(certificates.findAll()).containsExactly(kept);
        assertThatThrownBy(() -> certificates.privateKeyPem(doomed.id()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no certificate with id " + doomed.id());
        assertThat(insert("DOOMED").name()).as("the name is free again").isEqualTo("DOOMED");
    }

    @Test
    void deleteOfACertificateASiteUsesIsDataIntegrityViolationAndChangesNothing() {
        StoredCertificate used = insert("used");
        String key = certificates.privateKeyPem(used.id());
        Site site = sites.insert(List.of("shop.example.test"), backend.id(), true,
                new SiteTls(used.id(), true, 3600L, false, false));

        assertThatThrownBy(() -> certificates.delete(used.id()))
                .isInstanceOf(DataIntegrityViolationException.class)
                .isNotInstanceOf(DuplicateKeyException.class);

        assertThat(certificates.findAll()).containsExactly(used);
        assertThat(certificates.privateKeyPem(used.id())).isEqualTo(key);
        assertThat(sites.findById(site.id())).contains(site);

        sites.update(site.id(), site.hostnames(), backend.id(), true, SiteTls.NONE);
        assertThat(certificates.delete(used.id())).isTrue();
    }

    @Test
    void privateKeyOfUnknownIdIsIllegalArgument() {
        assertThatThrownBy(() -> certificates.privateKeyPem(42))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no certificate with id 42");
    }

    @Test
    void anotherMasterKeyCannotReadTheKeysAndSaysWhy() {
        String key = fakePem("PRIVATE KEY", 600);
        StoredCertificate stored = certificates.insert("web", fakePem("CERTIFICATE", 300), "00", key);
        CertificateRepository withOtherKey = new CertificateRepository(database.dataSource(), new SecretBox(MasterKey.of(randomBytes(32))));

        assertThatThrownBy(() -> withOtherKey.privateKeyPem(stored.id()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot decrypt the private key of certificate 'web' (id " + stored.id() + ")")
                .hasMessageContaining("wrong master key or tampered data")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("PRIVATE KEY").doesNotContain(body(key).substring(0, 20)));
        assertThat(withOtherKey.findById(stored.id())).as("the metadata stays readable").contains(stored);
    }

    @Test
    void aKeyMovedToAnotherRowDoesNotDecrypt() {
        StoredCertificate first = insert("first");
        StoredCertificate second = insert("second");

        // the ciphertext alone, without its key_id: bound to the other row by the associated data
        database.jdbc().sql("""
                        UPDATE certificate
                        SET private_key_sealed = (SELECT private_key_sealed FROM certificate WHERE id = :from)
                        WHERE id = :to""")
                .param("from", first.id())
                .param("to", second.id())
                .update();

        assertThatThrownBy(() -> certificates.privateKeyPem(second.id()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("certificate 'second'");
        assertThat(certificates.privateKeyPem(first.id())).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void replaceRollsBackWithTheCallersTransaction() {
        StoredCertificate original = insert("web");
        String originalKey = certificates.privateKeyPem(original.id());
        TransactionTemplate callerTransaction = new TransactionTemplate(new DataSourceTransactionManager(database.dataSource()));
        clock.advance(Duration.ofMinutes(5));

        assertThatThrownBy(() -> callerTransaction.executeWithoutResult(status -> {
            certificates.replace(original.id(), fakePem("CERTIFICATE", 300), "77", fakePem("PRIVATE KEY", 300));
            certificates.insert("second", fakePem("CERTIFICATE", 300), "78", fakePem("PRIVATE KEY", 300));
            throw new IllegalStateException("the engine rejected the certificate");
        })).hasMessage("the engine rejected the certificate");

        assertThat(certificates.findAll()).containsExactly(original);
        assertThat(certificates.privateKeyPem(original.id())).isEqualTo(originalKey);
    }

    @Test
    void theDatabaseDumpContainsNoPrivateKey() throws SQLException {
        assumeTrue(isH2(), "SCRIPT is H2's full SQL dump");
        List<String> keys = new ArrayList<>();
        List<String> chains = new ArrayList<>();
        for (String name : List.of("shop", "Blog", "api.example")) {
            String chain = fakePem("CERTIFICATE", 900);
            String key = fakePem(name.equals("Blog") ? "EC PRIVATE KEY" : "PRIVATE KEY", 1200);
            certificates.insert(name, chain, "00:11", key);
            keys.add(key);
            chains.add(chain);
        }
        String builtinKey = fakePem("RSA PRIVATE KEY", 1600);
        certificates.insertBuiltin(fakePem("CERTIFICATE", 600), "22:33", builtinKey);
        keys.add(builtinKey);
        StoredCertificate shop = certificates.findByName("shop").orElseThrow();
        String replacementKey = fakePem("PRIVATE KEY", 1200);
        certificates.replace(shop.id(), chains.get(0), "44:55", replacementKey);
        keys.add(replacementKey);
        List<String> sealedValues = database.jdbc().sql("SELECT private_key_sealed FROM certificate").query(String.class).list();

        String dump = h2Dump();

        // the dump really holds the certificate rows: names, chain text and the sealed keys
        assertThat(dump).contains("api.example", "Blog", firstBodyLine(chains.get(1)));
        assertThat(sealedValues).hasSize(4).allSatisfy(sealed -> assertThat(dump).contains(sealed));
        assertThat(dump).doesNotContain("PRIVATE KEY").doesNotContainIgnoringCase("private key-----");
        for (String key : keys) {
            String body = body(key);
            for (int start = 0; start + 16 <= body.length(); start += 4) {
                String fragment = body.substring(start, start + 16);
                assertThat(dump.contains(fragment)).as("dump contains key fragment %s", fragment).isFalse();
            }
        }
    }

    private StoredCertificate insert(String name) {
        return certificates.insert(name, fakePem("CERTIFICATE", 300), "00:" + name.length(), fakePem("PRIVATE KEY", 300));
    }

    private boolean isH2() throws SQLException {
        try (Connection connection = database.dataSource().getConnection()) {
            return connection.getMetaData().getDatabaseProductName().equals("H2");
        }
    }

    private String h2Dump() throws SQLException {
        StringBuilder dump = new StringBuilder();
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet lines = statement.executeQuery("SCRIPT")) {
            while (lines.next()) {
                dump.append(lines.getString(1)).append('\n');
            }
        }
        return dump.toString();
    }

    /** A PEM block around random base64: looks like a key or certificate; the repository does not parse it. */
    static String fakePem(String type, int bytes) {
        String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(randomBytes(bytes));
        return "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n";
    }

    /** The base64 between the BEGIN and END lines, without line breaks. */
    private static String body(String pem) {
        return pem.replaceAll("-----[A-Z ]+-----", "").replace("\n", "");
    }

    private static String firstBodyLine(String pem) {
        return pem.split("\n")[1];
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}

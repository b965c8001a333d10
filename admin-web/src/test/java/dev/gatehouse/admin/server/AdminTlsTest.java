package dev.gatehouse.admin.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.admin.StartupException;
import dev.gatehouse.admin.certificate.bundle.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The dashboard certificate's files are checked before anything starts: every way they can be wrong stops the
 * start with a message naming the file and the setting.
 */
class AdminTlsTest {

    private static final String CERTIFICATE_SETTING = "gatehouse.admin.tls.certificate (GATEHOUSE_ADMIN_TLS_CERTIFICATE)";
    private static final String KEY_SETTING = "gatehouse.admin.tls.private-key (GATEHOUSE_ADMIN_TLS_PRIVATE_KEY)";

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static TestPki.Credential server;
    private static Path certificate;
    private static Path key;

    @BeforeAll
    static void files() throws IOException {
        pki = TestPki.now();
        server = pki.rsaLeaf("admin.example.test");
        certificate = Files.writeString(dir.resolve("admin.crt"), server.certificatePem());
        key = Files.writeString(dir.resolve("admin.key"), server.pkcs8Pem());
    }

    private static AdminTls.Checked check(Path certificateFile, Path keyFile) {
        return AdminTls.check(new AdminServerSettings.Tls(certificateFile.toString(), keyFile.toString()));
    }

    private static Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void aCertificateAndItsKeyBecomeSpringBootsSslBundleWatchedForChanges() {
        AdminTls.Checked checked = check(certificate, key);

        assertThat(checked.chain()).containsExactly(server.certificate());
        assertThat(AdminTls.properties(checked)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "spring.ssl.bundle.pem.gatehouse-admin.keystore.certificate", "file:" + certificate,
                "spring.ssl.bundle.pem.gatehouse-admin.keystore.private-key", "file:" + key,
                "spring.ssl.bundle.pem.gatehouse-admin.keystore.verify-keys", "true",
                "spring.ssl.bundle.pem.gatehouse-admin.reload-on-update", "true",
                "server.ssl.bundle", "gatehouse-admin"));
    }

    @ParameterizedTest
    @EnumSource(TestPki.KeyType.class)
    void everyKeyTypeIsAccepted(TestPki.KeyType type) throws IOException {
        TestPki.Credential credential = pki.leaf("admin.example.test").keyType(type).issue();
        Path chain = write("type.crt", credential.certificatePem());
        Path typed = write("type.key", credential.pkcs8Pem());

        assertThat(check(chain, typed).chain()).containsExactly(credential.certificate());
    }

    @Test
    void pkcs1AndSec1KeysAndAWholeChainAreAcceptedToo() throws IOException {
        TestPki.Chain chain = pki.chain("admin.example.test");
        Path chainFile = write("chain.crt", TestPki.pem(chain.served()));
        Path chainKey = write("chain.key", chain.leaf().pkcs8Pem());
        assertThat(check(chainFile, chainKey).chain()).containsExactlyElementsOf(chain.served());

        java.security.KeyPair rsa = TestPki.keyPair(TestPki.KeyType.RSA_2048);
        TestPki.Credential rsaLeaf = pki.leaf("admin.example.test").keyPair(rsa).issue();
        assertThat(check(write("pkcs1.crt", rsaLeaf.certificatePem()), write("pkcs1.key", TestPki.pkcs1Pem(rsa))).chain())
                .hasSize(1);

        java.security.KeyPair ec = TestPki.keyPair(TestPki.KeyType.EC_P256);
        TestPki.Credential ecLeaf = pki.leaf("admin.example.test").keyPair(ec).issue();
        assertThat(check(write("sec1.crt", ecLeaf.certificatePem()), write("sec1.key", TestPki.sec1Pem(ec))).chain())
                .hasSize(1);
    }

    @Test
    void relativePathsAndFileUrlsAreResolved() {
        Path relative = Path.of("").toAbsolutePath().relativize(certificate);
        AdminTls.Checked checked = AdminTls.check(new AdminServerSettings.Tls(relative.toString(), "file:" + key));

        assertThat(checked.certificate()).isEqualTo(certificate);
        assertThat(checked.privateKey()).isEqualTo(key);
    }

    @Test
    void bothFilesOrNeither() {
        assertThatThrownBy(() -> AdminTls.check(new AdminServerSettings.Tls(certificate.toString(), " ")))
                .isInstanceOf(StartupException.class).hasMessage(CERTIFICATE_SETTING + " is set but " + KEY_SETTING
                        + " is not: give both files to serve the dashboard over HTTPS, or neither for plain HTTP");
        assertThatThrownBy(() -> AdminTls.check(new AdminServerSettings.Tls(null, key.toString())))
                .hasMessage(KEY_SETTING + " is set but " + CERTIFICATE_SETTING
                        + " is not: give both files to serve the dashboard over HTTPS, or neither for plain HTTP");
        assertThat(new AdminServerSettings.Tls("", null).configured()).isFalse();
    }

    @Test
    void aMissingFileOrADirectoryIsNamed() {
        Path missing = dir.resolve("missing.crt");
        assertThatThrownBy(() -> check(missing, key)).isInstanceOf(StartupException.class)
                .hasMessage("the dashboard's TLS certificate file " + missing + " (" + CERTIFICATE_SETTING + ") does not exist");
        assertThatThrownBy(() -> check(certificate, dir)).isInstanceOf(StartupException.class)
                .hasMessage("the dashboard's TLS private key file " + dir + " (" + KEY_SETTING + ") is a directory, not a file");
    }

    @Test
    void aFileFarLargerThanPemIsNotRead() throws IOException {
        Path huge = write("huge.crt", "x".repeat((int) AdminTls.MAX_FILE_BYTES + 1));

        assertThatThrownBy(() -> check(huge, key)).hasMessage("the dashboard's TLS certificate file " + huge + " ("
                + CERTIFICATE_SETTING + ") is " + (AdminTls.MAX_FILE_BYTES + 1) + " bytes, more than a PEM file holds (at most "
                + AdminTls.MAX_FILE_BYTES + ")");
    }

    @Test
    void aCertificateFileWithoutACertificateOrWithABrokenOne() throws IOException {
        Path keyInstead = write("swapped.crt", server.pkcs8Pem());
        Path broken = write("broken.crt", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");

        assertThatThrownBy(() -> check(keyInstead, key)).hasMessage("the dashboard's TLS certificate file " + keyInstead
                + " (" + CERTIFICATE_SETTING + ") holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        assertThatThrownBy(() -> check(broken, key)).hasMessageStartingWith("the dashboard's TLS certificate file " + broken
                + " (" + CERTIFICATE_SETTING + ") holds a certificate that cannot be read: ");
    }

    @Test
    void aKeyFileWithoutAKeyOrWithAnEncryptedOne() throws IOException {
        Path certificateInstead = write("swapped.key", server.certificatePem());
        Path encrypted = write("encrypted.key", TestPki.encryptedPkcs8Pem(server.privateKey(), "secret"));

        assertThatThrownBy(() -> check(certificate, certificateInstead)).hasMessage("the dashboard's TLS private key file "
                + certificateInstead + " (" + KEY_SETTING + ") holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
        assertThatThrownBy(() -> check(certificate, encrypted)).hasMessage("the dashboard's TLS private key file "
                + encrypted + " (" + KEY_SETTING + ") is encrypted; give it unencrypted (openssl pkey -in key.pem -out "
                + "plain.pem) and let only the Gatehouse user read it");
    }

    @Test
    void theKeyMustBelongToTheCertificate() throws IOException {
        for (TestPki.Credential other : List.of(pki.rsaLeaf("admin.example.test"), pki.ecLeaf("admin.example.test"))) {
            Path otherKey = write("other.key", other.pkcs8Pem());

            assertThatThrownBy(() -> check(certificate, otherKey)).isInstanceOf(StartupException.class)
                    .hasMessage("the dashboard's TLS private key file " + otherKey + " (" + KEY_SETTING
                            + ") does not hold the key of the certificate CN=admin.example.test in " + certificate + " ("
                            + CERTIFICATE_SETTING + "); give the key that was made with that certificate");
        }
    }
}

package dev.gatehouse.admin.server;

import dev.gatehouse.admin.StartupException;
import dev.gatehouse.admin.certificate.bundle.CertificateBundleReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.boot.ssl.pem.PemContent;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Serves the dashboard over HTTPS when {@code gatehouse.admin.tls.certificate} and
 * {@code gatehouse.admin.tls.private-key} name PEM files ({@link AdminServerSettings.Tls}).
 *
 * <p>Before anything starts, the files are checked the way Spring Boot will read them: they exist, can
 * be read, hold a certificate and an unencrypted key, and the key belongs to the (first) certificate; any
 * problem stops the start with a {@link StartupException} naming the file and the setting. Then the
 * files become Spring Boot's SSL bundle {@value #BUNDLE} ({@code spring.ssl.bundle.pem.*}) with
 * {@code reload-on-update}, which the web server uses ({@code server.ssl.bundle}): Boot watches the files
 * and swaps the certificate into the running server when they change (after a quiet period,
 * {@code spring.ssl.bundle.watch.file.quiet-period}, default 10 s; a replacement Boot cannot read is
 * logged and the old certificate kept). The properties are added with the lowest precedence, so explicit
 * {@code server.ssl.*} settings still win.
 *
 * <p>An expired certificate only warns: a dashboard that refuses to start could not be used to fix it.
 */
public class AdminTls implements EnvironmentPostProcessor, Ordered {

    /** The SSL bundle's name. */
    public static final String BUNDLE = "gatehouse-admin";
    static final String CERTIFICATE_SETTING = "gatehouse.admin.tls.certificate (GATEHOUSE_ADMIN_TLS_CERTIFICATE)";
    static final String KEY_SETTING = "gatehouse.admin.tls.private-key (GATEHOUSE_ADMIN_TLS_PRIVATE_KEY)";
    /** Far more than any certificate chain or key; bounds what a wrong path (a log file, say) makes us read. */
    static final long MAX_FILE_BYTES = 1024 * 1024;

    private final Log log;

    public AdminTls(DeferredLogFactory logs) {
        this.log = logs.getLog(AdminTls.class);
    }

    /** After the configuration files and the environment are loaded. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        AdminServerSettings.Tls tls = Binder.get(environment).bind("gatehouse.admin.tls", AdminServerSettings.Tls.class)
                .orElse(AdminServerSettings.Tls.NONE);
        if (!tls.configured()) {
            return;
        }
        Checked checked = check(tls);
        X509Certificate leaf = checked.chain().get(0);
        Instant now = Instant.now();
        if (now.isAfter(leaf.getNotAfter().toInstant()) || now.isBefore(leaf.getNotBefore().toInstant())) {
            log.warn("The dashboard's TLS certificate in " + checked.certificate() + " is not valid now (valid "
                    + leaf.getNotBefore().toInstant() + " to " + leaf.getNotAfter().toInstant()
                    + "): browsers will refuse it; write a renewed one over the files");
        }
        if (readableByOthers(checked.privateKey())) {
            log.warn("The dashboard's TLS private key " + checked.privateKey() + " can be read by every user of this "
                    + "machine; chmod 600 it (owned by the Gatehouse user)");
        }
        log.info("Dashboard served over HTTPS with the certificate " + leaf.getSubjectX500Principal().getName()
                + " from " + checked.certificate() + " (reloaded when the files change)");
        environment.getPropertySources().addLast(new MapPropertySource("gatehouseAdminTls", properties(checked)));
    }

    /** The SSL bundle and the web server's use of it. */
    static Map<String, Object> properties(Checked checked) {
        String prefix = "spring.ssl.bundle.pem." + BUNDLE + ".";
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(prefix + "keystore.certificate", "file:" + checked.certificate());
        properties.put(prefix + "keystore.private-key", "file:" + checked.privateKey());
        // a replacement whose key does not match is refused at reload, like at start
        properties.put(prefix + "keystore.verify-keys", "true");
        properties.put(prefix + "reload-on-update", "true");
        properties.put("server.ssl.bundle", BUNDLE);
        return properties;
    }

    /** The two files, as absolute paths, and what they hold. */
    record Checked(Path certificate, Path privateKey, List<X509Certificate> chain) {
    }

    /**
     * Reads and checks both files.
     *
     * @throws StartupException naming the setting, the file and the problem
     */
    static Checked check(AdminServerSettings.Tls tls) {
        if (tls.certificate() == null || tls.privateKey() == null) {
            String set = tls.certificate() != null ? CERTIFICATE_SETTING : KEY_SETTING;
            String missing = tls.certificate() != null ? KEY_SETTING : CERTIFICATE_SETTING;
            throw new StartupException(set + " is set but " + missing + " is not: give both files to serve the dashboard "
                    + "over HTTPS, or neither for plain HTTP");
        }
        Path certificatePath = path(tls.certificate());
        Path keyPath = path(tls.privateKey());
        String certificateText = read(certificatePath, "certificate file", CERTIFICATE_SETTING);
        String keyText = read(keyPath, "private key file", KEY_SETTING);

        List<X509Certificate> chain;
        try {
            chain = PemContent.of(certificateText).getCertificates();
        } catch (RuntimeException unreadable) {
            throw new StartupException(describe(certificatePath, "certificate file", CERTIFICATE_SETTING)
                    + (certificateText.contains("-----BEGIN CERTIFICATE-----")
                            ? " holds a certificate that cannot be read: " + rootMessage(unreadable)
                            : " holds no PEM certificate (-----BEGIN CERTIFICATE-----)"));
        }
        if (chain == null || chain.isEmpty()) {
            throw new StartupException(describe(certificatePath, "certificate file", CERTIFICATE_SETTING)
                    + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        PrivateKey key = privateKey(keyPath, keyText);
        X509Certificate leaf = chain.get(0);
        if (!CertificateBundleReader.belongsTo(key, leaf.getPublicKey())) {
            throw new StartupException(describe(keyPath, "private key file", KEY_SETTING)
                    + " does not hold the key of the certificate " + leaf.getSubjectX500Principal().getName() + " in "
                    + certificatePath + " (" + CERTIFICATE_SETTING + "); give the key that was made with that certificate");
        }
        return new Checked(certificatePath, keyPath, chain);
    }

    private static PrivateKey privateKey(Path keyPath, String keyText) {
        String where = describe(keyPath, "private key file", KEY_SETTING);
        if (keyText.contains("ENCRYPTED PRIVATE KEY") || keyText.contains("Proc-Type: 4,ENCRYPTED")) {
            throw new StartupException(where + " is encrypted; give it unencrypted (openssl pkey -in key.pem -out "
                    + "plain.pem) and let only the Gatehouse user read it");
        }
        if (!keyText.contains("PRIVATE KEY-----")) {
            throw new StartupException(where + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
        }
        PrivateKey key;
        try {
            key = PemContent.of(keyText).getPrivateKey();
        } catch (RuntimeException unreadable) {
            throw new StartupException(where + " holds a private key that cannot be read: " + rootMessage(unreadable));
        }
        if (key == null) {
            throw new StartupException(where + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
        }
        return key;
    }

    /** A setting's value as an absolute path; a {@code file:} prefix is allowed. */
    private static Path path(String value) {
        String path = value.startsWith("file:") ? value.substring("file:".length()) : value;
        return Path.of(path).toAbsolutePath().normalize();
    }

    private static String read(Path path, String what, String setting) {
        String where = describe(path, what, setting);
        if (!Files.exists(path)) {
            throw new StartupException(where + " does not exist");
        }
        if (Files.isDirectory(path)) {
            throw new StartupException(where + " is a directory, not a file");
        }
        if (!Files.isReadable(path)) {
            throw new StartupException(where + " cannot be read by the user Gatehouse runs as ("
                    + System.getProperty("user.name") + "); check its owner and mode");
        }
        try {
            long size = Files.size(path);
            if (size > MAX_FILE_BYTES) {
                throw new StartupException(where + " is " + size + " bytes, more than a PEM file holds (at most "
                        + MAX_FILE_BYTES + ")");
            }
            return Files.readString(path, StandardCharsets.ISO_8859_1);
        } catch (IOException failed) {
            throw new StartupException(where + " cannot be read: " + failed.getMessage());
        }
    }

    private static String describe(Path path, String what, String setting) {
        return "the dashboard's TLS " + what + " " + path + " (" + setting + ")";
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** Whether others than the owner may read the key file (a warning, not an error: ACLs may allow it). */
    static boolean readableByOthers(Path key) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(key);
            return permissions.contains(PosixFilePermission.OTHERS_READ);
        } catch (IOException | UnsupportedOperationException unknown) {
            return false;
        }
    }
}

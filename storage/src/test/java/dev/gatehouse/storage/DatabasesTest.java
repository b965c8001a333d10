package dev.gatehouse.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.jdbc.core.simple.JdbcClient;

import com.zaxxer.hikari.HikariDataSource;

import dev.gatehouse.storage.accesslist.AccessListRepository;
import dev.gatehouse.storage.backend.Backend;
import dev.gatehouse.storage.backend.BackendConnectionLimits;
import dev.gatehouse.storage.backend.BackendHealthCheck;
import dev.gatehouse.storage.backend.BackendRepository;
import dev.gatehouse.storage.backend.BackendServer;
import dev.gatehouse.storage.backend.BackendSettings;
import dev.gatehouse.storage.certificate.CertificateRepository;
import dev.gatehouse.storage.certificate.StoredCertificate;
import dev.gatehouse.storage.revision.ConfigRevision;
import dev.gatehouse.storage.revision.ConfigRevisionRepository;
import dev.gatehouse.storage.secret.MasterKey;
import dev.gatehouse.storage.secret.SecretBox;
import dev.gatehouse.storage.site.Site;
import dev.gatehouse.storage.settings.DefaultSite;
import dev.gatehouse.storage.settings.DefaultSiteRepository;
import dev.gatehouse.storage.settings.ListenerSettings;
import dev.gatehouse.storage.settings.ListenerSettingsRepository;
import dev.gatehouse.storage.site.SiteHeaders;
import dev.gatehouse.storage.site.SitePolicies;
import dev.gatehouse.storage.site.SiteRedirect;
import dev.gatehouse.storage.site.SiteRepository;
import dev.gatehouse.storage.site.SiteTls;
import dev.gatehouse.storage.site.SiteWebsockets;
import dev.gatehouse.storage.user.User;
import dev.gatehouse.storage.user.UserRepository;

class DatabasesTest {

    /**
     * How many migrations there are: the tests of older schemas migrate to the newest one, however many
     * versions lie in between.
     */
    private static final int MIGRATIONS = migrationCount();

    @TempDir
    Path tempDir;

    private static int migrationCount() {
        return migrationVersions().size();
    }

    /** The versions of the migration files, in order: "1", "2", ... */
    private static List<String> migrationVersions() {
        try {
            return Stream.of(new PathMatchingResourcePatternResolver()
                            .getResources(Databases.MIGRATIONS_LOCATION + "/V*__*.sql"))
                    .map(resource -> resource.getFilename().substring(1, resource.getFilename().indexOf("__")))
                    .sorted(Comparator.comparingInt(Integer::parseInt))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void migratingAFreshH2DatabaseCreatesTheSchemaAndMigratingAgainIsANoOp() {
        try (DataDirectory directory = DataDirectory.open(tempDir.resolve("data"));
             HikariDataSource dataSource = Databases.h2(directory, 2)) {

            assertThat(Databases.migrate(dataSource)).isEqualTo(MIGRATIONS);
            List<Map<String, Object>> historyAfterFirst = history(dataSource);
            assertThat(Databases.migrate(dataSource)).isZero();
            assertThat(Databases.migrate(dataSource)).isZero();

            assertThat(history(dataSource)).isEqualTo(historyAfterFirst);
            assertThat(historyAfterFirst).extracting(row -> row.get("version")).containsExactlyElementsOf(migrationVersions());
            assertThat(historyAfterFirst).allSatisfy(row -> assertThat(row.get("success")).isEqualTo(true));
            assertThat(JdbcClient.create(dataSource)
                    .sql("SELECT LOWER(table_name) FROM information_schema.tables WHERE LOWER(table_schema) = 'public'")
                    .query(String.class).list())
                    .contains("app_user", "backend", "backend_server", "site", "site_hostname", "config_revision", "certificate",
                            "site_header_rule", "default_site", "site_trusted_proxy", "access_list", "access_list_rule",
                            "access_list_user", "listener_proxy_protocol_source");
        }
    }

    @Test
    void sitesStoredBeforeCertificatesExistedAreMigratedWithoutTlsSettings() {
        try (DataDirectory directory = DataDirectory.open(tempDir.resolve("data"));
             HikariDataSource dataSource = Databases.h2(directory, 2)) {
            Flyway.configure().dataSource(dataSource).locations(Databases.MIGRATIONS_LOCATION).target("1").load().migrate();
            JdbcClient jdbc = JdbcClient.create(dataSource);
            jdbc.sql("INSERT INTO backend (id, name, created_at, updated_at) VALUES (7, 'app', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
                    .update();
            jdbc.sql("INSERT INTO site (id, backend_id, enabled, created_at, updated_at) "
                    + "VALUES (3, 7, TRUE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").update();
            jdbc.sql("INSERT INTO site_hostname (site_id, position, hostname) VALUES (3, 0, 'old.example.test')").update();

            assertThat(Databases.migrate(dataSource)).isEqualTo(MIGRATIONS - 1);

            Site site = new SiteRepository(dataSource).findById(3).orElseThrow();
            assertThat(site.hostnames()).containsExactly("old.example.test");
            assertThat(site.tls()).isEqualTo(SiteTls.NONE);
            assertThat(site.websockets()).isEqualTo(SiteWebsockets.OFF);
        }
    }

    @Test
    void backendsStoredBeforeBalancingExistedAreMigratedWithTheEngineDefaults() {
        try (DataDirectory directory = DataDirectory.open(tempDir.resolve("data"));
             HikariDataSource dataSource = Databases.h2(directory, 2)) {
            Flyway.configure().dataSource(dataSource).locations(Databases.MIGRATIONS_LOCATION).target("2").load().migrate();
            JdbcClient jdbc = JdbcClient.create(dataSource);
            jdbc.sql("INSERT INTO backend (id, name, created_at, updated_at) VALUES (7, 'app', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
                    .update();
            jdbc.sql("INSERT INTO backend_server (backend_id, position, address) VALUES (7, 0, '10.0.0.1:80')").update();
            jdbc.sql("INSERT INTO backend_server (backend_id, position, address) VALUES (7, 1, '[::1]:8080')").update();

            assertThat(Databases.migrate(dataSource)).isEqualTo(MIGRATIONS - 2);

            Backend backend = new BackendRepository(dataSource).findById(7).orElseThrow();
            assertThat(backend.settings()).isEqualTo(BackendSettings.DEFAULT);
            assertThat(backend.settings()).isEqualTo(new BackendSettings("round-robin", null, null, 2, 3, 30, null,
                    new BackendConnectionLimits(null, 0, 100, 10_000)));
            assertThat(backend.servers()).containsExactly(new BackendServer("10.0.0.1:80", 1, false, false),
                    new BackendServer("[::1]:8080", 1, false, false));
        }
    }

    @Test
    void backendsStoredBeforeTlsAndLimitsExistedAreMigratedAsPlainHttpWithoutLimits() {
        try (DataDirectory directory = DataDirectory.open(tempDir.resolve("data"));
             HikariDataSource dataSource = Databases.h2(directory, 2)) {
            Flyway.configure().dataSource(dataSource).locations(Databases.MIGRATIONS_LOCATION).target("3").load().migrate();
            JdbcClient jdbc = JdbcClient.create(dataSource);
            jdbc.sql("""
                    INSERT INTO backend (id, name, created_at, updated_at, balancing, connect_timeout_ms, max_retries,
                                         health_check_path, health_interval_ms, health_timeout_ms, health_status_min,
                                         health_status_max, health_healthy_threshold, health_unhealthy_threshold)
                    VALUES (7, 'app', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'least-connections', 1500, 4,
                            '/health', 10000, 2000, 200, 399, 2, 3)""").update();
            jdbc.sql("INSERT INTO backend (id, name, created_at, updated_at) VALUES (8, 'plain', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
                    .update();
            jdbc.sql("INSERT INTO backend_server (backend_id, position, address, weight, backup, drained) "
                    + "VALUES (7, 0, '10.0.0.1:443', 3, FALSE, TRUE)").update();
            jdbc.sql("INSERT INTO backend_server (backend_id, position, address, weight, backup, drained) "
                    + "VALUES (7, 1, '[::1]:8080', 1, TRUE, FALSE)").update();
            jdbc.sql("INSERT INTO backend_server (backend_id, position, address) VALUES (8, 0, 'plain.internal:80')").update();

            assertThat(Databases.migrate(dataSource)).isEqualTo(MIGRATIONS - 3);

            BackendRepository backends = new BackendRepository(dataSource);
            Backend app = backends.findById(7).orElseThrow();
            assertThat(app.settings()).isEqualTo(new BackendSettings("least-connections", 1500L, null, 4, 3, 30,
                    new BackendHealthCheck("/health", 10_000, 2_000, 200, 399, 2, 3), BackendConnectionLimits.DEFAULT));
            assertThat(app.servers()).containsExactly(new BackendServer("10.0.0.1:443", 3, false, true, false, true, null),
                    new BackendServer("[::1]:8080", 1, true, false, false, true, null));
            Backend plain = backends.findById(8).orElseThrow();
            assertThat(plain.settings()).isEqualTo(BackendSettings.DEFAULT);
            assertThat(plain.servers()).containsExactly(BackendServer.of("plain.internal:80"));
            // the migrated rows take the new settings like any other
            Backend secured = backends.update(7, "app", List.of(app.servers().get(0).withTls(false, "app.internal")),
                    app.settings().withLimits(new BackendConnectionLimits(5_000L, 10, 0, 100))).orElseThrow();
            assertThat(backends.findById(7)).contains(secured);
        }
    }

    @Test
    void sitesStoredBeforeWebsocketsExistedAreMigratedWithWebsocketsOffAndTheEngineTimeout() {
        try (DataDirectory directory = DataDirectory.open(tempDir.resolve("data"));
             HikariDataSource dataSource = Databases.h2(directory, 2)) {
            Flyway.configure().dataSource(dataSource).locations(Databases.MIGRATIONS_LOCATION).target("4").load().migrate();
            JdbcClient jdbc = JdbcClient.create(dataSource);
            jdbc.sql("INSERT INTO backend (id, name, created_at, updated_at) VALUES (7, 'app', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
                    .update();
            jdbc.sql("INSERT INTO site (id, backend_id, enabled, created_at, updated_at, force_https, hsts_max_age_seconds, "
                    + "hsts_include_subdomains) VALUES (3, 7, TRUE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, FALSE, 600, TRUE)")
                    .update();
            jdbc.sql("INSERT INTO site (id, backend_id, enabled, created_at, updated_at) "
                    + "VALUES (4, 7, FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").update();
            jdbc.sql("INSERT INTO site_hostname (site_id, position, hostname) VALUES (3, 0, 'chat.example.test')").update();
            jdbc.sql("INSERT INTO site_hostname (site_id, position, hostname) VALUES (4, 0, 'off.example.test')").update();

            assertThat(Databases.migrate(dataSource)).isEqualTo(MIGRATIONS - 4);

            SiteRepository sites = new SiteRepository(dataSource);
            Site chat = sites.findById(3).orElseThrow();
            assertThat(chat.websockets()).isEqualTo(SiteWebsockets.OFF);
            assertThat(chat.websockets().idleTimeoutMs()).as("NULL = the engine's default").isNull();
            assertThat(chat.tls()).as("the settings stored before are untouched")
                    .isEqualTo(new SiteTls(null, false, 600L, true, false));
            assertThat(sites.findById(4).orElseThrow().websockets()).isEqualTo(SiteWebsockets.OFF);
            // the migrated rows take the new settings like any other
            Site withWebsockets = sites.update(3, chat.hostnames(), 7, true, chat.tls(), new SiteWebsockets(true, 900_000L))
                    .orElseThrow();
            assertThat(sites.findById(3)).contains(withWebsockets);
            assertThat(withWebsockets.websockets()).isEqualTo(new SiteWebsockets(true, 900_000L));
        }
    }

    @Test
    void sitesStoredBeforeRedirectsExistedKeepForwardingAndTheDefaultSiteIsTheNotFoundPage() {
        try (DataDirectory directory = DataDirectory.open(tempDir.resolve("data"));
             HikariDataSource dataSource = Databases.h2(directory, 2)) {
            Flyway.configure().dataSource(dataSource).locations(Databases.MIGRATIONS_LOCATION).target("5").load().migrate();
            JdbcClient jdbc = JdbcClient.create(dataSource);
            jdbc.sql("INSERT INTO backend (id, name, created_at, updated_at) VALUES (7, 'app', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
                    .update();
            jdbc.sql("INSERT INTO site (id, backend_id, enabled, created_at, updated_at, websockets) "
                    + "VALUES (3, 7, TRUE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, TRUE)").update();
            jdbc.sql("INSERT INTO site_hostname (site_id, position, hostname) VALUES (3, 0, 'app.example.test')").update();

            assertThat(Databases.migrate(dataSource)).isEqualTo(MIGRATIONS - 5);

            SiteRepository sites = new SiteRepository(dataSource);
            Site app = sites.findById(3).orElseThrow();
            assertThat(app.backendId()).isEqualTo(7L);
            assertThat(app.redirect()).isNull();
            assertThat(app.headers()).isEqualTo(SiteHeaders.DEFAULT);
            assertThat(app.websockets()).as("the settings stored before are untouched").isEqualTo(new SiteWebsockets(true, null));
            assertThat(new DefaultSiteRepository(dataSource).get()).isEqualTo(DefaultSite.DEFAULT);
            // the migrated row can become a redirect site
            Site moved = sites.update(3, app.hostnames(), null, true, app.tls(), SiteWebsockets.OFF,
                    new SiteRedirect("https://new.example.test", 301, true), null).orElseThrow();
            assertThat(sites.findById(3)).contains(moved);
        }
    }

    @Test
    void sitesStoredBeforeHttp2AndTrustedProxiesExistedOfferHttp2AndTrustNoProxy() {
        try (DataDirectory directory = DataDirectory.open(tempDir.resolve("data"));
             HikariDataSource dataSource = Databases.h2(directory, 2)) {
            Flyway.configure().dataSource(dataSource).locations(Databases.MIGRATIONS_LOCATION).target("6").load().migrate();
            JdbcClient jdbc = JdbcClient.create(dataSource);
            jdbc.sql("INSERT INTO backend (id, name, created_at, updated_at) VALUES (7, 'app', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
                    .update();
            jdbc.sql("INSERT INTO site (id, backend_id, enabled, created_at, updated_at, pass_host) "
                    + "VALUES (3, 7, TRUE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, FALSE)").update();
            jdbc.sql("INSERT INTO site_hostname (site_id, position, hostname) VALUES (3, 0, 'app.example.test')").update();
            jdbc.sql("INSERT INTO site_header_rule (site_id, direction, position, action, header_name, header_value) "
                    + "VALUES (3, 'request', 0, 'set', 'X-A', '1')").update();

            assertThat(Databases.migrate(dataSource)).isEqualTo(MIGRATIONS - 6);

            SiteRepository sites = new SiteRepository(dataSource);
            Site app = sites.findById(3).orElseThrow();
            assertThat(app.tls().http2()).isTrue();
            assertThat(app.tls()).isEqualTo(SiteTls.NONE);
            assertThat(app.headers()).as("the settings stored before are untouched, no proxy is trusted")
                    .isEqualTo(new SiteHeaders(false, List.of(new SiteHeaders.Rule("set", "X-A", "1")), List.of(),
                            List.of(), false));
        }
    }

    @Test
    void sitesStoredBeforeAccessListsExistedKeepBlockingExploitsWithoutOtherPolicies() {
        try (DataDirectory directory = DataDirectory.open(tempDir.resolve("data"));
             HikariDataSource dataSource = Databases.h2(directory, 2)) {
            Flyway.configure().dataSource(dataSource).locations(Databases.MIGRATIONS_LOCATION).target("10").load().migrate();
            JdbcClient jdbc = JdbcClient.create(dataSource);
            jdbc.sql("INSERT INTO backend (id, name, created_at, updated_at) VALUES (7, 'app', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
                    .update();
            jdbc.sql("INSERT INTO site (id, backend_id, enabled, created_at, updated_at, http2) "
                    + "VALUES (3, 7, TRUE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, FALSE)").update();
            jdbc.sql("INSERT INTO site_hostname (site_id, position, hostname) VALUES (3, 0, 'app.example.test')").update();

            assertThat(Databases.migrate(dataSource)).isEqualTo(MIGRATIONS - 10);

            Site app = new SiteRepository(dataSource).findById(3).orElseThrow();
            assertThat(app.policies()).as("exploits blocked, nothing else").isEqualTo(SitePolicies.DEFAULT);
            assertThat(app.policies().blockExploits()).isTrue();
            assertThat(app.tls().http2()).as("the settings stored before are untouched").isFalse();
            assertThat(new AccessListRepository(dataSource).findAll()).isEmpty();
            assertThat(new ListenerSettingsRepository(dataSource).get()).isEqualTo(ListenerSettings.DEFAULT);
        }
    }

    @Test
    void h2DatabaseFileLivesInTheDataDirectory() {
        Path dir = tempDir.resolve("data");
        try (DataDirectory directory = DataDirectory.open(dir);
             HikariDataSource dataSource = Databases.h2(directory, 2)) {
            Databases.migrate(dataSource);
        }

        assertThat(dir.resolve(DataDirectory.H2_DATABASE_NAME + ".mv.db")).isRegularFile();
    }

    @Test
    void everyKindOfDataSurvivesClosingAndReopeningTheDatabase() {
        Backend backend;
        Site site;
        User user;
        ConfigRevision revision;
        StoredCertificate certificate;
        SecretBox secretBox = new SecretBox(MasterKey.of(new byte[32]));
        try (TestDatabase database = TestDatabase.open(tempDir)) {
            backend = new BackendRepository(database.dataSource()).insert("app", BackendServer.list("10.0.0.1:80", "10.0.0.2:80"));
            certificate = new CertificateRepository(database.dataSource(), secretBox)
                    .insert("app", "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n", "AB:CD", "the key");
            site = new SiteRepository(database.dataSource()).insert(List.of("app.example.test", "*.app.example.test"), backend.id(), true,
                    new SiteTls(certificate.id(), true, 86_400L, true, false), new SiteWebsockets(true, 3_600_000L));
            user = new UserRepository(database.dataSource()).insert("admin@example.test", "{noop}hash", "ADMIN");
            revision = new ConfigRevisionRepository(database.dataSource()).insert(1, "{\"sites\":[1]}", "admin@example.test", "first");

            database.reopen();
            assertThat(Databases.migrate(database.dataSource())).as("an up-to-date database is left alone").isZero();

            assertThat(new BackendRepository(database.dataSource()).findAll()).containsExactly(backend);
            assertThat(new SiteRepository(database.dataSource()).findAll()).containsExactly(site);
            assertThat(new UserRepository(database.dataSource()).findByEmail("ADMIN@example.test")).contains(user);
            assertThat(new ConfigRevisionRepository(database.dataSource()).latest()).contains(revision);
            CertificateRepository certificates = new CertificateRepository(database.dataSource(), secretBox);
            assertThat(certificates.findAll()).containsExactly(certificate);
            assertThat(certificates.privateKeyPem(certificate.id())).isEqualTo("the key");
            // identities continue after the restart instead of reusing numbers
            assertThat(new BackendRepository(database.dataSource()).insert("api", BackendServer.list("10.0.0.3:80")).id())
                    .isGreaterThan(backend.id());
        }
    }

    @Test
    void theDatabaseCannotBeOpenedWhileItsDirectoryIsLockedElsewhere() {
        Path dir = tempDir.resolve("data");
        try (DataDirectory directory = DataDirectory.open(dir);
             HikariDataSource dataSource = Databases.h2(directory, 2)) {
            Databases.migrate(dataSource);

            assertThatThrownBy(() -> DataDirectory.open(dir)).hasMessageContaining("already in use");
        }
    }

    @Test
    void poolTooSmallForFlywayIsRejected() {
        try (DataDirectory directory = DataDirectory.open(tempDir.resolve("data"))) {
            assertThatThrownBy(() -> Databases.h2(directory, 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maximumPoolSize must be at least 2 (Flyway migrates on a second connection), got 1");
        }
    }

    private static List<Map<String, Object>> history(HikariDataSource dataSource) {
        return JdbcClient.create(dataSource)
                .sql("SELECT \"version\", \"description\", \"script\", \"checksum\", \"success\" FROM \"flyway_schema_history\" WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")
                .query().listOfRows();
    }
}

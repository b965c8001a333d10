package dev.gatehouse.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

import com.zaxxer.hikari.HikariDataSource;

import dev.gatehouse.storage.backend.Backend;
import dev.gatehouse.storage.backend.BackendRepository;
import dev.gatehouse.storage.revision.ConfigRevision;
import dev.gatehouse.storage.revision.ConfigRevisionRepository;
import dev.gatehouse.storage.site.Site;
import dev.gatehouse.storage.site.SiteRepository;
import dev.gatehouse.storage.user.User;
import dev.gatehouse.storage.user.UserRepository;

class DatabasesTest {

    @TempDir
    Path tempDir;

    @Test
    void migratingAFreshH2DatabaseCreatesTheSchemaAndMigratingAgainIsANoOp() {
        try (DataDirectory directory = DataDirectory.open(tempDir.resolve("data"));
             HikariDataSource dataSource = Databases.h2(directory, 2)) {

            assertThat(Databases.migrate(dataSource)).isEqualTo(1);
            List<Map<String, Object>> historyAfterFirst = history(dataSource);
            assertThat(Databases.migrate(dataSource)).isZero();
            assertThat(Databases.migrate(dataSource)).isZero();

            assertThat(history(dataSource)).isEqualTo(historyAfterFirst);
            assertThat(historyAfterFirst).singleElement().satisfies(row -> {
                assertThat(row.get("version")).isEqualTo("1");
                assertThat(row.get("success")).isEqualTo(true);
            });
            assertThat(JdbcClient.create(dataSource)
                    .sql("SELECT LOWER(table_name) FROM information_schema.tables WHERE LOWER(table_schema) = 'public'")
                    .query(String.class).list())
                    .contains("app_user", "backend", "backend_server", "site", "site_hostname", "config_revision");
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
        try (TestDatabase database = TestDatabase.open(tempDir)) {
            backend = new BackendRepository(database.dataSource()).insert("app", List.of("10.0.0.1:80", "10.0.0.2:80"));
            site = new SiteRepository(database.dataSource()).insert(List.of("app.example.test", "*.app.example.test"), backend.id(), true);
            user = new UserRepository(database.dataSource()).insert("admin@example.test", "{noop}hash", "ADMIN");
            revision = new ConfigRevisionRepository(database.dataSource()).insert(1, "{\"sites\":[1]}", "admin@example.test", "first");

            database.reopen();
            assertThat(Databases.migrate(database.dataSource())).as("an up-to-date database is left alone").isZero();

            assertThat(new BackendRepository(database.dataSource()).findAll()).containsExactly(backend);
            assertThat(new SiteRepository(database.dataSource()).findAll()).containsExactly(site);
            assertThat(new UserRepository(database.dataSource()).findByEmail("ADMIN@example.test")).contains(user);
            assertThat(new ConfigRevisionRepository(database.dataSource()).latest()).contains(revision);
            // identities continue after the restart instead of reusing numbers
            assertThat(new BackendRepository(database.dataSource()).insert("api", List.of("10.0.0.3:80")).id())
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

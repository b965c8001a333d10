package dev.gatehouse.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * A real, migrated database for one test.
 *
 * <p>By default an H2 file database in the test's temporary directory, opened exactly the way the
 * application opens it ({@link DataDirectory} + {@link Databases}). When the environment variable
 * {@value #POSTGRES_URL_VARIABLE} holds a JDBC URL (e.g.
 * {@code jdbc:postgresql://localhost:5432/postgres?user=postgres}), the same tests run against
 * PostgreSQL instead, each in a fresh schema that is dropped afterwards.
 */
public final class TestDatabase implements AutoCloseable {

    public static final String POSTGRES_URL_VARIABLE = "GATEHOUSE_TEST_POSTGRES_URL";

    private final Path dataDir;
    private final String postgresUrl;
    private final String postgresSchema;
    private DataDirectory directory;
    private HikariDataSource dataSource;

    private TestDatabase(Path dataDir, String postgresUrl, String postgresSchema) {
        this.dataDir = dataDir;
        this.postgresUrl = postgresUrl;
        this.postgresSchema = postgresSchema;
    }

    /** Opens and migrates a database; {@code tempDir} holds the H2 files. */
    public static TestDatabase open(Path tempDir) {
        String postgresUrl = System.getenv(POSTGRES_URL_VARIABLE);
        TestDatabase database;
        if (postgresUrl == null || postgresUrl.isBlank()) {
            database = new TestDatabase(tempDir.resolve("data"), null, null);
        } else {
            String schema = "gatehouse_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            executeOnPostgres(postgresUrl, "CREATE SCHEMA " + schema);
            database = new TestDatabase(null, postgresUrl, schema);
        }
        database.connect();
        Databases.migrate(database.dataSource);
        return database;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public JdbcClient jdbc() {
        return JdbcClient.create(dataSource);
    }

    /** Number of rows in a table, for "nothing was written" assertions. */
    public long rows(String table) {
        if (!table.matches("[a-z_]+")) {
            throw new IllegalArgumentException("table name " + table + " is not a plain identifier");
        }
        return jdbc().sql("SELECT COUNT(*) FROM " + table).query(Long.class).single();
    }

    /** Closes every connection (and for H2 the database and its directory) and opens it again. */
    public void reopen() {
        disconnect();
        connect();
    }

    private void connect() {
        if (postgresUrl == null) {
            directory = DataDirectory.open(dataDir);
            dataSource = Databases.h2(directory, 4);
        } else {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(postgresUrl);
            config.setSchema(postgresSchema);
            config.setMaximumPoolSize(4);
            dataSource = new HikariDataSource(config);
        }
    }

    private void disconnect() {
        if (dataSource != null) {
            dataSource.close();
            dataSource = null;
        }
        if (directory != null) {
            directory.close();
            directory = null;
        }
    }

    @Override
    public void close() {
        disconnect();
        if (postgresUrl != null) {
            executeOnPostgres(postgresUrl, "DROP SCHEMA " + postgresSchema + " CASCADE");
        }
    }

    private static void executeOnPostgres(String url, String sql) {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run '" + sql + "' on " + url.replaceAll("(?i)password=[^&]*", "password=***"), e);
        }
    }
}

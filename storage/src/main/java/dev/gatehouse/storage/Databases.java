package dev.gatehouse.storage;

import java.util.Objects;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Opening and migrating a Gatehouse database without Spring Boot: for tests and for a standalone
 * engine node. The admin app gets the same result from Spring Boot's DataSource and Flyway
 * auto-configuration with {@code spring.flyway.locations=}{@value #MIGRATIONS_LOCATION} (Boot's default).
 */
public final class Databases {

    /** Where the schema migrations live, in Flyway's location syntax. */
    public static final String MIGRATIONS_LOCATION = "classpath:db/migration";

    /** Default size of the pool {@link #h2} creates: enough for the admin app's bounded-elastic callers. */
    public static final int DEFAULT_POOL_SIZE = 10;

    /** Smallest pool {@link #migrate} can work with. */
    public static final int MINIMUM_POOL_SIZE = 2;

    private Databases() {
    }

    /**
     * Applies the pending migrations from {@value #MIGRATIONS_LOCATION}; a database that is up to
     * date is left alone.
     *
     * @return the number of migrations applied by this call (0 when already up to date)
     * @throws org.flywaydb.core.api.FlywayException if a migration fails or an applied one was changed
     */
    public static int migrate(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .locations(MIGRATIONS_LOCATION)
                .load()
                .migrate();
        return result.migrationsExecuted;
    }

    /**
     * A connection pool over the embedded H2 database of {@code directory}, named after it. The
     * caller closes it before closing the directory.
     */
    public static HikariDataSource h2(DataDirectory directory) {
        return h2(directory, DEFAULT_POOL_SIZE);
    }

    /**
     * As {@link #h2(DataDirectory)} with {@code maximumPoolSize} connections at most. At least
     * {@value #MINIMUM_POOL_SIZE}: Flyway holds one connection for its lock while it migrates on another.
     */
    public static HikariDataSource h2(DataDirectory directory, int maximumPoolSize) {
        Objects.requireNonNull(directory, "directory");
        if (maximumPoolSize < MINIMUM_POOL_SIZE) {
            throw new IllegalArgumentException("maximumPoolSize must be at least " + MINIMUM_POOL_SIZE
                    + " (Flyway migrates on a second connection), got " + maximumPoolSize);
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("gatehouse-h2");
        config.setJdbcUrl(directory.h2JdbcUrl());
        config.setUsername(DataDirectory.H2_USER);
        config.setPassword(DataDirectory.H2_PASSWORD);
        config.setMaximumPoolSize(maximumPoolSize);
        return new HikariDataSource(config);
    }
}

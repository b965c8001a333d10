package dev.gatehouse.admin.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gatehouse.admin.GatehouseProperties;
import dev.gatehouse.admin.StartupException;
import dev.gatehouse.storage.DataDirectory;
import dev.gatehouse.storage.accesslist.AccessListRepository;
import dev.gatehouse.storage.backend.BackendRepository;
import dev.gatehouse.storage.certificate.CertificateRepository;
import dev.gatehouse.storage.revision.ConfigRevisionRepository;
import dev.gatehouse.storage.secret.MasterKey;
import dev.gatehouse.storage.secret.SecretBox;
import dev.gatehouse.storage.settings.DefaultSiteRepository;
import dev.gatehouse.storage.settings.ListenerSettingsRepository;
import dev.gatehouse.storage.site.SiteRepository;
import dev.gatehouse.storage.stream.StreamRepository;
import dev.gatehouse.storage.user.UserRepository;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.StringUtils;

/**
 * The data directory, the database and the repositories.
 *
 * <p>The data directory is opened (and its lock taken) before the database, and closed after it:
 * the DataSource depends on it, so Spring destroys the pool first. By default the database is the H2
 * file inside the data directory; setting {@code spring.datasource.url} (e.g. PostgreSQL) replaces it
 * with Boot's usual {@code spring.datasource.*} settings.
 */
@Configuration(proxyBeanMethods = false)
public class PersistenceConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PersistenceConfiguration.class);

    /** Small on purpose: one admin writer at a time plus a few concurrent readers. */
    private static final int MAX_POOL_SIZE = 5;

    /** Opens the data directory and holds its lock for the life of the application. */
    @Bean(destroyMethod = "close")
    public DataDirectory dataDirectory(GatehouseProperties properties) {
        DataDirectory directory = DataDirectory.open(properties.dataDir());
        log.info("Data directory {}", directory.path());
        return directory;
    }

    @Bean(destroyMethod = "close")
    public HikariDataSource dataSource(DataDirectory dataDirectory, DataSourceProperties dataSourceProperties) {
        if (StringUtils.hasText(dataSourceProperties.getUrl())) {
            log.info("Database {} (spring.datasource.url)", dataSourceProperties.getUrl());
            return dataSourceProperties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("gatehouse-db");
        config.setJdbcUrl(dataDirectory.h2JdbcUrl());
        config.setUsername(DataDirectory.H2_USER);
        config.setPassword(DataDirectory.H2_PASSWORD);
        config.setMaximumPoolSize(MAX_POOL_SIZE);
        config.setMinimumIdle(1);
        return new HikariDataSource(config);
    }

    @Bean
    public TransactionTemplate transactionTemplate(PlatformTransactionManager transactionManager) {
        return new TransactionTemplate(transactionManager);
    }

    @Bean
    @DependsOnDatabaseInitialization
    public BackendRepository backendRepository(DataSource dataSource) {
        return new BackendRepository(dataSource);
    }

    @Bean
    @DependsOnDatabaseInitialization
    public SiteRepository siteRepository(DataSource dataSource) {
        return new SiteRepository(dataSource);
    }

    @Bean
    @DependsOnDatabaseInitialization
    public StreamRepository streamRepository(DataSource dataSource) {
        return new StreamRepository(dataSource);
    }

    @Bean
    @DependsOnDatabaseInitialization
    public DefaultSiteRepository defaultSiteRepository(DataSource dataSource) {
        return new DefaultSiteRepository(dataSource);
    }

    @Bean
    @DependsOnDatabaseInitialization
    public ListenerSettingsRepository listenerSettingsRepository(DataSource dataSource) {
        return new ListenerSettingsRepository(dataSource);
    }

    @Bean
    @DependsOnDatabaseInitialization
    public AccessListRepository accessListRepository(DataSource dataSource) {
        return new AccessListRepository(dataSource);
    }

    /**
     * Encrypts private keys at rest with the master key from {@code GATEHOUSE_MASTER_KEY} or the data
     * directory's {@code master.key} (created on first start).
     */
    @Bean
    public SecretBox secretBox(DataDirectory dataDirectory, GatehouseProperties properties) {
        try {
            return new SecretBox(MasterKey.loadOrCreate(dataDirectory.path(), properties.masterKey()));
        } catch (IllegalArgumentException | IllegalStateException unusable) {
            // A malformed GATEHOUSE_MASTER_KEY or a damaged master.key: the messages name which, never the key.
            throw new StartupException(unusable.getMessage());
        }
    }

    @Bean
    @DependsOnDatabaseInitialization
    public CertificateRepository certificateRepository(DataSource dataSource, SecretBox secretBox) {
        return new CertificateRepository(dataSource, secretBox);
    }

    @Bean
    @DependsOnDatabaseInitialization
    public UserRepository userRepository(DataSource dataSource) {
        return new UserRepository(dataSource);
    }

    @Bean
    @DependsOnDatabaseInitialization
    public ConfigRevisionRepository configRevisionRepository(DataSource dataSource) {
        return new ConfigRevisionRepository(dataSource);
    }
}

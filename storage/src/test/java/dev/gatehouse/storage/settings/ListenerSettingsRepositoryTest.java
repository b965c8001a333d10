package dev.gatehouse.storage.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.storage.TestDatabase;

class ListenerSettingsRepositoryTest {

    @TempDir
    Path tempDir;

    private TestDatabase database;
    private ListenerSettingsRepository repository;

    @BeforeEach
    void openDatabase() {
        database = TestDatabase.open(tempDir);
        repository = new ListenerSettingsRepository(database.dataSource());
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    @Test
    void aFreshDatabaseBelievesNoProxyProtocolHeader() {
        assertThat(repository.get()).isEqualTo(ListenerSettings.DEFAULT);
        assertThat(repository.get().proxyProtocolFrom()).isEmpty();
    }

    @Test
    void sourcesAreStoredTrimmedInOrderReplacedBySavingAndSurviveReopening() {
        repository.save(new ListenerSettings(List.of(" 10.0.0.0/8 ", "192.0.2.7", "2001:db8::/32")));
        database.reopen();
        repository = new ListenerSettingsRepository(database.dataSource());
        assertThat(repository.get().proxyProtocolFrom()).containsExactly("10.0.0.0/8", "192.0.2.7", "2001:db8::/32");

        repository.save(new ListenerSettings(List.of("127.0.0.1")));
        assertThat(repository.get().proxyProtocolFrom()).containsExactly("127.0.0.1");

        repository.save(ListenerSettings.DEFAULT);
        assertThat(repository.get()).isEqualTo(ListenerSettings.DEFAULT);
        assertThat(database.rows("listener_proxy_protocol_source")).isZero();
    }

    @Test
    void entriesTheSchemaCannotHoldAreRefusedBeforeAnythingIsWritten() {
        repository.save(new ListenerSettings(List.of("10.0.0.1")));

        assertThatThrownBy(() -> repository.save(new ListenerSettings(Arrays.asList("10.0.0.2", " "))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be blank");
        assertThatThrownBy(() -> repository.save(new ListenerSettings(List.of("1".repeat(65)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 64");

        assertThat(repository.get().proxyProtocolFrom()).containsExactly("10.0.0.1");
    }

    @Test
    void aSaveJoinsTheCallersTransactionAndRollsBackWithIt() {
        repository.save(new ListenerSettings(List.of("10.0.0.1")));
        TransactionTemplate outer = new TransactionTemplate(new DataSourceTransactionManager(database.dataSource()));

        assertThatThrownBy(() -> outer.executeWithoutResult(status -> {
            repository.save(new ListenerSettings(List.of("192.0.2.1", "192.0.2.2")));
            throw new IllegalStateException("the caller fails after the write");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(repository.get().proxyProtocolFrom()).containsExactly("10.0.0.1");
    }
}

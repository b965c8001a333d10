package dev.gatehouse.storage.settings;

import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.storage.internal.JdbcSupport;

/**
 * The one stored {@link ListenerSettings}. A fresh installation has no rows, which reads as
 * {@link ListenerSettings#DEFAULT}. A save replaces every row in one transaction (joining the caller's
 * on the same DataSource), so a reader sees the old list or the new one, never a mix.
 */
public class ListenerSettingsRepository {

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    public ListenerSettingsRepository(DataSource dataSource) {
        this.jdbc = JdbcSupport.client(dataSource);
        this.transactions = JdbcSupport.transactions(dataSource);
    }

    public ListenerSettings get() {
        List<String> sources = jdbc.sql("SELECT address FROM listener_proxy_protocol_source ORDER BY position")
                .query(String.class).list();
        return new ListenerSettings(sources);
    }

    /** Replaces the stored settings. */
    public ListenerSettings save(ListenerSettings settings) {
        Objects.requireNonNull(settings, "settings");
        return transactions.execute(status -> {
            jdbc.sql("DELETE FROM listener_proxy_protocol_source").update();
            List<String> sources = settings.proxyProtocolFrom();
            for (int position = 0; position < sources.size(); position++) {
                jdbc.sql("INSERT INTO listener_proxy_protocol_source (position, address) VALUES (:position, :address)")
                        .param("position", position)
                        .param("address", sources.get(position))
                        .update();
            }
            return settings;
        });
    }
}

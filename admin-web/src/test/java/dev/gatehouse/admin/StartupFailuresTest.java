package dev.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.engine.EngineStartException;
import dev.gatehouse.storage.DataDirectoryException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.diagnostics.FailureAnalysis;
import java.util.Map;

class StartupFailuresTest {

    @Test
    void findsTheOperatorsProblemInsideSpringsWrapping() {
        Throwable wrapped = new BeanCreationException("dataSource", "failed",
                new BeanCreationException("dataDirectory", "failed", new DataDirectoryException("Data directory /x is in use")));
        assertThat(StartupFailures.reason(wrapped)).hasValue("Data directory /x is in use");
        assertThat(StartupFailures.reason(new IllegalStateException(new EngineStartException("HTTP port 80 is in use"))))
                .hasValue("HTTP port 80 is in use");
        assertThat(StartupFailures.reason(new StartupException("GATEHOUSE_ADMIN_EMAIL: bad"))).hasValue("GATEHOUSE_ADMIN_EMAIL: bad");
        assertThat(StartupFailures.reason(new IllegalStateException("a bug"))).isEmpty();

        FailureAnalysis analysis = new StartupFailures().analyze(wrapped);
        assertThat(analysis.getDescription()).isEqualTo("Data directory /x is in use");
        assertThat(analysis.getAction()).contains("GATEHOUSE_DATA_DIR");
    }

    @Test
    void badSettingsAreNamed_butPasswordsAreNotEchoed() {
        assertThat(StartupFailures.reason(bind(Map.of("gatehouse.http-port", "99999"))))
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("invalid setting gatehouse")
                        .contains("gatehouse.http-port must be a port 1-65535 (0 = any free port), was 99999"));
        assertThat(StartupFailures.reason(bind(Map.of("gatehouse.http-port", "eighty"))))
                .hasValueSatisfying(reason -> assertThat(reason)
                        .startsWith("invalid setting gatehouse.http-port='eighty': "));
    }

    private static BindException bind(Map<String, String> properties) {
        try {
            new Binder(new MapConfigurationPropertySource(properties))
                    .bindOrCreate("gatehouse", Bindable.of(GatehouseProperties.class));
        } catch (BindException e) {
            return e;
        }
        throw new AssertionError("binding " + properties + " should fail");
    }
}

package dev.gatehouse.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EngineSettingsTest {

    @Test
    void defaultsAreDocumented() {
        EngineSettings defaults = EngineSettings.defaults();
        assertThat(defaults.host()).isEqualTo("0.0.0.0");
        assertThat(defaults.httpPort()).isEqualTo(8080);
        assertThat(defaults.eventLoopThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(defaults.shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void settersReturnCopies() {
        EngineSettings defaults = EngineSettings.defaults();
        EngineSettings custom = defaults.host("127.0.0.1").httpPort(0).eventLoopThreads(3).shutdownGrace(Duration.ZERO);
        assertThat(custom.host()).isEqualTo("127.0.0.1");
        assertThat(custom.httpPort()).isZero();
        assertThat(custom.eventLoopThreads()).isEqualTo(3);
        assertThat(custom.shutdownGrace()).isZero();
        assertThat(defaults).isEqualTo(EngineSettings.defaults());
        assertThat(custom).isNotEqualTo(defaults);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 65536, 100000})
    void rejectsPortsOutOfRange(int port) {
        assertThatIllegalArgumentException().isThrownBy(() -> EngineSettings.defaults().httpPort(port))
                .withMessage("httpPort " + port + " is out of range; ports are 1-65535 (0 = any free port)");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -2, 1025})
    void rejectsEventLoopCountsOutOfRange(int threads) {
        assertThatIllegalArgumentException().isThrownBy(() -> EngineSettings.defaults().eventLoopThreads(threads))
                .withMessage("eventLoopThreads " + threads + " is out of range; expected 1-1024");
    }

    @Test
    void rejectsBadHostsAndGrace() {
        assertThatIllegalArgumentException().isThrownBy(() -> EngineSettings.defaults().host(" "))
                .withMessageContaining("host must not be empty");
        assertThatIllegalArgumentException().isThrownBy(() -> EngineSettings.defaults().host("a b"))
                .withMessage("host 'a b' is not an address or host name");
        assertThatIllegalArgumentException().isThrownBy(() -> EngineSettings.defaults().shutdownGrace(Duration.ofSeconds(-1)))
                .withMessage("shutdownGrace PT-1S must be zero or more");
        assertThatIllegalArgumentException().isThrownBy(() -> EngineSettings.defaults().shutdownGrace(null))
                .withMessage("shutdownGrace null must be zero or more");
    }
}

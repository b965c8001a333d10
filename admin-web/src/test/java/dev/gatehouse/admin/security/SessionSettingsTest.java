package dev.gatehouse.admin.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SessionSettingsTest {

    @Test
    void theDefaultsAreThirtyMinutesTwelveHoursAndFiveMinutes() {
        assertThat(SessionSettings.DEFAULT).isEqualTo(new SessionSettings(Duration.ofMinutes(30), Duration.ofHours(12),
                Duration.ofMinutes(5), 10_000));
    }

    @ParameterizedTest
    @CsvSource({
            "PT0S,  PT12H, PT5M,  10, 'gatehouse.session.idle-timeout must be a positive duration such as 30m or 12h, was PT0S'",
            "-PT1M, PT12H, PT5M,  10, 'gatehouse.session.idle-timeout must be a positive duration such as 30m or 12h, was PT-1M'",
            "PT30M, PT0S,  PT5M,  10, 'gatehouse.session.absolute-timeout must be a positive duration such as 30m or 12h, was PT0S'",
            "PT30M, PT12H, -PT5M, 10, 'gatehouse.session.reauthentication-window must be a positive duration such as 30m or 12h, was PT-5M'",
            "PT30M, PT12H, PT5M,  0,  'gatehouse.session.max-sessions must be at least 1, was 0'",
    })
    void aSettingThatMakesNoSenseStopsTheStartNamingTheProperty(Duration idle, Duration absolute, Duration window, int max,
                                                                String message) {
        assertThatThrownBy(() -> new SessionSettings(idle, absolute, window, max))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}

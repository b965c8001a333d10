package dev.gatehouse.engine.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class HstsPolicyTest {

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
            "31536000   | false | false | max-age=31536000",
            "31536000   | true  | false | max-age=31536000; includeSubDomains",
            "31536000   | true  | true  | max-age=31536000; includeSubDomains; preload",
            "63072000   | true  | true  | max-age=63072000; includeSubDomains; preload",
            "0          | false | false | max-age=0",
            "0          | true  | false | max-age=0; includeSubDomains",
            "2147483647 | false | false | max-age=2147483647",
    })
    void headerValue(long maxAge, boolean includeSubDomains, boolean preload, String expected) {
        assertThat(new HstsPolicy(maxAge, includeSubDomains, preload).headerValue()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "-1         | false | false | HSTS max-age -1 is out of range; expected 0-2147483647 seconds (0 tells browsers to forget the policy)",
            "2147483648 | false | false | HSTS max-age 2147483648 is out of range; expected 0-2147483647 seconds (0 tells browsers to forget the policy)",
            "31536000   | false | true  | HSTS preload needs includeSubDomains (hstspreload.org requires it)",
            "31535999   | true  | true  | HSTS preload needs a max-age of at least 31536000 seconds (one year), was 31535999 (hstspreload.org requires it)",
            "0          | true  | true  | HSTS preload needs a max-age of at least 31536000 seconds (one year), was 0 (hstspreload.org requires it)",
    })
    void rejectsInvalidPolicies(long maxAge, boolean includeSubDomains, boolean preload, String message) {
        assertThatIllegalArgumentException().isThrownBy(() -> new HstsPolicy(maxAge, includeSubDomains, preload))
                .withMessage(message);
    }

    @org.junit.jupiter.api.Test
    void defaultMaxAgeIsOneYear() {
        assertThat(HstsPolicy.DEFAULT_MAX_AGE_SECONDS).isEqualTo(365L * 24 * 60 * 60);
    }
}

package dev.gatehouse.admin.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.HttpStatus;

/** How the sign-in filter reads an outcome: the redirects of the sign-in steps and HTTP Basic headers. */
class SignInAuditFilterTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "none", value = {
            "302 | /login?error                  | wrong email or password",
            "302 | /login?throttled=30           | too many failed sign-ins, not checked",
            "303 | /login/two-factor?error       | wrong code",
            "303 | /login/two-factor?throttled=4 | too many failed sign-ins, not checked",
            "302 | /                             | none",
            "302 | /login/two-factor             | none",
            "302 | /login?logout                 | none",
            "302 | /loginx?error                 | none",
            "200 | /login?error                  | none",
    })
    void aSignInStepFailedWhenItSentTheBrowserBackWithAnError(int status, String location, String failure) {
        assertThat(SignInAuditFilter.failure(HttpStatus.valueOf(status), URI.create(location))).isEqualTo(failure);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "none", value = {
            "alice@example.test:secret    | alice@example.test",
            "alice@example.test:a:b       | alice@example.test",
            ":only-a-password             | ''",
            "no-colon-at-all              | none",
    })
    void theUserNameOfABasicHeaderIsReadAndThePasswordDropped(String credentials, String username) {
        String header = "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));

        assertThat(SignInAuditFilter.basicUsername(header)).isEqualTo(username);
    }

    @ParameterizedTest
    @CsvSource({"Basic !!!notbase64", "Basic "})
    void aMalformedBasicHeaderHasNoUserName(String header) {
        assertThat(SignInAuditFilter.basicUsername(header)).isNull();
    }
}

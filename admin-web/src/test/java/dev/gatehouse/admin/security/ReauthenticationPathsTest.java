package dev.gatehouse.admin.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.springframework.http.server.PathContainer;
import org.junit.jupiter.params.provider.CsvSource;

/** Which paths need a recent password, and where the re-authentication page may send the browser afterwards. */
class ReauthenticationPathsTest {

    @ParameterizedTest
    @CsvSource({
            "/account/security,                       true",
            "/account/security/two-factor,            true",
            "/account/security/two-factor/disable,    true",
            "/users,                                  true",
            "/users/3/edit,                           true",
            "/account,                                false",
            "/account/reauthenticate,                 false",
            "/account/securityx,                      false",
            "/usersettings,                           false",
            "/sites,                                  false",
            "/api/v1/users,                           false",
            "/%75sers/5/role,                         true",
            "/account/%73ecurity/two-factor,          true",
            "/users;jsessionid=x/3,                   true",
            "/users/,                                 true",
    })
    void sensitivePaths(String path, boolean sensitive) {
        assertThat(ReauthenticationService.isSensitive(path)).isEqualTo(sensitive);
    }

    @ParameterizedTest
    @CsvSource({
            "/api/v1/users,             false, true",
            "/api/v1/users/3/password,  false, true",
            "/api/v1/%75sers/3,         false, true",
            "/api/v1/users/3,           true,  false",
            "/api/v1/sites,             false, false",
            "/users/3,                  false, false",
    })
    void userManagementOnTheApiWithTheSessionCookie(String path, boolean hasAuthorization, boolean sensitive) {
        assertThat(ReauthenticationService.isSensitiveApiCall(PathContainer.parsePath(path), hasAuthorization))
                .isEqualTo(sensitive);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "NULL", value = {
            "/users/3/edit,                 /users/3/edit",
            "/account/security/two-factor,  /account/security/two-factor",
            "/sites?page=2,                 /sites?page=2",
            "NULL,                          /account",
            "'',                            /account",
            "https://evil.example/,         /account",
            "//evil.example/,               /account",
            "/\\evil.example,               /account",
            "javascript:alert(1),           /account",
            "users,                         /account",
            "'/a\tb',                       /account",
    })
    void nextIsAlwaysAPathOnThisServer(String next, String expected) {
        assertThat(ReauthenticationService.safeNext(next)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
            "/account/security/two-factor, /account/reauthenticate?next=/account/security/two-factor",
            "/users?q=a b&x=1,             /account/reauthenticate?next=/users?q%3Da%20b%26x%3D1",
    })
    void theReauthenticationPageCarriesNextEncoded(String next, String expected) {
        assertThat(ReauthenticationService.pageReturningTo(next)).hasToString(expected);
    }
}

package dev.gatehouse.admin.setup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordPolicyTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', emptyValue = "", textBlock = """
        ""                        | password is required
        short                     | password must be at least 12 characters, was 5
        elevenchars               | password must be at least 12 characters, was 11
        password1234              | password is on a list of commonly used passwords; choose another
        Password1234              | password is on a list of commonly used passwords; choose another
        QWERTYUIOP123             | password is on a list of commonly used passwords; choose another
        aaaaaaaaaaaaaa            | password must not be one character repeated
        owner@example.com         | password must not be the email address
        Owner@Example.com         | password must not be the email address
        owner-at-home             | ""
        """)
    void judgesPasswordsForTheAccountOwnerAtExampleCom(String password, String expected) {
        if (expected.isEmpty()) {
            assertThat(PasswordPolicy.problem(password, "owner@example.com")).isEmpty();
        } else {
            assertThat(PasswordPolicy.problem(password, "owner@example.com")).hasValue(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"correct horse battery", "tr0ub4dor&3-xyz", "ünïcödé-pässwörd"})
    void acceptsLongUncommonPasswords(String password) {
        assertThat(PasswordPolicy.problem(password, "admin@example.com")).isEmpty();
    }

    @Test
    void rejectsWhatBcryptWouldTruncate() {
        assertThat(PasswordPolicy.problem("x".repeat(40) + "y".repeat(33), null))
                .hasValue("password must be at most 72 bytes, was 73");
        assertThat(PasswordPolicy.problem("ü".repeat(36) + "a", null)).hasValue("password must be at most 72 bytes, was 73");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', emptyValue = "", textBlock = """
        admin@example.com   | ""
        admin@nas           | ""
        ""                  | email is required, e.g. admin@example.com
        admin               | email 'admin' is not an email address, e.g. admin@example.com
        a b@example.com     | email 'a b@example.com' is not an email address, e.g. admin@example.com
        a@@example.com      | email 'a@@example.com' is not an email address, e.g. admin@example.com
        a@.example.com      | email 'a@.example.com' is not an email address, e.g. admin@example.com
        """)
    void judgesEmailAddresses(String email, String expected) {
        if (expected.isEmpty()) {
            assertThat(SetupService.emailProblem(email)).isEmpty();
        } else {
            assertThat(SetupService.emailProblem(email)).hasValue(expected);
        }
    }
}

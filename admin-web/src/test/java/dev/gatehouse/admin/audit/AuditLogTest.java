package dev.gatehouse.admin.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The last guard before an entry is stored: nothing shaped like a secret survives. */
class AuditLogTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----",
            "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIPrivate\n-----END EC PRIVATE KEY-----",
            "$2a$10$7EqJtq98hPqEX7fNZaFWoOhi5BWX4Z3xu.Y1Tn8Tz6J5JrXBxDQmK",
            "{bcrypt}$2b$12$7EqJtq98hPqEX7fNZaFWoOhi5BWX4Z3xu.Y1Tn8Tz6J5JrXBxDQmK",
            "$argon2id$v=19$m=16384,t=2,p=1$c2FsdA$aGFzaA",
            "ght_Ab3dE9xQ_S3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3cr3tA",
    })
    void secretShapesAreReplaced(String secret) {
        String scrubbed = AuditLog.scrub("before " + secret + " after");

        assertThat(scrubbed).startsWith("before [").endsWith("after").doesNotContain("PRIVATE KEY", "$2", "$argon2", "ght_Ab3d");
    }

    @Test
    void aPemBlockWithoutItsEndIsCutToTheEnd() {
        assertThat(AuditLog.scrub("key: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC and more"))
                .isEqualTo("key: [PEM block]");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "site 12 app.example.com: hostnames [a] → [a, b]; forceHttps false → true",
            "revoked API token 'ci' (ght_Ab3dE9xQ_…) of admin@example.test",
            "backend app: connectTimeout PT5S → PT2S",
    })
    void ordinarySummariesAreKeptAsTheyAre(String summary) {
        assertThat(AuditLog.scrub(summary)).isEqualTo(summary);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Alice@Example.TEST | alice@example.test",
            "' bob@example.test ' | bob@example.test",
            "hunter2-my-password | (not an email address)",
            "two words@example.test | (not an email address)",
            "'' | (blank)",
    })
    void aFailedSignInIsLoggedUnderTheTypedEmailOnlyWhenItIsOne(String typed, String actor) {
        assertThat(AuditLog.attemptedActor(typed)).isEqualTo(actor);
    }

    @ParameterizedTest
    @CsvSource({"abc, 5, abc", "abcdefgh, 5, abcd…"})
    void longTextIsCutToTheColumn(String text, int max, String fitted) {
        assertThat(AuditLog.fit(text, max)).isEqualTo(fitted);
    }
}

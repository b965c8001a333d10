package dev.gatehouse.admin.accesslist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.engine.ConfigError;
import dev.gatehouse.engine.config.AccessListDefinition;
import dev.gatehouse.engine.policy.PolicyValidation;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;

/** The hashes the dashboard stores are the ones the engine accepts and checks. */
class BasicAuthPasswordsTest {

    private final BasicAuthPasswords passwords = new BasicAuthPasswords();

    @Test
    void aHashIsCost10BcryptThatTheEngineAcceptsAndChecksTheWayItDoes() {
        String hash = passwords.hash("correct horse battery");

        assertThat(hash).startsWith("$2a$10$").hasSize(60).doesNotContain("correct");
        List<ConfigError> errors = new ArrayList<>();
        PolicyValidation.validateAccessLists(List.of(new AccessListDefinition("staff", List.of(),
                List.of(new AccessListDefinition.BasicAuthUser("alice", hash)), false, null)), errors);
        assertThat(errors).isEmpty();
        // the engine's own bcrypt implementation
        assertThat(OpenBSDBCrypt.checkPassword(hash, "correct horse battery".toCharArray())).isTrue();
        assertThat(OpenBSDBCrypt.checkPassword(hash, "correct horse battery!".toCharArray())).isFalse();
        assertThat(passwords.matches("correct horse battery", hash)).isTrue();
    }

    @Test
    void everyHashHasASaltOfItsOwn() {
        assertThat(passwords.hash("same password")).isNotEqualTo(passwords.hash("same password"));
    }
}

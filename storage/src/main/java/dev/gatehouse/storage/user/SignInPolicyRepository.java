package dev.gatehouse.storage.user;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.storage.internal.JdbcSupport;

/**
 * How the dashboard signs people in (table {@code sign_in_policy}, row 1, created by the migration with
 * two-factor sign-in not required). Each method is one statement.
 */
public class SignInPolicyRepository {

    private final JdbcClient jdbc;

    public SignInPolicyRepository(DataSource dataSource) {
        this.jdbc = JdbcSupport.client(dataSource);
    }

    /** Whether every user must have two-factor sign-in; default false. */
    public boolean twoFactorRequired() {
        return jdbc.sql("SELECT two_factor_required FROM sign_in_policy WHERE id = 1")
                .query(Boolean.class)
                .optional()
                // the migration inserts the row and nothing deletes it; a missing row still means the default
                .orElse(false);
    }

    public void setTwoFactorRequired(boolean required) {
        jdbc.sql("UPDATE sign_in_policy SET two_factor_required = :required WHERE id = 1")
                .param("required", required)
                .update();
    }
}

package dev.gatehouse.admin.user;

/**
 * A new user as the form or the API sends it; validated by {@link UserService}.
 *
 * @param email the sign-in name (required)
 * @param password the initial password (required; {@code PasswordPolicy})
 * @param role {@code administrator}, {@code operator} or {@code viewer} (required)
 */
public record UserCommand(String email, String password, String role) {

    /** Keeps the password out of logs and exception messages. */
    @Override
    public String toString() {
        return "UserCommand[email=" + email + ", role=" + role + "]";
    }
}

package dev.gatehouse.admin.user;

import java.util.Set;

/**
 * What the "Add user" form posts. The password is never rendered back into the page: a rejected form asks
 * for it again.
 */
public class UserForm {

    /** The form's controls; problems about anything else are shown above it. */
    static final Set<String> FIELDS = Set.of("email", "password", "role");

    /** The sign-in email; default empty (required). */
    private String email = "";
    /** The initial password; default empty (required, the password policy applies). */
    private String password = "";
    /** {@code administrator}, {@code operator} or {@code viewer}; default {@code viewer}, the least. */
    private String role = Role.VIEWER.label();

    UserCommand toCommand() {
        return new UserCommand(email, password, role);
    }

    public String getEmail() {
        return email;
    }

    public void setEmail(String email) {
        this.email = email;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getRole() {
        return role;
    }

    public void setRole(String role) {
        this.role = role;
    }

    /** Keeps the password out of logs. */
    @Override
    public String toString() {
        return "UserForm[email=" + email + ", role=" + role + "]";
    }
}

package dev.gatehouse.admin.user;

import java.util.Set;

/** What the "Reset password" form posts: the new password, never rendered back into the page. */
public class PasswordForm {

    static final Set<String> FIELDS = Set.of("password");

    /** The new password; default empty (required, the password policy applies). */
    private String password = "";

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    /** Keeps the password out of logs. */
    @Override
    public String toString() {
        return "PasswordForm[]";
    }
}

package dev.gatehouse.admin.setup;

import java.util.Set;

/** The first administrator's account, as the setup page posts it. */
public class SetupForm {

    /** The form's controls; problems about other fields are shown above the form. */
    static final Set<String> FIELDS = Set.of("email", "password", "confirmPassword");

    /** The administrator's email, also the sign-in name; default empty. */
    private String email = "";
    /** Default empty; never sent back to the browser. */
    private String password = "";
    /** Must equal {@link #password}; default empty; never sent back to the browser. */
    private String confirmPassword = "";

    public boolean passwordsMatch() {
        return password != null && password.equals(confirmPassword);
    }

    /** Clears both passwords so that a re-rendered form never contains them. */
    public void forgetPasswords() {
        password = "";
        confirmPassword = "";
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

    public String getConfirmPassword() {
        return confirmPassword;
    }

    public void setConfirmPassword(String confirmPassword) {
        this.confirmPassword = confirmPassword;
    }
}

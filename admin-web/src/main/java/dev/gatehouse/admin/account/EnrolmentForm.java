package dev.gatehouse.admin.account;

import java.util.Set;

/** The first code from the authenticator app, which proves it has the secret before two-factor sign-in is on. */
public class EnrolmentForm {

    static final Set<String> FIELDS = Set.of("code");

    /** Six digits as the app shows them (a space in the middle is fine); default empty. */
    private String code = "";

    public String getCode() {
        return code;
    }

    public void setCode(String code) {
        this.code = code;
    }
}

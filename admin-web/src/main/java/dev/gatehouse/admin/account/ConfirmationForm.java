package dev.gatehouse.admin.account;

import java.util.Set;

/**
 * "Confirm it's you": the password, and the code when two-factor sign-in is on. Posted by the
 * re-authentication page and by "turn two-factor sign-in off". Never rendered back with the password.
 */
public class ConfirmationForm {

    static final Set<String> FIELDS = Set.of("password", "code", "next");

    /** Default empty. */
    private String password = "";
    /** The authenticator's code or a recovery code; default empty (ignored without two-factor sign-in). */
    private String code = "";
    /** Where to go afterwards, a path on this server; default the account page. */
    private String next = "/account";

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getCode() {
        return code;
    }

    public void setCode(String code) {
        this.code = code;
    }

    public String getNext() {
        return next;
    }

    public void setNext(String next) {
        this.next = next;
    }

    /** Before an error re-renders the form: neither secret goes back to the browser. */
    void forgetSecrets() {
        password = "";
        code = "";
    }
}

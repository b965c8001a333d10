package dev.gatehouse.admin.login;

/** What the code step of the sign-in posts: the authenticator's 6 digits or a recovery code. */
public class CodeForm {

    /** As typed; default empty. */
    private String code = "";

    public String getCode() {
        return code;
    }

    public void setCode(String code) {
        this.code = code;
    }
}

package dev.gatehouse.admin.account;

import java.util.Set;

/** The sign-in policy administrators set. */
public class PolicyForm {

    static final Set<String> FIELDS = Set.of("twoFactorRequired");

    /** Every user must sign in with a second factor; default off. */
    private boolean twoFactorRequired;

    public boolean isTwoFactorRequired() {
        return twoFactorRequired;
    }

    public void setTwoFactorRequired(boolean twoFactorRequired) {
        this.twoFactorRequired = twoFactorRequired;
    }
}

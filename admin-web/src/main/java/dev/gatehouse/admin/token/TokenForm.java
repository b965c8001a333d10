package dev.gatehouse.admin.token;

import dev.gatehouse.storage.token.ApiToken;
import java.time.LocalDate;
import java.util.Set;

/**
 * What the "New API token" form posts. Everything is text, so a tampered value gets a message from
 * {@link TokenValidator} instead of a conversion error.
 */
public class TokenForm {

    /** The form's controls; problems about anything else are shown above it. */
    static final Set<String> FIELDS = Set.of("name", "scope", "expiresOn");

    /** What the token is for; default empty (required). */
    private String name = "";
    /** {@code read-only} or {@code read-write}; default {@code read-only}, the least a script may need. */
    private String scope = ApiToken.READ_ONLY;
    /** The last day the token works, {@code YYYY-MM-DD} (UTC); default the suggestion the page is given; empty = never. */
    private String expiresOn = "";

    /** A blank form; {@code suggestedExpiry} (null for none) fills the expiry date. */
    static TokenForm blank(LocalDate suggestedExpiry) {
        TokenForm form = new TokenForm();
        form.setExpiresOn(suggestedExpiry == null ? "" : suggestedExpiry.toString());
        return form;
    }

    TokenCommand toCommand() {
        return new TokenCommand(name, scope, expiresOn);
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getScope() {
        return scope;
    }

    public void setScope(String scope) {
        this.scope = scope;
    }

    public String getExpiresOn() {
        return expiresOn;
    }

    public void setExpiresOn(String expiresOn) {
        this.expiresOn = expiresOn;
    }
}

package dev.gatehouse.engine.policy;

import dev.gatehouse.engine.config.AccessListDefinition;
import dev.gatehouse.engine.config.AccessListDefinition.AddressRule;
import dev.gatehouse.engine.config.AccessListDefinition.BasicAuthUser;
import dev.gatehouse.engine.routing.AddressRanges;
import io.netty.util.AsciiString;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** An {@link AccessListDefinition} compiled for the request path: address ranges and user hashes. */
public final class AccessControl {

    /** What the list says about one request. */
    public enum Outcome {
        /** Let it through. */
        PASS,
        /** 403: the address is refused. */
        FORBIDDEN,
        /** 401 with {@link #challenge()}: sign in, or the credentials were wrong. */
        CHALLENGE,
        /** The credentials are not checked yet: {@link #verify} them, then ask again. */
        VERIFY
    }

    private final String name;
    private final AddressRanges[] ranges;
    private final boolean[] allows;
    private final boolean hasAllowRule;
    private final Map<String, String> hashByUser;
    private final boolean satisfyAll;
    private final AsciiString challenge;

    public AccessControl(AccessListDefinition definition) {
        this.name = definition.name();
        List<AddressRule> rules = definition.rules();
        this.ranges = new AddressRanges[rules.size()];
        this.allows = new boolean[rules.size()];
        boolean anyAllow = false;
        for (int i = 0; i < rules.size(); i++) {
            ranges[i] = AddressRanges.of(List.of(rules.get(i).address()));
            allows[i] = rules.get(i).allow();
            anyAllow |= allows[i];
        }
        this.hasAllowRule = anyAllow;
        Map<String, String> users = new HashMap<>();
        for (BasicAuthUser user : definition.users()) {
            users.put(user.username(), user.passwordHash());
        }
        this.hashByUser = Map.copyOf(users);
        this.satisfyAll = definition.satisfyAll();
        this.challenge = AsciiString.cached("Basic realm=\"" + definition.realm().replace("\\", "\\\\").replace("\"", "\\\"")
                + "\", charset=\"UTF-8\"");
    }

    public String name() {
        return name;
    }

    /** The {@code WWW-Authenticate} value of a 401. */
    public AsciiString challenge() {
        return challenge;
    }

    /**
     * @param client the client's address (see {@link AccessListDefinition#rules()})
     * @param authorization the request's {@code Authorization} header, or null
     */
    public Outcome check(InetSocketAddress client, String authorization, CredentialVerifier verifier) {
        int address = addressVerdict(client);
        if (address < 0) {
            return Outcome.FORBIDDEN;
        }
        if (hashByUser.isEmpty()) {
            return address == 0 && hasAllowRule ? Outcome.FORBIDDEN : Outcome.PASS;
        }
        if (address > 0 && !satisfyAll) {
            return Outcome.PASS;
        }
        if (address == 0 && hasAllowRule) {
            // An allow list that does not list the address: with "all" nothing helps; with "any" the users decide.
            if (satisfyAll) {
                return Outcome.FORBIDDEN;
            }
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Outcome.CHALLENGE;
        }
        Boolean known = verifier.cached(this, authorization);
        if (known == null) {
            return Outcome.VERIFY;
        }
        return known ? Outcome.PASS : Outcome.CHALLENGE;
    }

    /** 1 an allow rule matched, -1 a deny rule matched, 0 none matched. */
    private int addressVerdict(InetSocketAddress client) {
        for (int i = 0; i < ranges.length; i++) {
            if (ranges[i].contains(client)) {
                return allows[i] ? 1 : -1;
            }
        }
        return 0;
    }

    /** Checks {@code authorization}'s password off the event loop; afterwards {@link #check} knows the answer. */
    public CompletableFuture<Boolean> verify(String authorization, CredentialVerifier verifier) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            decoded = "";
        }
        int colon = decoded.indexOf(':');
        String user = colon < 0 ? decoded : decoded.substring(0, colon);
        char[] password = (colon < 0 ? "" : decoded.substring(colon + 1)).toCharArray();
        return verifier.verify(this, authorization, colon < 0 ? null : hashByUser.get(user), password);
    }
}

package dev.gatehouse.engine.routing;

import dev.gatehouse.engine.config.HeaderPolicy;
import dev.gatehouse.engine.config.HeaderPolicy.HeaderRule;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;

/** A site's {@link HeaderPolicy} ready for the request path: names and values as constant {@link AsciiString}s. */
public final class CompiledHeaders {

    private final boolean passHost;
    private final AddressRanges trusted;
    private final boolean forwardedHeader;
    private final Change[] request;
    private final Change[] response;

    private record Change(HeaderRule.Action action, AsciiString name, AsciiString value) {
    }

    private CompiledHeaders(HeaderPolicy policy) {
        this.passHost = policy.passHost();
        this.forwardedHeader = policy.forwardedHeader();
        this.trusted = AddressRanges.of(policy.trustedProxies());
        this.request = compile(policy.request());
        this.response = compile(policy.response());
    }

    /** Null for the default policy: the request path then does nothing at all. */
    static CompiledHeaders of(HeaderPolicy policy) {
        return policy == null || policy.changesNothing() ? null : new CompiledHeaders(policy);
    }

    private static Change[] compile(List<HeaderRule> rules) {
        return rules.stream().map(rule -> new Change(rule.action(),
                AsciiString.cached(rule.name().toLowerCase(Locale.ROOT)),
                rule.value() == null ? null : AsciiString.cached(rule.value()))).toArray(Change[]::new);
    }

    /** True when the connection comes from a proxy in front that the site trusts. */
    public boolean trusts(InetSocketAddress peer) {
        return trusted.contains(peer);
    }

    /** Send RFC 7239 Forwarded too. */
    public boolean forwardedHeader() {
        return forwardedHeader;
    }

    /** False: the backend gets its own address as Host. */
    public boolean passHost() {
        return passHost;
    }

    public void applyToRequest(HttpHeaders headers) {
        apply(request, headers);
    }

    public void applyToResponse(HttpHeaders headers) {
        apply(response, headers);
    }

    private static void apply(Change[] changes, HttpHeaders headers) {
        for (Change change : changes) {
            switch (change.action()) {
                case SET -> headers.set(change.name(), change.value());
                case ADD -> headers.add(change.name(), change.value());
                case REMOVE -> headers.remove(change.name());
            }
        }
    }
}

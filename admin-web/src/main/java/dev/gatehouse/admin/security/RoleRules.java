package dev.gatehouse.admin.security;

import dev.gatehouse.admin.token.ApiTokenAuthentication;
import dev.gatehouse.admin.user.CurrentRoles;
import dev.gatehouse.admin.user.Role;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.stereotype.Component;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Which role may make which request, by path and method: the one place roles are enforced, for every page,
 * form and API call, before any controller runs ({@link SecurityConfiguration} asks it for every request but
 * the public pages). {@link ObjectPermissions} adds the per-object rules on top (whose API token is it?).
 *
 * <ul>
 *   <li><b>administrator</b>: everything.</li>
 *   <li><b>operator</b>: reads everything but users; creates, changes and deletes sites, backends, streams,
 *       certificates and access lists, and their own API tokens; reads the audit log. Not users, not settings.</li>
 *   <li><b>viewer</b>: reads (GET, HEAD) everything but users and the audit log, and not the pages that are
 *       only forms (.../new, .../edit, .../replace); changes nothing.</li>
 *   <li>everyone signed in: their own account ({@code /account/**}, but for the sign-in policy there, which is
 *       an administrator's setting) and signing out.</li>
 * </ul>
 * An authentication without a role (a sign-in still waiting for its second factor) gets none of this.
 * Paths are matched with the same parser as the controllers' mappings (decoded, without path parameters),
 * so a spelling the controllers accept cannot slip past a rule. Anything not named is refused to all but
 * administrators unless it is a read.
 */
@Component
public class RoleRules {

    private static final PathPatternParser PARSER = PathPatternParser.defaultInstance;

    /** A user's own things, whatever their role: their password and second factor, signing out. */
    private static final List<PathPattern> SELF_SERVICE = patterns("/account/**", "/logout");
    /**
     * Administrators only, even to read: user management, and the sign-in policy (two-factor for everyone),
     * which lives on the account page but is a setting for all.
     */
    private static final List<PathPattern> ADMINISTRATION = patterns("/users/**", "/api/v1/users/**",
            "/account/security/policy/**");
    /** Read by operators (and administrators). */
    private static final List<PathPattern> AUDIT_LOG = patterns("/audit/**", "/api/v1/audit/**");
    /** Each operator manages the tokens they created; {@link ObjectPermissions} checks whose a token is. */
    private static final List<PathPattern> API_TOKENS = patterns("/tokens/**");
    /** What operators run: the proxy's objects. Settings are not among them. */
    private static final List<PathPattern> OPERATED = patterns(
            "/sites/**", "/backends/**", "/streams/**", "/certificates/**", "/access-lists/**",
            "/api/v1/sites/**", "/api/v1/backends/**", "/api/v1/streams/**", "/api/v1/certificates/**",
            "/api/v1/access-lists/**");
    /** Last path segments of pages that are nothing but a form to change something. */
    private static final Set<String> FORM_PAGES = Set.of("new", "edit", "replace");

    private final CurrentRoles roles;

    public RoleRules(CurrentRoles roles) {
        this.roles = Objects.requireNonNull(roles, "roles");
    }

    /** For the dashboard's pages and forms. Anonymous callers are refused (and sent to the login page). */
    public Mono<AuthorizationResult> pages(Mono<Authentication> authentication, AuthorizationContext context) {
        ServerHttpRequest request = context.getExchange().getRequest();
        return authentication
                .map(caller -> (AuthorizationResult) new AuthorizationDecision(caller.isAuthenticated()
                        && allows(roles.of(caller).orElse(null), request.getMethod(), request.getPath().pathWithinApplication())))
                .defaultIfEmpty(new AuthorizationDecision(false));
    }

    /**
     * For {@code /api/**}: the caller's role as for pages, and for an API token also its scope (a read-only
     * token may only GET and HEAD). Anonymous callers are refused here and answered 401 by the entry point.
     */
    public Mono<AuthorizationResult> api(Mono<Authentication> authentication, AuthorizationContext context) {
        ServerHttpRequest request = context.getExchange().getRequest();
        HttpMethod method = request.getMethod();
        return authentication
                .map(caller -> (AuthorizationResult) new AuthorizationDecision(caller.isAuthenticated()
                        && allows(roles.of(caller).orElse(null), method, request.getPath().pathWithinApplication())
                        && (!(caller instanceof ApiTokenAuthentication token) || token.permits(method))))
                .defaultIfEmpty(new AuthorizationDecision(false));
    }

    /** The rule table; {@code role} null (no role) is refused everything. */
    static boolean allows(Role role, HttpMethod method, PathContainer path) {
        if (role == null || method == null) {
            return false;
        }
        if (role == Role.ADMIN) {
            return true;
        }
        if (matches(ADMINISTRATION, path)) {
            return false;
        }
        if (matches(SELF_SERVICE, path)) {
            return true;
        }
        boolean read = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
        if (matches(AUDIT_LOG, path)) {
            return read && role == Role.OPERATOR;
        }
        if (matches(API_TOKENS, path)) {
            return role == Role.OPERATOR || (read && !isFormPage(path));
        }
        if (read) {
            return role == Role.OPERATOR || !isFormPage(path);
        }
        return role == Role.OPERATOR && matches(OPERATED, path);
    }

    /** As {@link #allows(Role, HttpMethod, PathContainer)}, for a path as a string. */
    public static boolean allows(Role role, HttpMethod method, String path) {
        return allows(role, method, PathContainer.parsePath(path));
    }

    private static boolean isFormPage(PathContainer path) {
        List<PathContainer.Element> elements = path.elements();
        for (int i = elements.size() - 1; i >= 0; i--) {
            if (elements.get(i) instanceof PathContainer.PathSegment segment) {
                return FORM_PAGES.contains(segment.valueToMatch());
            }
        }
        return false;
    }

    private static boolean matches(List<PathPattern> patterns, PathContainer path) {
        for (PathPattern pattern : patterns) {
            if (pattern.matches(path)) {
                return true;
            }
        }
        return false;
    }

    private static List<PathPattern> patterns(String... patterns) {
        return java.util.Arrays.stream(patterns).map(PARSER::parse).toList();
    }
}

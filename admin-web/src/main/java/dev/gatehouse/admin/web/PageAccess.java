package dev.gatehouse.admin.web;

import dev.gatehouse.admin.security.RoleRules;
import dev.gatehouse.admin.user.Role;
import org.springframework.http.HttpMethod;

/**
 * What the signed-in user's role lets them do, for templates to show only the buttons and forms that will
 * work. Derived from {@link RoleRules}, which enforces the same on every request: hiding is for clarity, the
 * rules are the protection.
 *
 * @param role the role's label ({@code administrator}, {@code operator}, {@code viewer})
 * @param changeConfig add, change and delete sites, backends, streams, certificates and access lists
 * @param changeSettings change the settings (default site, listeners)
 * @param manageUsers see and manage users
 * @param readAuditLog read the audit log
 * @param createTokens create API tokens
 */
public record PageAccess(String role, boolean changeConfig, boolean changeSettings, boolean manageUsers,
                         boolean readAuditLog, boolean createTokens) {

    /** For {@code role}; a caller without a role may do nothing. */
    public static PageAccess of(Role role) {
        if (role == null) {
            return new PageAccess("none", false, false, false, false, false);
        }
        return new PageAccess(role.label(),
                RoleRules.allows(role, HttpMethod.POST, "/sites"),
                RoleRules.allows(role, HttpMethod.POST, "/settings/default-site"),
                RoleRules.allows(role, HttpMethod.GET, "/users"),
                RoleRules.allows(role, HttpMethod.GET, "/audit"),
                RoleRules.allows(role, HttpMethod.POST, "/tokens"));
    }
}

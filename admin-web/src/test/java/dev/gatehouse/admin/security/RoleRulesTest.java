package dev.gatehouse.admin.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.user.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.HttpMethod;

/** The role table, request by request: what each role may GET, POST, PUT and DELETE. */
class RoleRulesTest {

    @ParameterizedTest(name = "{0} {1}: administrator {2}, operator {3}, viewer {4}")
    @CsvSource({
            // reading the proxy's objects, status and settings: everyone
            "GET,    /,                                true, true,  true",
            "GET,    /sites,                           true, true,  true",
            "HEAD,   /sites,                           true, true,  true",
            "GET,    /certificates/3,                  true, true,  true",
            "GET,    /certificates/3/chain.pem,        true, true,  true",
            "GET,    /settings,                        true, true,  true",
            "GET,    /dashboard/status,                true, true,  true",
            "GET,    /api/v1/sites,                    true, true,  true",
            "GET,    /api/v1/sites/4,                  true, true,  true",
            "GET,    /api/v1/status,                   true, true,  true",
            "GET,    /api/v1/settings/default-site,    true, true,  true",
            "GET,    /api/v1/backends/status,          true, true,  true",
            // pages that are only a form: not for viewers
            "GET,    /sites/new,                       true, true,  false",
            "GET,    /sites/4/edit,                    true, true,  false",
            "GET,    /sites/4/edit/,                   true, true,  false",
            "GET,    /certificates/3/replace,          true, true,  false",
            "GET,    /tokens/new,                      true, true,  false",
            // changing the proxy's objects: administrators and operators
            "POST,   /sites,                           true, true,  false",
            "POST,   /sites/4,                         true, true,  false",
            "POST,   /sites/4/delete,                  true, true,  false",
            "POST,   /sites/new/add-rule/request,      true, true,  false",
            "POST,   /backends/2/servers/drain,        true, true,  false",
            "POST,   /streams/1/disable,               true, true,  false",
            "POST,   /certificates,                    true, true,  false",
            "POST,   /certificates/check,              true, true,  false",
            "POST,   /access-lists/5/delete,           true, true,  false",
            "POST,   /api/v1/sites,                    true, true,  false",
            "PUT,    /api/v1/sites/4,                  true, true,  false",
            "DELETE, /api/v1/sites/4,                  true, true,  false",
            "PUT,    /api/v1/backends/2,               true, true,  false",
            "POST,   /api/v1/streams/1/enable,         true, true,  false",
            "DELETE, /api/v1/certificates/3,           true, true,  false",
            "POST,   /api/v1/access-lists,             true, true,  false",
            "PATCH,  /api/v1/sites/4,                  true, true,  false",
            // settings: administrators only
            "POST,   /settings/default-site,           true, false, false",
            "POST,   /settings/listeners,              true, false, false",
            "PUT,    /api/v1/settings/default-site,    true, false, false",
            "PUT,    /api/v1/settings/listeners,       true, false, false",
            // users: administrators only, even to read
            "GET,    /users,                           true, false, false",
            "GET,    /users/,                          true, false, false",
            "GET,    /users/new,                       true, false, false",
            "POST,   /users,                           true, false, false",
            "POST,   /users/2/role,                    true, false, false",
            "GET,    /api/v1/users,                    true, false, false",
            "POST,   /api/v1/users,                    true, false, false",
            "PUT,    /api/v1/users/2,                  true, false, false",
            "DELETE, /api/v1/users/2,                  true, false, false",
            // the audit log: read by administrators and operators
            "GET,    /audit,                           true, true,  false",
            "GET,    /api/v1/audit,                    true, true,  false",
            "POST,   /api/v1/audit,                    true, false, false",
            // API tokens: operators their own (ObjectPermissions), viewers read only
            "GET,    /tokens,                          true, true,  true",
            "POST,   /tokens,                          true, true,  false",
            "POST,   /tokens/4/revoke,                 true, true,  false",
            // one's own account and signing out: everyone
            "GET,    /account,                         true, true,  true",
            "POST,   /account/security/two-factor,     true, true,  true",
            "POST,   /account/security/policy,         true, false, false",
            "POST,   /logout,                          true, true,  true",
            // anything not named is a change only administrators make
            "POST,   /somewhere/else,                  true, false, false",
            "DELETE, /api/v1/anything,                 true, false, false",
    })
    void eachRoleMayMakeTheseRequests(String method, String path, boolean administrator, boolean operator, boolean viewer) {
        HttpMethod httpMethod = HttpMethod.valueOf(method);
        assertThat(RoleRules.allows(Role.ADMIN, httpMethod, path)).as("administrator").isEqualTo(administrator);
        assertThat(RoleRules.allows(Role.OPERATOR, httpMethod, path)).as("operator").isEqualTo(operator);
        assertThat(RoleRules.allows(Role.VIEWER, httpMethod, path)).as("viewer").isEqualTo(viewer);
    }

    @Test
    void noRoleMayDoAnything() {
        assertThat(RoleRules.allows(null, HttpMethod.GET, "/")).isFalse();
        assertThat(RoleRules.allows(null, HttpMethod.GET, "/account")).isFalse();
        assertThat(RoleRules.allows(null, HttpMethod.POST, "/logout")).isFalse();
    }

    /** Spellings the controllers' mappings accept match the rules the same way: no way around a rule. */
    @ParameterizedTest
    @CsvSource({
            "/users;jsessionid=x",
            "/%75sers",
            "/users/2;x=y/role",
            "/api/v1/%75sers",
            "/api/v1/users/",
    })
    void aPathSpelledDifferentlyIsStillTheSamePath(String path) {
        assertThat(RoleRules.allows(Role.OPERATOR, HttpMethod.GET, path)).isFalse();
        assertThat(RoleRules.allows(Role.OPERATOR, HttpMethod.POST, path)).isFalse();
    }
}

package dev.gatehouse.admin.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.admin.common.ForbiddenException;
import dev.gatehouse.admin.security.ObjectPermissions.Action;
import dev.gatehouse.admin.user.Role;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

class ObjectPermissionsTest {

    /** role (NONE = no role), action, object type, id (empty = null), owned by the caller, allowed. */
    @ParameterizedTest(name = "{0} {1} {2} {3} own={4} -> {5}")
    @CsvSource({
            "ADMIN,    READ,   certificate, 1, false, true",
            "ADMIN,    CHANGE, certificate, 1, false, true",
            "ADMIN,    DELETE, certificate, 1, false, true",
            "ADMIN,    CREATE, certificate,  , false, true",
            "ADMIN,    READ,   certificate,  , false, false",
            "OPERATOR, READ,   certificate, 1, false, true",
            "OPERATOR, CREATE, certificate,  , false, true",
            "OPERATOR, CHANGE, certificate, 1, false, true",
            "OPERATOR, DELETE, certificate, 1, false, true",
            "VIEWER,   READ,   certificate, 1, false, true",
            "VIEWER,   CREATE, certificate,  , false, false",
            "VIEWER,   CHANGE, certificate, 1, false, false",
            "VIEWER,   DELETE, certificate, 1, false, false",
            "NONE,     READ,   certificate, 1, false, false",
            "ADMIN,    DELETE, api-token,   4, false, true",
            "OPERATOR, CREATE, api-token,    , false, true",
            "OPERATOR, READ,   api-token,   4, true,  true",
            "OPERATOR, DELETE, api-token,   4, true,  true",
            "OPERATOR, READ,   api-token,   4, false, false",
            "OPERATOR, DELETE, api-token,   4, false, false",
            "VIEWER,   CREATE, api-token,    , false, false",
            "VIEWER,   READ,   api-token,   4, true,  true",
            "VIEWER,   DELETE, api-token,   4, true,  false",
            "ADMIN,    CREATE, user,         , false, true",
            "ADMIN,    DELETE, user,        2, false, true",
            "OPERATOR, READ,   user,        2, false, false",
            "OPERATOR, CHANGE, user,        2, true,  false",
            "OPERATOR, CREATE, user,         , false, false",
            "VIEWER,   READ,   user,        2, true,  false",
            "OPERATOR, READ,   unknown,     1, false, false",
    })
    void decide(String role, Action action, String type, Long id, boolean own, boolean allowed) {
        Role caller = role.equals("NONE") ? null : Role.valueOf(role);
        assertThat(ObjectPermissions.decide(caller, action, type, id, own)).isEqualTo(allowed);
    }

    @Test
    void requireNamesTheRefusedActionAndObject() {
        var viewer = UsernamePasswordAuthenticationToken.authenticated("v@example.test", null,
                List.of(new SimpleGrantedAuthority("ROLE_VIEWER")));
        var admin = UsernamePasswordAuthenticationToken.authenticated("a@example.test", null,
                List.of(new SimpleGrantedAuthority("ROLE_ADMIN")));
        ObjectPermissions permissions = new ObjectPermissions();

        assertThat(permissions.require(admin, Action.DELETE, ObjectPermissions.CERTIFICATE, 7L).block()).isNull();
        assertThat(permissions.require(viewer, Action.READ, ObjectPermissions.CERTIFICATE, 7L).block()).isNull();
        assertThatThrownBy(() -> permissions.require(viewer, Action.DELETE, ObjectPermissions.CERTIFICATE, 7L).block())
                .isInstanceOf(ForbiddenException.class).hasMessage("you may not delete certificate 7");
        assertThatThrownBy(() -> permissions.require(null, Action.READ, ObjectPermissions.CERTIFICATE, 7L).block())
                .isInstanceOf(ForbiddenException.class);
    }

    @Test
    void aTokenIsTheCallersWhenTheOwnerIsTheirEmailInAnyLetterCase() {
        var operator = UsernamePasswordAuthenticationToken.authenticated("op@example.test", null,
                List.of(new SimpleGrantedAuthority("ROLE_OPERATOR")));
        ObjectPermissions permissions = new ObjectPermissions();

        assertThat(permissions.allows(operator, Action.DELETE, ObjectPermissions.API_TOKEN, 3L, "OP@example.test").block()).isTrue();
        assertThat(permissions.allows(operator, Action.DELETE, ObjectPermissions.API_TOKEN, 3L, "admin@example.test").block()).isFalse();
        assertThat(permissions.allows(operator, Action.DELETE, ObjectPermissions.API_TOKEN, 3L).block()).as("owner unknown").isFalse();
    }

    @Test
    void aRoleWithoutTheRolePrefixIsNoRole() {
        var odd = UsernamePasswordAuthenticationToken.authenticated("a@example.test", null,
                List.of(new SimpleGrantedAuthority("ADMIN")));

        assertThat(new ObjectPermissions().allows(odd, Action.READ, ObjectPermissions.CERTIFICATE, 1L).block()).isFalse();
    }
}

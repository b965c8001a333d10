package dev.gatehouse.admin.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.common.ForbiddenException;
import dev.gatehouse.admin.security.ObjectPermissions.Action;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

class ObjectPermissionsTest {

    static Stream<Arguments> decisions() {
        return Stream.of(
                Arguments.of(Set.of("ROLE_ADMIN"), Action.READ, 1L, true),
                Arguments.of(Set.of("ROLE_ADMIN"), Action.CHANGE, 1L, true),
                Arguments.of(Set.of("ROLE_ADMIN"), Action.DELETE, 1L, true),
                Arguments.of(Set.of("ROLE_ADMIN"), Action.CREATE, null, true),
                Arguments.of(Set.of("ROLE_ADMIN"), Action.READ, null, false),
                Arguments.of(Set.of("ROLE_VIEWER"), Action.READ, 1L, false),
                Arguments.of(Set.of(), Action.READ, 1L, false),
                Arguments.of(Set.of("ADMIN"), Action.READ, 1L, false));
    }

    @ParameterizedTest(name = "{0} {1} certificate {2} -> {3}")
    @MethodSource("decisions")
    void decide(Set<String> authorities, Action action, Long id, boolean allowed) {
        assertThat(ObjectPermissions.decide(authorities, action, ObjectPermissions.CERTIFICATE, id)).isEqualTo(allowed);
    }

    @Test
    void requireNamesTheRefusedActionAndObject() {
        var viewer = UsernamePasswordAuthenticationToken.authenticated("v@example.test", null,
                List.of(new SimpleGrantedAuthority("ROLE_VIEWER")));
        var admin = UsernamePasswordAuthenticationToken.authenticated("a@example.test", null,
                List.of(new SimpleGrantedAuthority("ROLE_ADMIN")));
        ObjectPermissions permissions = new ObjectPermissions();

        assertThat(permissions.require(admin, Action.DELETE, ObjectPermissions.CERTIFICATE, 7L).block()).isNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> permissions.require(viewer, Action.DELETE, ObjectPermissions.CERTIFICATE, 7L).block())
                .isInstanceOf(ForbiddenException.class).hasMessage("you may not delete certificate 7");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> permissions.require(null, Action.READ, ObjectPermissions.CERTIFICATE, 7L).block())
                .isInstanceOf(ForbiddenException.class);
    }
}

package dev.gatehouse.admin.user;

import dev.gatehouse.admin.api.ApiController;
import dev.gatehouse.admin.security.ObjectPermissions;
import dev.gatehouse.admin.security.ObjectPermissions.Action;
import java.net.URI;
import java.security.Principal;
import java.time.Instant;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code /api/v1/users}, for administrators: list, read, create ({@code {"email":…,"password":…,"role":"operator"}}),
 * change the role ({@code PUT /{id}} with {@code {"role":…}}), reset the password ({@code PUT /{id}/password} with
 * {@code {"password":…}}), delete. Roles are {@code administrator}, {@code operator}, {@code viewer}. The last
 * administrator can be neither demoted nor deleted (409). Answers never hold a password or hash.
 */
@ApiController
@RequestMapping("/api/v1/users")
public class UserApiController {

    private final UserService users;
    private final ObjectPermissions permissions;

    public UserApiController(UserService users, ObjectPermissions permissions) {
        this.users = users;
        this.permissions = permissions;
    }

    /** A new user; every field is required. */
    public record UserRequest(String email, String password, String role) {

        @Override
        public String toString() {
            return "UserRequest[email=" + email + ", role=" + role + "]";
        }
    }

    public record RoleRequest(String role) {
    }

    public record PasswordRequest(String password) {

        @Override
        public String toString() {
            return "PasswordRequest[]";
        }
    }

    /**
     * @param lastSignInAt the last dashboard sign-in; null = none recorded
     * @param twoFactor whether the user signs in with a second factor
     */
    public record UserResponse(long id, String email, String role, Instant createdAt, Instant lastSignInAt, boolean twoFactor) {

        static UserResponse of(UserView view) {
            return new UserResponse(view.id(), view.email(), view.role().label(), view.createdAt(), view.lastSignInAt(),
                    view.twoFactor());
        }
    }

    @GetMapping
    public Flux<UserResponse> list(Principal principal) {
        return users.list().flatMapMany(Flux::fromIterable)
                .filterWhen(user -> permissions.allows(principal, Action.READ, ObjectPermissions.USER, user.id()))
                .map(UserResponse::of);
    }

    @GetMapping("/{id}")
    public Mono<UserResponse> get(@PathVariable long id, Principal principal) {
        return permissions.require(principal, Action.READ, ObjectPermissions.USER, id)
                .then(Mono.defer(() -> users.get(id))).map(UserResponse::of);
    }

    @PostMapping
    public Mono<ResponseEntity<UserResponse>> create(@RequestBody UserRequest request, Principal principal) {
        return permissions.require(principal, Action.CREATE, ObjectPermissions.USER, null)
                .then(Mono.defer(() -> users.create(new UserCommand(request.email(), request.password(), request.role()),
                        principal.getName())))
                .map(view -> ResponseEntity.created(URI.create("/api/v1/users/" + view.id())).body(UserResponse.of(view)));
    }

    @PutMapping("/{id}")
    public Mono<UserResponse> changeRole(@PathVariable long id, @RequestBody RoleRequest request, Principal principal,
                                         ServerWebExchange exchange) {
        return permissions.require(principal, Action.CHANGE, ObjectPermissions.USER, id)
                .then(exchange.getSession())
                .flatMap(session -> users.changeRole(id, request.role(), principal.getName(), session)).map(UserResponse::of);
    }

    /** Also ends the user's dashboard sessions; a call made with the user's own session cookie keeps that one. */
    @PutMapping("/{id}/password")
    public Mono<UserResponse> resetPassword(@PathVariable long id, @RequestBody PasswordRequest request, Principal principal,
                                            ServerWebExchange exchange) {
        return permissions.require(principal, Action.CHANGE, ObjectPermissions.USER, id)
                .then(exchange.getSession())
                .flatMap(session -> users.resetPassword(id, request.password(), principal.getName(), session))
                .map(UserResponse::of);
    }

    @DeleteMapping("/{id}")
    public Mono<ResponseEntity<Void>> delete(@PathVariable long id, Principal principal) {
        return permissions.require(principal, Action.DELETE, ObjectPermissions.USER, id)
                .then(Mono.defer(() -> users.delete(id, principal.getName())))
                .thenReturn(ResponseEntity.noContent().build());
    }
}

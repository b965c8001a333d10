package dev.gatehouse.admin.accesslist;

import dev.gatehouse.admin.accesslist.AccessListCommand.RuleCommand;
import dev.gatehouse.admin.accesslist.AccessListCommand.UserCommand;
import dev.gatehouse.admin.api.ApiController;
import java.net.URI;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code /api/v1/access-lists}: reusable access lists a site chooses by name ({@code "policies":
 * {"accessList":"staff"}}). List, create, read, replace, delete.
 *
 * <p>Body of POST and PUT; {@code name} and at least one rule or user are required, the other fields have
 * the default shown in brackets:
 * <pre>{@code
 * {"name": "staff",                        1-64 letters, digits, '.', '-', '_'; unique
 *  "rules": [{"action": "deny", "address": "10.0.0.66"},      [none] checked in order, the first match decides:
 *            {"action": "allow", "address": "10.0.0.0/8"}],    deny = 403; an allow list refuses the rest
 *  "users": [{"username": "alice", "password": "…"}],          [none] basic auth; password 8-72 bytes, hashed
 *                                                                with bcrypt; on PUT, a user without a password
 *                                                                keeps the one it has
 *  "satisfyAll": false,                    [false] with rules and users: false = an allowed address or a
 *                                          sign-in; true = both
 *  "realm": "Staff only"}                  [null = "Restricted"] shown in the browser's sign-in prompt
 * }</pre>
 * PUT replaces the whole list. Answers have the same shape with users as {@code {"username": "alice"}}
 * only (a password or its hash is never returned) and the realm in effect, plus {@code id},
 * {@code usedBySites}, {@code createdAt} and {@code updatedAt}. DELETE of a list a site uses is a 409.
 */
@ApiController
@RequestMapping("/api/v1/access-lists")
public class AccessListApiController {

    private final AccessListService lists;

    public AccessListApiController(AccessListService lists) {
        this.lists = lists;
    }

    /** Body of POST and PUT; PUT replaces the whole list. */
    public record AccessListRequest(String name, List<RuleCommand> rules, List<UserCommand> users, Boolean satisfyAll,
                                    String realm) {

        AccessListCommand toCommand() {
            return new AccessListCommand(name, rules, users, satisfyAll, realm);
        }
    }

    /** A user as answered: the name only. */
    public record UserResponse(String username) {
    }

    /** An access list with the realm in effect; never a password or hash. */
    public record AccessListResponse(long id, String name, List<RuleCommand> rules, List<UserResponse> users,
                                     boolean satisfyAll, String realm, List<String> usedBySites, Instant createdAt,
                                     Instant updatedAt) {

        static AccessListResponse of(AccessListView view) {
            return new AccessListResponse(view.id(), view.name(),
                    view.rules().stream().map(rule -> new RuleCommand(rule.action(), rule.address())).toList(),
                    view.usernames().stream().map(UserResponse::new).toList(), view.satisfyAll(), view.realmInEffect(),
                    view.usedBySites(), view.createdAt(), view.updatedAt());
        }
    }

    @GetMapping
    public Flux<AccessListResponse> list() {
        return lists.list().map(AccessListResponse::of);
    }

    @GetMapping("/{id}")
    public Mono<AccessListResponse> get(@PathVariable long id) {
        return lists.get(id).map(AccessListResponse::of);
    }

    @PostMapping
    public Mono<ResponseEntity<AccessListResponse>> create(@RequestBody AccessListRequest request, Principal principal) {
        return lists.create(request.toCommand(), principal.getName())
                .map(view -> ResponseEntity.created(URI.create("/api/v1/access-lists/" + view.id()))
                        .body(AccessListResponse.of(view)));
    }

    @PutMapping("/{id}")
    public Mono<AccessListResponse> replace(@PathVariable long id, @RequestBody AccessListRequest request,
                                            Principal principal) {
        return lists.update(id, request.toCommand(), principal.getName()).map(AccessListResponse::of);
    }

    @DeleteMapping("/{id}")
    public Mono<ResponseEntity<Void>> delete(@PathVariable long id, Principal principal) {
        return lists.delete(id, principal.getName()).thenReturn(ResponseEntity.noContent().build());
    }
}

package dev.gatehouse.admin.accesslist;

import dev.gatehouse.engine.config.AccessListDefinition;
import dev.gatehouse.storage.accesslist.AccessListSettings;
import java.time.Instant;
import java.util.List;

/**
 * A stored access list as the dashboard and the API show it: user names only, never a password or its hash.
 *
 * @param rules address rules in the order they are checked
 * @param usernames the basic-auth users, in the order entered
 * @param realm as stored: null = {@link AccessListDefinition#DEFAULT_REALM}
 * @param usedBySites the first hostname of each site the list guards, by site id; a list with any cannot
 *     be deleted
 */
public record AccessListView(long id, String name, List<AccessListSettings.Rule> rules, List<String> usernames,
                             boolean satisfyAll, String realm, List<String> usedBySites, Instant createdAt,
                             Instant updatedAt) {

    public AccessListView {
        rules = List.copyOf(rules);
        usernames = List.copyOf(usernames);
        usedBySites = List.copyOf(usedBySites);
    }

    /** The realm browsers show, default filled in. */
    public String realmInEffect() {
        return realm == null ? AccessListDefinition.DEFAULT_REALM : realm;
    }

    public boolean inUse() {
        return !usedBySites.isEmpty();
    }

    /** What the list shows for how the checks combine: "any" or "all" of address and password. */
    public String satisfyText() {
        return satisfyAll ? "address and password" : "address or password";
    }
}

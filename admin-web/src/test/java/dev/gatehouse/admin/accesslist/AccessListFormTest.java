package dev.gatehouse.admin.accesslist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.accesslist.AccessListCommand.RuleCommand;
import dev.gatehouse.admin.accesslist.AccessListCommand.UserCommand;
import dev.gatehouse.admin.accesslist.AccessListForm.RuleRow;
import dev.gatehouse.admin.accesslist.AccessListForm.UserRow;
import dev.gatehouse.storage.accesslist.AccessListSettings.Rule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AccessListFormTest {

    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

    /** Rows 0 and 2 are blank, so the command's rule 0 and user 0 come from row 1, its rule 1 and user 1 from row 3. */
    private static AccessListForm formWithBlankRows() {
        AccessListForm form = new AccessListForm();
        form.setName("staff");
        form.setRules(new ArrayList<>(List.of(new RuleRow(), new RuleRow("deny", "10.0.0.66"), new RuleRow("allow", " "),
                new RuleRow("allow", "10.0.0.0/8"))));
        UserRow alice = new UserRow("alice");
        alice.setPassword("alice-password");
        form.setUsers(new ArrayList<>(List.of(new UserRow(), alice, new UserRow(" "), new UserRow("bob"))));
        return form;
    }

    @Test
    void blankRowsAreNoEntriesAndAnEmptyPasswordIsSentAsNone() {
        AccessListForm form = formWithBlankRows();
        form.setSatisfy("all");

        assertThat(form.toCommand()).isEqualTo(new AccessListCommand("staff", List.of(new RuleCommand("deny", "10.0.0.66"),
                new RuleCommand("allow", "10.0.0.0/8")), List.of(new UserCommand("alice", "alice-password"),
                new UserCommand("bob", null)), true, ""));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "<null>", value = {
        "name, name", "realm, realm", "satisfyAll, satisfy", "rules, rules", "users, users",
        "rules[0].address, rules[1].address", "rules[1].action, rules[3].action", "rules[1], rules[3].address",
        "users[0].password, users[1].password", "users[1].username, users[3].username", "users[1], users[3].username",
        "users[0].passwordHash, users[1].password", "rules[7].address, rules",
        "backends, <null>", "'', <null>"})
    void aServiceProblemIsShownAtTheRowItCameFrom(String commandField, String control) {
        AccessListForm form = formWithBlankRows();
        form.toCommand();

        assertThat(form.controlFor(commandField)).isEqualTo(control);
    }

    @Test
    void anEditStartsFromTheStoredListWithEmptyPasswordBoxesAndForgettingEmptiesThemAgain() {
        AccessListForm form = AccessListForm.from(new AccessListView(3, "staff", List.of(Rule.deny("10.0.0.66")),
                List.of("alice"), true, null, List.of(), T0, T0));

        assertThat(form.getSatisfy()).isEqualTo(AccessListForm.ALL);
        assertThat(form.getRealm()).isEmpty();
        assertThat(form.getRules()).extracting(RuleRow::getAction, RuleRow::getAddress)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("deny", "10.0.0.66"));
        assertThat(form.getUsers()).extracting(UserRow::getUsername, UserRow::getPassword)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("alice", ""));

        form.getUsers().get(0).setPassword("typed-in");
        form.forgetPasswords();
        assertThat(form.getUsers().get(0).getPassword()).isEmpty();
        assertThat(form.getUsers().get(0).toString()).doesNotContain("typed-in");
    }

    @Test
    void aNewFormHasOneRowOfEachAndAddRowAddsWhereAsked() {
        AccessListForm form = AccessListForm.blank();
        assertThat(form.getRules()).hasSize(1);
        assertThat(form.getUsers()).hasSize(1);
        assertThat(form.getSatisfy()).isEqualTo(AccessListForm.ANY);

        form.addRow("user");
        form.addRow("rule");
        form.addRow("rule");
        assertThat(form.getRules()).hasSize(3);
        assertThat(form.getUsers()).hasSize(2);
        assertThat(form.toCommand().rules()).as("blank rows").isEmpty();
    }
}

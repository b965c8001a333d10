package dev.gatehouse.admin.accesslist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.admin.accesslist.AccessListCommand.RuleCommand;
import dev.gatehouse.admin.accesslist.AccessListCommand.UserCommand;
import dev.gatehouse.admin.accesslist.AccessListValidator.Valid;
import dev.gatehouse.admin.accesslist.AccessListValidator.ValidUser;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.storage.accesslist.AccessListSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AccessListValidatorTest {

    private static final String PASSWORD = "correct horse";

    private static AccessListCommand rules(RuleCommand... rules) {
        return new AccessListCommand("office", Arrays.asList(rules), null, null, null);
    }

    private static AccessListCommand users(UserCommand... users) {
        return new AccessListCommand("office", null, Arrays.asList(users), null, null);
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("an IPv4 address, trimmed", rules(new RuleCommand("allow", " 192.0.2.7 ")),
                        List.of(AccessListSettings.Rule.allow("192.0.2.7")), List.of()),
                Arguments.of("CIDR blocks of both families, any case of action", rules(new RuleCommand("DENY", "10.0.0.66"),
                        new RuleCommand("Allow", "10.0.0.0/8"), new RuleCommand("allow", "2001:db8::/32")),
                        List.of(AccessListSettings.Rule.deny("10.0.0.66"), AccessListSettings.Rule.allow("10.0.0.0/8"),
                                AccessListSettings.Rule.allow("2001:db8::/32")), List.of()),
                Arguments.of("everything: /0", rules(new RuleCommand("deny", "0.0.0.0/0"), new RuleCommand("deny", "::/0")),
                        List.of(AccessListSettings.Rule.deny("0.0.0.0/0"), AccessListSettings.Rule.deny("::/0")), List.of()),
                Arguments.of("a user, name trimmed, password as typed", users(new UserCommand(" alice ", " spaces count ")),
                        List.of(), List.of(new ValidUser("alice", " spaces count "))),
                Arguments.of("8 characters, and 72 bytes exactly", users(new UserCommand("a", "12345678"),
                        new UserCommand("b", "x".repeat(72))),
                        List.of(), List.of(new ValidUser("a", "12345678"), new ValidUser("b", "x".repeat(72)))),
                Arguments.of("a name of 64 characters with @ and spaces", users(new UserCommand("a b@" + "c".repeat(60), PASSWORD)),
                        List.of(), List.of(new ValidUser("a b@" + "c".repeat(60), PASSWORD))),
                Arguments.of("8 characters beyond ASCII", users(new UserCommand("jörg", "pässwörd")),
                        List.of(), List.of(new ValidUser("jörg", "pässwörd"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void accepts(String title, AccessListCommand command, List<AccessListSettings.Rule> rules, List<ValidUser> users) {
        Valid valid = AccessListValidator.normalize(command, Set.of());

        assertThat(valid.name()).isEqualTo("office");
        assertThat(valid.rules()).isEqualTo(rules);
        assertThat(valid.users()).isEqualTo(users);
    }

    @Test
    void theNameIsTrimmedTheRealmBlankMeansTheDefaultAndSatisfyAllIsOffUnlessAsked() {
        Valid valid = AccessListValidator.normalize(new AccessListCommand(" staff.v2_a-b ", null,
                List.of(new UserCommand("alice", PASSWORD)), null, "  "), Set.of());

        assertThat(valid).isEqualTo(new Valid("staff.v2_a-b", List.of(), List.of(new ValidUser("alice", PASSWORD)), false,
                null));
        assertThat(AccessListValidator.normalize(new AccessListCommand("a", null, List.of(new UserCommand("alice", PASSWORD)),
                true, " Staff only "), Set.of())).satisfies(all -> {
            assertThat(all.satisfyAll()).isTrue();
            assertThat(all.realm()).isEqualTo("Staff only");
        });
    }

    @Test
    void aUserTheListHasMayComeWithoutAPasswordToKeepItsOwn() {
        Valid valid = AccessListValidator.normalize(users(new UserCommand("alice", null), new UserCommand("bob", "")),
                Set.of("alice", "bob"));

        assertThat(valid.users()).containsExactly(new ValidUser("alice", null), new ValidUser("bob", null));
        assertThat(valid.users().get(0).toString()).contains("kept");
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("no name", new AccessListCommand(null, null, List.of(new UserCommand("a", PASSWORD)), null,
                        null), "name", "name is required: 1-64 letters, digits, '.', '-' or '_', e.g. staff"),
                Arguments.of("a name with a space", new AccessListCommand("office staff", List.of(new RuleCommand("allow",
                        "10.0.0.1")), null, null, null), "name",
                        "name 'office staff' must be 1-64 letters, digits, '.', '-' or '_' (no spaces), e.g. office-staff"),
                Arguments.of("a name of 65 characters", new AccessListCommand("n".repeat(65), List.of(new RuleCommand("allow",
                        "10.0.0.1")), null, null, null), "name", "must be 1-64 letters"),
                Arguments.of("neither rules nor users", new AccessListCommand("empty", null, null, null, null), "rules",
                        "an access list needs at least one address rule or user; without either it would let everyone in"),
                Arguments.of("an action that is neither allow nor deny", rules(new RuleCommand("permit", "10.0.0.1")),
                        "rules[0].action", "rules[0].action 'permit' must be allow or deny"),
                Arguments.of("no action", rules(new RuleCommand(null, "10.0.0.1")), "rules[0].action",
                        "rules[0].action is required: allow or deny"),
                Arguments.of("a host name", rules(new RuleCommand("allow", "10.0.0.1"), new RuleCommand("allow", "office.lan")),
                        "rules[1].address", "rules[1].address: address 'office.lan' is not an IP address or CIDR block "
                                + "(e.g. 10.0.0.0/8)"),
                Arguments.of("a prefix too long", rules(new RuleCommand("deny", "10.0.0.0/33")), "rules[0].address",
                        "rules[0].address: address '10.0.0.0/33' has prefix /33; use 0-32"),
                Arguments.of("an IPv6 prefix too long", rules(new RuleCommand("deny", "2001:db8::/129")), "rules[0].address",
                        "has prefix /129; use 0-128"),
                Arguments.of("an IPv4-mapped address", rules(new RuleCommand("allow", "::ffff:10.0.0.1")), "rules[0].address",
                        "is an IPv4-mapped IPv6 address; write it as IPv4"),
                Arguments.of("no address", rules(new RuleCommand("allow", " ")), "rules[0].address",
                        "rules[0].address: an address is required, e.g. 10.0.0.0/8"),
                Arguments.of("an address of 65 characters", rules(new RuleCommand("allow", "1".repeat(65))), "rules[0].address",
                        "is 65 characters long; at most 64 are allowed"),
                Arguments.of("a missing rule", rules((RuleCommand) null), "rules[0]",
                        "rules[0] is missing: give an action and an address"),
                Arguments.of("101 rules", new AccessListCommand("big", Collections.nCopies(101, new RuleCommand("allow",
                        "10.0.0.1")), null, null, null), "rules", "rules has 101 entries; at most 100 are allowed"),
                Arguments.of("no user name", users(new UserCommand(" ", PASSWORD)), "users[0].username",
                        "users[0].username is required"),
                Arguments.of("a colon in the user name", users(new UserCommand("a:b", PASSWORD)), "users[0].username",
                        "users[0].username 'a:b' must be 1-64 characters without ':' or control characters"),
                Arguments.of("a control character in the user name", users(new UserCommand("a\tb", PASSWORD)),
                        "users[0].username", "without ':' or control characters"),
                Arguments.of("a user name of 65 characters", users(new UserCommand("u".repeat(65), PASSWORD)),
                        "users[0].username", "must be 1-64 characters"),
                Arguments.of("a user listed twice", users(new UserCommand("alice", PASSWORD), new UserCommand("alice",
                        PASSWORD)), "users[1].username", "users[1].username 'alice' is listed twice (also users[0])"),
                Arguments.of("a new user without a password", users(new UserCommand("alice", null)), "users[0].password",
                        "users[0].password is required for new user 'alice': at least 8 characters"),
                Arguments.of("a new user with an empty password", users(new UserCommand("alice", "")), "users[0].password",
                        "users[0].password is required for new user 'alice'"),
                Arguments.of("7 characters", users(new UserCommand("alice", "1234567")), "users[0].password",
                        "users[0].password of user 'alice' is too short: use at least 8 characters"),
                Arguments.of("73 bytes", users(new UserCommand("alice", "x".repeat(73))), "users[0].password",
                        "users[0].password of user 'alice' is too long: bcrypt uses only the first 72 bytes"),
                Arguments.of("37 two-byte characters", users(new UserCommand("alice", "ä".repeat(37))), "users[0].password",
                        "is too long: bcrypt uses only the first 72 bytes"),
                Arguments.of("a control character in the password", users(new UserCommand("alice", "pass\nword!")),
                        "users[0].password", "contains a control character, which browsers cannot send"),
                Arguments.of("a missing user", users((UserCommand) null), "users[0]",
                        "users[0] is missing: give a username and a password"),
                Arguments.of("101 users", new AccessListCommand("big", null, Collections.nCopies(101,
                        new UserCommand("alice", PASSWORD)), null, null), "users", "users has 101 entries; at most 100"),
                Arguments.of("a realm with a control character", new AccessListCommand("a", null,
                        List.of(new UserCommand("alice", PASSWORD)), null, "Sta\u0007ff"), "realm",
                        "realm must be at most 128 printable ASCII characters (letters, digits, spaces, punctuation); "
                                + "leave it empty for 'Restricted'"),
                Arguments.of("a realm beyond ASCII", new AccessListCommand("a", null, List.of(new UserCommand("alice",
                        PASSWORD)), null, "Büro"), "realm", "printable ASCII"),
                Arguments.of("a realm of 129 characters", new AccessListCommand("a", null, List.of(new UserCommand("alice",
                        PASSWORD)), null, "r".repeat(129)), "realm", "at most 128"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesNamingTheField(String title, AccessListCommand command, String field, String message) {
        assertThatThrownBy(() -> AccessListValidator.normalize(command, Set.of()))
                .isInstanceOf(ValidationException.class)
                .satisfies(error -> assertThat(((ValidationException) error).problems()).anySatisfy(problem -> {
                    assertThat(problem.field()).isEqualTo(field);
                    assertThat(problem.message()).contains(message);
                }));
    }

    @Test
    void everyProblemIsReportedAtOnceInFieldOrderAndNoPasswordIsEverQuoted() {
        List<RuleCommand> rules = new ArrayList<>(List.of(new RuleCommand("allow", "10.0.0.1"),
                new RuleCommand("maybe", "x")));
        List<FieldProblem> problems = AccessListValidator.problems(new AccessListCommand("bad name", rules,
                List.of(new UserCommand("alice", "short!"), new UserCommand("bob", "é".repeat(40))), null, null), Set.of());

        assertThat(problems).extracting(FieldProblem::field).containsExactly("name", "rules[1].action",
                "rules[1].address", "users[0].password", "users[1].password");
        assertThat(problems).extracting(FieldProblem::message).noneMatch(message -> message.contains("short!")
                || message.contains("éé"));
        assertThat(new UserCommand("alice", "short!").toString()).doesNotContain("short!").contains("(given)");
    }
}

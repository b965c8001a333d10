package dev.gatehouse.admin.accesslist;

import dev.gatehouse.admin.accesslist.AccessListCommand.RuleCommand;
import dev.gatehouse.admin.accesslist.AccessListCommand.UserCommand;
import dev.gatehouse.storage.accesslist.AccessListSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the access list form posts: the name, how rules and users combine, the realm, and one row per
 * address rule and per user. A row left blank is no entry, so clearing a row removes it; "Add rule" and
 * "Add user" post the form back with one more row.
 *
 * <p>Password boxes are never filled in when the form is shown, not even after a rejected save
 * ({@link #forgetPasswords()}): a password goes from the browser to the hash and nowhere else. On an
 * edit, a user's empty password box keeps the password the user has.
 */
public class AccessListForm {

    /** The form's controls besides the rows; problems about anything else are shown above the form. */
    static final Set<String> FIELDS = Set.of("name", "satisfy", "realm", "rules", "users");

    /** What the binder may set: the controls and each row's fields. */
    static final String[] BINDABLE = {"name", "satisfy", "realm", "rules[*].action", "rules[*].address",
        "users[*].username", "users[*].password"};

    /** The "Satisfy" select's values. */
    public static final String ANY = "any";
    public static final String ALL = "all";

    /** A service problem about one row: {@code rules[2].address}, {@code users[0]}. */
    private static final Pattern ROW_FIELD = Pattern.compile("(rules|users)\\[(\\d+)](?:\\.(\\w+))?");

    /** The name sites choose the list by; default empty (required). */
    private String name = "";
    /** {@link #ANY} (the default, nginx's "satisfy any") or {@link #ALL}. */
    private String satisfy = ANY;
    /** What browsers show in the sign-in prompt, as typed; default empty = "Restricted". */
    private String realm = "";
    /** Address rules, one row each, in the order they are checked; default none. */
    private List<RuleRow> rules = new ArrayList<>();
    /** Basic-auth users, one row each; default none. */
    private List<UserRow> users = new ArrayList<>();
    /** The row index of each entry of the last {@link #toCommand()}, per list: blank rows are skipped. */
    private final Map<String, List<Integer>> rowOfEntry = Map.of("rules", new ArrayList<>(), "users", new ArrayList<>());

    /** A new list's form: one empty rule row and one empty user row to start from. */
    public static AccessListForm blank() {
        AccessListForm form = new AccessListForm();
        form.addRow("rule");
        form.addRow("user");
        return form;
    }

    public static AccessListForm from(AccessListView list) {
        AccessListForm form = new AccessListForm();
        form.setName(list.name());
        form.setSatisfy(list.satisfyAll() ? ALL : ANY);
        form.setRealm(list.realm() == null ? "" : list.realm());
        for (AccessListSettings.Rule rule : list.rules()) {
            form.rules.add(new RuleRow(rule.action(), rule.address()));
        }
        for (String username : list.usernames()) {
            form.users.add(new UserRow(username));
        }
        return form;
    }

    /** The command: blank rows left out, an empty password box sent as "keep the password". */
    public AccessListCommand toCommand() {
        List<Integer> ruleRows = rowOfEntry.get("rules");
        List<Integer> userRows = rowOfEntry.get("users");
        ruleRows.clear();
        userRows.clear();
        List<RuleCommand> ruleCommands = new ArrayList<>();
        for (int row = 0; row < rules.size(); row++) {
            RuleRow rule = rules.get(row);
            if (rule != null && !isBlank(rule.getAddress())) {
                ruleRows.add(row);
                ruleCommands.add(new RuleCommand(rule.getAction(), rule.getAddress()));
            }
        }
        List<UserCommand> userCommands = new ArrayList<>();
        for (int row = 0; row < users.size(); row++) {
            UserRow user = users.get(row);
            if (user != null && !(isBlank(user.getUsername()) && isEmpty(user.getPassword()))) {
                userRows.add(row);
                userCommands.add(new UserCommand(user.getUsername(), isEmpty(user.getPassword()) ? null : user.getPassword()));
            }
        }
        return new AccessListCommand(name, ruleCommands, userCommands, ALL.equals(satisfy), realm);
    }

    /** "Add rule" / "Add user": one more empty row ({@code rule} or {@code user}). */
    public void addRow(String list) {
        if ("user".equals(list)) {
            users.add(new UserRow());
        } else {
            rules.add(new RuleRow());
        }
    }

    /** Empties every password box, so a page never carries a password back to the browser. */
    public void forgetPasswords() {
        users.forEach(user -> {
            if (user != null) {
                user.setPassword("");
            }
        });
    }

    /**
     * The control that shows a problem the service found with a field of the last {@link #toCommand()}'s
     * command: {@code rules[2].address} is the address box of the row that rule came from,
     * {@code satisfyAll} the Satisfy select; null when the form has no control for it (shown above the form).
     */
    String controlFor(String commandField) {
        if ("satisfyAll".equals(commandField)) {
            return "satisfy";
        }
        if (FIELDS.contains(commandField)) {
            return commandField;
        }
        Matcher row = commandField == null ? null : ROW_FIELD.matcher(commandField);
        if (row == null || !row.matches()) {
            return null;
        }
        List<Integer> rows = rowOfEntry.get(row.group(1));
        int index = Integer.parseInt(row.group(2));
        if (index >= rows.size()) {
            return row.group(1);
        }
        boolean rule = "rules".equals(row.group(1));
        // the engine names the hash (users[0].passwordHash): the row's password box shows it
        String part = row.group(3) == null ? (rule ? "address" : "username")
                : rule ? ("action".equals(row.group(3)) ? "action" : "address")
                : ("username".equals(row.group(3)) ? "username" : "password");
        return row.group(1) + "[" + rows.get(index) + "]." + part;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static boolean isEmpty(String value) {
        return value == null || value.isEmpty();
    }

    /** One address rule row. */
    public static class RuleRow {

        /** {@code allow} or {@code deny}; default allow, as most lists name who may come in. */
        private String action = AccessListSettings.ALLOW;
        /** An IP address or CIDR block, as typed; default empty (a blank row is no rule). */
        private String address = "";

        public RuleRow() {
        }

        RuleRow(String action, String address) {
            this.action = action;
            this.address = address;
        }

        public String getAction() {
            return action;
        }

        public void setAction(String action) {
            this.action = action;
        }

        public String getAddress() {
            return address;
        }

        public void setAddress(String address) {
            this.address = address;
        }
    }

    /** One user row. */
    public static class UserRow {

        /** The user name, as typed; default empty (with an empty password, the row is no user). */
        private String username = "";
        /** The new password as posted; never shown. Empty on an edit = keep the user's password. */
        private String password = "";

        public UserRow() {
        }

        UserRow(String username) {
            this.username = username;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        @Override
        public String toString() {
            return "UserRow[" + username + "]";
        }
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getSatisfy() {
        return satisfy;
    }

    public void setSatisfy(String satisfy) {
        this.satisfy = satisfy;
    }

    public String getRealm() {
        return realm;
    }

    public void setRealm(String realm) {
        this.realm = realm;
    }

    public List<RuleRow> getRules() {
        return rules;
    }

    public void setRules(List<RuleRow> rules) {
        this.rules = rules;
    }

    public List<UserRow> getUsers() {
        return users;
    }

    public void setUsers(List<UserRow> users) {
        this.users = users;
    }
}

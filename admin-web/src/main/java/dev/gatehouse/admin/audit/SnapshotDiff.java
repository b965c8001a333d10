package dev.gatehouse.admin.audit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * What changed between two stored configuration revisions, object by object and field by field, for the
 * audit log: {@code site 12 app.example.test: hostnames [app.example.test] → [app.example.test, www.example.test];
 * forceHttps false → true}.
 *
 * <p>Works on the revisions' stored JSON ({@code SnapshotJson}), which already leaves private keys out, and
 * is generic over its fields, so a field added to the snapshot later shows up here without a change. Objects
 * are matched by what identifies them (a site or stream by id, the others by name), list entries by their
 * user name, name or {@code host:port} when they have one (so removing one entry does not look like every
 * later one changing), and an entry added or removed whole is named once instead of field by field.
 *
 * <p>Secrets never appear: a field whose name says it holds one (password, passphrase, secret, private key,
 * hash, token, PEM, credential) is reported as set, changed or removed without its value, and so is the
 * value of a header rule for a credential header (Authorization, Cookie, an API key...).
 */
final class SnapshotDiff {

    /**
     * One changed object.
     *
     * @param action {@link AuditLog#CREATE}, {@link AuditLog#UPDATE} or {@link AuditLog#DELETE}
     * @param objectType e.g. {@code site}
     * @param objectId the site's or stream's id, the other objects' name; null for singletons
     * @param summary the object and its changes, without secrets
     */
    record ObjectChange(String action, String objectType, String objectId, String summary) {
    }

    /** A list of objects in the snapshot: where it is, what its objects are called and what identifies them. */
    private record Collection(String field, String type, String key) {
    }

    private static final List<Collection> COLLECTIONS = List.of(
            new Collection("sites", "site", "id"),
            new Collection("backends", "backend", "name"),
            new Collection("streams", "stream", "id"),
            new Collection("certificates", "certificate", "name"),
            new Collection("accessLists", "access-list", "name"));

    /** Snapshot fields that hold one object each, and the object type they are logged as. */
    private static final Map<String, String> SINGLETONS = Map.of(
            "defaultSite", "default-site",
            "listeners", "listener-settings");

    /** Not configuration: the number every revision changes. */
    private static final String REVISION = "revision";

    /** Parts of field names that mark a secret (compared in lower case). */
    private static final List<String> SECRET_NAMES = List.of(
            "password", "passphrase", "secret", "privatekey", "hash", "token", "pem", "credential", "pkcs12");

    /** Parts of header names whose values are credentials (compared in lower case). */
    private static final List<String> CREDENTIAL_HEADERS = List.of(
            "authorization", "cookie", "token", "secret", "key", "auth", "password", "session", "signature");

    /** Longest value shown; longer ones are cut. */
    static final int MAX_VALUE_LENGTH = 120;

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private SnapshotDiff() {
    }

    /**
     * @param beforeJson the previous revision's stored JSON; null when there is none (everything is created)
     * @param afterJson the new revision's stored JSON
     * @throws IllegalArgumentException when either is not JSON
     */
    static List<ObjectChange> between(String beforeJson, String afterJson) {
        JsonNode before = beforeJson == null ? JsonNodeFactory.instance.objectNode() : read(beforeJson);
        JsonNode after = read(afterJson);
        List<ObjectChange> changes = new ArrayList<>();
        Set<String> known = new HashSet<>(SINGLETONS.keySet());
        known.add(REVISION);
        for (Collection collection : COLLECTIONS) {
            known.add(collection.field());
            compareCollection(collection, before.path(collection.field()), after.path(collection.field()), changes);
        }
        SINGLETONS.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(singleton -> compareSingleton(
                singleton.getValue(), before.path(singleton.getKey()), after.path(singleton.getKey()), changes));
        // fields added to the snapshot after this class was written: one object each, named by the field
        for (String field : after.propertyNames()) {
            if (!known.contains(field)) {
                compareSingleton(field, before.path(field), after.path(field), changes);
            }
        }
        return changes;
    }

    private static JsonNode read(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JacksonException notJson) {
            throw new IllegalArgumentException("not a stored snapshot: " + notJson.getOriginalMessage(), notJson);
        }
    }

    private static void compareCollection(Collection collection, JsonNode before, JsonNode after, List<ObjectChange> changes) {
        Map<String, JsonNode> old = byKey(before, collection.key());
        Map<String, JsonNode> now = byKey(after, collection.key());
        for (Map.Entry<String, JsonNode> entry : now.entrySet()) {
            JsonNode previous = old.get(entry.getKey());
            String label = label(collection, entry.getKey(), entry.getValue());
            if (previous == null) {
                changes.add(new ObjectChange(AuditLog.CREATE, collection.type(), entry.getKey(),
                        "created " + label + listing(entry.getValue(), collection.key())));
            } else if (!previous.equals(entry.getValue())) {
                changes.add(new ObjectChange(AuditLog.UPDATE, collection.type(), entry.getKey(),
                        label + ": " + String.join("; ", fieldChanges(previous, entry.getValue()))));
            }
        }
        for (Map.Entry<String, JsonNode> entry : old.entrySet()) {
            if (!now.containsKey(entry.getKey())) {
                changes.add(new ObjectChange(AuditLog.DELETE, collection.type(), entry.getKey(),
                        "deleted " + label(collection, entry.getKey(), entry.getValue())
                                + listing(entry.getValue(), collection.key())));
            }
        }
    }

    private static void compareSingleton(String type, JsonNode before, JsonNode after, List<ObjectChange> changes) {
        JsonNode old = before.isMissingNode() ? JsonNodeFactory.instance.nullNode() : before;
        JsonNode now = after.isMissingNode() ? JsonNodeFactory.instance.nullNode() : after;
        if (!old.equals(now)) {
            List<String> fields = fieldChanges(old, now);
            changes.add(new ObjectChange(AuditLog.UPDATE, type, null,
                    type.replace('-', ' ') + (fields.isEmpty() ? "" : ": " + String.join("; ", fields))));
        }
    }

    /** The objects of a list by their key, in the list's order; an object without one by its position. */
    private static Map<String, JsonNode> byKey(JsonNode list, String key) {
        Map<String, JsonNode> objects = new LinkedHashMap<>();
        if (!list.isArray()) {
            return objects;
        }
        int position = 0;
        for (JsonNode object : list) {
            JsonNode id = object.path(key);
            objects.put(id.isValueNode() && !id.isNull() ? id.asString() : "#" + position, object);
            position++;
        }
        return objects;
    }

    private static String label(Collection collection, String key, JsonNode object) {
        return switch (collection.type()) {
            case "site" -> {
                JsonNode first = object.path("hostnames").path(0);
                yield "site " + key + (first.isString() ? " " + first.asString() : "");
            }
            case "stream" -> {
                JsonNode port = object.path("listenPort");
                yield "stream " + key + (port.isNumber() ? " (port " + port.asString() + ")" : "");
            }
            default -> collection.type().replace('-', ' ') + " " + key;
        };
    }

    /** ": field value; field value..." for a created or deleted object: what it was, secrets left out. */
    private static String listing(JsonNode object, String key) {
        List<String> fields = new ArrayList<>();
        for (Map.Entry<String, Leaf> leaf : flatten(object).entrySet()) {
            Leaf value = leaf.getValue();
            if (value.entry() || leaf.getKey().equals(key) || value.empty()) {
                continue;
            }
            fields.add(leaf.getKey() + " " + (value.secret() ? "(set)" : value.text()));
        }
        return fields.isEmpty() ? "" : ": " + String.join("; ", fields);
    }

    /** "path before → after" for every leaf that differs; an entry added or removed whole is named once. */
    private static List<String> fieldChanges(JsonNode before, JsonNode after) {
        Map<String, Leaf> old = flatten(before);
        Map<String, Leaf> now = flatten(after);
        List<String> whole = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        for (Map.Entry<String, Leaf> entry : now.entrySet()) {
            if (entry.getValue().entry() && !old.containsKey(entry.getKey())) {
                whole.add(entry.getKey());
                changes.add(entry.getKey() + " added");
            }
        }
        for (Map.Entry<String, Leaf> entry : old.entrySet()) {
            if (entry.getValue().entry() && !now.containsKey(entry.getKey())) {
                whole.add(entry.getKey());
                changes.add(entry.getKey() + " removed");
            }
        }
        Set<String> paths = new java.util.LinkedHashSet<>(now.keySet());
        paths.addAll(old.keySet());
        for (String path : paths) {
            Leaf was = old.get(path);
            Leaf is = now.get(path);
            if ((was != null && was.entry()) || (is != null && is.entry()) || within(path, whole)
                    || (was != null && is != null && was.raw().equals(is.raw()))
                    // an empty list on one side, its entries on the other: the entries say it
                    || (was == null && is.empty() && hasEntries(old, path))
                    || (is == null && was.empty() && hasEntries(now, path))) {
                continue;
            }
            if ((was != null && was.secret()) || (is != null && is.secret())) {
                changes.add(path + (was == null ? " (set)" : is == null ? " (removed)" : " (changed)"));
            } else {
                changes.add(path + " " + (was == null ? "(none)" : was.text()) + " → " + (is == null ? "(none)" : is.text()));
            }
        }
        return changes;
    }

    private static boolean hasEntries(Map<String, Leaf> leaves, String path) {
        for (String other : leaves.keySet()) {
            if (other.startsWith(path + "[")) {
                return true;
            }
        }
        return false;
    }

    private static boolean within(String path, List<String> entries) {
        for (String entry : entries) {
            if (path.startsWith(entry + ".") || path.startsWith(entry + "[")) {
                return true;
            }
        }
        return false;
    }

    /**
     * A value at a path.
     *
     * @param raw what it is, for comparing
     * @param text how it is shown (never used when secret)
     * @param entry true for the marker of a list entry, whose fields are separate leaves
     */
    private record Leaf(JsonNode raw, String text, boolean secret, boolean entry) {

        boolean empty() {
            return raw.isNull() || (raw.isArray() && raw.isEmpty());
        }
    }

    /** Every value of {@code node} by its path ({@code servers[10.0.0.1:80].weight}), in document order. */
    private static Map<String, Leaf> flatten(JsonNode node) {
        Map<String, Leaf> leaves = new LinkedHashMap<>();
        if (!node.isNull() && !node.isMissingNode()) {
            flatten(node, "", false, leaves);
        }
        return leaves;
    }

    private static void flatten(JsonNode node, String path, boolean secret, Map<String, Leaf> leaves) {
        if (secret) {
            leaves.put(path, new Leaf(node, "", true, false));
        } else if (node.isObject()) {
            boolean credentialHeader = isCredentialHeaderRule(node);
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String name = field.getKey();
                boolean secretField = isSecretName(name) || (credentialHeader && name.equals("value"));
                flatten(field.getValue(), path.isEmpty() ? name : path + "." + name, secretField, leaves);
            }
        } else if (node.isArray() && !allValues(node)) {
            List<String> keys = entryKeys(node);
            for (int i = 0; i < node.size(); i++) {
                String entryPath = path + "[" + keys.get(i) + "]";
                leaves.put(entryPath, new Leaf(node.get(i), "", false, true));
                flatten(node.get(i), entryPath, false, leaves);
            }
        } else {
            leaves.put(path, new Leaf(node, text(node), false, false));
        }
    }

    private static boolean allValues(JsonNode array) {
        for (JsonNode element : array) {
            if (element.isContainer()) {
                return false;
            }
        }
        return true;
    }

    /** Each entry's name in a path: its user name, name or host:port when all entries have a distinct one, else its position. */
    private static List<String> entryKeys(JsonNode array) {
        for (String field : List.of("username", "name", "address")) {
            List<String> keys = distinct(array, entry -> entry.path(field).isString() ? entry.path(field).asString() : null);
            if (keys != null) {
                return keys;
            }
        }
        List<String> hostPorts = distinct(array, entry -> entry.path("host").isString() && entry.path("port").isNumber()
                ? entry.path("host").asString() + ":" + entry.path("port").asString() : null);
        if (hostPorts != null) {
            return hostPorts;
        }
        List<String> positions = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            positions.add(Integer.toString(i));
        }
        return positions;
    }

    private static List<String> distinct(JsonNode array, java.util.function.Function<JsonNode, String> key) {
        List<String> keys = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode entry : array) {
            String value = key.apply(entry);
            if (value == null || value.isEmpty() || !seen.add(value)) {
                return null;
            }
            keys.add(value);
        }
        return keys;
    }

    static boolean isSecretName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return SECRET_NAMES.stream().anyMatch(lower::contains);
    }

    /** A header rule ({@code {"action":…,"name":…,"value":…}}) for a header that carries a credential. */
    private static boolean isCredentialHeaderRule(JsonNode node) {
        JsonNode name = node.path("name");
        if (!node.has("value") || !node.has("action") || !name.isString()) {
            return false;
        }
        String lower = name.asString().toLowerCase(Locale.ROOT);
        return CREDENTIAL_HEADERS.stream().anyMatch(lower::contains);
    }

    private static String text(JsonNode value) {
        if (value.isNull() || value.isMissingNode()) {
            return "none";
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(text(item)));
            return cut("[" + String.join(", ", items) + "]");
        }
        return cut(Objects.requireNonNullElse(value.asString(), ""));
    }

    private static String cut(String text) {
        return text.length() <= MAX_VALUE_LENGTH ? text : text.substring(0, MAX_VALUE_LENGTH - 1) + "…";
    }
}

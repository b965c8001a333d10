package dev.gatehouse.admin.audit;

import dev.gatehouse.admin.config.SnapshotJson;
import dev.gatehouse.engine.config.AccessListDefinition;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.CertificateDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.engine.config.StreamDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The part of two snapshots that differs, in their stored JSON form, for {@link SnapshotDiff}: a change to
 * one site of ten thousand compares two small documents instead of two of megabytes (writing and parsing
 * the whole configuration twice would cost more than the rest of the publish).
 *
 * <p>Objects are compared as records, by what identifies them (a site or stream by id, the others by name);
 * only those added, removed or changed go into the two small snapshots, the settings always. The stored form
 * ({@link SnapshotJson}) leaves private keys out, as it does in every revision. A field added to
 * {@link ConfigSnapshot} later is compared here only once it is named here too.
 */
final class ChangedObjects {

    /** The differing objects: {@code before} and {@code after} as stored JSON. */
    record Json(String before, String after) {
    }

    private ChangedObjects() {
    }

    static Json between(ConfigSnapshot before, ConfigSnapshot after) {
        Pair<BackendDefinition> backends = changed(before.backends(), after.backends(), BackendDefinition::name);
        Pair<SiteDefinition> sites = changed(before.sites(), after.sites(), SiteDefinition::id);
        Pair<CertificateDefinition> certificates = changed(before.certificates(), after.certificates(), CertificateDefinition::name);
        Pair<StreamDefinition> streams = changed(before.streams(), after.streams(), StreamDefinition::id);
        Pair<AccessListDefinition> accessLists = changed(before.accessLists(), after.accessLists(), AccessListDefinition::name);
        return new Json(
                SnapshotJson.write(new ConfigSnapshot(before.revision(), backends.before(), sites.before(), certificates.before(),
                        before.defaultSite(), streams.before(), before.listeners(), accessLists.before())),
                SnapshotJson.write(new ConfigSnapshot(after.revision(), backends.after(), sites.after(), certificates.after(),
                        after.defaultSite(), streams.after(), after.listeners(), accessLists.after())));
    }

    private record Pair<T>(List<T> before, List<T> after) {
    }

    /** The objects of either list that the other has not, or has otherwise; in each list's order. */
    private static <T> Pair<T> changed(List<T> before, List<T> after, Function<T, String> key) {
        Map<String, T> old = new HashMap<>();
        before.forEach(object -> old.put(key.apply(object), object));
        Set<String> differing = new HashSet<>();
        Set<String> present = new HashSet<>();
        List<T> changedAfter = new ArrayList<>();
        for (T object : after) {
            String id = key.apply(object);
            present.add(id);
            if (!object.equals(old.get(id))) {
                differing.add(id);
                changedAfter.add(object);
            }
        }
        List<T> changedBefore = new ArrayList<>();
        for (T object : before) {
            String id = key.apply(object);
            if (differing.contains(id) || !present.contains(id)) {
                changedBefore.add(object);
            }
        }
        return new Pair<>(changedBefore, changedAfter);
    }
}

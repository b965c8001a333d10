package dev.gatehouse.admin.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gatehouse.engine.config.CertificateDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stored form of a {@link ConfigSnapshot}: the revision table's JSON. Kept separate from the web
 * layer's JSON settings so that tuning the API never changes what is written to the database.
 * Durations are ISO-8601 strings ({@code "PT5S"}), so revisions stay readable in a database dump;
 * unknown fields fail the read, so a revision is never half-understood.
 *
 * <p>Private keys are never written: a certificate is stored with its name and chain only, and
 * {@link SnapshotBuilder#withPrivateKeys} puts the keys back from the (encrypted) certificate table
 * when a revision is run again. So revision history, exports and database dumps hold no key.
 */
public final class SnapshotJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DateTimeFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addMixIn(CertificateDefinition.class, WithoutPrivateKey.class)
            .build();

    @JsonIgnoreProperties({"privateKeyPem"})
    private abstract static class WithoutPrivateKey {
    }

    private SnapshotJson() {
    }

    public static String write(ConfigSnapshot snapshot) {
        return MAPPER.writeValueAsString(snapshot);
    }

    /**
     * @throws IllegalArgumentException naming the revision when the JSON does not describe a snapshot
     */
    public static ConfigSnapshot read(long revision, String json) {
        try {
            ConfigSnapshot snapshot = MAPPER.readValue(json, ConfigSnapshot.class);
            if (snapshot == null) {
                throw new IllegalArgumentException("stored revision " + revision + " is empty");
            }
            return snapshot;
        } catch (JacksonException e) {
            throw new IllegalArgumentException("stored revision " + revision + " is not a readable snapshot: "
                    + e.getOriginalMessage(), e);
        }
    }
}

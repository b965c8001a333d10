package dev.gatehouse.engine;

import java.util.List;

/**
 * What {@link ProxyEngine#apply} or {@link ProxyEngine#validate} made of a snapshot.
 *
 * @param outcome APPLIED (now live), UNCHANGED (identical content, nothing rebuilt), VALID (validate
 *     only: would apply), or REJECTED (the old table keeps serving)
 * @param liveRevision the revision serving traffic after the call
 * @param errors why a snapshot was rejected, one entry per offending object and field; empty otherwise
 */
public record ApplyResult(Outcome outcome, long liveRevision, List<ConfigError> errors) {

    public enum Outcome { APPLIED, UNCHANGED, VALID, REJECTED }

    public ApplyResult {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public boolean ok() {
        return outcome != Outcome.REJECTED;
    }
}

package dev.gatehouse.engine;

import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.forward.Upstream;
import dev.gatehouse.engine.routing.RoutingTable;

/**
 * What serves traffic right now: the snapshot, its compiled table, and the revision number the
 * admin last applied (it moves on an UNCHANGED apply while the table stays). Swapped as one reference.
 */
record LiveConfig(ConfigSnapshot snapshot, RoutingTable<Upstream> table, long revision) {

    static LiveConfig initial() {
        return new LiveConfig(ConfigSnapshot.empty(), RoutingTable.empty(), 0);
    }

    LiveConfig withRevision(long newRevision) {
        return new LiveConfig(snapshot, table, newRevision);
    }
}

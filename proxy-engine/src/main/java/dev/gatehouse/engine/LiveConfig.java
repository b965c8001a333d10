package dev.gatehouse.engine;

import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.forward.Upstream;
import dev.gatehouse.engine.routing.RoutingTable;
import dev.gatehouse.engine.tls.CertificateTable;

/**
 * What serves traffic right now: the snapshot, its compiled table, the certificates the HTTPS
 * listener selects from (compiled from the same snapshot, so a handshake and the requests after it
 * agree on the sites), and the revision number the admin last applied (it moves on an UNCHANGED
 * apply while the table stays). Swapped as one reference.
 */
record LiveConfig(ConfigSnapshot snapshot, RoutingTable<Upstream> table, CertificateTable certificates, long revision) {

    static LiveConfig initial(CertificateTable certificates) {
        return new LiveConfig(ConfigSnapshot.empty(), RoutingTable.empty(), certificates, 0);
    }

    LiveConfig withRevision(long newRevision) {
        return new LiveConfig(snapshot, table, certificates, newRevision);
    }
}

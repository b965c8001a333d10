package dev.gatehouse.engine.forward;

import dev.gatehouse.engine.balancing.LoopServerState;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamTest {

    /** Counts pool disposals; forwarding is not exercised here. */
    private static final class CountingForwarder implements Forwarder {
        final AtomicInteger disposed = new AtomicInteger();
        List<InetSocketAddress> servers;

        @Override
        public BackendPool openPool(BackendDefinition backend, List<InetSocketAddress> servers) {
            this.servers = servers;
            return disposed::incrementAndGet;
        }
    }

    private static BackendDefinition backend(ServerDefinition... servers) {
        return new BackendDefinition("app", List.of(servers));
    }

    @Test
    void resolvesIpLiteralsAndLeavesNamesForTheResolver() {
        CountingForwarder forwarder = new CountingForwarder();
        Upstream.open(backend(new ServerDefinition("127.0.0.1", 1), new ServerDefinition("::1", 2),
                new ServerDefinition("backend.internal", 3)), forwarder);
        assertThat(forwarder.servers.get(0).isUnresolved()).isFalse();
        assertThat(forwarder.servers.get(0).getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(forwarder.servers.get(1).getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(forwarder.servers.get(2).isUnresolved()).isTrue();
        assertThat(forwarder.servers.get(2).getHostString()).isEqualTo("backend.internal");
    }

    @Test
    void roundRobinVisitsEveryServerInTurn() {
        Upstream upstream = Upstream.open(backend(new ServerDefinition("127.0.0.1", 1), new ServerDefinition("127.0.0.1", 2),
                new ServerDefinition("127.0.0.1", 3)), new CountingForwarder());
        LoopServerState loop = new LoopServerState(3);
        List<Integer> picks = new ArrayList<>();
        IntStream.range(0, 7).forEach(i -> picks.add(upstream.balancing().select(loop, 0, 0, -1)));
        assertThat(picks).containsExactly(0, 1, 2, 0, 1, 2, 0);
    }

    @Test
    void poolClosesOnlyAfterRetireAndTheLastRequest() {
        CountingForwarder forwarder = new CountingForwarder();
        Upstream upstream = Upstream.open(backend(new ServerDefinition("127.0.0.1", 1)), forwarder);
        assertThat(upstream.retain()).isTrue();
        assertThat(upstream.retain()).isTrue();
        assertThat(upstream.inFlight()).isEqualTo(2);

        upstream.retire();
        upstream.retire();
        assertThat(forwarder.disposed).hasValue(0);
        assertThat(upstream.inFlight()).isEqualTo(2);

        upstream.release();
        assertThat(forwarder.disposed).hasValue(0);
        upstream.release();
        assertThat(forwarder.disposed).hasValue(1);
        assertThat(upstream.isDisposed()).isTrue();
        assertThat(upstream.retain()).as("a drained upstream is never revived").isFalse();
        assertThat(forwarder.disposed).hasValue(1);
    }

    @Test
    void anIdleRetiredUpstreamClosesAtOnce() {
        CountingForwarder forwarder = new CountingForwarder();
        Upstream upstream = Upstream.open(backend(new ServerDefinition("127.0.0.1", 1)), forwarder);
        upstream.retire();
        assertThat(forwarder.disposed).hasValue(1);
    }
}

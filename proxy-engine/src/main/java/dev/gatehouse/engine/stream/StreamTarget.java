package dev.gatehouse.engine.stream;

import dev.gatehouse.engine.balancing.LoopServerState;
import dev.gatehouse.engine.config.StreamDefinition;
import dev.gatehouse.engine.config.StreamDefinition.ProxyProtocol;
import dev.gatehouse.engine.forward.NettyForwarder;
import dev.gatehouse.engine.forward.Upstream;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;

/**
 * Where one stream's new connections go, as of the last apply: its definition and the live
 * {@link Upstream} of its backend (whose balancing, health and passive ejection are shared with the
 * HTTP traffic to that backend). Immutable apart from the per-loop state; a listener swaps its
 * target on apply, and a connection keeps the one it was accepted with.
 */
final class StreamTarget {

    final StreamDefinition definition;
    final Upstream upstream;
    final int connectTimeoutMillis;
    final long idleNanos;
    /** Null for {@link ProxyProtocol#NONE}. */
    final HAProxyProtocolVersion proxyVersion;
    private final StreamListeners streams;
    /** Indexed by event loop; slot i is created and used only on loop i, so it needs no lock. */
    private final LoopState[] byLoop;

    StreamTarget(StreamDefinition definition, Upstream upstream, StreamListeners streams) {
        this.definition = definition;
        this.upstream = upstream;
        this.streams = streams;
        long connectMillis = (definition.connectTimeout() != null ? definition.connectTimeout()
                : upstream.definition().connectTimeout()).toMillis();
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, connectMillis));
        this.idleNanos = Math.max(1, definition.idleTimeout().toNanos());
        this.proxyVersion = switch (definition.proxyProtocol()) {
            case NONE -> null;
            case V1 -> HAProxyProtocolVersion.V1;
            case V2 -> HAProxyProtocolVersion.V2;
        };
        this.byLoop = new LoopState[streams.loopCount()];
    }

    /** This target's state on the calling loop; call only from {@code loop}. */
    LoopState onLoop(EventLoop loop) {
        int index = streams.loopIndex(loop);
        LoopState state = byLoop[index];
        if (state == null) {
            state = new LoopState(this, loop);
            byLoop[index] = state;
        }
        return state;
    }

    /**
     * One loop's view of the target's servers: connections open per server (least-connections
     * compares them), the balancing position and retry budget, and a connect bootstrap per server
     * bound to the loop, so a backend connection lives on its client connection's thread.
     */
    static final class LoopState {
        final LoopServerState servers;
        private final StreamTarget target;
        private final EventLoop loop;
        private final Bootstrap[] bootstraps;

        LoopState(StreamTarget target, EventLoop loop) {
            this.target = target;
            this.loop = loop;
            int count = target.upstream.serverCount();
            this.servers = new LoopServerState(count);
            this.bootstraps = new Bootstrap[count];
        }

        Bootstrap bootstrap(int server) {
            Bootstrap bootstrap = bootstraps[server];
            if (bootstrap == null) {
                bootstrap = new Bootstrap()
                        .group(loop)
                        .channel(target.streams.socketChannelClass())
                        .resolver(target.streams.resolver())
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, target.connectTimeoutMillis)
                        .option(ChannelOption.TCP_NODELAY, true)
                        .option(ChannelOption.SO_KEEPALIVE, true)
                        .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, NettyForwarder.WRITE_BUFFER)
                        .remoteAddress(target.upstream.server(server));
                bootstraps[server] = bootstrap;
            }
            return bootstrap;
        }
    }
}

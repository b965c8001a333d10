package dev.gatehouse.engine.balancing;

import dev.gatehouse.engine.config.BackendProtocol;
import dev.gatehouse.engine.config.HealthCheckDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import io.netty.util.concurrent.EventExecutor;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/** Sends active health checks; the forwarder provides it with its own transport and event loops. */
public interface HealthProbe {

    /** The loop that checks are scheduled on and report on. */
    EventExecutor executor();

    /**
     * Sends {@code GET check.path()} to the server the way requests reach it (over TLS for an https
     * server, as an HTTP/2 stream for an HTTP/2 backend) and judges the response status. Never blocks;
     * calls {@code done} exactly once, on {@link #executor()}, within about {@code check.timeout()}.
     *
     * @param address where to connect
     * @param server the server's definition: its address is the Host sent, its TLS settings apply
     */
    void probe(InetSocketAddress address, ServerDefinition server, BackendProtocol protocol, HealthCheckDefinition check,
               Consumer<ServerHealth.CheckResult> done);
}

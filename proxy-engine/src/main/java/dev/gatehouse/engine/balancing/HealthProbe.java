package dev.gatehouse.engine.balancing;

import dev.gatehouse.engine.config.HealthCheckDefinition;
import io.netty.util.concurrent.EventExecutor;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/** Sends active health checks; the forwarder provides it with its own transport and event loops. */
public interface HealthProbe {

    /** The loop that checks are scheduled on and report on. */
    EventExecutor executor();

    /**
     * Sends {@code GET check.path()} to the server and judges the status line. Never blocks; calls
     * {@code done} exactly once, on {@link #executor()}, within about {@code check.timeout()}.
     *
     * @param hostHeader the Host header to send
     */
    void probe(InetSocketAddress server, String hostHeader, HealthCheckDefinition check,
               Consumer<ServerHealth.CheckResult> done);
}

package dev.gatehouse.engine;

import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.ServerDefinition;

import java.util.List;

/**
 * The engine alone in a JVM of its own, for {@link LargeBodyLowHeapTest}: one site {@code big.test}
 * forwarding to {@code 127.0.0.1:<origin port>}. Prints {@code PORT <http port>} once it listens and
 * runs until its standard input closes.
 */
public final class LowHeapEngineMain {

    private LowHeapEngineMain() {
    }

    public static void main(String[] args) throws Exception {
        int originPort = Integer.parseInt(args[0]);
        try (ProxyEngine engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0).eventLoopThreads(1))) {
            ApplyResult applied = engine.apply(new ConfigSnapshot(1,
                    List.of(Snapshots.backend("big", new ServerDefinition("127.0.0.1", originPort))),
                    List.of(Snapshots.site("1", "big.test", "big"))));
            if (applied.outcome() != ApplyResult.Outcome.APPLIED) {
                throw new IllegalStateException(applied.toString());
            }
            System.out.println("PORT " + engine.httpPort());
            System.out.flush();
            while (System.in.read() >= 0) {
                // runs until the test closes our standard input
            }
        }
    }
}

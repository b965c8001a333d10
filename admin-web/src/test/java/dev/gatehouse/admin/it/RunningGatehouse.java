package dev.gatehouse.admin.it;

import dev.gatehouse.admin.GatehouseApplication;
import dev.gatehouse.engine.ProxyEngine;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The whole appliance started the way {@code main} starts it, on a given data directory with
 * ephemeral admin and proxy ports: for tests that stop and start it again, or start two.
 */
final class RunningGatehouse implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private RunningGatehouse(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /**
     * @param settings extra {@code name=value} settings, e.g. {@code gatehouse.admin-email=...}
     */
    static RunningGatehouse start(Path dataDir, String... settings) {
        return new RunningGatehouse(builder().run(arguments(dataDir, settings)));
    }

    /**
     * As {@link #start(Path, String...)}, with {@code clock} as the application's {@link Clock} bean: API token
     * expiry and sign-in throttling follow it, so tests move time instead of sleeping.
     */
    static RunningGatehouse start(Path dataDir, Clock clock, String... settings) {
        return new RunningGatehouse(builder()
                .initializers(context -> context.getBeanFactory().registerSingleton("testClock", clock))
                .run(arguments(dataDir, settings)));
    }

    private static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(GatehouseApplication.class).main(GatehouseApplication.class);
    }

    private static String[] arguments(Path dataDir, String... settings) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--gatehouse.http-port=0", "--gatehouse.https-port=0",
                "--gatehouse.data-dir=" + dataDir, "--gatehouse.event-loop-threads=1"));
        for (String setting : settings) {
            args.add("--" + setting);
        }
        return args.toArray(String[]::new);
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    int adminPort() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    int proxyPort() {
        return bean(ProxyEngine.class).httpPort();
    }

    AdminApi api(String email, String password) {
        return new AdminApi(adminPort(), email, password);
    }

    /** A client without credentials that does not follow redirects. */
    WebTestClient browser() {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + adminPort())
                .responseTimeout(Duration.ofSeconds(20)).build();
    }

    @Override
    public void close() {
        context.close();
    }
}

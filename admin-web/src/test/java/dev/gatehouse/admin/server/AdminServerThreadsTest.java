package dev.gatehouse.admin.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.GatehouseApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/** The dashboard is served by its own event loops, never by the engine's or reactor-netty's global ones. */
class AdminServerThreadsTest {

    /**
     * Names the thread that accepted the request in a response header. It runs first, before
     * security hops to other threads for bcrypt, so it sees the server's own event loop.
     */
    static class ThreadProbe implements WebFilter, Ordered {
        @Override
        public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
            exchange.getResponse().getHeaders().set("X-Served-By", Thread.currentThread().getName());
            return chain.filter(exchange);
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }

    @Test
    void dashboardRequestsRunOnTheAdminEventLoops(@TempDir Path dataDir) throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(GatehouseApplication.class, ThreadProbe.class)
                .run("--server.port=0", "--gatehouse.http-port=0", "--gatehouse.https-port=0", "--gatehouse.bind-address=127.0.0.1",
                        "--gatehouse.data-dir=" + dataDir)) {
            int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
            HttpResponse<Void> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/setup")).build(),
                    HttpResponse.BodyHandlers.discarding());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Served-By")).hasValueSatisfying(
                    thread -> assertThat(thread).startsWith(AdminServerConfiguration.LOOP_PREFIX + "-"));
        }
    }
}

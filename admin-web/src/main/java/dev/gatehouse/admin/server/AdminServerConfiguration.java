package dev.gatehouse.admin.server;

import dev.gatehouse.admin.GatehouseProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The dashboard's web server: who may connect ({@link AdminServerSettings#allowedNetworks}, enforced by
 * {@link AllowedNetworksFilter}); HTTPS with its own certificate, set up before the context exists by
 * {@link AdminTls}. And event loops of its own ({@code gatehouse-admin-*} threads).
 *
 * <p>Without this, Spring Boot serves the dashboard from reactor-netty's global resources, which
 * start max(4, cores) loops of their own; the engine has its loops too, so the two would only
 * compete for the same cores. One small, separate group keeps dashboard load (a browser polling the
 * status card, a script hammering the API) from ever delaying a proxied request, and keeps the
 * thread count down on a small machine.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AdminServerSettings.class)
public class AdminServerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AdminServerConfiguration.class);

    /** Thread-name prefix of the dashboard server's event loops. */
    public static final String LOOP_PREFIX = "gatehouse-admin";

    @Bean
    public ReactorResourceFactory reactorResourceFactory(GatehouseProperties properties) {
        ReactorResourceFactory factory = new ReactorResourceFactory();
        factory.setUseGlobalResources(false);
        factory.setLoopResourcesSupplier(
                () -> LoopResources.create(LOOP_PREFIX, 1, properties.adminEventLoopThreads(), true));
        factory.setConnectionProviderSupplier(() -> ConnectionProvider.create(LOOP_PREFIX, 16));
        return factory;
    }

    /** Wraps the whole web handler, so refused clients reach nothing; absent when everyone may connect. */
    @Bean
    public HttpHandlerDecoratorFactory allowedNetworksFilter(AdminServerSettings settings) {
        AllowedNetworks networks = settings.networks();
        if (networks.allowsEveryone()) {
            return handler -> handler;
        }
        log.info("Dashboard accepts connections only from {}", networks);
        return new AllowedNetworksFilter(networks);
    }
}

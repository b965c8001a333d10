package dev.gatehouse.admin.engine;

import dev.gatehouse.admin.GatehouseProperties;
import dev.gatehouse.admin.certificate.DefaultCertificate;
import dev.gatehouse.admin.config.ConfigPublisher;
import dev.gatehouse.engine.EngineSettings;
import dev.gatehouse.engine.ProxyEngine;
import dev.gatehouse.storage.certificate.CertificateRepository;
import java.time.Clock;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded proxy engine: started (HTTP and HTTPS listeners bound, the stored default certificate
 * for unknown TLS names, serving the empty configuration) when the
 * context starts, closed gracefully when it closes. Once every bean exists, the newest stored
 * revision is put live, before the admin web server accepts its first request.
 */
@Configuration(proxyBeanMethods = false)
public class EngineConfiguration {

    /**
     * @throws dev.gatehouse.engine.EngineStartException e.g. when the HTTP port is in use; the
     *     application then stops with that message
     */
    @Bean(destroyMethod = "close")
    public ProxyEngine proxyEngine(GatehouseProperties properties, CertificateRepository certificates) {
        EngineSettings settings = EngineSettings.defaults()
                .host(properties.bindAddress())
                .httpPort(properties.httpPort())
                .httpsPort(properties.httpsPort())
                .defaultCertificate(DefaultCertificate.loadOrCreate(certificates, Clock.systemUTC()))
                .eventLoopThreads(properties.eventLoopThreads());
        if (properties.publicHttpsPort() != null) {
            settings = settings.publicHttpsPort(properties.publicHttpsPort());
        }
        return ProxyEngine.start(settings);
    }

    @Bean
    public SmartInitializingSingleton restoreConfigAtStartup(ConfigPublisher publisher) {
        return publisher::restoreAtStartup;
    }
}

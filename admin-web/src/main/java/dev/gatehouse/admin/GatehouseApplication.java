package dev.gatehouse.admin;

import java.util.Optional;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The Gatehouse appliance: admin dashboard and REST API (port {@code GATEHOUSE_ADMIN_PORT}, default
 * 8081) with the embedded proxy engine (port {@code GATEHOUSE_HTTP_PORT}, default 8080), storing its
 * configuration under {@code GATEHOUSE_DATA_DIR} (default {@code ./data}).
 */
@SpringBootApplication
@EnableConfigurationProperties(GatehouseProperties.class)
public class GatehouseApplication {

    /** Exit status when the appliance cannot start for a reason the operator can fix. */
    public static final int EXIT_CANNOT_START = 2;

    public static void main(String[] args) {
        try {
            SpringApplication.run(GatehouseApplication.class, args);
        } catch (Throwable failure) {
            Optional<String> reason = StartupFailures.reason(failure);
            System.err.println("Gatehouse cannot start: " + reason.orElseGet(() -> StartupFailures.rootMessage(failure)));
            System.exit(reason.isPresent() ? EXIT_CANNOT_START : 1);
        }
    }
}

package dev.gatehouse.admin;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The appliance's own settings, bound from {@code gatehouse.*} properties or, by relaxed binding,
 * from the environment ({@code GATEHOUSE_HTTP_PORT}, {@code GATEHOUSE_DATA_DIR}, ...). Invalid values
 * stop the start with a message naming the property and the value.
 *
 * @param httpPort the proxy's HTTP port ({@code GATEHOUSE_HTTP_PORT}); default 8080; 0 picks a free
 *     port (tests)
 * @param httpsPort the proxy's HTTPS port ({@code GATEHOUSE_HTTPS_PORT}); default 8443; 0 picks a free
 *     port (tests)
 * @param dataDir the data directory holding the H2 database and the lock file
 *     ({@code GATEHOUSE_DATA_DIR}); default {@code ./data}, created when missing
 * @param adminEmail with {@link #adminPassword}: the first administrator, created at start only when
 *     the database has no user ({@code GATEHOUSE_ADMIN_EMAIL}); default none
 * @param adminPassword the first administrator's password ({@code GATEHOUSE_ADMIN_PASSWORD}); default
 *     none. There is never a default password: without these two, the dashboard asks for one on its
 *     setup page.
 * @param eventLoopThreads the engine's event-loop threads ({@code GATEHOUSE_EVENT_LOOP_THREADS});
 *     default (when unset) one per available processor
 * @param bindAddress the address the proxy listeners bind ({@code GATEHOUSE_BIND_ADDRESS}); default
 *     {@code 0.0.0.0}, every IPv4 address of the machine; {@code 127.0.0.1} keeps the proxy local
 * @param publicHttpsPort the HTTPS port clients reach, written into Force-HTTPS redirects
 *     ({@code GATEHOUSE_PUBLIC_HTTPS_PORT}); default (when unset) the HTTPS port itself. Set it to 443
 *     when a firewall or container maps 443 to the appliance's 8443.
 * @param masterKey the key that encrypts private keys at rest, base64 of 32 bytes
 *     ({@code GATEHOUSE_MASTER_KEY}); default none: the key is kept in {@code master.key} in the data
 *     directory (created with mode 0600 at first start). Back up whichever you use with the database:
 *     without it stored private keys cannot be read.
 * @param adminEventLoopThreads event loops of the dashboard's own web server
 *     ({@code GATEHOUSE_ADMIN_EVENT_LOOP_THREADS}); default 1. They are separate from the engine's,
 *     so dashboard load can never starve proxied traffic; JDBC and bcrypt run elsewhere anyway.
 */
@ConfigurationProperties("gatehouse")
public record GatehouseProperties(
        @DefaultValue("8080") int httpPort,
        @DefaultValue("8443") int httpsPort,
        @DefaultValue("./data") Path dataDir,
        String adminEmail,
        String adminPassword,
        Integer eventLoopThreads,
        @DefaultValue("0.0.0.0") String bindAddress,
        @DefaultValue("1") int adminEventLoopThreads,
        Integer publicHttpsPort,
        String masterKey) {

    public GatehouseProperties {
        requirePort("gatehouse.http-port", httpPort);
        requirePort("gatehouse.https-port", httpsPort);
        if (eventLoopThreads == null) {
            eventLoopThreads = Runtime.getRuntime().availableProcessors();
        } else if (eventLoopThreads < 1) {
            throw new IllegalArgumentException(
                    "gatehouse.event-loop-threads must be at least 1, was " + eventLoopThreads);
        }
        if (bindAddress == null || bindAddress.isBlank()) {
            throw new IllegalArgumentException("gatehouse.bind-address must be an IP address or host name, was empty");
        }
        if (adminEventLoopThreads < 1) {
            throw new IllegalArgumentException(
                    "gatehouse.admin-event-loop-threads must be at least 1, was " + adminEventLoopThreads);
        }
        if (publicHttpsPort != null && (publicHttpsPort < 1 || publicHttpsPort > 65535)) {
            throw new IllegalArgumentException("gatehouse.public-https-port must be a port 1-65535, was " + publicHttpsPort);
        }
        masterKey = blankToNull(masterKey);
        adminEmail = blankToNull(adminEmail);
        adminPassword = blankToNull(adminPassword);
    }

    private static void requirePort(String property, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(
                    property + " must be a port 1-65535 (0 = any free port), was " + port);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** Keeps the password and the master key out of logs and failure reports. */
    @Override
    public String toString() {
        return "GatehouseProperties[httpPort=" + httpPort + ", httpsPort=" + httpsPort + ", dataDir=" + dataDir
                + ", adminEmail=" + adminEmail + ", adminPassword=" + (adminPassword == null ? "unset" : "***")
                + ", eventLoopThreads=" + eventLoopThreads + ", bindAddress=" + bindAddress
                + ", adminEventLoopThreads=" + adminEventLoopThreads + ", publicHttpsPort=" + publicHttpsPort
                + ", masterKey=" + (masterKey == null ? "unset" : "***") + "]";
    }
}

package dev.gatehouse.admin;

/**
 * A setting makes starting impossible, e.g. an unacceptable GATEHOUSE_ADMIN_PASSWORD. The message
 * names the setting and the problem; {@link GatehouseApplication#main} prints it and exits with 2.
 */
public class StartupException extends RuntimeException {

    public StartupException(String message) {
        super(message);
    }
}

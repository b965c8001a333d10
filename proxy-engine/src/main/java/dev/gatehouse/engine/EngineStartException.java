package dev.gatehouse.engine;

/**
 * The engine could not start, e.g. because its HTTP port is already in use. The message names the
 * address and the reason in words a person running the appliance can act on.
 */
public class EngineStartException extends RuntimeException {

    public EngineStartException(String message, Throwable cause) {
        super(message, cause);
    }

    public EngineStartException(String message) {
        super(message);
    }
}

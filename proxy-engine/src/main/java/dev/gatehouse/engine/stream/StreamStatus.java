package dev.gatehouse.engine.stream;

/**
 * One stream of the live configuration, now.
 *
 * @param id the stream's id
 * @param bindHost the address it listens on (the engine's host when the stream names none)
 * @param listenPort its port
 * @param backend the backend its connections go to
 * @param enabled whether the configuration wants it to listen
 * @param listening whether it does: false for a disabled stream, or one whose port could not be bound
 * @param activeConnections client connections open through this listener now
 * @param acceptedConnections client connections accepted since the listener was bound
 * @param problem why an enabled stream is not listening (e.g. the port is in use), else null
 */
public record StreamStatus(String id, String bindHost, int listenPort, String backend, boolean enabled,
                           boolean listening, int activeConnections, long acceptedConnections, String problem) {
}

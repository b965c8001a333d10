package dev.gatehouse.admin;

import dev.gatehouse.engine.EngineStartException;
import dev.gatehouse.storage.DataDirectoryException;
import java.util.Locale;
import java.util.Optional;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.web.server.PortInUseException;

/**
 * Recognizes the start failures an operator can fix (data directory unusable or in use, a port in
 * use, a bad setting) and words them as one line. As a {@link FailureAnalyzer} it also replaces
 * Spring's stack trace with that line in the startup log.
 */
public class StartupFailures implements FailureAnalyzer {

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        return reason(failure).map(reason -> new FailureAnalysis(reason, action(failure), failure)).orElse(null);
    }

    /** The one-line reason for a failure the operator can fix; empty for anything else (a bug). */
    public static Optional<String> reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataDirectoryException || t instanceof EngineStartException
                    || t instanceof StartupException) {
                return Optional.ofNullable(t.getMessage());
            }
            if (t instanceof PortInUseException portInUse) {
                return Optional.of("admin port " + portInUse.getPort()
                        + " is already in use; choose another with GATEHOUSE_ADMIN_PORT");
            }
            if (t instanceof BindException bind) {
                return Optional.of(describe(bind));
            }
        }
        return Optional.empty();
    }

    /** The deepest cause's message: the most specific words available for an unexpected failure. */
    public static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static String describe(BindException bind) {
        String property = (bind.getProperty() == null ? bind.getName() : bind.getProperty().getName()).toString();
        String problem = rootMessage(bind);
        boolean secret = property.toLowerCase(Locale.ROOT).contains("password");
        if (bind.getProperty() != null && !secret) {
            return "invalid setting " + property + "='" + bind.getProperty().getValue() + "': " + problem;
        }
        return "invalid setting " + property + ": " + (secret ? "the value is not acceptable" : problem);
    }

    private static String action(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataDirectoryException) {
                return "Point GATEHOUSE_DATA_DIR at a writable directory that no other running Gatehouse uses.";
            }
            if (t instanceof EngineStartException) {
                return "Stop the program using the proxy port, or choose another with GATEHOUSE_HTTP_PORT.";
            }
            if (t instanceof PortInUseException) {
                return "Stop the program using the admin port, or choose another with GATEHOUSE_ADMIN_PORT.";
            }
        }
        return "Correct the setting named above and start Gatehouse again.";
    }
}

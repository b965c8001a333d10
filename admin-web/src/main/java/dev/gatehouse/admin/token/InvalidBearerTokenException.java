package dev.gatehouse.admin.token;

import org.springframework.security.core.AuthenticationException;

/**
 * A bearer token that does not authenticate: malformed, unknown, expired or revoked. Deliberately one
 * exception and one message for all of them, so an answer never tells a holder of a stolen or guessed
 * token which it is.
 */
public final class InvalidBearerTokenException extends AuthenticationException {

    /** The answer's wording, the same for every reason. */
    public static final String MESSAGE = "the bearer token is not valid: it is malformed, unknown, expired or revoked";

    InvalidBearerTokenException() {
        super(MESSAGE);
    }
}

package dev.gatehouse.admin.common;

/** The signed-in user may not do this to this object: API 403, dashboard error page. */
public class ForbiddenException extends RuntimeException {

    public ForbiddenException(String message) {
        super(message);
    }
}

package dev.gatehouse.admin.common;

/** The addressed object does not exist (any more): API 404, dashboard "not found" page. */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String message) {
        super(message);
    }
}

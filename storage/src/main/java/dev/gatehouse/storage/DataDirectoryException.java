package dev.gatehouse.storage;

/**
 * The data directory cannot be used. The message names the path, what is wrong and what to do,
 * and is meant to be shown to the operator as it is (e.g. as the last line before a non-zero exit).
 */
public class DataDirectoryException extends RuntimeException {

    public DataDirectoryException(String message) {
        super(message);
    }

    public DataDirectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}

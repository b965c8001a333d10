package dev.gatehouse.admin.token;

/**
 * A new API token as asked for, not yet validated ({@link TokenValidator} judges it).
 *
 * @param name what the token is for, e.g. "CI deploy"; required, at most 64 characters
 * @param scope {@code read-only} (GET and HEAD only) or {@code read-write}
 * @param expiresOn the last day (UTC) the token works, as {@code YYYY-MM-DD}; null or blank = never expires
 */
public record TokenCommand(String name, String scope, String expiresOn) {
}

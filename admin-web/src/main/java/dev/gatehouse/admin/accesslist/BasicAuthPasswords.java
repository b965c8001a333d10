package dev.gatehouse.admin.accesslist;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Hashes access-list passwords as the engine checks them: plain bcrypt ({@code $2a$}, cost 10), not the
 * dashboard's own {@code {bcrypt}}-prefixed encoding. Cost 10 takes tens of milliseconds per hash,
 * here and on every check the engine makes (it caches verdicts), so callers run it on a bounded-elastic
 * thread, never on an event loop.
 */
@Component
public class BasicAuthPasswords {

    /** bcrypt's work factor: 2^10 rounds, the common default and what nginx users get from htpasswd -B. */
    public static final int COST = 10;

    private final BCryptPasswordEncoder encoder = new BCryptPasswordEncoder(COST);

    /** The bcrypt hash of a password {@link AccessListValidator} accepted. Blocking: tens of milliseconds. */
    public String hash(String password) {
        return encoder.encode(password);
    }

    /** Whether {@code password} is the one {@code hash} was made from. Blocking, like {@link #hash}. */
    public boolean matches(String password, String hash) {
        return encoder.matches(password, hash);
    }
}

package dev.gatehouse.admin.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Slows down password guessing on the login form and on HTTP Basic, without letting an attacker lock
 * the real administrator out for good.
 *
 * <p>Failed attempts are counted under three keys, each with its own limit ({@link Limits#DEFAULT}):
 * <ul>
 *   <li><b>account and client</b> (5 failures): the usual attack, one address guessing one account's
 *       password. Only that address is slowed down for that account; the administrator signing in from
 *       anywhere else is not.</li>
 *   <li><b>client</b> (20 failures, any accounts): one address trying many accounts (password
 *       spraying).</li>
 *   <li><b>account</b> (50 failures, any addresses): many addresses guessing one account. This one
 *       could lock the administrator out while a distributed attack lasts, so it spares clients that
 *       signed in to the account successfully within the last 30 days, and one address alone can never
 *       reach it: the client and account counts only take the attempts the first limit lets through
 *       freely (5 per address and account), so it takes at least 10 addresses.</li>
 * </ul>
 * Once a key has reached its limit, each attempt is refused for a while: 1 s after the limit is
 * reached, doubling with every further failure, up to 15 minutes. A key is forgotten 15 minutes after
 * its last failure or the end of its block, whichever is later, so a one-off run of typos costs
 * seconds, while an attacker who keeps going is held to one guess per quarter hour. A successful
 * sign-in clears the account's counts (for that address and account-wide).
 *
 * <p>Refused attempts are not counted (they do not test a password); every other attempt counts as a
 * failure from its start until it succeeds, so parallel attempts cannot slip through together. Accounts
 * that do not exist are counted exactly like real ones, so the answers never reveal which exist.
 *
 * <p>State lives in memory only (lost on restart, which is the administrator's way out too) and is
 * bounded: each table holds at most {@link Limits#maxEntries} keys, dropping the least recently
 * touched. Calls take one short lock: sign-ins are rare and the work inside is a few map operations.
 */
@Component
public class LoginThrottle {

    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

    /** Longest account name kept as a key; longer ones are cut (an email has at most 320 characters). */
    static final int MAX_ACCOUNT_LENGTH = 320;

    /**
     * @param failures failures within the window after which attempts are refused
     * @param maxBlock the longest single refusal period
     */
    public record Limit(int failures, Duration maxBlock) {

        public Limit {
            if (failures < 1) {
                throw new IllegalArgumentException("failures must be at least 1, got " + failures);
            }
            Objects.requireNonNull(maxBlock, "maxBlock");
        }
    }

    /**
     * @param window how long a failure is remembered after the last one (or after the block ends)
     * @param firstBlock the refusal period when a limit is reached; doubles with each further failure
     * @param perAccountAndClient the limit for one account from one client
     * @param perClient the limit for one client, all accounts together
     * @param perAccount the limit for one account, all clients together (trusted clients excepted)
     * @param trustedFor how long a client that signed in to an account is spared that account's limit
     * @param maxEntries the most keys each table holds
     */
    public record Limits(Duration window, Duration firstBlock, Limit perAccountAndClient, Limit perClient,
                         Limit perAccount, Duration trustedFor, int maxEntries) {

        /** 15 minutes; 1 s doubling to 15 min; 5 per account and client, 20 per client, 50 per account; 30 days; 10,000. */
        public static final Limits DEFAULT = new Limits(Duration.ofMinutes(15), Duration.ofSeconds(1),
                new Limit(5, Duration.ofMinutes(15)), new Limit(20, Duration.ofMinutes(15)),
                new Limit(50, Duration.ofMinutes(15)), Duration.ofDays(30), 10_000);
    }

    /** Failures of one key; changed only under the lock. */
    private static final class Strikes {
        int failures;
        Instant lastFailure;
    }

    private final Limits limits;
    private final Clock clock;
    private final Object lock = new Object();
    private final Map<String, Strikes> pairs;
    private final Map<String, Strikes> clients;
    private final Map<String, Strikes> accounts;
    /** "client account" -> last successful sign-in. */
    private final Map<String, Instant> trusted;

    /** The clock is the application's {@link Clock} bean when there is one (tests move it), else UTC. */
    @Autowired
    public LoginThrottle(ObjectProvider<Clock> clock) {
        this(Limits.DEFAULT, clock.getIfUnique(Clock::systemUTC));
    }

    public LoginThrottle(Limits limits, Clock clock) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pairs = bounded(limits.maxEntries());
        this.clients = bounded(limits.maxEntries());
        this.accounts = bounded(limits.maxEntries());
        this.trusted = bounded(limits.maxEntries());
    }

    /** The key for a user name as typed: compared like stored emails (trimmed, lower case), and bounded. */
    public static String account(String username) {
        String account = username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
        return account.length() <= MAX_ACCOUNT_LENGTH ? account : account.substring(0, MAX_ACCOUNT_LENGTH);
    }

    /**
     * One sign-in attempt, from {@link #begin}.
     *
     * @param retryAfter zero when the attempt may go ahead (check the password), else how long to wait
     * @param countedWide whether the attempt also counts for the client and the account as a whole
     */
    public record Attempt(String account, String client, Duration retryAfter, boolean countedWide) {

        public boolean refused() {
            return !retryAfter.isZero();
        }
    }

    /**
     * Starts an attempt: either refuses it (with how long to wait) or lets it go ahead, counted as a
     * failure until {@link #succeeded} or {@link #abandoned} says otherwise.
     *
     * <p>The client's and the account's counts only take attempts the account-and-client limit lets
     * through freely: an address that keeps guessing one account, one attempt per block, adds nothing
     * to them however long it goes on, so it can never slow that account down for anyone else.
     */
    public Attempt begin(String account, String client) {
        String pair = pairKey(account, client);
        synchronized (lock) {
            Instant now = clock.instant();
            Duration wait = max(remaining(pairs, pair, limits.perAccountAndClient(), now),
                    remaining(clients, client, limits.perClient(), now));
            if (!isTrusted(pair, now)) {
                wait = max(wait, remaining(accounts, account, limits.perAccount(), now));
            }
            if (!wait.isZero()) {
                return new Attempt(account, client, wait, false);
            }
            int pairFailures = strike(pairs, pair, limits.perAccountAndClient(), now, "'" + account + "' from " + client);
            boolean countedWide = pairFailures <= limits.perAccountAndClient().failures();
            if (countedWide) {
                strike(clients, client, limits.perClient(), now, "any account from " + client);
                strike(accounts, account, limits.perAccount(), now, "'" + account + "' from any address");
            }
            return new Attempt(account, client, Duration.ZERO, countedWide);
        }
    }

    /** The attempt signed in: clears the account's counts and trusts the client for this account. */
    public void succeeded(Attempt attempt) {
        String pair = pairKey(attempt.account(), attempt.client());
        synchronized (lock) {
            pairs.remove(pair);
            accounts.remove(attempt.account());
            if (attempt.countedWide()) {
                forgive(clients, attempt.client());
            }
            trusted.put(pair, clock.instant());
        }
    }

    /** The attempt ended without a verdict on the password (an internal error): it does not count. */
    public void abandoned(Attempt attempt) {
        synchronized (lock) {
            forgive(pairs, pairKey(attempt.account(), attempt.client()));
            if (attempt.countedWide()) {
                forgive(clients, attempt.client());
                forgive(accounts, attempt.account());
            }
        }
    }

    private Duration remaining(Map<String, Strikes> table, String key, Limit limit, Instant now) {
        Strikes strikes = table.get(key);
        if (strikes == null) {
            return Duration.ZERO;
        }
        Instant blockedUntil = blockedUntil(strikes, limit);
        if (forgotten(strikes, blockedUntil, now)) {
            table.remove(key);
            return Duration.ZERO;
        }
        return now.isBefore(blockedUntil) ? Duration.between(now, blockedUntil) : Duration.ZERO;
    }

    /** Counts a failure; returns the key's failures now. */
    private int strike(Map<String, Strikes> table, String key, Limit limit, Instant now, String description) {
        Strikes strikes = table.get(key);
        if (strikes == null || forgotten(strikes, blockedUntil(strikes, limit), now)) {
            strikes = new Strikes();
        }
        strikes.failures++;
        strikes.lastFailure = now;
        table.put(key, strikes);
        if (strikes.failures == limit.failures()) {
            log.warn("{} sign-in attempts without success for {} within {} min: further attempts are refused for a "
                    + "while (at most {} min each)", strikes.failures, description, limits.window().toMinutes(),
                    limit.maxBlock().toMinutes());
        }
        return strikes.failures;
    }

    private static void forgive(Map<String, Strikes> table, String key) {
        Strikes strikes = table.get(key);
        if (strikes != null && --strikes.failures <= 0) {
            table.remove(key);
        }
    }

    /** The end of the refusal period the strikes have earned (their last failure while under the limit). */
    private Instant blockedUntil(Strikes strikes, Limit limit) {
        int over = strikes.failures - limit.failures();
        if (over < 0) {
            return strikes.lastFailure;
        }
        Duration block = over >= 30 ? limit.maxBlock() : limits.firstBlock().multipliedBy(1L << over);
        return strikes.lastFailure.plus(block.compareTo(limit.maxBlock()) > 0 ? limit.maxBlock() : block);
    }

    private boolean forgotten(Strikes strikes, Instant blockedUntil, Instant now) {
        Instant last = blockedUntil.isAfter(strikes.lastFailure) ? blockedUntil : strikes.lastFailure;
        return !now.isBefore(last.plus(limits.window()));
    }

    private boolean isTrusted(String pair, Instant now) {
        Instant signedIn = trusted.get(pair);
        return signedIn != null && now.isBefore(signedIn.plus(limits.trustedFor()));
    }

    /** Client first: an address never contains a space, so the key is unambiguous whatever the name. */
    private static String pairKey(String account, String client) {
        return client + " " + account;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Access-ordered, so the least recently touched key goes first when the table is full. */
    private static <V> Map<String, V> bounded(int maxEntries) {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > maxEntries;
            }
        };
    }
}

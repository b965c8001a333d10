package dev.gatehouse.admin.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.security.LoginThrottle.Attempt;
import dev.gatehouse.admin.security.LoginThrottle.Limit;
import dev.gatehouse.admin.security.LoginThrottle.Limits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The throttle's arithmetic with a clock that only moves when told. */
class LoginThrottleTest {

    private static final String ADMIN = "admin@example.test";
    private static final String ATTACKER = "203.0.113.9";
    private static final String OFFICE = "198.51.100.20";

    private MutableClock clock;
    private LoginThrottle throttle;

    @BeforeEach
    void setUp() {
        clock = MutableClock.startingAt("2026-03-10T12:00:00Z");
        throttle = new LoginThrottle(Limits.DEFAULT, clock);
    }

    /** An attempt with a wrong password, right now: zero if it was let through (and counted), else the wait. */
    private Duration fail(String account, String client) {
        return throttle.begin(account, client).retryAfter();
    }

    /** A wrong password as soon as the throttle lets one through: waits out the block first. */
    private void failAsSoonAsAllowed(String account, String client) {
        Duration wait = fail(account, client);
        if (!wait.isZero()) {
            clock.advance(wait);
            assertThat(fail(account, client)).isZero();
        }
    }

    /** An attempt with the right password: zero if it was let through (and signed in), else the wait. */
    private Duration signIn(String account, String client) {
        Attempt attempt = throttle.begin(account, client);
        if (!attempt.refused()) {
            throttle.succeeded(attempt);
        }
        return attempt.retryAfter();
    }

    @Test
    void fiveFailuresAreFreeThenAttemptsWaitOneSecondDoublingWithEachFurtherFailure() {
        for (int i = 1; i <= 5; i++) {
            assertThat(fail(ADMIN, ATTACKER)).as("attempt %d", i).isZero();
        }
        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Duration wait = fail(ADMIN, ATTACKER);
            waits.add(wait);
            clock.advance(wait);
            assertThat(fail(ADMIN, ATTACKER)).as("once the wait is over, one attempt is let through").isZero();
        }

        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(8), Duration.ofSeconds(16));
    }

    @Test
    void theWaitNeverExceedsFifteenMinutes() {
        for (int i = 0; i < 60; i++) {
            failAsSoonAsAllowed(ADMIN, ATTACKER);
        }

        assertThat(fail(ADMIN, ATTACKER)).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void refusedAttemptsDoNotCountAndDoNotExtendTheWait() {
        for (int i = 0; i < 5; i++) {
            fail(ADMIN, ATTACKER);
        }
        for (int i = 0; i < 100; i++) {
            assertThat(fail(ADMIN, ATTACKER)).isEqualTo(Duration.ofSeconds(1));
        }
        clock.advance(Duration.ofMillis(400));
        assertThat(fail(ADMIN, ATTACKER)).isEqualTo(Duration.ofMillis(600));
    }

    @Test
    void attemptsInFlightCountAlreadySoParallelGuessesCannotSlipThrough() {
        List<Attempt> attempts = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            attempts.add(throttle.begin(ADMIN, ATTACKER)); // none has finished yet
        }

        assertThat(attempts).filteredOn(attempt -> !attempt.refused()).hasSize(5);
    }

    @Test
    void aSuccessClearsTheAccountsCount() {
        for (int i = 0; i < 4; i++) {
            fail(ADMIN, OFFICE);
        }
        assertThat(signIn(ADMIN, OFFICE)).isZero();
        for (int i = 1; i <= 5; i++) {
            assertThat(fail(ADMIN, OFFICE)).as("the count started over: attempt %d", i).isZero();
        }
        assertThat(fail(ADMIN, OFFICE)).isPositive();
    }

    @Test
    void everythingIsForgottenFifteenMinutesAfterTheBlockEnds() {
        for (int i = 0; i < 7; i++) {
            failAsSoonAsAllowed(ADMIN, ATTACKER);
        }
        Duration block = fail(ADMIN, ATTACKER);
        assertThat(block).isEqualTo(Duration.ofSeconds(4));

        clock.advance(block.plus(Duration.ofMinutes(15)).minusMillis(1));
        assertThat(fail(ADMIN, ATTACKER)).as("still remembered: let through, and the next one waits 8 s").isZero();
        assertThat(fail(ADMIN, ATTACKER)).isEqualTo(Duration.ofSeconds(8));

        clock.advance(Duration.ofSeconds(8).plus(Duration.ofMinutes(15)));
        for (int i = 1; i <= 5; i++) {
            assertThat(fail(ADMIN, ATTACKER)).as("forgotten: attempt %d is free again", i).isZero();
        }
        assertThat(fail(ADMIN, ATTACKER)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void anAttackerOnOneAddressNeverSlowsTheAdminElsewhereHoweverLongItGoesOn() {
        for (int i = 0; i < 500; i++) {
            failAsSoonAsAllowed(ADMIN, ATTACKER);
        }

        assertThat(fail(ADMIN, ATTACKER)).isEqualTo(Duration.ofMinutes(15));
        assertThat(signIn(ADMIN, "192.0.2.77")).as("a new address of the real admin").isZero();
    }

    @Test
    void otherAccountsFromTheSameAddressAreUnaffectedUntilTheAddressSprays() {
        for (int i = 0; i < 6; i++) {
            fail(ADMIN, ATTACKER);
        }
        assertThat(fail(ADMIN, ATTACKER)).isPositive();
        assertThat(signIn("other@example.test", ATTACKER)).isZero();

        for (int account = 0; account < 15; account++) {
            assertThat(fail("user" + account + "@example.test", ATTACKER)).isZero();
        }
        assertThat(fail("fresh@example.test", ATTACKER)).as("20 failures from one address, any accounts").isPositive();
        assertThat(signIn("fresh@example.test", OFFICE)).isZero();
    }

    @Test
    void manyAddressesTogetherSlowTheAccountButNotWhereItSignedInBefore() {
        assertThat(signIn(ADMIN, OFFICE)).isZero();
        for (int bot = 0; bot < 50; bot++) {
            assertThat(fail(ADMIN, "192.0.2." + bot)).isZero();
        }

        assertThat(fail(ADMIN, "192.0.2.200")).as("a new address").isEqualTo(Duration.ofSeconds(1));
        assertThat(signIn(ADMIN, OFFICE)).as("the office signed in within 30 days").isZero();
        assertThat(fail(ADMIN, "192.0.2.201")).as("the success cleared the account's count").isZero();
    }

    @Test
    void anAbandonedAttemptDoesNotCount() {
        for (int i = 0; i < 20; i++) {
            Attempt attempt = throttle.begin(ADMIN, ATTACKER);
            assertThat(attempt.refused()).isFalse();
            throttle.abandoned(attempt);
        }
        for (int i = 1; i <= 5; i++) {
            assertThat(fail(ADMIN, ATTACKER)).as("attempt %d", i).isZero();
        }
    }

    @Test
    void successfulSignInsDoNotAddUpAgainstTheirAddress() {
        for (int i = 0; i < 100; i++) {
            assertThat(signIn("script" + (i % 3) + "@example.test", OFFICE)).as("Basic call %d", i).isZero();
        }
    }

    @Test
    void tablesStayBounded() {
        LoginThrottle small = new LoginThrottle(new Limits(Duration.ofMinutes(15), Duration.ofSeconds(1),
                new Limit(1, Duration.ofMinutes(15)), new Limit(1000, Duration.ofMinutes(15)),
                new Limit(1000, Duration.ofMinutes(15)), Duration.ofDays(30), 3), clock);
        small.begin(ADMIN, "192.0.2.1");
        assertThat(small.begin(ADMIN, "192.0.2.1").refused()).isTrue();

        for (int i = 2; i <= 4; i++) {
            small.begin(ADMIN, "192.0.2." + i);
        }

        assertThat(small.begin(ADMIN, "192.0.2.1").refused()).as("the least recently touched key made room").isFalse();
    }

    @Test
    void accountNamesAreComparedLikeStoredEmails() {
        assertThat(LoginThrottle.account("  Admin@Example.TEST ")).isEqualTo(ADMIN);
        assertThat(LoginThrottle.account(null)).isEmpty();
        assertThat(LoginThrottle.account("a".repeat(1000))).hasSize(LoginThrottle.MAX_ACCOUNT_LENGTH);
    }
}

package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.security.MutableClock;
import dev.gatehouse.admin.twofactor.Base32;
import dev.gatehouse.admin.twofactor.Totp;
import dev.gatehouse.storage.user.UserRepository;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/**
 * Users with two-factor sign-in on a running Gatehouse, set up the way a person does it: on the account
 * page, reading the key off the page and typing the code an authenticator app would show at the
 * application's (movable) clock.
 */
final class TwoFactorAccounts {

    static final String PASSWORD = "two-factor-test-passphrase-42";

    private static final Pattern SECRET_INPUT = Pattern.compile("<input[^>]*id=\"two-factor-secret\"[^>]*>");
    private static final Pattern URI_INPUT = Pattern.compile("<input[^>]*id=\"two-factor-uri\"[^>]*>");
    private static final Pattern VALUE = Pattern.compile("value=\"([^\"]*)\"");
    private static final Pattern RECOVERY_CODE = Pattern.compile("<li>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</li>");

    /**
     * A user with two-factor sign-in.
     *
     * @param secret        the base32 key the set-up page showed
     * @param recoveryCodes the ten codes shown once
     */
    record Enrolled(String email, String secret, List<String> recoveryCodes) {

        /** The code an authenticator app shows at {@code clock}'s time. */
        String code(Clock clock) {
            return Totp.code(Base32.decode(secret), Totp.step(clock.instant()));
        }

        /** Six digits that are no code of the steps accepted at {@code clock}'s time. */
        String wrongCode(Clock clock) {
            long step = Totp.step(clock.instant());
            Set<String> accepted = Set.of(Totp.code(Base32.decode(secret), step - 1),
                    Totp.code(Base32.decode(secret), step), Totp.code(Base32.decode(secret), step + 1));
            for (int digit = 0; ; digit++) {
                String candidate = String.valueOf(digit).repeat(6);
                if (!accepted.contains(candidate)) {
                    return candidate;
                }
            }
        }
    }

    private final RunningGatehouse gatehouse;

    TwoFactorAccounts(RunningGatehouse gatehouse) {
        this.gatehouse = gatehouse;
    }

    /**
     * A clock one second into a 30-second code step, so "the next step" is always 30 seconds away
     * and a test moves it instead of waiting for codes to change.
     */
    static MutableClock clockAtStartOfCodeStep() {
        long now = Instant.now().getEpochSecond();
        return new MutableClock(Instant.ofEpochSecond(now - now % 30 + 1));
    }

    /** The appliance on {@code clock}, its first administrator {@code adminEmail} with the password {@link #PASSWORD}. */
    static RunningGatehouse startGatehouse(Path dataDir, Clock clock, String adminEmail) {
        return RunningGatehouse.start(dataDir, clock, "gatehouse.admin-email=" + adminEmail,
                "gatehouse.admin-password=" + PASSWORD);
    }

    /** A new user (password {@link #PASSWORD}) with the given role, without two-factor sign-in. */
    void create(String email, String role) {
        gatehouse.bean(UserRepository.class).insert(email, gatehouse.bean(PasswordEncoder.class).encode(PASSWORD), role);
    }

    /** Signs in with the password alone; fails unless that lands on the dashboard. */
    BrowserSession signedIn(String email) {
        BrowserSession browser = BrowserSession.of(gatehouse);
        assertThat(BrowserSession.location(browser.signInWithPassword(email, PASSWORD))).isEqualTo("/");
        return browser;
    }

    /**
     * Turns two-factor sign-in on in a signed-in browser (within the re-authentication window), with the
     * code of the clock's current step; the caller moves the clock on before that step's code may be used again.
     */
    static Enrolled enrol(BrowserSession browser, String email, Clock clock) {
        EntityExchangeResult<String> page = browser.get("/account/security/two-factor");
        assertThat(page.getStatus().value()).as("set-up page").isEqualTo(200);
        String secret = value(SECRET_INPUT, page.getResponseBody()).replace(" ", "");
        assertThat(value(URI_INPUT, page.getResponseBody())).contains("secret=" + secret);
        String code = Totp.code(Base32.decode(secret), Totp.step(clock.instant()));

        EntityExchangeResult<String> turnedOn = browser.submit("/account/security/two-factor", "/account/security/two-factor",
                Map.of("code", code));
        assertThat(BrowserSession.location(turnedOn)).isEqualTo("/account/security/recovery-codes");
        String codesPage = browser.get("/account/security/recovery-codes").getResponseBody();
        List<String> codes = new ArrayList<>();
        Matcher item = RECOVERY_CODE.matcher(codesPage);
        while (item.find()) {
            codes.add(item.group(1));
        }
        assertThat(codes).hasSize(10);
        return new Enrolled(email, secret, codes);
    }

    /** A new user with two-factor sign-in, signed out again. */
    Enrolled createEnrolled(String email, String role, Clock clock) {
        create(email, role);
        BrowserSession browser = signedIn(email);
        Enrolled enrolled = enrol(browser, email, clock);
        assertThat(BrowserSession.location(browser.signOut())).isEqualTo("/login?logout");
        return enrolled;
    }

    private static String value(Pattern tag, String html) {
        Matcher input = tag.matcher(html);
        assertThat(input.find()).as("%s in the page", tag).isTrue();
        Matcher value = VALUE.matcher(input.group());
        assertThat(value.find()).isTrue();
        return value.group(1).replace("&amp;", "&");
    }
}

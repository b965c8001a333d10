package dev.gatehouse.admin.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.gatehouse.storage.user.User;
import dev.gatehouse.storage.user.UserRepository;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.crypto.password.PasswordEncoder;
import reactor.util.context.Context;

/**
 * Email-and-password sign-in as both doors use it, with the user store and the password encoder
 * mocked: unknown accounts cost the same password check as known ones, throttled attempts none.
 */
class PasswordSignInTest {

    private static final String ADMIN = "admin@example.test";
    private static final String HASH = "{test}admin-hash";
    private static final String PLACEHOLDER = "{test}placeholder";
    private static final String CLIENT = "192.0.2.10";

    private UserRepository users;
    private PasswordEncoder passwords;
    private ReactiveAuthenticationManager signIn;

    @BeforeEach
    void setUp() {
        users = mock(UserRepository.class);
        passwords = mock(PasswordEncoder.class);
        when(users.findByEmail(ADMIN)).thenReturn(Optional.of(new User(1, ADMIN, HASH, "ADMIN", Instant.EPOCH)));
        when(passwords.encode(anyString())).thenReturn(PLACEHOLDER);
        when(passwords.matches("right", HASH)).thenReturn(true);
        SecurityConfiguration security = new SecurityConfiguration();
        signIn = SecurityConfiguration.passwordSignIn(security.userDetailsService(users), passwords,
                new LoginThrottle(LoginThrottle.Limits.DEFAULT, MutableClock.startingAt("2026-03-10T12:00:00Z")));
    }

    private Authentication attempt(String username, String password) {
        return signIn.authenticate(new UsernamePasswordAuthenticationToken(username, password))
                .contextWrite(Context.of(ClientAddress.CONTEXT_KEY, CLIENT))
                .block();
    }

    @Test
    void theRightPasswordSignsInWithTheUsersRole() {
        Authentication signedIn = attempt(ADMIN, "right");

        assertThat(signedIn.isAuthenticated()).isTrue();
        assertThat(signedIn.getName()).isEqualTo(ADMIN);
        assertThat(signedIn.getAuthorities()).extracting(GrantedAuthority::getAuthority).containsExactly("ROLE_ADMIN");
    }

    @Test
    void anUnknownAccountCostsThePasswordCheckAWrongPasswordCosts() {
        assertThatThrownBy(() -> attempt("nobody@example.test", "right")).isInstanceOf(BadCredentialsException.class);
        assertThatThrownBy(() -> attempt(ADMIN, "wrong")).isInstanceOf(BadCredentialsException.class);
        assertThatThrownBy(() -> attempt("   ", "right")).isInstanceOf(BadCredentialsException.class);

        verify(passwords, times(2)).matches("right", PLACEHOLDER);
        verify(passwords).matches("wrong", HASH);
        verify(passwords, times(1)).encode(anyString()); // the placeholder is made once
        verify(users, never()).findByEmail("   ");
    }

    @Test
    void evenAMatchOfThePlaceholderIsRefused() {
        when(passwords.matches(any(), eq(PLACEHOLDER))).thenReturn(true);

        assertThatThrownBy(() -> attempt("nobody@example.test", "anything")).isNotInstanceOf(LoginThrottledException.class)
                .satisfies(failure -> assertThat(failure.getClass().getSimpleName()).isEqualTo("CredentialsExpiredException"));
    }

    @Test
    void onceThrottledThePasswordIsNotEvenChecked() {
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> attempt(ADMIN, "wrong")).isInstanceOf(BadCredentialsException.class);
        }

        assertThatThrownBy(() -> attempt(ADMIN, "right")).isInstanceOfSatisfying(LoginThrottledException.class,
                throttled -> assertThat(throttled.retryAfterSeconds()).isEqualTo(1));
        verify(passwords, never()).matches("right", HASH);
        assertThatThrownBy(() -> attempt("ADMIN@example.test ", "right")).as("the same account in other letters")
                .isInstanceOf(LoginThrottledException.class);
    }
}

package dev.gatehouse.admin.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.gatehouse.admin.security.MutableClock;
import dev.gatehouse.storage.token.ApiToken;
import dev.gatehouse.storage.token.ApiTokenRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/** The bearer-token check with the repository mocked: hashing, scope, expiry, revocation, cache, last use. */
class ApiTokenAuthenticatorTest {

    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");

    private MutableClock clock;
    private ApiTokenRepository repository;
    private ApiTokenAuthenticator authenticator;
    private TokenSecrets.Generated generated;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(NOW);
        repository = mock(ApiTokenRepository.class);
        authenticator = new ApiTokenAuthenticator(repository, clock);
        generated = TokenSecrets.generate();
    }

    private ApiToken stored(String scope, Instant expiresAt, Instant lastUsedAt, Instant revokedAt) {
        ApiToken token = new ApiToken(7, 1, "admin@example.test", "ADMIN", "ci", scope, generated.keyId(),
                NOW.minusSeconds(3600), expiresAt, lastUsedAt, revokedAt);
        when(repository.findByHash(TokenSecrets.hash(generated.token()))).thenReturn(Optional.of(token));
        return token;
    }

    private Authentication authenticate(String presented) {
        return authenticator.authenticate(new BearerToken(presented)).block();
    }

    @Test
    void aUsableTokenActsAsItsUserWithTheUsersRoleAndItsScope() {
        stored(ApiToken.READ_ONLY, null, null, null);

        Authentication authentication = authenticate(generated.token());

        assertThat(authentication).isInstanceOfSatisfying(ApiTokenAuthentication.class, token -> {
            assertThat(token.isAuthenticated()).isTrue();
            assertThat(token.getName()).isEqualTo("admin@example.test");
            assertThat(token.getAuthorities()).extracting(GrantedAuthority::getAuthority).containsExactly("ROLE_ADMIN");
            assertThat(token.tokenId()).isEqualTo(7);
            assertThat(token.scope()).isEqualTo(ApiToken.READ_ONLY);
            assertThat(token.getCredentials()).as("holds no secret").isNull();
            assertThat(token.toString()).doesNotContain(generated.token());
        });
        verify(repository).findByHash(TokenSecrets.hash(generated.token()));
    }

    static Stream<Arguments> scopes() {
        return Stream.of(
                Arguments.of(ApiToken.READ_ONLY, HttpMethod.GET, true),
                Arguments.of(ApiToken.READ_ONLY, HttpMethod.HEAD, true),
                Arguments.of(ApiToken.READ_ONLY, HttpMethod.POST, false),
                Arguments.of(ApiToken.READ_ONLY, HttpMethod.PUT, false),
                Arguments.of(ApiToken.READ_ONLY, HttpMethod.DELETE, false),
                Arguments.of(ApiToken.READ_ONLY, HttpMethod.PATCH, false),
                Arguments.of(ApiToken.READ_ONLY, HttpMethod.OPTIONS, false),
                Arguments.of(ApiToken.READ_WRITE, HttpMethod.GET, true),
                Arguments.of(ApiToken.READ_WRITE, HttpMethod.POST, true),
                Arguments.of(ApiToken.READ_WRITE, HttpMethod.DELETE, true));
    }

    @ParameterizedTest(name = "[{index}] {0} {1} -> {2}")
    @MethodSource("scopes")
    void readOnlyTokensOnlyGetAndHead(String scope, HttpMethod method, boolean permitted) {
        stored(scope, null, null, null);

        assertThat(((ApiTokenAuthentication) authenticate(generated.token())).permits(method)).isEqualTo(permitted);
    }

    @Test
    void aTokenWorksUntilItsExpiryInstantAndNotFromIt() {
        stored(ApiToken.READ_WRITE, NOW.plusSeconds(60), null, null);

        assertThat(authenticate(generated.token())).isNotNull();
        clock.advance(Duration.ofSeconds(59));
        assertThat(authenticate(generated.token())).as("still cached, still judged").isNotNull();
        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> authenticate(generated.token())).isInstanceOf(InvalidBearerTokenException.class);
    }

    @Test
    void revokedExpiredUnknownAndMalformedTokensAllGetTheSameAnswer() {
        String revoked = failure(() -> stored(ApiToken.READ_WRITE, null, null, NOW.minusSeconds(1)), generated.token());
        setUp();
        String expired = failure(() -> stored(ApiToken.READ_WRITE, NOW, null, null), generated.token());
        setUp();
        String unknown = failure(() -> when(repository.findByHash(anyString())).thenReturn(Optional.empty()),
                generated.token());
        setUp();
        String malformed = failure(() -> { }, generated.token() + "x");

        assertThat(Stream.of(revoked, expired, unknown, malformed)).containsOnly(InvalidBearerTokenException.MESSAGE);
    }

    @Test
    void aMalformedTokenIsRefusedWithoutALookup() {
        assertThatThrownBy(() -> authenticate("ght_short")).isInstanceOf(InvalidBearerTokenException.class);
        assertThatThrownBy(() -> authenticate("")).isInstanceOf(InvalidBearerTokenException.class);

        verify(repository, never()).findByHash(anyString());
    }

    @Test
    void onlyBearerTokensAreJudgedHere() {
        assertThat(authenticator.authenticate(new UsernamePasswordAuthenticationToken("a", "b")).blockOptional()).isEmpty();
    }

    @Test
    void lookupsAreCachedBrieflyAndUnknownTokensAreNot() {
        stored(ApiToken.READ_WRITE, null, null, null);

        authenticate(generated.token());
        authenticate(generated.token());
        clock.advance(ApiTokenAuthenticator.CACHE_TIME.minusMillis(1));
        authenticate(generated.token());
        verify(repository, times(1)).findByHash(anyString());

        clock.advance(Duration.ofMillis(1));
        authenticate(generated.token());
        verify(repository, times(2)).findByHash(anyString());

        TokenSecrets.Generated unknown = TokenSecrets.generate();
        when(repository.findByHash(TokenSecrets.hash(unknown.token()))).thenReturn(Optional.empty());
        assertThatThrownBy(() -> authenticate(unknown.token())).isInstanceOf(InvalidBearerTokenException.class);
        assertThatThrownBy(() -> authenticate(unknown.token())).isInstanceOf(InvalidBearerTokenException.class);
        verify(repository, times(2)).findByHash(TokenSecrets.hash(unknown.token()));
    }

    @Test
    void forgettingATokenMakesTheNextCallReadItAgain() {
        ApiToken token = stored(ApiToken.READ_WRITE, null, null, null);
        authenticate(generated.token());

        when(repository.findByHash(anyString())).thenReturn(Optional.of(new ApiToken(token.id(), token.userId(),
                token.userEmail(), token.userRole(), token.name(), token.scope(), token.keyId(), token.createdAt(),
                null, null, NOW)));
        authenticator.forget(token.id());

        assertThatThrownBy(() -> authenticate(generated.token())).isInstanceOf(InvalidBearerTokenException.class);
    }

    @Test
    void lastUseIsWrittenAtMostOnceAMinute() {
        ApiToken token = stored(ApiToken.READ_WRITE, null, null, null);

        authenticate(generated.token());
        verify(repository).recordUse(token.id(), NOW);

        clock.advance(Duration.ofSeconds(5));
        authenticate(generated.token()); // from the cache
        clock.advance(Duration.ofSeconds(54));
        authenticate(generated.token()); // read again (the cache has expired), 59 s after the write
        verify(repository, times(1)).recordUse(anyLong(), any());

        clock.advance(Duration.ofSeconds(1));
        authenticate(generated.token());
        verify(repository).recordUse(token.id(), NOW.plusSeconds(60));
        verify(repository, times(2)).recordUse(anyLong(), any());
    }

    @Test
    void aRecentLastUseInTheDatabaseIsNotWrittenAgain() {
        stored(ApiToken.READ_WRITE, null, NOW.minusSeconds(30), null);

        authenticate(generated.token());

        verify(repository, never()).recordUse(anyLong(), any());
    }

    @Test
    void aFailedLastUseWriteDoesNotFailTheCall() {
        stored(ApiToken.READ_WRITE, null, null, null);
        when(repository.recordUse(anyLong(), any())).thenThrow(new IllegalStateException("database is read-only"));

        assertThat(authenticate(generated.token())).isInstanceOf(ApiTokenAuthentication.class);
    }

    private String failure(Runnable arrange, String presented) {
        arrange.run();
        try {
            authenticate(presented);
        } catch (InvalidBearerTokenException refused) {
            return refused.getMessage();
        }
        throw new AssertionError("the token was accepted");
    }
}

package dev.gatehouse.admin.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.gatehouse.admin.common.NotFoundException;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.security.MutableClock;
import dev.gatehouse.storage.token.ApiToken;
import dev.gatehouse.storage.token.ApiTokenRepository;
import dev.gatehouse.storage.user.User;
import dev.gatehouse.storage.user.UserRepository;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import dev.gatehouse.admin.audit.AuditLog;
import dev.gatehouse.storage.audit.AuditEventDraft;
import dev.gatehouse.storage.audit.AuditEventRepository;

/** Creating and revoking tokens with the stores mocked: what is stored (a hash), what is returned (the token once). */
class TokenServiceTest {

    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    private static final User ADMIN = new User(3, "admin@example.test", "{noop}x", "ADMIN", NOW);

    private ApiTokenRepository tokens;
    private UserRepository users;
    private ApiTokenAuthenticator authenticator;
    private AuditEventRepository auditEvents;
    private TokenService service;

    @BeforeEach
    void setUp() {
        tokens = mock(ApiTokenRepository.class);
        users = mock(UserRepository.class);
        authenticator = mock(ApiTokenAuthenticator.class);
        auditEvents = mock(AuditEventRepository.class);
        // one "transaction" that runs the work: the audit entry is written with the token
        AuditLog audit = new AuditLog(auditEvents, new TransactionTemplate(mock(PlatformTransactionManager.class)));
        service = new TokenService(tokens, users, authenticator, new MutableClock(NOW), audit);
        when(users.findByEmail(ADMIN.email())).thenReturn(Optional.of(ADMIN));
        when(tokens.insert(anyLong(), anyString(), anyString(), anyString(), anyString(), any())).thenAnswer(call ->
                new ApiToken(11, call.getArgument(0), ADMIN.email(), ADMIN.role(), call.getArgument(1), call.getArgument(2),
                        call.getArgument(3), NOW, call.getArgument(5), null, null));
    }

    @Test
    void theTokenIsReturnedOnceAndOnlyItsSha256IsStoredForTheSignedInUser() {
        NewToken created = service.create(new TokenCommand(" CI deploy ", "read-write", "2026-06-30"), ADMIN.email()).block();

        ArgumentCaptor<String> keyId = ArgumentCaptor.forClass(String.class);
        ArgumentCaptor<String> hash = ArgumentCaptor.forClass(String.class);
        verify(tokens).insert(eq(ADMIN.id()), eq("CI deploy"), eq(ApiToken.READ_WRITE), keyId.capture(), hash.capture(),
                eq(Instant.parse("2026-07-01T00:00:00Z")));
        assertThat(created.secret()).matches(TokenSecrets.PATTERN).startsWith("ght_" + keyId.getValue() + "_");
        assertThat(hash.getValue()).isEqualTo(TokenSecrets.hash(created.secret())).doesNotContain(created.secret());
        assertThat(created.view()).isEqualTo(new TokenView(11, "CI deploy", ApiToken.READ_WRITE, ADMIN.email(),
                "ght_" + keyId.getValue() + "_…", NOW, null, Instant.parse("2026-07-01T00:00:00Z"), null, TokenView.ACTIVE));
        assertThat(created.view().lastDay()).isEqualTo(LocalDate.parse("2026-06-30"));
        assertThat(created.toString()).doesNotContain(created.secret());
        ArgumentCaptor<AuditEventDraft> entry = ArgumentCaptor.forClass(AuditEventDraft.class);
        verify(auditEvents).insert(entry.capture());
        assertThat(entry.getValue().actor()).isEqualTo(ADMIN.email());
        assertThat(entry.getValue().action()).isEqualTo(AuditLog.CREATE);
        assertThat(entry.getValue().objectType()).isEqualTo(AuditLog.API_TOKEN);
        assertThat(entry.getValue().objectId()).isEqualTo("11");
        assertThat(entry.getValue().summary()).contains("'CI deploy'", "read-write", "ght_" + keyId.getValue() + "_…")
                .doesNotContain(created.secret(), hash.getValue());
    }

    @Test
    void everyTokenIsNew() {
        String first = service.create(new TokenCommand("a", "read-only", ""), ADMIN.email()).block().secret();
        String second = service.create(new TokenCommand("a", "read-only", ""), ADMIN.email()).block().secret();

        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void anInvalidRequestStoresNothing() {
        assertThatThrownBy(() -> service.create(new TokenCommand("", "root", "2020-01-01"), ADMIN.email()).block())
                .isInstanceOfSatisfying(ValidationException.class, rejected -> assertThat(rejected.problems())
                        .extracting(problem -> problem.field()).containsExactly("name", "scope", "expiresOn"));

        verifyNoInteractions(tokens);
    }

    @Test
    void theFormSuggestsNinetyDays() {
        assertThat(service.suggestedExpiry()).isEqualTo(LocalDate.parse("2026-06-08"));
    }

    @Test
    void revokingDropsTheTokenFromTheAuthenticatorsCache() {
        when(tokens.revoke(11)).thenReturn(Optional.of(new ApiToken(11, 3, ADMIN.email(), "ADMIN", "ci", ApiToken.READ_ONLY,
                "Ab3dE9xQ", NOW, null, null, NOW)));

        TokenView revoked = service.revoke(11, ADMIN.email()).block();

        assertThat(revoked.status()).isEqualTo(TokenView.REVOKED);
        verify(authenticator).forget(11);
        ArgumentCaptor<AuditEventDraft> entry = ArgumentCaptor.forClass(AuditEventDraft.class);
        verify(auditEvents).insert(entry.capture());
        assertThat(entry.getValue().action()).isEqualTo(AuditLog.REVOKE);
        assertThat(entry.getValue().summary()).isEqualTo("revoked API token 'ci' (ght_Ab3dE9xQ_…) of admin@example.test");
    }

    @Test
    void revokingAnUnknownTokenIsNotFound() {
        when(tokens.revoke(12)).thenReturn(Optional.empty());

        assertThatThrownBy(() -> service.revoke(12, ADMIN.email()).block())
                .isInstanceOf(NotFoundException.class).hasMessage("there is no API token 12");
        verify(authenticator, never()).forget(anyLong());
        verifyNoInteractions(auditEvents);
    }

    @Test
    void theListJudgesEachTokenAtTheCurrentTime() {
        when(tokens.findAll()).thenReturn(List.of(
                new ApiToken(1, 3, ADMIN.email(), "ADMIN", "live", ApiToken.READ_ONLY, "AAAAAAAA", NOW, NOW.plusSeconds(1), null, null),
                new ApiToken(2, 3, ADMIN.email(), "old", "old", ApiToken.READ_ONLY, "BBBBBBBB", NOW, NOW, null, null),
                new ApiToken(3, 3, ADMIN.email(), "ADMIN", "gone", ApiToken.READ_ONLY, "CCCCCCCC", NOW, null, null, NOW)));

        assertThat(service.list().block()).extracting(TokenView::status)
                .containsExactly(TokenView.ACTIVE, TokenView.EXPIRED, TokenView.REVOKED);
    }
}

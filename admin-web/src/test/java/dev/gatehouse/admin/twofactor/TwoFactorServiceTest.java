package dev.gatehouse.admin.twofactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.gatehouse.admin.audit.AuditLog;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.security.MutableClock;
import dev.gatehouse.admin.twofactor.TwoFactorService.CodeCheck;
import dev.gatehouse.admin.twofactor.TwoFactorService.Enrolment;
import dev.gatehouse.storage.audit.AuditEventDraft;
import dev.gatehouse.storage.audit.AuditEventRepository;
import dev.gatehouse.storage.user.SignInPolicyRepository;
import dev.gatehouse.storage.user.TwoFactorRepository;
import dev.gatehouse.storage.user.TwoFactorStatus;
import dev.gatehouse.storage.user.User;
import dev.gatehouse.storage.user.UserRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Setting up, checking and turning off two-factor sign-in, with the stores mocked: what is stored, what is accepted. */
class TwoFactorServiceTest {

    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    private static final User ALICE = new User(7, "alice@example.test", "{noop}x", "ADMIN", NOW);

    private UserRepository users;
    private TwoFactorRepository store;
    private SignInPolicyRepository policy;
    private MutableClock clock;
    private AuditEventRepository auditEvents;
    private TwoFactorService service;

    @BeforeEach
    void setUp() {
        users = mock(UserRepository.class);
        store = mock(TwoFactorRepository.class);
        policy = mock(SignInPolicyRepository.class);
        clock = new MutableClock(NOW);
        auditEvents = mock(AuditEventRepository.class);
        // one "transaction" that runs the work: the audit entry is written with the change
        AuditLog audit = new AuditLog(auditEvents, new TransactionTemplate(mock(PlatformTransactionManager.class)));
        service = new TwoFactorService(users, store, policy, clock, audit);
        when(users.findByEmail(ALICE.email())).thenReturn(Optional.of(ALICE));
    }

    @Test
    void anEnrolmentOffersA160BitSecretAsTextAndAsAnOtpauthUri() {
        Enrolment enrolment = service.newEnrolment("alice+ops@example.test");

        assertThat(enrolment.secret()).matches("[A-Z2-7]{32}");
        assertThat(Base32.decode(enrolment.secret())).hasSize(20);
        assertThat(enrolment.uri()).isEqualTo("otpauth://totp/Gatehouse:alice+ops@example.test?secret=" + enrolment.secret()
                + "&issuer=Gatehouse&algorithm=SHA1&digits=6&period=30");
        assertThat(enrolment.groupedSecret()).matches("([A-Z2-7]{4} ){7}[A-Z2-7]{4}");
        assertThat(enrolment.toString()).doesNotContain(enrolment.secret());
        assertThat(service.newEnrolment("alice@example.test").secret()).isNotEqualTo(enrolment.secret());
    }

    @Test
    void aLabelWithSpacesOrSlashesIsEscapedInTheUri() {
        assertThat(service.newEnrolment("a b/c@example.test").uri()).startsWith("otpauth://totp/Gatehouse:a%20b%2Fc@example.test?");
    }

    @Test
    void theRightFirstCodeTurnsItOnWithTheSecretItsStepAndOnlyHashesOfTheCodes() {
        Enrolment enrolment = service.newEnrolment(ALICE.email());
        long step = Totp.step(NOW);

        List<String> codes = service.enable(ALICE.email(), enrolment, currentCode(enrolment)).block();

        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<String>> hashes = ArgumentCaptor.forClass(List.class);
        verify(store).enable(eq(ALICE.id()), eq(enrolment.secret()), eq(step), hashes.capture());
        assertThat(codes).hasSize(10);
        assertThat(hashes.getValue()).isEqualTo(codes.stream().map(RecoveryCodes::hash).toList());
        assertThat(String.join(" ", hashes.getValue())).doesNotContain(codes.get(0).substring(0, 4) + "-");
        AuditEventDraft entry = auditEntry();
        assertThat(entry.actor()).isEqualTo(ALICE.email());
        assertThat(entry.objectType()).isEqualTo(AuditLog.USER);
        assertThat(entry.summary()).isEqualTo("two-factor sign-in turned on, with 10 new recovery codes")
                .doesNotContain(enrolment.secret());
    }

    @Test
    void theCodeOfTheStepBeforeStillConfirmsAPhoneThatIsSlow() {
        Enrolment enrolment = service.newEnrolment(ALICE.email());
        String previous = Totp.code(Base32.decode(enrolment.secret()), Totp.step(NOW) - 1);

        service.enable(ALICE.email(), enrolment, previous.substring(0, 3) + " " + previous.substring(3)).block();

        verify(store).enable(eq(ALICE.id()), eq(enrolment.secret()), eq(Totp.step(NOW) - 1), anyList());
    }

    @Test
    void aWrongFirstCodeNamesTheFieldAndStoresNothing() {
        Enrolment enrolment = service.newEnrolment(ALICE.email());
        String wrong = Totp.code(Base32.decode(enrolment.secret()), Totp.step(NOW) + 5);

        assertThatThrownBy(() -> service.enable(ALICE.email(), enrolment, wrong).block())
                .isInstanceOfSatisfying(ValidationException.class, rejected -> {
                    assertThat(rejected.problems()).singleElement().satisfies(problem -> {
                        assertThat(problem.field()).isEqualTo("code");
                        assertThat(problem.message()).startsWith("code: that is not the code your authenticator app shows now");
                    });
                });
        verify(store, never()).enable(anyLong(), anyString(), anyLong(), anyList());
    }

    @Test
    void theCurrentCodeIsAcceptedWhenItsStepIsNewAndRefusedAsAReplay() {
        String secret = service.newEnrolment(ALICE.email()).secret();
        when(store.secret(ALICE.id())).thenReturn(Optional.of(secret));
        String code = Totp.code(Base32.decode(secret), Totp.step(NOW));
        when(store.useStep(ALICE.id(), Totp.step(NOW))).thenReturn(true, false);

        assertThat(service.check(ALICE.email(), code).block()).isEqualTo(CodeCheck.ACCEPTED);
        assertThat(service.check(ALICE.email(), code).block()).isEqualTo(CodeCheck.REJECTED);
    }

    @Test
    void aCodeTwoStepsOldIsRefusedWithoutTouchingTheStore() {
        String secret = service.newEnrolment(ALICE.email()).secret();
        when(store.secret(ALICE.id())).thenReturn(Optional.of(secret));
        String old = Totp.code(Base32.decode(secret), Totp.step(NOW));
        clock.advance(Duration.ofSeconds(61));

        assertThat(service.check(ALICE.email(), old).block()).isEqualTo(CodeCheck.REJECTED);
        verify(store, never()).useStep(anyLong(), anyLong());
    }

    @Test
    void aRecoveryCodeIsLookedUpByItsHashAndUsedUp() {
        when(store.status(ALICE.id())).thenReturn(Optional.of(new TwoFactorStatus(ALICE.id(), NOW, 9)));
        when(store.useRecoveryCode(ALICE.id(), RecoveryCodes.hash("k7mq2xbd9wnrh4tc"))).thenReturn(true, false);

        assertThat(service.check(ALICE.email(), "K7MQ-2XBD-9WNR-H4TC").block()).isEqualTo(CodeCheck.RECOVERY_CODE_ACCEPTED);
        assertThat(service.check(ALICE.email(), "k7mq-2xbd-9wnr-h4tc").block()).isEqualTo(CodeCheck.REJECTED);
        verify(store, never()).secret(anyLong());
    }

    @Test
    void withoutTwoFactorSignInEveryCodeIsRefused() {
        assertThat(service.check(ALICE.email(), "123456").block()).isEqualTo(CodeCheck.REJECTED);
        assertThat(service.check(ALICE.email(), "k7mq-2xbd-9wnr-h4tc").block()).isEqualTo(CodeCheck.REJECTED);
        assertThat(service.check("nobody@example.test", "123456").block()).isEqualTo(CodeCheck.REJECTED);
        assertThat(service.check(ALICE.email(), null).block()).isEqualTo(CodeCheck.REJECTED);
        verify(store, never()).useRecoveryCode(anyLong(), anyString());
    }

    @Test
    void newRecoveryCodesReplaceTheOldOnesOnlyWhenTwoFactorIsOn() {
        when(store.replaceRecoveryCodes(eq(ALICE.id()), anyList())).thenReturn(true, false);

        Optional<List<String>> made = service.newRecoveryCodes(ALICE.email()).block();
        Optional<List<String>> none = service.newRecoveryCodes(ALICE.email()).block();

        assertThat(made).get().asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).hasSize(10);
        assertThat(none).isEmpty();
    }

    @Test
    void thePolicyIsReadAndWrittenThroughTheStore() {
        when(policy.twoFactorRequired()).thenReturn(true);

        assertThat(service.required().block()).isTrue();
        service.setRequired(false, ALICE.email()).block();

        verify(policy).setTwoFactorRequired(false);
        assertThat(auditEntry().summary()).isEqualTo("two-factor sign-in required for every user: true → false");
    }

    @Test
    void anAdministratorTurningItOffForSomeoneIsRecordedAsThem() {
        when(store.disable(ALICE.id())).thenReturn(true);

        assertThat(service.disable(ALICE.email(), "root@example.test").block()).isTrue();

        AuditEventDraft entry = auditEntry();
        assertThat(entry.actor()).isEqualTo("root@example.test");
        assertThat(entry.objectId()).isEqualTo(ALICE.email());
        assertThat(entry.summary()).isEqualTo("two-factor sign-in turned off; its secret and recovery codes deleted");
    }

    private AuditEventDraft auditEntry() {
        ArgumentCaptor<AuditEventDraft> entry = ArgumentCaptor.forClass(AuditEventDraft.class);
        verify(auditEvents).insert(entry.capture());
        return entry.getValue();
    }

    private String currentCode(Enrolment enrolment) {
        return Totp.code(Base32.decode(enrolment.secret()), Totp.step(clock.instant()));
    }
}

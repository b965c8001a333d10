package dev.gatehouse.admin.setup;

import dev.gatehouse.admin.common.Blocking;
import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.storage.user.UserRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import reactor.core.publisher.Mono;

/**
 * The first administrator: created once, on the setup page or from GATEHOUSE_ADMIN_EMAIL and
 * GATEHOUSE_ADMIN_PASSWORD, never with a default password.
 */
@Service
public class SetupService {

    private static final Logger log = LoggerFactory.getLogger(SetupService.class);

    /** Role of the first user; roles arrive with user management. */
    public static final String ADMIN_ROLE = "ADMIN";

    /** Deliberately loose (one '@', no spaces, a dot-free domain allowed for LAN names like admin@nas). */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s.][^@\\s]*");
    private static final int MAX_EMAIL_LENGTH = 254;

    private final UserRepository users;
    private final PasswordEncoder passwordEncoder;
    private final TransactionTemplate transactions;
    private final ReentrantLock setupLock = new ReentrantLock();
    /** Once true it stays true: users are never all deleted. Saves a query per request after setup. */
    private final AtomicBoolean complete = new AtomicBoolean();

    public SetupService(UserRepository users, PasswordEncoder passwordEncoder, TransactionTemplate transactions) {
        this.users = users;
        this.passwordEncoder = passwordEncoder;
        this.transactions = transactions;
    }

    /** True while no user exists: the dashboard then sends every page to /setup. */
    public Mono<Boolean> needsSetup() {
        if (complete.get()) {
            return Mono.just(false);
        }
        return Blocking.mono(this::needsSetupNow);
    }

    /** Blocking form of {@link #needsSetup()}, for startup code. */
    public boolean needsSetupNow() {
        if (complete.get()) {
            return false;
        }
        boolean hasUser = users.count() > 0;
        if (hasUser) {
            complete.set(true);
        }
        return !hasUser;
    }

    /**
     * @throws ConflictException on {@code email} ("setup is already complete") once any user exists,
     *     whatever the input
     * @throws ValidationException on {@code email} and/or {@code password}
     */
    public Mono<Void> createFirstAdmin(String email, String password) {
        return Blocking.run(() -> createFirstAdminNow(email, password));
    }

    /** Blocking form of {@link #createFirstAdmin}, for startup code. */
    public void createFirstAdminNow(String email, String password) {
        setupLock.lock();
        try {
            if (!needsSetupNow()) {
                throw new ConflictException("email", "setup is already complete; sign in instead");
            }
            String normalizedEmail = email == null ? "" : email.trim();
            List<FieldProblem> problems = new ArrayList<>();
            emailProblem(normalizedEmail).ifPresent(message -> problems.add(new FieldProblem("email", message)));
            PasswordPolicy.problem(password, normalizedEmail)
                    .ifPresent(message -> problems.add(new FieldProblem("password", message)));
            if (!problems.isEmpty()) {
                throw new ValidationException(problems);
            }
            String hash = passwordEncoder.encode(password);
            transactions.executeWithoutResult(status -> {
                if (users.count() > 0) {
                    throw new ConflictException("email", "setup is already complete; sign in instead");
                }
                users.insert(normalizedEmail, hash, ADMIN_ROLE);
            });
            complete.set(true);
            log.info("Created the first administrator {}", normalizedEmail);
        } finally {
            setupLock.unlock();
        }
    }

    /** Why {@code email} (trimmed) is not a usable sign-in email; empty when it is. */
    public static Optional<String> emailProblem(String email) {
        if (email.isEmpty()) {
            return Optional.of("email is required, e.g. admin@example.com");
        }
        if (email.length() > MAX_EMAIL_LENGTH) {
            return Optional.of("email must be at most " + MAX_EMAIL_LENGTH + " characters, was "
                    + email.length());
        }
        if (!EMAIL.matcher(email).matches()) {
            return Optional.of("email '" + email + "' is not an email address, e.g. admin@example.com");
        }
        return Optional.empty();
    }
}

package dev.gatehouse.admin.login;

import dev.gatehouse.admin.security.DashboardSignIn;
import dev.gatehouse.admin.security.LoginThrottledException;
import dev.gatehouse.admin.security.SecurityConfiguration;
import dev.gatehouse.admin.security.SignInState;
import dev.gatehouse.admin.twofactor.TwoFactorService.CodeCheck;
import dev.gatehouse.admin.web.Flash;
import dev.gatehouse.admin.web.FlashMessages;
import dev.gatehouse.admin.web.PageController;
import java.net.URI;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.web.server.savedrequest.ServerRequestCache;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.InitBinder;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The second step of signing in, for users with two-factor sign-in: after the right password the
 * session holds only a half-finished sign-in ({@link SignInState.Pending}), which opens no page and no
 * API call; this page takes the authenticator's code (or a recovery code) and finishes the sign-in.
 *
 * <p>A wrong code comes back here with {@code ?error} and counts against the sign-in throttle like a
 * wrong password; while throttled, {@code ?throttled=<seconds>}. Without a half-finished sign-in (none
 * started, or more than {@link SignInState#PENDING_FOR} ago) both go back to the login page.
 */
@PageController
public class TwoFactorLoginController {

    static final String PATH = "/login/two-factor";
    private static final String VIEW = "login/two-factor";
    private static final String START_OVER = "/login?expired";

    private final DashboardSignIn signIn;
    private final Clock clock;
    private final ServerRequestCache savedRequests = SecurityConfiguration.savedRequests();

    public TwoFactorLoginController(DashboardSignIn signIn, ObjectProvider<Clock> clock) {
        this.signIn = signIn;
        this.clock = clock.getIfUnique(Clock::systemUTC);
    }

    @InitBinder("form")
    void bindOnlyTheCode(WebDataBinder binder) {
        binder.setAllowedFields("code");
    }

    @GetMapping(PATH)
    public Mono<Rendering> page(@RequestParam MultiValueMap<String, String> query, Model model, ServerWebExchange exchange) {
        return exchange.getSession().map(session -> {
            if (SignInState.pending(session, clock.instant()) == null) {
                return Rendering.redirectTo(START_OVER).build();
            }
            Long throttledSeconds = LoginController.throttledSeconds(query.getFirst("throttled"));
            model.addAttribute("throttledSeconds", throttledSeconds);
            model.addAttribute("codeError", throttledSeconds == null && query.containsKey("error"));
            return Rendering.view(VIEW).build();
        });
    }

    @PostMapping(PATH)
    public Mono<Rendering> verify(@ModelAttribute("form") CodeForm form, ServerWebExchange exchange) {
        return exchange.getSession().flatMap(session -> {
            SignInState.Pending pending = SignInState.pending(session, clock.instant());
            if (pending == null) {
                return Mono.just(Rendering.redirectTo(START_OVER).build());
            }
            return signIn.secondFactor(pending, form.getCode())
                    .flatMap(check -> check.accepted()
                            ? signedIn(exchange, pending.email(), check)
                            : Mono.just(Rendering.redirectTo(PATH + "?error").build()))
                    .onErrorResume(LoginThrottledException.class, throttled ->
                            Mono.just(Rendering.redirectTo(PATH + "?throttled=" + throttled.retryAfterSeconds()).build()));
        });
    }

    /** Finishes the sign-in and goes where the login form would have: the page that asked, or the dashboard. */
    private Mono<Rendering> signedIn(ServerWebExchange exchange, String email, CodeCheck check) {
        Mono<Void> flash = check == CodeCheck.RECOVERY_CODE_ACCEPTED
                ? FlashMessages.put(exchange, Flash.success("Signed in with a recovery code, which is now used up. "
                        + "If your authenticator is lost, turn two-factor sign-in off and on again on your account page."))
                : Mono.empty();
        return signIn.complete(exchange, email)
                .then(flash)
                .then(savedRequests.getRedirectUri(exchange).defaultIfEmpty(URI.create("/")))
                .map(target -> Rendering.redirectTo(target.toString()).build());
    }
}

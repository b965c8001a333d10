package dev.gatehouse.admin.security;

import java.util.UUID;
import org.springframework.http.HttpCookie;
import org.springframework.security.web.server.csrf.CookieServerCsrfTokenRepository;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.web.server.csrf.DefaultCsrfToken;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRepository;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Where the dashboard keeps a form's CSRF token: in the session of a signed-in user, in a cookie for
 * everybody else.
 *
 * <p>Anonymous visitors (the login, code and setup pages) get no server session at all: a session kept
 * for every GET of the login page would let anyone fill the session store ({@code
 * gatehouse.session.max-sessions}) with a script and stop real administrators from signing in. Their token
 * travels in the {@value #COOKIE_NAME} cookie instead (random, {@code HttpOnly}, {@code SameSite=Strict},
 * {@code Secure} over TLS) and must come back as the form's {@code _csrf} field (the double-submit
 * pattern); a page of another site can neither read the cookie nor guess it. Signed-in sessions keep the
 * stronger session-bound token: a sibling subdomain able to plant cookies cannot forge that one. (Unlike
 * Spring's session repository, saving that token does not change the session id: the sign-in already gave
 * the session a new one, and a second change on the first page after it would only orphan the cookie a
 * browser holds while several tabs load.)
 *
 * <p>Which of the two is decided the same way when a form is rendered and when it is posted: whether the
 * request's session holds a full sign-in. A half-finished sign-in (code still to come) is not one: its
 * forms use the cookie, which a sign-in step expiring in between cannot take away. Tokens are XOR-masked
 * per page either way (BREACH), see {@link SecurityConfiguration}.
 */
final class DashboardCsrfTokens implements ServerCsrfTokenRepository {

    /** The anonymous visitors' token cookie. */
    static final String COOKIE_NAME = "CSRF-TOKEN";
    /** As Spring's session repository names them, so a token looks the same wherever it is kept. */
    private static final String PARAMETER_NAME = "_csrf";
    private static final String HEADER_NAME = "X-CSRF-TOKEN";

    private final ServerCsrfTokenRepository sessions = new InTheSession();
    private final CookieServerCsrfTokenRepository cookies = new CookieServerCsrfTokenRepository();

    DashboardCsrfTokens() {
        cookies.setCookieName(COOKIE_NAME);
        cookies.setParameterName(PARAMETER_NAME);
        cookies.setHeaderName(HEADER_NAME);
        cookies.setCookiePath("/");
        cookies.setCookieCustomizer(cookie -> cookie.httpOnly(true).sameSite("Strict"));
    }

    @Override
    public Mono<CsrfToken> generateToken(ServerWebExchange exchange) {
        return repository(exchange).flatMap(repository -> repository.generateToken(exchange));
    }

    @Override
    public Mono<Void> saveToken(ServerWebExchange exchange, CsrfToken token) {
        return repository(exchange).flatMap(repository -> repository.saveToken(exchange, token));
    }

    @Override
    public Mono<CsrfToken> loadToken(ServerWebExchange exchange) {
        return repository(exchange).flatMap(repository -> repository.loadToken(exchange));
    }

    /** The session's repository for a signed-in session, else the cookie's; no session is looked up without its cookie. */
    private Mono<ServerCsrfTokenRepository> repository(ServerWebExchange exchange) {
        HttpCookie session = exchange.getRequest().getCookies().getFirst(SessionConfiguration.COOKIE_NAME);
        if (session == null || session.getValue().isEmpty()) {
            return Mono.just(cookies);
        }
        return exchange.getSession().map(webSession -> SignInState.signedInAt(webSession) != null ? sessions : cookies);
    }

    /** A random token per signed-in session, kept as a session attribute. */
    private static final class InTheSession implements ServerCsrfTokenRepository {

        private static final String ATTRIBUTE = DashboardCsrfTokens.class.getName() + ".token";

        @Override
        public Mono<CsrfToken> generateToken(ServerWebExchange exchange) {
            return Mono.fromCallable(() -> new DefaultCsrfToken(HEADER_NAME, PARAMETER_NAME, UUID.randomUUID().toString()));
        }

        @Override
        public Mono<Void> saveToken(ServerWebExchange exchange, CsrfToken token) {
            return exchange.getSession().doOnNext(session -> {
                if (token == null) {
                    session.getAttributes().remove(ATTRIBUTE);
                } else {
                    session.getAttributes().put(ATTRIBUTE, token);
                }
            }).then();
        }

        @Override
        public Mono<CsrfToken> loadToken(ServerWebExchange exchange) {
            return exchange.getSession().mapNotNull(session -> session.getAttribute(ATTRIBUTE));
        }
    }
}

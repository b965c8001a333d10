package dev.gatehouse.admin.security;

import dev.gatehouse.admin.api.ProblemResponseWriter;
import dev.gatehouse.admin.common.Blocking;
import dev.gatehouse.admin.token.ApiTokenAuthenticator;
import dev.gatehouse.admin.token.BearerTokenConverter;
import dev.gatehouse.admin.twofactor.TwoFactorService;
import dev.gatehouse.storage.user.UserRepository;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UserDetailsRepositoryReactiveAuthenticationManager;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.ReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.server.DefaultServerRedirectStrategy;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationEntryPointFailureHandler;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationSuccessHandler;
import org.springframework.security.web.server.authentication.ServerAuthenticationFailureHandler;
import org.springframework.security.web.server.authentication.ServerAuthenticationSuccessHandler;
import org.springframework.security.web.server.authentication.logout.RedirectServerLogoutSuccessHandler;
import org.springframework.security.web.server.authentication.logout.WebSessionServerLogoutHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.csrf.XorServerCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy;
import org.springframework.security.web.server.savedrequest.CookieServerRequestCache;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.savedrequest.ServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Two doors into the admin app.
 *
 * <ul>
 *   <li>{@code /api/**}: stateless; an API token ({@code Authorization: Bearer ght_...}, checked by
 *       {@link ApiTokenAuthenticator}: one hash and a cached lookup per call) or HTTP Basic with a
 *       user's email and password (a bcrypt per call). Both are one factor, also for users with
 *       two-factor sign-in: scripts cannot type codes, and a token is the credential meant for them
 *       (scoped, expiring, revocable). The dashboard's session cookie is honoured too (read only: the API
 *       never creates or changes a session), with {@link OriginCheck} in place of CSRF tokens: a change
 *       made with the cookie must come from the dashboard's origin. Problem details instead of redirects:
 *       401 with the challenges, 403 for what the role or a read-only token may not do, 429 with
 *       {@code Retry-After} when sign-ins are throttled.</li>
 *   <li>everything else: the dashboard, with a session cookie from the form login at
 *       {@code /login}, then {@code /login/two-factor} for users with two-factor sign-in
 *       ({@link DashboardSignIn}); CSRF on every form, logout by POST {@code /logout}. Anonymous visitors
 *       get no server session: their CSRF token ({@link DashboardCsrfTokens}) and the page to return to
 *       after signing in ({@link #savedRequests()}) are cookies, so no amount of anonymous traffic can fill
 *       the session store.
 *       {@link SetupRedirectFilter} sends every page to {@code /setup} while no user exists.</li>
 * </ul>
 * Sessions ({@link SessionConfiguration}): a new id at each sign-in step, idle and absolute timeouts
 * ({@link SessionTimeouts}), a recent password for the sensitive pages ({@link ReauthenticationService}),
 * the end of a user's sessions when their password, role or account changes ({@link UserSessions}), and
 * the "two-factor for everyone" policy ({@link TwoFactorEnrolmentFilter}). Every response carries
 * the security headers: a Content-Security-Policy without inline script or style
 * ({@link #DASHBOARD_CSP}), no framing, {@code nosniff}, {@code Referrer-Policy: same-origin} and a
 * Permissions-Policy.
 * Passwords, on the form and with Basic, go through {@link LoginThrottle}. Which role may make which
 * request is decided by {@link RoleRules} on both doors; a refused page gets the {@link ForbiddenPage}.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
@Import(SessionConfiguration.class)
public class SecurityConfiguration {

    /**
     * The dashboard's Content-Security-Policy: scripts, styles, fonts and fetches from the appliance itself
     * only, never inline (no {@code <script>} body, no {@code on...=} attribute, no {@code style=}; htmx is
     * told not to add its indicator {@code <style>}); images also as {@code data:} URIs (the CSS icons);
     * forms post only here; no plugins, no {@code <base>}, no framing.
     */
    static final String DASHBOARD_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";
    /** The API answers JSON only: nothing in it may load or run anything, nor be framed. */
    static final String API_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    /** Browser features the dashboard never uses, switched off for it and anything it could be made to load. */
    static final String PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
    /** Where a right password of a user with two-factor sign-in leads: the code step. */
    static final String SECOND_STEP = "/login/two-factor";

    /** Reachable without signing in: the login and setup pages and their static assets. */
    static final String[] PUBLIC_PATHS = {
        "/login", SECOND_STEP, "/setup", "/webjars/**", "/css/**", "/js/**", "/img/**", "/favicon.ico", "/error"
    };

    /** bcrypt today, stored with its {id} prefix so a later switch (Argon2id) upgrades hashes in place. */
    @Bean
    public PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    /** Users by email (case-insensitive); the principal's name is the stored email. */
    @Bean
    public ReactiveUserDetailsService userDetailsService(UserRepository users) {
        return email -> Blocking.mono(() -> users.findByEmail(email)
                .map(user -> User.withUsername(user.email())
                        .password(user.passwordHash())
                        .roles(user.role())
                        .build())
                .orElse(null));
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public SecurityWebFilterChain apiSecurity(ServerHttpSecurity http, ProblemResponseWriter problems,
                                              ReactiveUserDetailsService users, PasswordEncoder passwordEncoder,
                                              LoginThrottle throttle, ApiTokenAuthenticator tokens,
                                              RoleRules roleRules, TwoStepSecurityContextRepository sessions,
                                              SessionSettings sessionSettings, ObjectProvider<Clock> clock,
                                              TwoFactorService twoFactor, ReauthenticationService reauthentication) {
        ApiAuthenticationEntryPoint entryPoint = new ApiAuthenticationEntryPoint(problems);
        AuthenticationWebFilter bearer = new AuthenticationWebFilter(tokens);
        bearer.setServerAuthenticationConverter(new BearerTokenConverter());
        bearer.setAuthenticationFailureHandler(new ServerAuthenticationEntryPointFailureHandler(entryPoint));
        bearer.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
        return http
                .securityMatcher(ServerWebExchangeMatchers.pathMatchers("/api/**"))
                .addFilterAt(new ClientAddress(), SecurityWebFiltersOrder.FIRST)
                .addFilterAfter(new SessionTimeouts(sessionSettings, clock.getIfUnique(Clock::systemUTC)),
                        SecurityWebFiltersOrder.HTTP_HEADERS_WRITER)
                .addFilterBefore(new OriginCheck(problems), SecurityWebFiltersOrder.CSRF)
                .addFilterAt(bearer, SecurityWebFiltersOrder.AUTHENTICATION)
                .addFilterAfter(TwoFactorEnrolmentFilter.api(twoFactor, problems), SecurityWebFiltersOrder.AUTHORIZATION)
                .addFilterAfter(ReauthenticationFilter.api(reauthentication, problems), SecurityWebFiltersOrder.AUTHORIZATION)
                // roles (and a token's scope) by path and method: see RoleRules
                .authorizeExchange(exchanges -> exchanges.anyExchange().access(roleRules::api))
                .httpBasic(basic -> basic
                        .authenticationManager(passwordSignIn(users, passwordEncoder, throttle))
                        .authenticationEntryPoint(entryPoint)
                        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance()))
                // reads the dashboard's session; nothing in this chain saves one
                .securityContextRepository(sessions.readOnly())
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(API_CSP))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN))
                        .permissionsPolicy(permissions -> permissions.policy(PERMISSIONS_POLICY)))
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .exceptionHandling(handling -> handling
                        .authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler(entryPoint))
                .build();
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 1)
    public SecurityWebFilterChain dashboardSecurity(ServerHttpSecurity http, DashboardSignIn signIn,
                                                    RoleRules roleRules, ForbiddenPage forbiddenPage,
                                                    TwoStepSecurityContextRepository sessions, SessionSettings sessionSettings,
                                                    ReauthenticationService reauthentication, TwoFactorService twoFactor,
                                                    ObjectProvider<Clock> clock) {
        RedirectServerLogoutSuccessHandler loggedOut = new RedirectServerLogoutSuccessHandler();
        loggedOut.setLogoutSuccessUrl(URI.create("/login?logout"));
        return http
                .addFilterAt(new ClientAddress(), SecurityWebFiltersOrder.FIRST)
                .addFilterAfter(new SessionTimeouts(sessionSettings, clock.getIfUnique(Clock::systemUTC)),
                        SecurityWebFiltersOrder.HTTP_HEADERS_WRITER)
                .addFilterAfter(TwoFactorEnrolmentFilter.pages(twoFactor, ServerWebExchangeMatchers.pathMatchers(
                        enrolmentExempt())), SecurityWebFiltersOrder.AUTHORIZATION)
                .addFilterAfter(ReauthenticationFilter.pages(reauthentication), SecurityWebFiltersOrder.AUTHORIZATION)
                .securityContextRepository(sessions)
                .requestCache(cache -> cache.requestCache(savedRequests()))
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers(PUBLIC_PATHS).permitAll()
                        // signed in, and the role allows this page or form: see RoleRules
                        .anyExchange().access(roleRules::pages))
                .exceptionHandling(handling -> handling.accessDeniedHandler(forbiddenPage))
                .formLogin(form -> form
                        .loginPage("/login")
                        .authenticationManager(signIn.passwordStep())
                        .securityContextRepository(sessions)
                        .authenticationSuccessHandler(signedInOrSecondStep())
                        .authenticationFailureHandler(signInFailed()))
                // the whole session goes: a half-finished sign-in and the re-authentication time too
                .logout(logout -> logout.logoutUrl("/logout")
                        .logoutHandler(handlers -> handlers.add(new WebSessionServerLogoutHandler()))
                        .logoutSuccessHandler(loggedOut))
                .csrf(csrf -> csrf.csrfTokenRepository(new DashboardCsrfTokens())
                        .csrfTokenRequestHandler(csrfTokensAlsoInMultipartForms()))
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(DASHBOARD_CSP))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN))
                        .permissionsPolicy(permissions -> permissions.policy(PERMISSIONS_POLICY)))
                .build();
    }

    /**
     * The headers the dashboard's chain writes on every answer, for the few answers given before that chain
     * runs ({@link SetupRedirectFilter}).
     */
    static void addDashboardHeaders(HttpHeaders headers) {
        headers.set("Content-Security-Policy", DASHBOARD_CSP);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Referrer-Policy", ReferrerPolicy.SAME_ORIGIN.getPolicy());
        headers.set("Permissions-Policy", PERMISSIONS_POLICY);
        headers.set(HttpHeaders.CACHE_CONTROL, "no-cache, no-store, max-age=0, must-revalidate");
    }

    /**
     * Where the page an anonymous visitor asked for is kept while they sign in: a cookie holding its path
     * (only a local path is ever followed back), not the session, which anonymous visitors do not get. The login form's success handler and the code step ({@code TwoFactorLoginController}) read it.
     */
    public static ServerRequestCache savedRequests() {
        return new SavedRequestCookie();
    }

    /** The dashboard's sign-in: password, then code for users with two-factor sign-in. */
    @Bean
    public DashboardSignIn dashboardSignIn(ReactiveUserDetailsService users, PasswordEncoder passwordEncoder,
                                           LoginThrottle throttle, TwoFactorService twoFactor,
                                           TwoStepSecurityContextRepository sessions, UserSessions userSessions,
                                           ObjectProvider<Clock> clock) {
        return new DashboardSignIn(passwordCheck(users, passwordEncoder), throttle, twoFactor, users, sessions,
                userSessions, clock.getIfUnique(Clock::systemUTC));
    }

    /** Sensitive pages' "confirm it's you". */
    @Bean
    public ReauthenticationService reauthenticationService(DashboardSignIn signIn, SessionSettings settings,
                                                           ObjectProvider<Clock> clock) {
        return new ReauthenticationService(signIn, settings, clock.getIfUnique(Clock::systemUTC));
    }

    /** What a signed-in user without two-factor sign-in still reaches while the policy requires it. */
    private static String[] enrolmentExempt() {
        List<String> exempt = new ArrayList<>(List.of(PUBLIC_PATHS));
        exempt.addAll(List.of(TwoFactorEnrolmentFilter.ENROLMENT_PAGE, ReauthenticationService.PAGE, "/logout"));
        return exempt.toArray(String[]::new);
    }

    /**
     * After the password: to the code step when one must follow; else to the page that asked for the
     * sign-in (or the dashboard).
     */
    private static ServerAuthenticationSuccessHandler signedInOrSecondStep() {
        DefaultServerRedirectStrategy redirects = new DefaultServerRedirectStrategy();
        RedirectServerAuthenticationSuccessHandler signedIn = new RedirectServerAuthenticationSuccessHandler("/");
        signedIn.setRequestCache(savedRequests());
        return (webFilterExchange, authentication) -> authentication instanceof PasswordVerified
                ? redirects.sendRedirect(webFilterExchange.getExchange(), URI.create(SECOND_STEP))
                : signedIn.onAuthenticationSuccess(webFilterExchange, authentication);
    }

    /**
     * Email and password, throttled. An unknown email is checked against a placeholder hash, so it costs
     * the same bcrypt as a wrong password: the time of the answer does not reveal which accounts exist.
     */
    static ReactiveAuthenticationManager passwordSignIn(ReactiveUserDetailsService users, PasswordEncoder passwordEncoder,
                                                        LoginThrottle throttle) {
        return new ThrottledAuthenticationManager(passwordCheck(users, passwordEncoder), throttle);
    }

    /** Email and password, unthrottled (callers add the throttle), unknown accounts as costly as known ones. */
    private static ReactiveAuthenticationManager passwordCheck(ReactiveUserDetailsService users, PasswordEncoder passwordEncoder) {
        UnknownAccount unknown = new UnknownAccount(passwordEncoder);
        UserDetailsRepositoryReactiveAuthenticationManager passwords = new UserDetailsRepositoryReactiveAuthenticationManager(
                username -> (username == null || username.isBlank() ? Mono.<UserDetails>empty() : users.findByUsername(username))
                        .switchIfEmpty(Blocking.mono(unknown::user)));
        passwords.setPasswordEncoder(passwordEncoder);
        return passwords;
    }

    /** Back to the login page: {@code ?throttled=<seconds>} when throttled, else {@code ?error} (which part was wrong is not said). */
    private static ServerAuthenticationFailureHandler signInFailed() {
        DefaultServerRedirectStrategy redirects = new DefaultServerRedirectStrategy();
        return (webFilterExchange, failure) -> redirects.sendRedirect(webFilterExchange.getExchange(), URI.create(
                failure instanceof LoginThrottledException throttled
                        ? "/login?throttled=" + throttled.retryAfterSeconds()
                        : "/login?error"));
    }

    /**
     * The default (BREACH-safe, XOR-masked) CSRF tokens, also read from multipart bodies: the
     * certificate upload form must be multipart to carry files, and a plain HTML form cannot send the
     * token as a header. The multipart limits in application.yml bound what is parsed to find it.
     */
    private static XorServerCsrfTokenRequestAttributeHandler csrfTokensAlsoInMultipartForms() {
        XorServerCsrfTokenRequestAttributeHandler handler = new XorServerCsrfTokenRequestAttributeHandler();
        handler.setTokenFromMultipartDataEnabled(true);
        return handler;
    }

    /**
     * Spring's cookie request cache, except that the cookie is cleared only when the request brought one:
     * Spring's clears it on every answer, a needless {@code Set-Cookie} on each dashboard page.
     */
    private static final class SavedRequestCookie implements ServerRequestCache {

        /** Spring's name for it. */
        private static final String COOKIE = "REDIRECT_URI";

        private final CookieServerRequestCache cookies = new CookieServerRequestCache();

        @Override
        public Mono<Void> saveRequest(ServerWebExchange exchange) {
            return cookies.saveRequest(exchange);
        }

        @Override
        public Mono<URI> getRedirectUri(ServerWebExchange exchange) {
            return cookies.getRedirectUri(exchange);
        }

        @Override
        public Mono<ServerHttpRequest> removeMatchingRequest(ServerWebExchange exchange) {
            return exchange.getRequest().getCookies().containsKey(COOKIE) ? cookies.removeMatchingRequest(exchange) : Mono.empty();
        }
    }

    /** A user no password matches: its hash is of 32 random bytes nobody ever sees, made once on first use. */
    private static final class UnknownAccount {

        private final PasswordEncoder passwordEncoder;
        private volatile String hash;

        UnknownAccount(PasswordEncoder passwordEncoder) {
            this.passwordEncoder = passwordEncoder;
        }

        /** Blocking (bcrypt the first time). */
        UserDetails user() {
            String placeholder = hash;
            if (placeholder == null) {
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                placeholder = passwordEncoder.encode(Base64.getEncoder().encodeToString(random));
                hash = placeholder;
            }
            // credentials "expired": even a match (it cannot happen) would end in a refusal, after the same bcrypt
            return User.withUsername("unknown-account").password(placeholder).authorities(List.of())
                    .credentialsExpired(true).build();
        }
    }
}

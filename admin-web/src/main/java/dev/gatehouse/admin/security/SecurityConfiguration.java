package dev.gatehouse.admin.security;

import dev.gatehouse.admin.api.ProblemResponseWriter;
import dev.gatehouse.admin.common.Blocking;
import dev.gatehouse.storage.user.UserRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.ReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.logout.RedirectServerLogoutSuccessHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.csrf.XorServerCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import java.net.URI;

/**
 * Two doors into the admin app.
 *
 * <ul>
 *   <li>{@code /api/**}: stateless HTTP Basic with an administrator's email and password; no
 *       session, no CSRF (nothing a browser sends on its own), and a 401 problem detail with
 *       {@code WWW-Authenticate: Basic realm="Gatehouse"} instead of a redirect.</li>
 *   <li>everything else: the dashboard, with a session cookie from the form login at
 *       {@code /login}, CSRF on every form, logout by POST {@code /logout}. {@link SetupRedirectFilter}
 *       sends every page to {@code /setup} while no user exists.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
public class SecurityConfiguration {

    /** Reachable without signing in: the login and setup pages and their static assets. */
    static final String[] PUBLIC_PATHS = {
        "/login", "/setup", "/webjars/**", "/css/**", "/js/**", "/img/**", "/favicon.ico", "/error"
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
    public SecurityWebFilterChain apiSecurity(ServerHttpSecurity http, ProblemResponseWriter problems) {
        ApiAuthenticationEntryPoint entryPoint = new ApiAuthenticationEntryPoint(problems);
        return http
                .securityMatcher(ServerWebExchangeMatchers.pathMatchers("/api/**"))
                .authorizeExchange(exchanges -> exchanges.anyExchange().hasRole("ADMIN"))
                .httpBasic(basic -> basic
                        .authenticationEntryPoint(entryPoint)
                        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
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
    public SecurityWebFilterChain dashboardSecurity(ServerHttpSecurity http) {
        RedirectServerLogoutSuccessHandler loggedOut = new RedirectServerLogoutSuccessHandler();
        loggedOut.setLogoutSuccessUrl(URI.create("/login?logout"));
        return http
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers(PUBLIC_PATHS).permitAll()
                        .anyExchange().authenticated())
                .formLogin(form -> form.loginPage("/login"))
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessHandler(loggedOut))
                .csrf(csrf -> csrf.csrfTokenRequestHandler(csrfTokensAlsoInMultipartForms()))
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .build();
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
}

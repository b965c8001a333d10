package dev.gatehouse.admin.security;

import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.server.session.CookieWebSessionIdResolver;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.InMemoryWebSessionStore;
import org.springframework.web.server.session.WebSessionManager;

/**
 * The dashboard's sessions: kept in memory, named by the {@value #COOKIE_NAME} cookie, timed by
 * {@link SessionSettings}. Replaces Spring Boot's session manager (same bean name).
 *
 * <p>The cookie is {@code HttpOnly} (no script reads it), {@code SameSite=Lax} (other sites' forms and
 * scripts do not send it; following a link to the dashboard still does) and {@code Secure} whenever the
 * request came over TLS, so it never travels in clear text after that; {@code Path=/}, no
 * {@code Domain}, no {@code Max-Age} (it ends with the browser; the server ends it sooner, see
 * {@link SessionTimeouts}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SessionSettings.class)
public class SessionConfiguration {

    /** The session cookie's name. */
    public static final String COOKIE_NAME = "SESSION";

    @Bean
    public WebSessionManager webSessionManager(SessionSettings settings, ObjectProvider<Clock> clock) {
        InMemoryWebSessionStore store = new InMemoryWebSessionStore();
        // Frees the memory of sessions left alone; signing out is SessionTimeouts' decision.
        store.setDefaultMaxIdleTime(settings.idleTimeout());
        store.setMaxSessions(settings.maxSessions());
        store.setClock(clock.getIfUnique(Clock::systemUTC));
        CookieWebSessionIdResolver cookies = new CookieWebSessionIdResolver();
        cookies.setCookieName(COOKIE_NAME);
        // Spring's resolver already sets Secure per request (https) and these two; stated here so that no
        // property can weaken them.
        cookies.addCookieInitializer(cookie -> cookie.httpOnly(true).sameSite("Lax"));
        DefaultWebSessionManager manager = new DefaultWebSessionManager();
        manager.setSessionStore(store);
        manager.setSessionIdResolver(cookies);
        return manager;
    }

    @Bean
    public TwoStepSecurityContextRepository dashboardSecurityContextRepository(ObjectProvider<Clock> clock,
                                                                               UserSessions userSessions) {
        return new TwoStepSecurityContextRepository(clock.getIfUnique(Clock::systemUTC), userSessions);
    }

    /** Which sessions a change of password, role or account has ended. */
    @Bean
    public UserSessions userSessions() {
        return new UserSessions();
    }
}

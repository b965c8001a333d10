package dev.gatehouse.admin.security;

import java.time.Instant;
import java.util.function.Consumer;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.reactive.server.WebTestClientConfigurer;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

/**
 * For {@code @WebFluxTest}s with {@code mockUser()}, whose sign-in never went through the login form: puts
 * into each request's session what a real sign-in would have left there, e.g.
 * {@code web.mutateWith(mockUser(...)).mutateWith(SessionStates.recentlyConfirmed())} to reach the
 * pages {@link ReauthenticationService} guards ({@code /account/security/**}, {@code /users/**}).
 */
public final class SessionStates {

    private SessionStates() {
    }

    /** The password was entered just now (system clock): sensitive pages open without asking again. */
    public static WebTestClientConfigurer recentlyConfirmed() {
        return inEverySession(session -> session.getAttributes().put(SignInState.CONFIRMED_AT, Instant.now()));
    }

    /** A sign-in whose password was right and whose code is awaited, for {@code email}. */
    public static WebTestClientConfigurer passwordVerified(String email) {
        return inEverySession(session -> session.getAttributes().put(SignInState.PENDING,
                new SignInState.Pending(email, null, Instant.now())));
    }

    private static WebTestClientConfigurer inEverySession(Consumer<WebSession> change) {
        return new WebTestClientConfigurer() {
            @Override
            public void afterConfigurerAdded(WebTestClient.Builder builder, WebHttpHandlerBuilder httpHandlerBuilder,
                                             ClientHttpConnector connector) {
                if (httpHandlerBuilder == null) {
                    throw new IllegalStateException("session states need a WebTestClient bound to the application context");
                }
                httpHandlerBuilder.filters(filters -> filters.add(0, (exchange, chain) ->
                        exchange.getSession().doOnNext(change).then(chain.filter(exchange))));
            }
        };
    }
}

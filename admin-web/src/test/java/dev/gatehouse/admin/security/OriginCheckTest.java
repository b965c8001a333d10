package dev.gatehouse.admin.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.api.ProblemResponseWriter;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;

/** The Origin check on one request at a time: which requests it refuses, and what counts as the same origin. */
class OriginCheckTest {

    private final OriginCheck check = new OriginCheck(new ProblemResponseWriter(ServerCodecConfigurer.create()));

    @ParameterizedTest(name = "{0} cookie={1} auth={2} origin={3} referer={4}: {5}")
    @CsvSource(nullValues = "NULL", value = {
            // a change with the session cookie: only from this origin
            "POST,   true,  false, http://admin.example:8081,  NULL,                              pass",
            "POST,   true,  false, https://evil.example,       NULL,                              refuse",
            "POST,   true,  false, NULL,                       NULL,                              refuse",
            "POST,   true,  false, null,                       NULL,                              refuse",
            "POST,   true,  false, http://admin.example:8082,  NULL,                              refuse",
            "POST,   true,  false, https://admin.example:8081, NULL,                              refuse",
            "POST,   true,  false, http://admin.example.evil:8081, NULL,                          refuse",
            "POST,   true,  false, NULL,                       http://admin.example:8081/sites,   pass",
            "POST,   true,  false, NULL,                       https://evil.example/admin,        refuse",
            "POST,   true,  false, https://evil.example,       http://admin.example:8081/sites,   refuse",
            "PUT,    true,  false, https://evil.example,       NULL,                              refuse",
            "PATCH,  true,  false, https://evil.example,       NULL,                              refuse",
            "DELETE, true,  false, https://evil.example,       NULL,                              refuse",
            // reads, calls without the cookie, and calls with their own credentials are not its business
            "GET,    true,  false, https://evil.example,       NULL,                              pass",
            "HEAD,   true,  false, https://evil.example,       NULL,                              pass",
            "POST,   false, false, https://evil.example,       NULL,                              pass",
            "POST,   true,  true,  https://evil.example,       NULL,                              pass",
            "DELETE, true,  true,  NULL,                       NULL,                              pass",
    })
    void changesWithTheSessionCookieMustComeFromTheDashboard(String method, boolean cookie, boolean authorization,
                                                             String origin, String referer, String expected) {
        MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.method(HttpMethod.valueOf(method),
                URI.create("http://admin.example:8081/api/v1/backends"));
        if (cookie) {
            request.cookie(new HttpCookie(SessionConfiguration.COOKIE_NAME, "abc"));
        }
        if (authorization) {
            request.header("Authorization", "Bearer ght_x");
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        if (referer != null) {
            request.header("Referer", referer);
        }
        MockServerWebExchange exchange = MockServerWebExchange.from(request);
        AtomicBoolean passed = new AtomicBoolean();

        check.filter(exchange, next -> {
            passed.set(true);
            return Mono.empty();
        }).block();

        assertThat(passed.get() ? "pass" : "refuse").isEqualTo(expected);
        if (!passed.get()) {
            assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
            assertThat(exchange.getResponse().getBodyAsString().block()).contains("cross-site request refused");
        }
    }

    @ParameterizedTest
    @CsvSource({
            "http://a.example/x,        http://a.example,        true",
            "http://a.example:80/x,     http://a.example,        true",
            "https://a.example/x,       https://a.example:443,   true",
            "http://A.EXAMPLE:8081/x,   http://a.example:8081,   true",
            "http://a.example:8081/x,   http://a.example,        false",
            "http://a.example/x,        https://a.example,       false",
            "http://a.example/x,        http://b.example,        false",
            "http://a.example/x,        http://a.example.b.example, false",
    })
    void sameOriginIsSchemeHostAndPort(String self, String other, boolean same) {
        assertThat(OriginCheck.sameOrigin(URI.create(self), URI.create(other))).isEqualTo(same);
    }
}

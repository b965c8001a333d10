package dev.gatehouse.admin.web;

import dev.gatehouse.admin.api.ProblemResponseWriter;
import dev.gatehouse.admin.security.SecurityConfiguration;
import dev.gatehouse.storage.user.UserRepository;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * For a {@code @WebFluxTest} of a page controller: the application's real security chains (session
 * login, CSRF, setup redirect) instead of Spring Boot's defaults. The user store is a mock because
 * these tests sign in with {@code mockUser()}; each test still mocks {@code SetupService}, which the
 * setup redirect filter asks on every page.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import({SecurityConfiguration.class, ProblemResponseWriter.class})
@MockitoBean(types = UserRepository.class)
public @interface WithGatehouseSecurity {
}

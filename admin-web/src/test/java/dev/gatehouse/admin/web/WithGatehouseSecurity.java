package dev.gatehouse.admin.web;

import dev.gatehouse.admin.api.ProblemResponseWriter;
import dev.gatehouse.admin.audit.AuditLog;
import dev.gatehouse.admin.security.ForbiddenPage;
import dev.gatehouse.admin.security.LoginThrottle;
import dev.gatehouse.admin.security.RoleRules;
import dev.gatehouse.admin.security.SecurityConfiguration;
import dev.gatehouse.admin.token.ApiTokenAuthenticator;
import dev.gatehouse.admin.twofactor.TwoFactorService;
import dev.gatehouse.admin.user.CurrentRoles;
import dev.gatehouse.storage.user.SignInPolicyRepository;
import dev.gatehouse.storage.user.TwoFactorRepository;
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
 * setup redirect filter asks on every page. The sign-in throttle is the real one, and so are the role
 * rules with the 403 page; the API's token check is a mock (pages never see bearer tokens). Two-factor
 * sign-in is the real service over mocked stores, which by default say "off" and "not required" (and a
 * mocked audit log).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import({SecurityConfiguration.class, ProblemResponseWriter.class, LoginThrottle.class,
        CurrentRoles.class, RoleRules.class, ForbiddenPage.class, TwoFactorService.class})
@MockitoBean(types = {UserRepository.class, ApiTokenAuthenticator.class, TwoFactorRepository.class,
        SignInPolicyRepository.class, AuditLog.class})
public @interface WithGatehouseSecurity {
}

package dev.gatehouse.admin.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.web.server.context.WebSessionServerSecurityContextRepository;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.InMemoryWebSessionStore;

class UserSessionsTest {

    private final UserSessions sessions = new UserSessions();

    private static WebSession signedIn(String email, long stamp) {
        WebSession session = new InMemoryWebSessionStore().createWebSession().block();
        session.getAttributes().put(WebSessionServerSecurityContextRepository.DEFAULT_SPRING_SECURITY_CONTEXT_ATTR_NAME,
                new SecurityContextImpl(UsernamePasswordAuthenticationToken.authenticated(email, null,
                        List.of(new SimpleGrantedAuthority("ROLE_ADMIN")))));
        session.getAttributes().put(SignInState.CREDENTIALS_STAMP, stamp);
        return session;
    }

    @Test
    void nothingEndsUntilTheUsersCredentialsChange() {
        long stamp = sessions.stamp();

        assertThat(sessions.ended("alice@example.test", stamp)).isFalse();
        assertThat(sessions.ended("alice@example.test", 0)).isFalse();
    }

    @Test
    void aChangeEndsTheSessionsSignedInBeforeItOnlyOfThatUser() {
        long before = sessions.stamp();

        sessions.endSessions("Alice@Example.TEST", null);
        long after = sessions.stamp();

        assertThat(sessions.ended("alice@example.test", before)).as("signed in before the change").isTrue();
        assertThat(sessions.ended(" ALICE@example.test ", before)).as("emails compare like sign-ins do").isTrue();
        assertThat(sessions.ended("alice@example.test", after)).as("signed in after it").isFalse();
        assertThat(sessions.ended("bob@example.test", before)).as("another user").isFalse();
    }

    @Test
    void theUsersOwnSessionMakingTheChangeStaysOthersDoNot() {
        WebSession own = signedIn("alice@example.test", sessions.stamp());
        WebSession othersAdmin = signedIn("bob@example.test", sessions.stamp());
        long aliceBefore = sessions.stamp();

        sessions.endSessions("alice@example.test", own);
        sessions.endSessions("carol@example.test", othersAdmin);

        assertThat(sessions.ended("alice@example.test", own.<Long>getAttribute(SignInState.CREDENTIALS_STAMP))).isFalse();
        assertThat(sessions.ended("alice@example.test", aliceBefore)).as("alice's other sessions").isTrue();
        assertThat(othersAdmin.<Long>getAttribute(SignInState.CREDENTIALS_STAMP))
                .as("bob changing carol's password keeps his own stamp").isEqualTo(aliceBefore);
        assertThat(sessions.ended("bob@example.test", othersAdmin.<Long>getAttribute(SignInState.CREDENTIALS_STAMP))).isFalse();
    }

    @Test
    void anAnonymousSessionIsNeverStartedByAChange() {
        WebSession anonymous = new InMemoryWebSessionStore().createWebSession().block();

        sessions.endSessions("alice@example.test", anonymous);

        assertThat(anonymous.getAttributes()).isEmpty();
        assertThat(anonymous.isStarted()).isFalse();
    }
}

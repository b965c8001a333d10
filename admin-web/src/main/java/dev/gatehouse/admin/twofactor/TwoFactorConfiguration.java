package dev.gatehouse.admin.twofactor;

import dev.gatehouse.storage.secret.SecretBox;
import dev.gatehouse.storage.user.SignInPolicyRepository;
import dev.gatehouse.storage.user.TwoFactorRepository;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The two-factor store (secrets sealed with the master key's {@link SecretBox}) and the sign-in policy.
 * The store uses the application's {@link Clock} bean when there is one (the running-app tests register a
 * movable one), else UTC.
 */
@Configuration(proxyBeanMethods = false)
public class TwoFactorConfiguration {

    @Bean
    @DependsOnDatabaseInitialization
    public TwoFactorRepository twoFactorRepository(DataSource dataSource, SecretBox secretBox, ObjectProvider<Clock> clock) {
        return new TwoFactorRepository(dataSource, secretBox, clock.getIfUnique(Clock::systemUTC));
    }

    @Bean
    @DependsOnDatabaseInitialization
    public SignInPolicyRepository signInPolicyRepository(DataSource dataSource) {
        return new SignInPolicyRepository(dataSource);
    }
}

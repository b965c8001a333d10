package dev.gatehouse.admin.token;

import dev.gatehouse.storage.token.ApiTokenRepository;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The token store and the bearer-token check. Both use the application's {@link Clock} bean when there
 * is one (the running-app tests register a movable one to reach expiry without waiting), else UTC.
 */
@Configuration(proxyBeanMethods = false)
public class TokenConfiguration {

    @Bean
    @DependsOnDatabaseInitialization
    public ApiTokenRepository apiTokenRepository(DataSource dataSource, ObjectProvider<Clock> clock) {
        return new ApiTokenRepository(dataSource, clock.getIfUnique(Clock::systemUTC));
    }

    @Bean
    public ApiTokenAuthenticator apiTokenAuthenticator(ApiTokenRepository tokens, ObjectProvider<Clock> clock) {
        return new ApiTokenAuthenticator(tokens, clock.getIfUnique(Clock::systemUTC));
    }
}

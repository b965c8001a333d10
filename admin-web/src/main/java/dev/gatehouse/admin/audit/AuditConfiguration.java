package dev.gatehouse.admin.audit;

import dev.gatehouse.storage.audit.AuditEventRepository;
import dev.gatehouse.storage.user.UserRepository;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.server.WebFilter;

/**
 * The audit log's store and writer, and the two filters that feed it: the client's address for every
 * request ({@link AuditContext}, first of all filters) and sign-ins ({@link SignInAuditFilter}, just before
 * Spring Security). Times follow the application's {@link Clock} bean when there is one (the running-app
 * tests move it), else UTC.
 */
@Configuration(proxyBeanMethods = false)
public class AuditConfiguration {

    @Bean
    @DependsOnDatabaseInitialization
    public AuditEventRepository auditEventRepository(DataSource dataSource, ObjectProvider<Clock> clock) {
        return new AuditEventRepository(dataSource, clock.getIfUnique(Clock::systemUTC));
    }

    @Bean
    public AuditLog auditLog(AuditEventRepository events, TransactionTemplate transactions) {
        return new AuditLog(events, transactions);
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public WebFilter auditContext() {
        return new AuditContext();
    }

    @Bean
    public WebFilter signInAuditFilter(AuditLog audit, UserRepository users, ObjectProvider<Clock> clock) {
        return new SignInAuditFilter(audit, users, clock.getIfUnique(Clock::systemUTC));
    }
}

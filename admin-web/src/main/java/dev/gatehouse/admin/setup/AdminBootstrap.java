package dev.gatehouse.admin.setup;

import dev.gatehouse.admin.GatehouseProperties;
import dev.gatehouse.admin.StartupException;
import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ValidationException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * For automation: when GATEHOUSE_ADMIN_EMAIL and GATEHOUSE_ADMIN_PASSWORD are both set and the
 * database has no user yet, creates that administrator while the application starts, under the same
 * rules as the setup page. A bad value stops the start with a message naming the variable; once a
 * user exists the variables are ignored (changing them never resets a password).
 */
@Component
public class AdminBootstrap implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

    private final GatehouseProperties properties;
    private final SetupService setup;

    public AdminBootstrap(GatehouseProperties properties, SetupService setup) {
        this.properties = properties;
        this.setup = setup;
    }

    @Override
    public void afterSingletonsInstantiated() {
        String email = properties.adminEmail();
        String password = properties.adminPassword();
        if (email == null && password == null) {
            return;
        }
        if (email == null || password == null) {
            throw new StartupException((email == null ? "GATEHOUSE_ADMIN_PASSWORD" : "GATEHOUSE_ADMIN_EMAIL")
                    + " is set but " + (email == null ? "GATEHOUSE_ADMIN_EMAIL" : "GATEHOUSE_ADMIN_PASSWORD")
                    + " is not; set both to create the first administrator, or neither to use the setup page");
        }
        if (!setup.needsSetupNow()) {
            log.info("An administrator exists already; GATEHOUSE_ADMIN_EMAIL and GATEHOUSE_ADMIN_PASSWORD are ignored");
            return;
        }
        try {
            setup.createFirstAdminNow(email, password);
        } catch (ValidationException e) {
            throw new StartupException(e.problems().stream().map(AdminBootstrap::describe)
                    .collect(Collectors.joining("; ")));
        } catch (ConflictException e) {
            log.info("An administrator was created meanwhile; GATEHOUSE_ADMIN_EMAIL is ignored");
        }
    }

    private static String describe(FieldProblem problem) {
        String variable = problem.field().equals("password") ? "GATEHOUSE_ADMIN_PASSWORD" : "GATEHOUSE_ADMIN_EMAIL";
        return variable + ": " + problem.message();
    }
}

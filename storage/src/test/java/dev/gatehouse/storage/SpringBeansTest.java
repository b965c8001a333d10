package dev.gatehouse.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.AutowiredAnnotationBeanPostProcessor;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;

import dev.gatehouse.storage.accesslist.AccessListRepository;
import dev.gatehouse.storage.audit.AuditEventRepository;
import dev.gatehouse.storage.audit.AuditFilter;
import dev.gatehouse.storage.backend.BackendRepository;
import dev.gatehouse.storage.backend.BackendServer;
import dev.gatehouse.storage.certificate.CertificateRepository;
import dev.gatehouse.storage.revision.ConfigRevisionRepository;
import dev.gatehouse.storage.secret.MasterKey;
import dev.gatehouse.storage.secret.SecretBox;
import dev.gatehouse.storage.site.SiteRepository;
import dev.gatehouse.storage.stream.StreamRepository;
import dev.gatehouse.storage.token.ApiTokenRepository;
import dev.gatehouse.storage.user.SignInPolicyRepository;
import dev.gatehouse.storage.user.TwoFactorRepository;
import dev.gatehouse.storage.user.UserRepository;

/**
 * The repositories become Spring beans by class alone (component scan, @Import, registerBean):
 * constructor injection of the DataSource (and the SecretBox, for certificates).
 */
class SpringBeansTest {

    @TempDir
    Path tempDir;

    @ParameterizedTest
    @ValueSource(classes = {BackendRepository.class, SiteRepository.class, UserRepository.class, ConfigRevisionRepository.class,
            CertificateRepository.class, StreamRepository.class, ApiTokenRepository.class, AccessListRepository.class,
            AuditEventRepository.class, TwoFactorRepository.class, SignInPolicyRepository.class})
    void repositoryIsCreatedByConstructorInjectionAndWorks(Class<?> repositoryClass) {
        try (TestDatabase database = TestDatabase.open(tempDir)) {
            DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
            AutowiredAnnotationBeanPostProcessor autowiring = new AutowiredAnnotationBeanPostProcessor();
            autowiring.setBeanFactory(beans);
            beans.addBeanPostProcessor(autowiring);
            beans.registerSingleton("dataSource", database.dataSource());
            SecretBox secretBox = new SecretBox(MasterKey.of(new byte[32]));
            beans.registerSingleton("secretBox", secretBox);
            beans.registerBeanDefinition("repository", new RootBeanDefinition(repositoryClass));

            Object repository = beans.getBean("repository");

            assertThat(repository).isInstanceOf(repositoryClass);
            if (repository instanceof BackendRepository backends) {
                backends.insert("app", BackendServer.list("127.0.0.1:80"));
                assertThat(new BackendRepository(database.dataSource()).count()).isEqualTo(1);
            } else if (repository instanceof SiteRepository sites) {
                assertThat(sites.count()).isZero();
            } else if (repository instanceof UserRepository users) {
                assertThat(users.count()).isZero();
            } else if (repository instanceof CertificateRepository certificates) {
                long id = certificates.insert("web", "-----BEGIN CERTIFICATE-----", "00", "key").id();
                // the injected SecretBox sealed it: another repository over the same box opens it
                assertThat(new CertificateRepository(database.dataSource(), secretBox).privateKeyPem(id)).isEqualTo("key");
            } else if (repository instanceof StreamRepository streams) {
                assertThat(streams.count()).isZero();
            } else if (repository instanceof AccessListRepository lists) {
                assertThat(lists.count()).isZero();
            } else if (repository instanceof ApiTokenRepository tokens) {
                assertThat(tokens.findAll()).isEmpty();
            } else if (repository instanceof AuditEventRepository audit) {
                assertThat(audit.count(AuditFilter.ANY)).isZero();
            } else if (repository instanceof TwoFactorRepository twoFactor) {
                long userId = new UserRepository(database.dataSource()).insert("a@example.test", "{noop}x", "ADMIN").id();
                twoFactor.enable(userId, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 1, List.of("a".repeat(64)));
                // the injected SecretBox sealed it: another repository over the same box opens it
                assertThat(new TwoFactorRepository(database.dataSource(), secretBox).secret(userId))
                        .contains("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
            } else if (repository instanceof SignInPolicyRepository policy) {
                assertThat(policy.twoFactorRequired()).isFalse();
            } else if (repository instanceof ConfigRevisionRepository revisions) {
                assertThat(revisions.latest()).isEmpty();
            }
            assertThat(beans.getBean(DataSource.class)).isSameAs(database.dataSource());
        }
    }
}

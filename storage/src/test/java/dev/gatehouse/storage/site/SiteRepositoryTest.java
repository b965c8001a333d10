package dev.gatehouse.storage.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.storage.MutableClock;
import dev.gatehouse.storage.TestDatabase;
import dev.gatehouse.storage.accesslist.AccessList;
import dev.gatehouse.storage.accesslist.AccessListRepository;
import dev.gatehouse.storage.accesslist.AccessListSettings;
import dev.gatehouse.storage.backend.Backend;
import dev.gatehouse.storage.backend.BackendRepository;
import dev.gatehouse.storage.backend.BackendServer;
import dev.gatehouse.storage.certificate.CertificateRepository;
import dev.gatehouse.storage.certificate.StoredCertificate;
import dev.gatehouse.storage.secret.MasterKey;
import dev.gatehouse.storage.secret.SecretBox;

class SiteRepositoryTest {

    @TempDir
    Path tempDir;

    private TestDatabase database;
    private MutableClock clock;
    private SiteRepository sites;
    private Backend app;
    private Backend api;
    private StoredCertificate shopCertificate;
    private StoredCertificate blogCertificate;

    @BeforeEach
    void openDatabase() {
        database = TestDatabase.open(tempDir);
        clock = MutableClock.startingAt("2025-03-01T10:00:00.654321Z");
        sites = new SiteRepository(database.dataSource(), clock);
        BackendRepository backends = new BackendRepository(database.dataSource());
        app = backends.insert("app", BackendServer.list("127.0.0.1:8080"));
        api = backends.insert("api", BackendServer.list("127.0.0.1:9090"));
        CertificateRepository certificates = new CertificateRepository(database.dataSource(), new SecretBox(MasterKey.of(new byte[32])));
        shopCertificate = certificates.insert("shop", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "01",
                "-----BEGIN PRIVATE KEY-----\nBBBB\n-----END PRIVATE KEY-----\n");
        blogCertificate = certificates.insert("blog", "-----BEGIN CERTIFICATE-----\nCCCC\n-----END CERTIFICATE-----\n", "02",
                "-----BEGIN PRIVATE KEY-----\nDDDD\n-----END PRIVATE KEY-----\n");
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    @Test
    void insertedSiteIsFoundWithItsHostnamesInOrder() {
        Site inserted = sites.insert(List.of("www.example.test", "example.test", "*.cdn.example.test"), app.id(), true);

        assertThat(inserted.id()).isPositive();
        assertThat(inserted.hostnames()).containsExactly("www.example.test", "example.test", "*.cdn.example.test");
        assertThat(inserted.backendId()).isEqualTo(app.id());
        assertThat(inserted.enabled()).isTrue();
        assertThat(inserted.createdAt()).isEqualTo(clock.instant()).isEqualTo(inserted.updatedAt());
        assertThat(sites.findById(inserted.id())).contains(inserted);
        assertThat(sites.findAll()).containsExactly(inserted);
        assertThat(sites.count()).isEqualTo(1);
    }

    @Test
    void hostnamesAreStoredStrippedAndLowerCased() {
        Site site = sites.insert(List.of(" App.Example.TEST ", "*.Example.Test"), app.id(), false);

        assertThat(site.hostnames()).containsExactly("app.example.test", "*.example.test");
        assertThat(sites.findById(site.id()).orElseThrow().hostnames()).containsExactly("app.example.test", "*.example.test");
    }

    @Test
    void findByHostnameIgnoresCaseAndReturnsTheWholeSite() {
        Site site = sites.insert(List.of("a.example.test", "b.example.test"), app.id(), true);
        sites.insert(List.of("c.example.test"), api.id(), true);

        assertThat(sites.findByHostname("b.example.test")).contains(site);
        assertThat(sites.findByHostname("B.EXAMPLE.test")).contains(site);
        assertThat(sites.findByHostname("unknown.example.test")).isEmpty();
    }

    @Test
    void findAllIsOrderedByIdAndFindByBackendIdFilters() {
        Site first = sites.insert(List.of("z.example.test"), app.id(), true);
        Site second = sites.insert(List.of("a.example.test", "b.example.test"), api.id(), false);
        Site third = sites.insert(List.of("m.example.test"), app.id(), true);

        assertThat(sites.findAll()).containsExactly(first, second, third);
        assertThat(sites.findByBackendId(app.id())).containsExactly(first, third);
        assertThat(sites.findByBackendId(api.id())).containsExactly(second);
        assertThat(sites.findByBackendId(999_999)).isEmpty();
        assertThat(sites.findById(999_999)).isEmpty();
    }

    @Test
    void updateReplacesHostnamesBackendAndEnabledAndMovesUpdatedAtOnly() {
        Site original = sites.insert(List.of("a.example.test", "b.example.test"), app.id(), true);
        clock.advance(Duration.ofHours(1));

        Site updated = sites.update(original.id(), List.of("c.example.test"), api.id(), false).orElseThrow();

        assertThat(updated.id()).isEqualTo(original.id());
        assertThat(updated.hostnames()).containsExactly("c.example.test");
        assertThat(updated.backendId()).isEqualTo(api.id());
        assertThat(updated.enabled()).isFalse();
        assertThat(updated.createdAt()).isEqualTo(original.createdAt());
        assertThat(updated.updatedAt()).isEqualTo(clock.instant()).isAfter(original.updatedAt());
        assertThat(sites.findById(original.id())).contains(updated);
        assertThat(sites.findByHostname("a.example.test")).isEmpty();
        assertThat(database.rows("site_hostname")).isEqualTo(1);
    }

    @Test
    void updateMayKeepAndReorderItsOwnHostnames() {
        Site original = sites.insert(List.of("a.example.test", "b.example.test"), app.id(), true);

        Site updated = sites.update(original.id(), List.of("b.example.test", "a.example.test", "c.example.test"), app.id(), true)
                .orElseThrow();

        assertThat(updated.hostnames()).containsExactly("b.example.test", "a.example.test", "c.example.test");
    }

    @Test
    void updateAndSetEnabledOfUnknownIdAreEmptyAndWriteNothing() {
        assertThat(sites.update(42, List.of("ghost.example.test"), app.id(), true)).isEmpty();
        assertThat(sites.setEnabled(42, false)).isEmpty();

        assertThat(database.rows("site")).isZero();
        assertThat(database.rows("site_hostname")).isZero();
    }

    @Test
    void setEnabledSwitchesOnlyTheFlagAndCountEnabledFollows() {
        Site site = sites.insert(List.of("a.example.test"), app.id(), true);
        sites.insert(List.of("b.example.test"), app.id(), true);
        clock.advance(Duration.ofSeconds(30));

        Site disabled = sites.setEnabled(site.id(), false).orElseThrow();

        assertThat(disabled.enabled()).isFalse();
        assertThat(disabled.hostnames()).isEqualTo(site.hostnames());
        assertThat(disabled.backendId()).isEqualTo(site.backendId());
        assertThat(disabled.updatedAt()).isEqualTo(clock.instant());
        assertThat(sites.count()).isEqualTo(2);
        assertThat(sites.countEnabled()).isEqualTo(1);
        assertThat(sites.setEnabled(site.id(), true).orElseThrow().enabled()).isTrue();
        assertThat(sites.countEnabled()).isEqualTo(2);
    }

    @Test
    void deleteRemovesTheSiteAndFreesItsHostnames() {
        Site doomed = sites.insert(List.of("a.example.test", "b.example.test"), app.id(), true);

        assertThat(sites.delete(doomed.id())).isTrue();
        assertThat(sites.delete(doomed.id())).isFalse();

        assertThat(sites.findById(doomed.id())).isEmpty();
        assertThat(database.rows("site_hostname")).isZero();
        Site reusing = sites.insert(List.of("b.example.test"), api.id(), true);
        assertThat(sites.findByHostname("b.example.test")).contains(reusing);
    }

    /** Each case: hostnames that collide, and the write that tries to store them. */
    static Stream<Arguments> duplicateHostnames() {
        return Stream.of(
                Arguments.of("twice in one new site", List.of("new.example.test", "dup.example.test", "dup.example.test"), false),
                Arguments.of("twice in one new site, letter case differs", List.of("dup.example.test", "DUP.example.TEST"), false),
                Arguments.of("new site takes another site's hostname", List.of("new.example.test", "taken.example.test"), false),
                Arguments.of("new site takes another site's hostname in capitals", List.of("TAKEN.EXAMPLE.TEST"), false),
                Arguments.of("update takes another site's hostname", List.of("mine.example.test", "taken.example.test"), true),
                Arguments.of("update lists a hostname twice", List.of("mine.example.test", "mine.example.test"), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("duplicateHostnames")
    void duplicateHostnameIsDuplicateKeyAndNothingIsHalfWritten(String description, List<String> hostnames, boolean update) {
        Site other = sites.insert(List.of("taken.example.test", "other.example.test"), app.id(), true);
        Site mine = sites.insert(List.of("mine.example.test", "mine2.example.test"), app.id(), true);
        clock.advance(Duration.ofSeconds(1));

        assertThatThrownBy(() -> {
            if (update) {
                sites.update(mine.id(), hostnames, api.id(), false);
            } else {
                sites.insert(hostnames, api.id(), true);
            }
        }).isInstanceOf(DuplicateKeyException.class);

        assertThat(sites.findAll()).containsExactly(other, mine);
        assertThat(database.rows("site_hostname")).isEqualTo(4);
    }

    static Stream<Arguments> unknownBackendWrites() {
        return Stream.<Arguments>of(
                Arguments.of("insert", (Function<SiteRepository, Object>) s -> s.insert(List.of("new.example.test"), 999_999, true)),
                Arguments.of("update", (Function<SiteRepository, Object>) s -> s.update(
                        s.findByHostname("mine.example.test").orElseThrow().id(), List.of("changed.example.test"), 999_999, true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unknownBackendWrites")
    void unknownBackendIsDataIntegrityViolationAndWritesNothing(String operation, Function<SiteRepository, Object> write) {
        Site mine = sites.insert(List.of("mine.example.test"), app.id(), true);

        assertThatThrownBy(() -> write.apply(sites))
                .isInstanceOf(DataIntegrityViolationException.class)
                .isNotInstanceOf(DuplicateKeyException.class);

        assertThat(sites.findAll()).containsExactly(mine);
        assertThat(database.rows("site_hostname")).isEqualTo(1);
    }

    static Stream<Arguments> invalidHostnames() {
        return Stream.of(
                Arguments.of(null, "site hostnames must not be null"),
                Arguments.of(List.of(), "site hostnames must contain at least one entry"),
                Arguments.of(Arrays.asList("a.example.test", null), "site hostnames[1] must not be null"),
                Arguments.of(List.of("a.example.test", "b.example.test", "   "), "site hostnames[2] must not be blank"),
                Arguments.of(List.of("a".repeat(250) + ".test"), "site hostnames[0] 'aaa"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("invalidHostnames")
    void invalidHostnamesAreRejectedWithTheFieldNamedOnInsertAndUpdate(List<String> hostnames, String message) {
        Site existing = sites.insert(List.of("existing.example.test"), app.id(), true);

        assertThatThrownBy(() -> sites.insert(hostnames, app.id(), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
        assertThatThrownBy(() -> sites.update(existing.id(), hostnames, app.id(), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);

        assertThat(sites.findAll()).containsExactly(existing);
    }

    @Test
    void longestAllowedHostnameIsStored() {
        String longest = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61);

        Site site = sites.insert(List.of(longest), app.id(), true);

        assertThat(longest).hasSize(SiteRepository.MAX_HOSTNAME_LENGTH);
        assertThat(sites.findByHostname(longest)).contains(site);
    }

    @Test
    void writesJoinTheCallersTransactionAndRollBackWithIt() {
        TransactionTemplate callerTransaction = new TransactionTemplate(new DataSourceTransactionManager(database.dataSource()));
        Site kept = sites.insert(List.of("kept.example.test"), app.id(), true);

        assertThatThrownBy(() -> callerTransaction.executeWithoutResult(status -> {
            sites.insert(List.of("new.example.test", "new2.example.test"), app.id(), true);
            sites.update(kept.id(), List.of("renamed.example.test"), api.id(), false);
            sites.delete(kept.id());
            throw new IllegalStateException("the engine rejected the snapshot");
        })).hasMessage("the engine rejected the snapshot");

        assertThat(sites.findAll()).containsExactly(kept);
        assertThat(database.rows("site_hostname")).isEqualTo(1);
    }

    // --- TLS settings ---

    static Stream<SiteTls> tlsSettings() {
        return Stream.of(
                SiteTls.NONE,
                new SiteTls(null, true, null, false, false),
                new SiteTls(null, false, 0L, false, false),
                new SiteTls(null, false, null, true, true),
                new SiteTls(1L, false, null, false, false),
                new SiteTls(1L, true, 31_536_000L, true, false),
                new SiteTls(2L, true, 63_072_000L, true, true),
                new SiteTls(2L, false, Long.MAX_VALUE, false, true),
                new SiteTls(null, false, null, false, false, false),
                new SiteTls(1L, true, 31_536_000L, true, false, false));
    }

    @ParameterizedTest
    @MethodSource("tlsSettings")
    void tlsSettingsRoundTripOnInsertAndUpdate(SiteTls template) {
        SiteTls tls = withRealCertificate(template);

        Site inserted = sites.insert(List.of("shop.example.test"), app.id(), true, tls);

        assertThat(inserted.tls()).isEqualTo(tls);
        assertThat(sites.findById(inserted.id())).contains(inserted);
        assertThat(sites.findAll()).containsExactly(inserted);
        assertThat(sites.findByHostname("shop.example.test")).contains(inserted);
        assertThat(sites.findByBackendId(app.id())).containsExactly(inserted);

        Site plain = sites.insert(List.of("plain.example.test"), app.id(), true, SiteTls.NONE);
        clock.advance(Duration.ofMinutes(1));
        Site updated = sites.update(plain.id(), List.of("plain.example.test"), api.id(), false, tls).orElseThrow();

        assertThat(updated.tls()).isEqualTo(tls);
        assertThat(updated.updatedAt()).isEqualTo(clock.instant());
        assertThat(sites.findById(plain.id())).contains(updated);
    }

    @Test
    void threeArgumentInsertStoresNoTlsSettings() {
        Site site = sites.insert(List.of("a.example.test"), app.id(), true);

        assertThat(site.tls()).isSameAs(SiteTls.NONE);
        assertThat(sites.findById(site.id()).orElseThrow().tls()).isEqualTo(SiteTls.NONE);
    }

    @Test
    void nullTlsSettingsMeanNone() {
        Site inserted = sites.insert(List.of("a.example.test"), app.id(), true, null);
        Site withTls = sites.update(inserted.id(), List.of("a.example.test"), app.id(), true,
                new SiteTls(shopCertificate.id(), true, 60L, false, false)).orElseThrow();

        Site cleared = sites.update(inserted.id(), List.of("a.example.test"), app.id(), true, null).orElseThrow();

        assertThat(inserted.tls()).isEqualTo(SiteTls.NONE);
        assertThat(withTls.tls().certificateId()).isEqualTo(shopCertificate.id());
        assertThat(cleared.tls()).isEqualTo(SiteTls.NONE);
        assertThat(new Site(1, List.of("x.test"), 1, true, clock.instant(), clock.instant(), null).tls()).isSameAs(SiteTls.NONE);
    }

    @Test
    void updateWithoutTlsSettingsAndSetEnabledKeepTheStoredOnes() {
        SiteTls tls = new SiteTls(shopCertificate.id(), true, 31_536_000L, true, true);
        Site original = sites.insert(List.of("a.example.test"), app.id(), true, tls);
        clock.advance(Duration.ofMinutes(1));

        Site updated = sites.update(original.id(), List.of("b.example.test", "a.example.test"), api.id(), false).orElseThrow();
        Site reEnabled = sites.setEnabled(original.id(), true).orElseThrow();

        assertThat(updated.tls()).isEqualTo(tls);
        assertThat(updated.hostnames()).containsExactly("b.example.test", "a.example.test");
        assertThat(updated.backendId()).isEqualTo(api.id());
        assertThat(reEnabled.tls()).isEqualTo(tls);
        assertThat(sites.findById(original.id()).orElseThrow().tls()).isEqualTo(tls);
    }

    @Test
    void findByCertificateIdListsTheSitesUsingIt() {
        Site first = sites.insert(List.of("a.example.test", "www.a.example.test"), app.id(), true,
                new SiteTls(shopCertificate.id(), false, null, false, false));
        Site other = sites.insert(List.of("b.example.test"), app.id(), true,
                new SiteTls(blogCertificate.id(), true, null, false, false));
        sites.insert(List.of("c.example.test"), app.id(), true);
        Site third = sites.insert(List.of("d.example.test"), api.id(), false,
                new SiteTls(shopCertificate.id(), true, 300L, false, false));

        assertThat(sites.findByCertificateId(shopCertificate.id())).containsExactly(first, third);
        assertThat(sites.findByCertificateId(blogCertificate.id())).containsExactly(other);
        assertThat(sites.findByCertificateId(999_999)).isEmpty();
        assertThat(sites.findByCertificateId(shopCertificate.id()).get(0).hostnames())
                .containsExactly("a.example.test", "www.a.example.test");
    }

    static Stream<Arguments> unknownCertificateWrites() {
        SiteTls unknown = new SiteTls(999_999L, true, null, false, false);
        return Stream.<Arguments>of(
                Arguments.of("insert", (Function<SiteRepository, Object>) s -> s.insert(
                        List.of("new.example.test"), mine(s).backendId(), true, unknown)),
                Arguments.of("update", (Function<SiteRepository, Object>) s -> s.update(
                        mine(s).id(), List.of("changed.example.test"), mine(s).backendId(), true, unknown)));
    }

    private static Site mine(SiteRepository sites) {
        return sites.findByHostname("mine.example.test").orElseThrow();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unknownCertificateWrites")
    void unknownCertificateIsDataIntegrityViolationAndWritesNothing(String operation, Function<SiteRepository, Object> write) {
        Site mine = sites.insert(List.of("mine.example.test"), app.id(), true,
                new SiteTls(shopCertificate.id(), false, null, false, false));

        assertThatThrownBy(() -> write.apply(sites))
                .isInstanceOf(DataIntegrityViolationException.class)
                .isNotInstanceOf(DuplicateKeyException.class);

        assertThat(sites.findAll()).containsExactly(mine);
        assertThat(database.rows("site_hostname")).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, -31_536_000, Long.MIN_VALUE})
    void negativeHstsMaxAgeIsRejected(long maxAge) {
        assertThatThrownBy(() -> new SiteTls(null, false, maxAge, false, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("site HSTS max-age must be at least 0 seconds, got " + maxAge);
    }

    @Test
    void schemaRefusesANegativeHstsMaxAge() {
        Site site = sites.insert(List.of("a.example.test"), app.id(), true);

        assertThatThrownBy(() -> database.jdbc().sql("UPDATE site SET hsts_max_age_seconds = -1 WHERE id = :id")
                .param("id", site.id()).update())
                .isInstanceOf(DataIntegrityViolationException.class);
    }

    @Test
    void hstsIsEnabledExactlyWhenAMaxAgeIsSet() {
        assertThat(SiteTls.NONE.hstsEnabled()).isFalse();
        assertThat(new SiteTls(null, false, null, true, true).hstsEnabled()).isFalse();
        assertThat(new SiteTls(null, false, 0L, false, false).hstsEnabled()).isTrue();
    }

    // --- WebSocket settings ---

    static Stream<SiteWebsockets> websocketSettings() {
        return Stream.of(
                SiteWebsockets.OFF,
                new SiteWebsockets(true, null),
                new SiteWebsockets(true, 1L),
                new SiteWebsockets(true, 1_000L),
                new SiteWebsockets(true, 86_400_000L),
                new SiteWebsockets(true, Long.MAX_VALUE),
                // the admin app never stores a timeout with WebSockets off, but storage keeps what it is given
                new SiteWebsockets(false, 30_000L));
    }

    @ParameterizedTest
    @MethodSource("websocketSettings")
    void websocketSettingsRoundTripOnInsertAndUpdate(SiteWebsockets websockets) {
        SiteTls tls = new SiteTls(shopCertificate.id(), true, 60L, false, false);

        Site inserted = sites.insert(List.of("chat.example.test"), app.id(), true, tls, websockets);

        assertThat(inserted.websockets()).isEqualTo(websockets);
        assertThat(inserted.tls()).isEqualTo(tls);
        assertThat(sites.findById(inserted.id())).contains(inserted);
        assertThat(sites.findAll()).containsExactly(inserted);
        assertThat(sites.findByHostname("chat.example.test")).contains(inserted);
        assertThat(sites.findByBackendId(app.id())).containsExactly(inserted);
        assertThat(sites.findByCertificateId(shopCertificate.id())).containsExactly(inserted);

        Site plain = sites.insert(List.of("plain.example.test"), app.id(), true);
        clock.advance(Duration.ofMinutes(1));
        Site updated = sites.update(plain.id(), List.of("plain.example.test"), api.id(), false, SiteTls.NONE, websockets)
                .orElseThrow();

        assertThat(updated.websockets()).isEqualTo(websockets);
        assertThat(updated.updatedAt()).isEqualTo(clock.instant());
        assertThat(sites.findById(plain.id())).contains(updated);
        database.reopen();
        assertThat(new SiteRepository(database.dataSource(), clock).findAll()).containsExactly(inserted, updated);
    }

    @Test
    void insertsWithoutWebsocketSettingsStoreThemOffAndNullMeansOff() {
        Site threeArguments = sites.insert(List.of("a.example.test"), app.id(), true);
        Site withTls = sites.insert(List.of("b.example.test"), app.id(), true, SiteTls.NONE);
        Site withNull = sites.insert(List.of("c.example.test"), app.id(), true, SiteTls.NONE, null);

        for (Site site : List.of(threeArguments, withTls, withNull)) {
            assertThat(site.websockets()).isSameAs(SiteWebsockets.OFF);
            assertThat(sites.findById(site.id()).orElseThrow().websockets()).isEqualTo(SiteWebsockets.OFF);
        }
        assertThat(new Site(1, List.of("x.test"), 1, true, clock.instant(), clock.instant(), null, null).websockets())
                .isSameAs(SiteWebsockets.OFF);
        assertThat(new Site(1, List.of("x.test"), 1, true, clock.instant(), clock.instant(), SiteTls.NONE).websockets())
                .isSameAs(SiteWebsockets.OFF);
    }

    @Test
    void updatesWithoutWebsocketSettingsAndSetEnabledKeepTheStoredOnes() {
        SiteWebsockets websockets = new SiteWebsockets(true, 120_000L);
        Site original = sites.insert(List.of("a.example.test"), app.id(), true, SiteTls.NONE, websockets);
        clock.advance(Duration.ofMinutes(1));

        Site hostnamesOnly = sites.update(original.id(), List.of("b.example.test"), api.id(), true).orElseThrow();
        Site newTls = sites.update(original.id(), List.of("b.example.test"), api.id(), true,
                new SiteTls(shopCertificate.id(), true, null, false, false)).orElseThrow();
        Site disabled = sites.setEnabled(original.id(), false).orElseThrow();

        assertThat(hostnamesOnly.websockets()).isEqualTo(websockets);
        assertThat(newTls.websockets()).isEqualTo(websockets);
        assertThat(newTls.tls().forceHttps()).isTrue();
        assertThat(disabled.websockets()).isEqualTo(websockets);
        assertThat(sites.findById(original.id()).orElseThrow().websockets()).isEqualTo(websockets);
    }

    @Test
    void aFullUpdateWithNullWebsocketSettingsTurnsThemOff() {
        Site original = sites.insert(List.of("a.example.test"), app.id(), true, SiteTls.NONE, new SiteWebsockets(true, 5_000L));

        Site updated = sites.update(original.id(), List.of("a.example.test"), app.id(), true, null, null).orElseThrow();

        assertThat(updated.websockets()).isEqualTo(SiteWebsockets.OFF);
        assertThat(sites.findById(original.id()).orElseThrow().websockets()).isEqualTo(SiteWebsockets.OFF);
    }

    @Test
    void aRejectedUpdateLeavesTheWebsocketSettingsAsTheyWere() {
        sites.insert(List.of("taken.example.test"), app.id(), true);
        Site mine = sites.insert(List.of("mine.example.test"), app.id(), true, SiteTls.NONE, new SiteWebsockets(true, 60_000L));

        assertThatThrownBy(() -> sites.update(mine.id(), List.of("taken.example.test"), app.id(), true, SiteTls.NONE,
                SiteWebsockets.OFF)).isInstanceOf(DuplicateKeyException.class);
        assertThatThrownBy(() -> sites.update(mine.id(), List.of("mine.example.test"), app.id(), true,
                new SiteTls(999_999L, false, null, false, false), new SiteWebsockets(true, 1_000L)))
                .isInstanceOf(DataIntegrityViolationException.class);

        assertThat(sites.findById(mine.id())).contains(mine);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void aWebsocketIdleTimeoutOfZeroOrLessIsRejected(long idleTimeoutMs) {
        assertThatThrownBy(() -> new SiteWebsockets(true, idleTimeoutMs))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("site WebSocket idle timeout must be more than 0 ms, got " + idleTimeoutMs);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1})
    void schemaRefusesAWebsocketIdleTimeoutOfZeroOrLess(long idleTimeoutMs) {
        Site site = sites.insert(List.of("a.example.test"), app.id(), true, SiteTls.NONE, new SiteWebsockets(true, 1_000L));

        assertThatThrownBy(() -> database.jdbc().sql("UPDATE site SET websocket_idle_timeout_ms = :timeout WHERE id = :id")
                .param("timeout", idleTimeoutMs).param("id", site.id()).update())
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(sites.findById(site.id())).contains(site);
    }

    /** Ids 1 and 2 in the table stand for the two certificates stored in setUp. */
    private SiteTls withRealCertificate(SiteTls template) {
        if (template.certificateId() == null) {
            return template;
        }
        long id = template.certificateId() == 1L ? shopCertificate.id() : blogCertificate.id();
        return new SiteTls(id, template.forceHttps(), template.hstsMaxAgeSeconds(), template.hstsIncludeSubDomains(),
                template.hstsPreload(), template.http2());
    }

    @Test
    void aRedirectSiteIsStoredWithoutBackendAndReadBackWithItsRedirect() {
        SiteRedirect redirect = new SiteRedirect("https://new.example.test/shop", 308, false);
        Site stored = sites.insert(List.of("old.example.test"), null, true, SiteTls.NONE, SiteWebsockets.OFF, redirect,
                null);

        Site found = sites.findById(stored.id()).orElseThrow();
        assertThat(found).isEqualTo(stored);
        assertThat(found.backendId()).isNull();
        assertThat(found.redirect()).isEqualTo(redirect);
        assertThat(found.redirecting()).isTrue();
        assertThat(found.headers()).isEqualTo(SiteHeaders.DEFAULT);
        assertThat(sites.findByBackendId(app.id())).isEmpty();
    }

    @Test
    void headerRulesAreStoredInOrderPerDirectionAndReplacedByAFullUpdate() {
        SiteHeaders headers = new SiteHeaders(false,
                List.of(new SiteHeaders.Rule("set", "X-B", "2"), new SiteHeaders.Rule("ADD", "X-A", "1"),
                        new SiteHeaders.Rule("remove", "Cookie", "ignored")),
                List.of(new SiteHeaders.Rule("remove", "Server", null)));
        Site stored = sites.insert(List.of("a.example.test"), app.id(), true, SiteTls.NONE, SiteWebsockets.OFF, null,
                headers);
        sites.insert(List.of("other.example.test"), app.id(), true);

        Site found = sites.findById(stored.id()).orElseThrow();
        assertThat(found.headers().passHost()).isFalse();
        assertThat(found.headers().request()).containsExactly(new SiteHeaders.Rule("set", "X-B", "2"),
                new SiteHeaders.Rule("add", "X-A", "1"), new SiteHeaders.Rule("remove", "Cookie", null));
        assertThat(found.headers().response()).containsExactly(new SiteHeaders.Rule("remove", "Server", null));
        assertThat(sites.findAll()).extracting(Site::headers).containsExactly(headers, SiteHeaders.DEFAULT);

        SiteHeaders fewer = new SiteHeaders(true, List.of(new SiteHeaders.Rule("set", "X-C", "3")), List.of());
        Site updated = sites.update(stored.id(), List.of("a.example.test"), app.id(), true, SiteTls.NONE,
                SiteWebsockets.OFF, null, fewer).orElseThrow();
        assertThat(updated.headers()).isEqualTo(fewer);
        assertThat(database.rows("site_header_rule")).isEqualTo(1);
    }

    @Test
    void updatesWithoutHeaderSettingsKeepThemAndDeletingASiteDeletesItsRules() {
        SiteHeaders headers = new SiteHeaders(false, List.of(new SiteHeaders.Rule("set", "X-A", "1")), List.of());
        Site stored = sites.insert(List.of("a.example.test"), app.id(), true, SiteTls.NONE, SiteWebsockets.OFF, null,
                headers);

        assertThat(sites.update(stored.id(), List.of("a.example.test"), api.id(), true).orElseThrow().headers())
                .isEqualTo(headers);
        assertThat(sites.setEnabled(stored.id(), false).orElseThrow().headers()).isEqualTo(headers);

        assertThat(sites.delete(stored.id())).isTrue();
        assertThat(database.rows("site_header_rule")).isZero();
    }

    @Test
    void aSiteSwitchesBetweenForwardingAndRedirecting() {
        Site stored = sites.insert(List.of("a.example.test"), app.id(), true);
        SiteRedirect redirect = new SiteRedirect("https://b.example.test", 301, true);

        Site redirecting = sites.update(stored.id(), stored.hostnames(), null, true, SiteTls.NONE, SiteWebsockets.OFF,
                redirect, null).orElseThrow();
        assertThat(redirecting.backendId()).isNull();
        assertThat(redirecting.redirect()).isEqualTo(redirect);

        // the older overloads give a backend, which makes the site forward again
        Site forwarding = sites.update(stored.id(), stored.hostnames(), api.id(), true).orElseThrow();
        assertThat(forwarding.backendId()).isEqualTo(api.id());
        assertThat(forwarding.redirect()).isNull();
    }

    static Stream<Arguments> targetsTheSchemaRefuses() {
        return Stream.of(
                Arguments.of("neither backend nor redirect", null, null),
                Arguments.of("both backend and redirect", 1L, new SiteRedirect("https://b.example.test", 301, true)),
                Arguments.of("a status that is no redirect", null, new SiteRedirect("https://b.example.test", 200, true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targetsTheSchemaRefuses")
    void theSchemaRefusesASiteWithoutExactlyOneTargetOrWithABadStatus(String label, Long backendId, SiteRedirect redirect) {
        Long backend = backendId == null ? null : app.id();

        assertThatThrownBy(() -> sites.insert(List.of("a.example.test"), backend, true, SiteTls.NONE, SiteWebsockets.OFF,
                redirect, null)).isInstanceOf(DataIntegrityViolationException.class);
        assertThat(database.rows("site")).isZero();
        assertThat(database.rows("site_hostname")).isZero();
    }

    @Test
    void aRejectedHeaderRuleLeavesNothingOfTheSiteBehind() {
        String tooLong = "v".repeat(4097);
        SiteHeaders headers = new SiteHeaders(true, List.of(new SiteHeaders.Rule("set", "X-A", tooLong)), List.of());

        assertThatThrownBy(() -> sites.insert(List.of("a.example.test"), app.id(), true, SiteTls.NONE,
                SiteWebsockets.OFF, null, headers)).isInstanceOf(DataIntegrityViolationException.class);
        assertThat(database.rows("site")).isZero();
    }

    // --- HTTP/2 and trusted proxies ---

    @Test
    void http2IsOnUnlessStoredOffAndTheOlderTlsConstructorMeansOn() {
        Site plain = sites.insert(List.of("a.example.test"), app.id(), true);
        Site off = sites.insert(List.of("b.example.test"), app.id(), true, new SiteTls(null, false, null, false, false, false));

        assertThat(sites.findById(plain.id()).orElseThrow().tls().http2()).isTrue();
        assertThat(sites.findById(off.id()).orElseThrow().tls().http2()).isFalse();
        assertThat(new SiteTls(null, false, null, false, false).http2()).isTrue();
        assertThat(SiteTls.NONE.http2()).isTrue();

        // an update without TLS settings keeps it; one with them replaces it
        assertThat(sites.update(off.id(), List.of("b.example.test"), api.id(), true).orElseThrow().tls().http2()).isFalse();
        assertThat(sites.update(off.id(), List.of("b.example.test"), api.id(), true, SiteTls.NONE).orElseThrow().tls().http2())
                .isTrue();
    }

    @Test
    void trustedProxiesAndTheForwardedFlagAreStoredInOrderAndReplacedByAFullUpdate() {
        SiteHeaders headers = new SiteHeaders(true, List.of(), List.of(new SiteHeaders.Rule("remove", "Server", null)),
                List.of("10.0.0.0/8", "192.0.2.7", "2001:db8::/32"), true);
        Site stored = sites.insert(List.of("a.example.test"), app.id(), true, SiteTls.NONE, SiteWebsockets.OFF, null,
                headers);
        Site other = sites.insert(List.of("other.example.test"), app.id(), true, SiteTls.NONE, SiteWebsockets.OFF, null,
                new SiteHeaders(true, List.of(), List.of(), List.of("127.0.0.1"), false));

        assertThat(stored.headers()).isEqualTo(headers);
        assertThat(sites.findById(stored.id()).orElseThrow().headers()).isEqualTo(headers);
        assertThat(sites.findAll()).extracting(Site::headers).containsExactly(headers,
                new SiteHeaders(true, List.of(), List.of(), List.of("127.0.0.1"), false));
        assertThat(sites.findByHostname("a.example.test").orElseThrow().headers().trustedProxies())
                .containsExactly("10.0.0.0/8", "192.0.2.7", "2001:db8::/32");

        // older overloads and setEnabled keep them
        assertThat(sites.update(stored.id(), List.of("a.example.test"), api.id(), true).orElseThrow().headers())
                .isEqualTo(headers);
        assertThat(sites.setEnabled(stored.id(), false).orElseThrow().headers()).isEqualTo(headers);

        SiteHeaders fewer = new SiteHeaders(true, List.of(), List.of(), List.of("172.16.0.0/12"), false);
        Site updated = sites.update(stored.id(), List.of("a.example.test"), app.id(), true, SiteTls.NONE,
                SiteWebsockets.OFF, null, fewer).orElseThrow();
        assertThat(updated.headers()).isEqualTo(fewer);
        assertThat(database.rows("site_trusted_proxy")).isEqualTo(2);

        assertThat(sites.delete(stored.id())).isTrue();
        assertThat(sites.delete(other.id())).isTrue();
        assertThat(database.rows("site_trusted_proxy")).isZero();
    }

    @Test
    void aTrustedProxyEntryThatIsBlankOrTooLongIsRejectedBeforeAnythingIsWritten() {
        assertThatThrownBy(() -> new SiteHeaders(true, List.of(), List.of(), List.of(" "), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 64 characters");
        assertThatThrownBy(() -> new SiteHeaders(true, List.of(), List.of(), List.of("1".repeat(65)), false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new SiteHeaders(true, List.of(), List.of(), List.of("1".repeat(64)), false).trustedProxies()).hasSize(1);
        assertThat(new SiteHeaders(true, null, null)).isEqualTo(SiteHeaders.DEFAULT);
    }

    @Test
    void policiesAreStoredReadBackKeptByOlderOverloadsAndReplacedByAFullUpdate() {
        AccessList staff = new AccessListRepository(database.dataSource()).insert(new AccessListSettings("staff",
                List.of(AccessListSettings.Rule.allow("10.0.0.0/8")), null, false, null));
        SitePolicies policies = new SitePolicies(staff.id(), new SitePolicies.SiteRateLimit(10, 60, 5), false,
                10L * 1024 * 1024 * 1024, 8192, 2048);

        Site stored = sites.insert(List.of("guarded.example.test"), app.id(), true, SiteTls.NONE, SiteWebsockets.OFF,
                null, SiteHeaders.DEFAULT, policies);
        Site plain = sites.insert(List.of("plain.example.test"), app.id(), true);

        assertThat(stored.policies()).isEqualTo(policies);
        assertThat(sites.findById(stored.id()).orElseThrow().policies()).isEqualTo(policies);
        assertThat(sites.findAll()).extracting(Site::policies).containsExactly(policies, SitePolicies.DEFAULT);
        assertThat(plain.policies().blockExploits()).as("exploits are blocked unless switched off").isTrue();
        assertThat(sites.findByAccessListId(staff.id())).extracting(Site::id).containsExactly(stored.id());

        // the older overloads and setEnabled keep them
        assertThat(sites.update(stored.id(), List.of("guarded.example.test"), api.id(), true).orElseThrow().policies())
                .isEqualTo(policies);
        assertThat(sites.update(stored.id(), List.of("guarded.example.test"), app.id(), true, SiteTls.NONE,
                SiteWebsockets.OFF, null, SiteHeaders.DEFAULT).orElseThrow().policies()).isEqualTo(policies);
        assertThat(sites.setEnabled(stored.id(), false).orElseThrow().policies()).isEqualTo(policies);

        // a full update replaces them; null means the defaults
        SitePolicies other = new SitePolicies(null, new SitePolicies.SiteRateLimit(1, 1, 0), true, 0, 0, 0);
        assertThat(sites.update(stored.id(), List.of("guarded.example.test"), app.id(), true, SiteTls.NONE,
                SiteWebsockets.OFF, null, SiteHeaders.DEFAULT, other).orElseThrow().policies()).isEqualTo(other);
        assertThat(sites.findByAccessListId(staff.id())).isEmpty();
        assertThat(sites.update(stored.id(), List.of("guarded.example.test"), app.id(), true, SiteTls.NONE,
                SiteWebsockets.OFF, null, SiteHeaders.DEFAULT, null).orElseThrow().policies())
                .isEqualTo(SitePolicies.DEFAULT);
    }

    @Test
    void anUnknownAccessListIsDataIntegrityViolationAndWritesNothing() {
        SitePolicies unknown = new SitePolicies(404L, null, true, 0, 0, 0);

        assertThatThrownBy(() -> sites.insert(List.of("x.example.test"), app.id(), true, SiteTls.NONE, SiteWebsockets.OFF,
                null, SiteHeaders.DEFAULT, unknown)).isInstanceOf(DataIntegrityViolationException.class);
        assertThat(database.rows("site")).isZero();
        assertThat(database.rows("site_hostname")).isZero();

        Site site = sites.insert(List.of("x.example.test"), app.id(), true);
        assertThatThrownBy(() -> sites.update(site.id(), List.of("y.example.test"), app.id(), true, SiteTls.NONE,
                SiteWebsockets.OFF, null, SiteHeaders.DEFAULT, unknown)).isInstanceOf(DataIntegrityViolationException.class);
        assertThat(sites.findById(site.id())).contains(site);
    }

    @Test
    void policyValuesTheSchemaCannotHoldAreRefused() {
        assertThatThrownBy(() -> new SitePolicies(null, null, true, -1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 (none) or more");
        assertThatThrownBy(() -> new SitePolicies.SiteRateLimit(0, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requests >= 1");
        sites.insert(List.of("x.example.test"), app.id(), true);
        assertThatThrownBy(() -> database.jdbc().sql("UPDATE site SET rate_limit_requests = 5").update())
                .as("a rate limit without period and burst").isInstanceOf(DataIntegrityViolationException.class);
    }
}

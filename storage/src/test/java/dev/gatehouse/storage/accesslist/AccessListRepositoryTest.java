package dev.gatehouse.storage.accesslist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.storage.MutableClock;
import dev.gatehouse.storage.TestDatabase;
import dev.gatehouse.storage.accesslist.AccessListSettings.Rule;
import dev.gatehouse.storage.accesslist.AccessListSettings.User;
import dev.gatehouse.storage.backend.BackendRepository;
import dev.gatehouse.storage.backend.BackendServer;
import dev.gatehouse.storage.site.SitePolicies;
import dev.gatehouse.storage.site.SiteRepository;

class AccessListRepositoryTest {

    /** Hashes in bcrypt form (cost 10): the repository checks the form, never a password. */
    static final String HASH_A = "$2a$10$Sx8mPVm2lxtBDRhYyXrT4.mJ1X0AgfkCWg8vgQpTGLdQQjO1mRpb2";
    static final String HASH_B = "$2b$10$7EqJtq98hPqEX7fNZaFWoO5U0CjB1s2Yx/BR1F5yFHQ8Umx6ITnzm";

    @TempDir
    Path tempDir;

    private TestDatabase database;
    private MutableClock clock;
    private AccessListRepository lists;

    @BeforeEach
    void openDatabase() {
        database = TestDatabase.open(tempDir);
        clock = MutableClock.startingAt("2025-03-01T10:00:00.654321Z");
        lists = new AccessListRepository(database.dataSource(), clock);
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    private static AccessListSettings staff() {
        return new AccessListSettings("staff", List.of(Rule.deny("10.0.0.66"), Rule.allow("10.0.0.0/8"),
                Rule.allow("2001:db8::/32")), List.of(new User("alice", HASH_A), new User("bob", HASH_B)), true, "Staff only");
    }

    @Test
    void insertedListIsFoundWithItsRulesAndUsersInOrder() {
        AccessList inserted = lists.insert(staff());

        assertThat(inserted.id()).isPositive();
        assertThat(inserted.settings()).isEqualTo(staff());
        assertThat(inserted.createdAt()).isEqualTo(clock.instant()).isEqualTo(inserted.updatedAt());
        assertThat(lists.findById(inserted.id())).contains(inserted);
        assertThat(lists.findByName("staff")).contains(inserted);
        assertThat(lists.findByName("Staff")).as("names are compared as the engine compares them").isEmpty();
        assertThat(lists.findAll()).containsExactly(inserted);
        assertThat(lists.count()).isEqualTo(1);
        AccessListSettings read = lists.findById(inserted.id()).orElseThrow().settings();
        assertThat(read.rules()).extracting(Rule::action).containsExactly("deny", "allow", "allow");
        assertThat(read.users()).extracting(User::username).containsExactly("alice", "bob");
    }

    @Test
    void defaultsAreStoredAsTheyAreReadBack() {
        AccessList inserted = lists.insert(new AccessListSettings(" office ", null, null, false, "  "));

        AccessListSettings read = lists.findById(inserted.id()).orElseThrow().settings();
        assertThat(read.name()).isEqualTo("office");
        assertThat(read.rules()).isEmpty();
        assertThat(read.users()).isEmpty();
        assertThat(read.satisfyAll()).isFalse();
        assertThat(read.realm()).as("blank = the engine's default").isNull();
    }

    @Test
    void findAllIsOrderedByNameAndKeepsEachListsOwnEntries() {
        AccessList vpn = lists.insert(new AccessListSettings("vpn", List.of(Rule.allow("192.0.2.0/24")), null, false, null));
        AccessList admins = lists.insert(new AccessListSettings("admins", null, List.of(new User("root", HASH_B)), false,
                null));

        assertThat(lists.findAll()).containsExactly(admins, vpn);
        assertThat(lists.findAll().get(0).settings().rules()).isEmpty();
        assertThat(lists.findAll().get(1).settings().users()).isEmpty();
    }

    @Test
    void updateReplacesEverythingAndMovesUpdatedAtOnly() {
        AccessList inserted = lists.insert(staff());
        clock.advance(Duration.ofMinutes(5));
        AccessListSettings changed = new AccessListSettings("staff-2", List.of(Rule.allow("192.0.2.1")),
                List.of(new User("bob", HASH_A)), false, null);

        AccessList updated = lists.update(inserted.id(), changed).orElseThrow();

        assertThat(updated.settings()).isEqualTo(changed);
        assertThat(updated.createdAt()).isEqualTo(inserted.createdAt());
        assertThat(updated.updatedAt()).isEqualTo(clock.instant());
        assertThat(lists.findById(inserted.id())).contains(updated);
        assertThat(database.rows("access_list_rule")).isEqualTo(1);
        assertThat(database.rows("access_list_user")).isEqualTo(1);
    }

    @Test
    void updateAndDeleteOfAnUnknownIdChangeNothing() {
        assertThat(lists.update(99, staff())).isEmpty();
        assertThat(lists.delete(99)).isFalse();
        assertThat(database.rows("access_list")).isZero();
        assertThat(database.rows("access_list_rule")).isZero();
    }

    @Test
    void aDuplicateNameIsDuplicateKeyAndNothingIsHalfWritten() {
        AccessList first = lists.insert(staff());
        AccessList other = lists.insert(new AccessListSettings("other", List.of(Rule.allow("10.1.0.0/16")), null, false,
                null));

        assertThatThrownBy(() -> lists.insert(staff())).isInstanceOf(DuplicateKeyException.class);
        assertThatThrownBy(() -> lists.update(other.id(), staff())).isInstanceOf(DuplicateKeyException.class);

        assertThat(lists.findAll()).containsExactly(other, first);
        assertThat(database.rows("access_list_rule")).isEqualTo(4);
        assertThat(database.rows("access_list_user")).isEqualTo(2);
    }

    @Test
    void deleteRemovesTheRulesAndUsersButNotWhileASiteUsesTheList() {
        AccessList used = lists.insert(staff());
        AccessList unused = lists.insert(new AccessListSettings("unused", List.of(Rule.allow("10.0.0.1")), null, false,
                null));
        long backendId = new BackendRepository(database.dataSource()).insert("app", BackendServer.list("127.0.0.1:80")).id();
        SiteRepository sites = new SiteRepository(database.dataSource());
        sites.insert(List.of("app.example.test"), backendId, true, null, null, null, null,
                new SitePolicies(used.id(), null, true, 0, 0, 0));

        assertThatThrownBy(() -> lists.delete(used.id())).isInstanceOf(DataIntegrityViolationException.class);
        assertThat(lists.findById(used.id())).contains(used);
        assertThat(sites.findByAccessListId(used.id())).extracting(site -> site.hostnames().get(0))
                .containsExactly("app.example.test");

        assertThat(lists.delete(unused.id())).isTrue();
        assertThat(lists.findById(unused.id())).isEmpty();
        assertThat(database.rows("access_list_rule")).isEqualTo(3);
    }

    @Test
    void writesJoinTheCallersTransactionAndRollBackWithIt() {
        TransactionTemplate outer = new TransactionTemplate(new DataSourceTransactionManager(database.dataSource()));

        assertThatThrownBy(() -> outer.executeWithoutResult(status -> {
            lists.insert(staff());
            throw new IllegalStateException("the caller fails after the write");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(database.rows("access_list")).isZero();
        assertThat(database.rows("access_list_user")).isZero();
    }

    static Stream<Arguments> valuesTheSchemaCannotHold() {
        return Stream.of(
                Arguments.of("a blank name", (Runnable) () -> new AccessListSettings(" ", null, null, false, null),
                        "access list name must not be blank"),
                Arguments.of("a name of 65 characters", (Runnable) () -> new AccessListSettings("n".repeat(65), null, null,
                        false, null), "at most 64"),
                Arguments.of("an action other than allow or deny", (Runnable) () -> new Rule("permit", "10.0.0.1"),
                        "must be allow or deny, got 'permit'"),
                Arguments.of("a blank address", (Runnable) () -> Rule.allow(" "), "address must not be blank"),
                Arguments.of("a realm of 129 characters", (Runnable) () -> new AccessListSettings("a", null, null, false,
                        "r".repeat(129)), "at most 128"),
                Arguments.of("a user listed twice", (Runnable) () -> new AccessListSettings("a", null,
                        List.of(new User("alice", HASH_A), new User("alice", HASH_B)), false, null), "listed twice"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valuesTheSchemaCannotHold")
    void valuesTheSchemaCannotHoldAreRefusedNamingTheField(String title, Runnable build, String message) {
        assertThatThrownBy(build::run).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void aPasswordIsNeverStoredWhereItsHashBelongs() {
        assertThatThrownBy(() -> new User("alice", "correct horse battery staple"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the password of access list user 'alice' must be stored as a bcrypt hash")
                .hasMessageNotContaining("horse");
        assertThat(new User("alice", HASH_A).toString()).doesNotContain(HASH_A).contains("alice");

        // the schema refuses it too, should anything write past the record
        long id = lists.insert(new AccessListSettings("direct", null, null, false, null)).id();
        assertThatThrownBy(() -> database.jdbc().sql("INSERT INTO access_list_user (access_list_id, position, username, "
                + "password_hash) VALUES (:id, 0, 'alice', :hash)").param("id", id)
                .param("hash", "a-plain-password-of-exactly-sixty-characters-long-1234567890").update())
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> database.jdbc().sql("INSERT INTO access_list_rule (access_list_id, position, action, "
                + "address) VALUES (:id, 0, 'permit', '10.0.0.1')").param("id", id).update())
                .isInstanceOf(DataIntegrityViolationException.class);
    }
}

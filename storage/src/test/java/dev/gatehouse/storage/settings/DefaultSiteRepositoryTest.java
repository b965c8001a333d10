package dev.gatehouse.storage.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.dao.DataIntegrityViolationException;

import dev.gatehouse.storage.TestDatabase;
import dev.gatehouse.storage.site.SiteRedirect;

class DefaultSiteRepositoryTest {

    @TempDir
    Path tempDir;

    private TestDatabase database;
    private DefaultSiteRepository repository;

    @BeforeEach
    void openDatabase() {
        database = TestDatabase.open(tempDir);
        repository = new DefaultSiteRepository(database.dataSource());
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    @Test
    void aFreshDatabaseAnswersUnknownHostNamesWithTheNotFoundPage() {
        assertThat(repository.get()).isEqualTo(DefaultSite.DEFAULT);
        assertThat(database.rows("default_site")).isEqualTo(1);
    }

    @Test
    void eachActionIsStoredAndSurvivesReopening() {
        DefaultSite redirect = new DefaultSite(DefaultSite.REDIRECT, new SiteRedirect("https://www.example.test", 302, false));
        assertThat(repository.save(redirect)).isEqualTo(redirect);
        database.reopen();
        repository = new DefaultSiteRepository(database.dataSource());
        assertThat(repository.get()).isEqualTo(redirect);

        repository.save(new DefaultSite(DefaultSite.CLOSE, null));
        assertThat(repository.get()).isEqualTo(new DefaultSite(DefaultSite.CLOSE, null));
        repository.save(DefaultSite.DEFAULT);
        assertThat(repository.get()).isEqualTo(DefaultSite.DEFAULT);
        assertThat(database.rows("default_site")).isEqualTo(1);
    }

    @Test
    void aBadStatusIsRefusedAndTheStoredSettingStays() {
        repository.save(new DefaultSite(DefaultSite.CLOSE, null));

        assertThatThrownBy(() -> repository.save(new DefaultSite(DefaultSite.REDIRECT,
                new SiteRedirect("https://www.example.test", 303, true)))).isInstanceOf(DataIntegrityViolationException.class);
        assertThat(repository.get()).isEqualTo(new DefaultSite(DefaultSite.CLOSE, null));
    }

    @Test
    void theSchemaKeepsOneRowAndARedirectTargetOnlyWithTheRedirectAction() {
        assertThatThrownBy(() -> database.jdbc().sql("INSERT INTO default_site (id, action) VALUES (2, 'close')").update())
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> database.jdbc().sql("UPDATE default_site SET action = 'redirect'").update())
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> database.jdbc().sql("UPDATE default_site SET redirect_target = 'https://x.test', "
                + "redirect_status = 301, redirect_keep_path = TRUE").update())
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> new DefaultSite("drop", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DefaultSite(DefaultSite.CLOSE, new SiteRedirect("https://x.test", 301, true)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

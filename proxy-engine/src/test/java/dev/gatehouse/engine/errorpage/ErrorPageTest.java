package dev.gatehouse.engine.errorpage;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorPageTest {

    @ParameterizedTest
    @EnumSource(ErrorPage.class)
    void everyPageIsBrandedSelfContainedHtml(ErrorPage page) {
        String html = new String(page.bytes(), StandardCharsets.UTF_8);
        assertThat(html).startsWith("<!DOCTYPE html>")
                .contains("<title>" + page.status() + " " + page.reason() + " · Gatehouse</title>")
                .contains("<style>")
                .contains("Error " + page.status())
                .doesNotContain("<script", "<link", "src=", "url(", "http://", "https://");
        assertThat(page.length()).isEqualTo(page.bytes().length);
        assertThat(page.content().readableBytes()).isEqualTo(page.length());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "NO_SITE          | 404 | No site is configured for this host name.",
            "NO_ROUTE         | 404 | This site has no route for the requested path.",
            "BAD_HOST         | 400 | The request did not name a valid host",
            "BAD_GATEWAY      | 502 | could not get a response from the server behind this site",
            "GATEWAY_TIMEOUT  | 504 | did not respond in time",
    })
    void eachPageSaysWhatHappened(ErrorPage page, int status, String wording) {
        assertThat(page.status()).isEqualTo(status);
        assertThat(new String(page.bytes(), StandardCharsets.UTF_8)).contains(wording);
    }

    @ParameterizedTest
    @EnumSource(ErrorPage.class)
    void sharedBytesCannotBeChangedOrFreedByAResponse(ErrorPage page) {
        page.content().release();
        page.content().release();
        assertThat(page.content().readableBytes()).isEqualTo(page.length());
        assertThat(page.content().isReadOnly()).isTrue();
    }
}

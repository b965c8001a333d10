package dev.gatehouse.admin.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.csrf;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockUser;

import dev.gatehouse.admin.backend.BackendService;
import dev.gatehouse.admin.backend.BackendView;
import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.NotFoundException;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.setup.SetupService;
import dev.gatehouse.admin.web.Html;
import dev.gatehouse.admin.web.WithGatehouseSecurity;
import dev.gatehouse.engine.stream.StreamStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The Streams pages, with the services mocked: rendering, Post/Redirect/Get, errors next to fields, CSRF. */
@WebFluxTest(StreamController.class)
@WithGatehouseSecurity
class StreamControllerTest {

    private static final String ADMIN = "admin@example.test";
    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

    @Autowired
    private WebTestClient web;

    @MockitoBean
    private StreamService streams;
    @MockitoBean
    private BackendService backends;
    @MockitoBean
    private SetupService setup;

    @BeforeEach
    void setUp() {
        when(setup.needsSetup()).thenReturn(Mono.just(false));
        when(backends.list()).thenReturn(Flux.just(backend(1, "db"), backend(2, "ssh")));
    }

    private WebTestClient signedIn() {
        return web.mutateWith(mockUser(ADMIN).roles("ADMIN"));
    }

    private static BackendView backend(long id, String name) {
        return new BackendView(id, name, List.of("10.0.0." + id + ":5432"), List.of(), T0, T0);
    }

    private static StreamView stream(long id, int port, String backend, boolean enabled, StreamStatus live) {
        return new StreamView(id, port, null, backend, enabled, "none", null, null, T0, T0, live);
    }

    private static StreamStatus listening(long id, int port, String backend, int open) {
        return new StreamStatus(Long.toString(id), "0.0.0.0", port, backend, true, true, open, 10, null);
    }

    @Test
    void listShowsEachStreamWithItsAddressBackendLiveStateAndActions() {
        String problem = "port 2222 on 0.0.0.0 is already in use; stop the program using it or choose another port";
        when(streams.list()).thenReturn(Flux.just(
                stream(1, 5432, "db", true, listening(1, 5432, "db", 3)),
                new StreamView(2, 2222, "127.0.0.1", "ssh", true, "v2", 7_200_000L, null, T0, T0,
                        new StreamStatus("2", "127.0.0.1", 2222, "ssh", true, false, 0, 0, problem)),
                stream(3, 6000, "db", false, new StreamStatus("3", "0.0.0.0", 6000, "db", false, false, 0, 0, null))));

        String html = get("/streams", HttpStatus.OK);

        assertThat(html).containsSubsequence("id=\"stream-1\"", "0.0.0.0:5432", "db", "idle 10 min", "Listening", "3 open",
                "action=\"/streams/1/disable\"", "action=\"/streams/1/delete\"");
        assertThat(html).containsSubsequence("id=\"stream-2\"", "127.0.0.1:2222", "ssh", "PROXY V2", "idle 2 h",
                "Not listening", "already in use");
        assertThat(html).containsSubsequence("id=\"stream-3\"", "Disabled", "action=\"/streams/3/enable\"");
        assertThat(html).contains("href=\"/streams/1/edit\"", "data-confirm=\"Delete the stream on port 5432?");
        assertThat(html).contains("name=\"_csrf\"", "id=\"nav-streams\"");
    }

    @Test
    void emptyListTellsWhatToDoNext() {
        when(streams.list()).thenReturn(Flux.empty());
        when(backends.list()).thenReturn(Flux.empty());

        String html = get("/streams", HttpStatus.OK);

        assertThat(html).contains("No streams yet", "Add a backend", "href=\"/backends/new\"");
        assertThat(html).doesNotContain("id=\"streams-table\"");
    }

    @Test
    void newFormOffersTheBackendsAndTheProxyProtocolWithDefaults() {
        String html = get("/streams/new", HttpStatus.OK);

        assertThat(html).contains("action=\"/streams\"", "<option value=\"db\">db</option>",
                "<option value=\"ssh\">ssh</option>");
        assertThat(html).containsSubsequence("name=\"proxyProtocol\"", "value=\"none\" selected=\"selected\"",
                "value=\"v1\"", "value=\"v2\"");
        assertThat(Html.attribute(Html.control(html, "idleTimeoutMinutes"), "placeholder")).isEqualTo("10");
        assertThat(Html.attribute(Html.control(html, "enabled"), "checked")).isNotNull();
        assertThat(html).contains("type=\"hidden\" name=\"_enabled\"");
        assertThat(html).doesNotContain("id=\"no-backends\"");
    }

    @Test
    void newFormWithoutBackendsSaysToAddOneFirst() {
        when(backends.list()).thenReturn(Flux.empty());

        String html = get("/streams/new", HttpStatus.OK);

        assertThat(html).contains("id=\"no-backends\"", "There are no backends yet", "href=\"/backends/new\"");
        assertThat(html).containsPattern("<button[^>]*id=\"save-stream\"[^>]*disabled");
    }

    @Test
    void editFormIsFilledFromTheStream() {
        when(streams.get(7)).thenReturn(Mono.just(new StreamView(7, 2222, "::1", "ssh", false, "v1", 90_000L, 750L, T0, T0,
                null)));

        String html = get("/streams/7/edit", HttpStatus.OK);

        assertThat(html).contains("action=\"/streams/7\"", "<option value=\"ssh\" selected=\"selected\">ssh</option>",
                "value=\"v1\" selected=\"selected\"");
        assertThat(Html.attribute(Html.control(html, "listenPort"), "value")).isEqualTo("2222");
        assertThat(Html.attribute(Html.control(html, "bindHost"), "value")).isEqualTo("::1");
        assertThat(Html.attribute(Html.control(html, "idleTimeoutMinutes"), "value")).isEqualTo("1.5");
        assertThat(Html.attribute(Html.control(html, "connectTimeoutMs"), "value")).isEqualTo("750");
        assertThat(Html.attribute(Html.control(html, "enabled"), "checked")).isNull();
    }

    @Test
    void editOfAMissingStreamIsA404Page() {
        when(streams.get(99)).thenReturn(Mono.error(new NotFoundException("there is no stream with id 99")));

        String html = get("/streams/99/edit", HttpStatus.NOT_FOUND);

        assertThat(html).contains("Page not found", "there is no stream with id 99");
    }

    @Test
    void validCreateRedirectsToTheListWhichShowsTheFlashOnce() {
        when(streams.create(any(), anyString())).thenReturn(Mono.just(stream(3, 5432, "db", true, null)));
        when(streams.list()).thenReturn(Flux.just(stream(3, 5432, "db", true, listening(3, 5432, "db", 0))));
        MultiValueMap<String, String> form = form(" 5432 ", "db");
        form.add("bindHost", " 127.0.0.1 ");
        form.add("proxyProtocol", "v2");
        form.add("idleTimeoutMinutes", "0,5");
        form.add("connectTimeoutMs", "1500");

        var response = post("/streams", form)
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER)
                .expectHeader().location("/streams")
                .returnResult(String.class);
        String session = response.getResponseCookies().getFirst("SESSION").getValue();

        verify(streams).create(new StreamCommand(5432, "127.0.0.1", "db", true, "v2", 30_000L, 1_500L), ADMIN);
        String list = signedIn().get().uri("/streams").cookie("SESSION", session).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(Html.flash(list)).isEqualTo("Stream on port 5432 added.");
        assertThat(Html.flashLevel(list)).isEqualTo("success");
        String again = signedIn().get().uri("/streams").cookie("SESSION", session).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(Html.flash(again)).isNull();
    }

    @Test
    void emptyOptionalBoxesMeanTheDefaultsAndAnUncheckedSwitchADisabledStream() {
        when(streams.create(any(), anyString())).thenReturn(Mono.just(stream(4, 2222, "ssh", false, null)));
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("listenPort", "2222");
        form.add("backend", "ssh");
        form.add("bindHost", "");
        form.add("idleTimeoutMinutes", " ");
        form.add("connectTimeoutMs", "");
        form.add("_enabled", "on");

        post("/streams", form).expectStatus().isEqualTo(HttpStatus.SEE_OTHER);

        verify(streams).create(new StreamCommand(2222, null, "ssh", false, "none", null, null), ADMIN);
    }

    @Test
    void textThatIsNotANumberIsShownNextToItsBoxAndNothingIsSaved() {
        MultiValueMap<String, String> form = form("54x2", "db");
        form.add("idleTimeoutMinutes", "ten");
        form.add("connectTimeoutMs", "1.5");

        String html = post("/streams", form)
                .expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "listenPort")).isEqualTo("port '54x2' must be a whole number from 1 to 65535, e.g. 5432");
        assertThat(Html.fieldError(html, "idleTimeoutMinutes")).startsWith("idle timeout 'ten' must be a number of minutes");
        assertThat(Html.fieldError(html, "connectTimeoutMs")).startsWith("connect timeout '1.5' must be a whole number");
        assertThat(Html.attribute(Html.control(html, "listenPort"), "value")).isEqualTo("54x2");
        assertThat(html).contains("<option value=\"db\" selected=\"selected\">db</option>");
        verify(streams, never()).create(any(), anyString());
    }

    @Test
    void theServicesProblemsGoNextToTheirFieldsWithTheInputKept() {
        String inUse = "stream 9: port 2222 on 0.0.0.0 is already in use; stop the program using it or choose another port";
        when(streams.create(any(), anyString())).thenReturn(Mono.error(new ValidationException(List.of(
                new FieldProblem("listenPort", inUse),
                new FieldProblem("idleTimeoutMs", "idleTimeoutMs must be between 1 s and 7 days, was 30 days"),
                new FieldProblem("engine", "the proxy engine is stopped; nothing was applied")))));
        MultiValueMap<String, String> form = form("2222", "ssh");
        form.add("idleTimeoutMinutes", "43200");

        String html = post("/streams", form)
                .expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "listenPort")).isEqualTo(inUse);
        assertThat(Html.fieldError(html, "idleTimeoutMinutes")).contains("was 30 days");
        assertThat(Html.formErrors(html)).containsExactly("the proxy engine is stopped; nothing was applied");
        assertThat(Html.attribute(Html.control(html, "idleTimeoutMinutes"), "value")).isEqualTo("43200");
    }

    @Test
    void aPortOfAnotherStreamIsAConflictShownNextToThePort() {
        String message = "listenPort 5432 is already used by stream 3";
        when(streams.update(eq(5L), any(), anyString())).thenReturn(Mono.error(new ConflictException("listenPort", message)));

        String html = post("/streams/5", form("5432", "db"))
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "listenPort")).isEqualTo(message);
        assertThat(html).contains("action=\"/streams/5\"", "Edit stream");
    }

    @Test
    void disableAndEnableRedirectToTheList() {
        when(streams.setEnabled(anyLong(), anyBoolean(), anyString())).thenReturn(Mono.just(stream(2, 2222, "ssh", false, null)));

        post("/streams/2/disable", new LinkedMultiValueMap<>())
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER).expectHeader().location("/streams");
        post("/streams/2/enable", new LinkedMultiValueMap<>())
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER).expectHeader().location("/streams");

        verify(streams).setEnabled(2, false, ADMIN);
        verify(streams).setEnabled(2, true, ADMIN);
    }

    @Test
    void enablingOntoAPortInUseSaysWhyOnTheList() {
        String message = "stream 2: port 2222 on 0.0.0.0 is already in use; stop the program using it or choose another port";
        when(streams.setEnabled(2, true, ADMIN)).thenReturn(Mono.error(new ValidationException("listenPort", message)));
        when(streams.list()).thenReturn(Flux.just(stream(2, 2222, "ssh", false, null)));

        var response = post("/streams/2/enable", new LinkedMultiValueMap<>())
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER).returnResult(String.class);
        String list = signedIn().get().uri("/streams")
                .cookie("SESSION", response.getResponseCookies().getFirst("SESSION").getValue()).exchange()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.flash(list)).isEqualTo(message);
        assertThat(Html.flashLevel(list)).isEqualTo("danger");
    }

    @Test
    void deleteRedirectsToTheList() {
        when(streams.get(2)).thenReturn(Mono.just(stream(2, 2222, "ssh", true, null)));
        when(streams.delete(2, ADMIN)).thenReturn(Mono.empty());

        post("/streams/2/delete", new LinkedMultiValueMap<>())
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER).expectHeader().location("/streams");

        verify(streams).delete(2, ADMIN);
    }

    @Test
    void postWithoutCsrfTokenIsForbiddenAndSavesNothing() {
        signedIn().post().uri("/streams")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form("5432", "db")))
                .exchange()
                .expectStatus().isForbidden();
        signedIn().post().uri("/streams/1/delete").exchange().expectStatus().isForbidden();

        verify(streams, never()).create(any(), anyString());
        verify(streams, never()).delete(anyLong(), anyString());
    }

    @Test
    void anonymousVisitorIsSentToSignIn() {
        web.get().uri("/streams").exchange()
                .expectStatus().is3xxRedirection()
                .expectHeader().valueMatches("Location", ".*/login");
    }

    private String get(String path, HttpStatus status) {
        return signedIn().get().uri(path).accept(MediaType.TEXT_HTML).exchange()
                .expectStatus().isEqualTo(status)
                .expectBody(String.class).returnResult().getResponseBody();
    }

    private WebTestClient.ResponseSpec post(String path, MultiValueMap<String, String> form) {
        return signedIn().mutateWith(csrf()).post().uri(path)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form))
                .exchange();
    }

    private static MultiValueMap<String, String> form(String port, String backend) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("listenPort", port);
        form.add("backend", backend);
        form.add("enabled", "true");
        return form;
    }
}

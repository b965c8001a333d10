package dev.gatehouse.admin.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.csrf;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockUser;

import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.NotFoundException;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.setup.SetupService;
import dev.gatehouse.admin.web.Html;
import dev.gatehouse.admin.web.WithGatehouseSecurity;
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

/** The Backends pages, with the service mocked. */
@WebFluxTest(BackendController.class)
@WithGatehouseSecurity
class BackendControllerTest {

    private static final String ADMIN = "admin@example.test";
    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

    @Autowired
    private WebTestClient web;

    @MockitoBean
    private BackendService backends;
    @MockitoBean
    private SetupService setup;

    @BeforeEach
    void setUp() {
        when(setup.needsSetup()).thenReturn(Mono.just(false));
    }

    private WebTestClient signedIn() {
        return web.mutateWith(mockUser(ADMIN).roles("ADMIN"));
    }

    @Test
    void listShowsServersAndWhichSitesUseEachBackend() {
        when(backends.list()).thenReturn(Flux.just(
                backend(1, "app", List.of("10.0.0.1:3000", "10.0.0.2:3000"), List.of("app.example.test")),
                backend(2, "spare", List.of("10.0.0.9:8080"), List.of())));

        String html = get("/backends", HttpStatus.OK);

        assertThat(html).containsSubsequence("id=\"backend-1\"", "app", "10.0.0.1:3000", "10.0.0.2:3000",
                "app.example.test", "action=\"/backends/1/delete\"");
        assertThat(html).containsSubsequence("id=\"backend-2\"", "spare", "10.0.0.9:8080", "not used yet");
        assertThat(html).contains("href=\"/backends/2/edit\"", "name=\"_csrf\"");
    }

    @Test
    void emptyListTellsWhatToDoNext() {
        when(backends.list()).thenReturn(Flux.empty());

        String html = get("/backends", HttpStatus.OK);

        assertThat(html).contains("No backends yet", "href=\"/backends/new\"");
    }

    @Test
    void editFormIsFilledFromTheBackend() {
        when(backends.get(4)).thenReturn(Mono.just(backend(4, "app", List.of("10.0.0.1:3000", "10.0.0.2:3000"), List.of())));

        String html = get("/backends/4/edit", HttpStatus.OK);

        assertThat(html).contains("action=\"/backends/4\"");
        assertThat(Html.attribute(Html.control(html, "name"), "value")).isEqualTo("app");
        assertThat(Html.textarea(html, "servers")).isEqualTo("10.0.0.1:3000\n10.0.0.2:3000");
    }

    @Test
    void editOfAMissingBackendIsA404Page() {
        when(backends.get(99)).thenReturn(Mono.error(new NotFoundException("there is no backend with id 99")));

        assertThat(get("/backends/99/edit", HttpStatus.NOT_FOUND)).contains("there is no backend with id 99");
    }

    @Test
    void validCreateRedirectsToTheList() {
        when(backends.create(any(), anyString()))
                .thenReturn(Mono.just(backend(5, "app", List.of("127.0.0.1:3000"), List.of())));

        post("/backends", form(" app ", "127.0.0.1:3000\n\n127.0.0.1:3001\n"))
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER)
                .expectHeader().location("/backends");

        verify(backends).create(new BackendCommand("app", List.of("127.0.0.1:3000", "127.0.0.1:3001")), ADMIN);
    }

    @Test
    void badPortIsShownNextToServersWithTheInputKept() {
        String message = "servers[0] 'localhost:99999': port must be between 1 and 65535";
        when(backends.create(any(), anyString()))
                .thenReturn(Mono.error(new ValidationException(List.of(new FieldProblem("servers[0]", message)))));

        String html = post("/backends", form("app", "localhost:99999"))
                .expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "servers")).isEqualTo(message);
        assertThat(Html.attribute(Html.control(html, "servers"), "class")).contains("is-invalid");
        assertThat(Html.textarea(html, "servers")).isEqualTo("localhost:99999");
        assertThat(Html.attribute(Html.control(html, "name"), "value")).isEqualTo("app");
        assertThat(Html.fieldError(html, "name")).isNull();
    }

    @Test
    void duplicateNameIsShownNextToName() {
        String message = "a backend named 'app' already exists (backend 1)";
        when(backends.update(eq(2L), any(), anyString())).thenReturn(Mono.error(new ConflictException("name", message)));

        String html = post("/backends/2", form("app", "10.0.0.1:80"))
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "name")).isEqualTo(message);
        assertThat(html).contains("action=\"/backends/2\"");
    }

    @Test
    void deletingABackendInUseShowsWhyOnTheList() {
        String message = "backend 'app' is used by site(s) app.example.test; point them at another backend or delete them first";
        BackendView app = backend(1, "app", List.of("10.0.0.1:3000"), List.of("app.example.test"));
        when(backends.get(1)).thenReturn(Mono.just(app));
        when(backends.delete(1, ADMIN)).thenReturn(Mono.error(new ConflictException("name", message)));
        when(backends.list()).thenReturn(Flux.just(app));

        var response = post("/backends/1/delete", new LinkedMultiValueMap<>())
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER)
                .expectHeader().location("/backends")
                .returnResult(String.class);
        String session = response.getResponseCookies().getFirst("SESSION").getValue();

        String list = signedIn().get().uri("/backends").cookie("SESSION", session).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(Html.flash(list)).isEqualTo(message);
        assertThat(Html.flashLevel(list)).isEqualTo("danger");
        assertThat(list).contains("id=\"backend-1\"");
    }

    @Test
    void postWithoutCsrfTokenIsForbiddenAndSavesNothing() {
        signedIn().post().uri("/backends")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form("app", "127.0.0.1:3000")))
                .exchange()
                .expectStatus().isForbidden();
        signedIn().post().uri("/backends/1/delete").exchange().expectStatus().isForbidden();

        verify(backends, never()).create(any(), anyString());
        verify(backends, never()).delete(anyLong(), anyString());
    }

    private String get(String path, HttpStatus status) {
        return signedIn().get().uri(path).exchange()
                .expectStatus().isEqualTo(status)
                .expectBody(String.class).returnResult().getResponseBody();
    }

    private WebTestClient.ResponseSpec post(String path, MultiValueMap<String, String> form) {
        return signedIn().mutateWith(csrf()).post().uri(path)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form))
                .exchange();
    }

    private static MultiValueMap<String, String> form(String name, String servers) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("name", name);
        form.add("servers", servers);
        return form;
    }

    private static BackendView backend(long id, String name, List<String> servers, List<String> usedBy) {
        return new BackendView(id, name, servers, usedBy, T0, T0);
    }
}

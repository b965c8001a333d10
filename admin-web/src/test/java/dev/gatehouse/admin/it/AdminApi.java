package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The REST API of a running Gatehouse, as a script would call it: HTTP Basic, JSON bodies. */
final class AdminApi {

    private final WebTestClient client;

    AdminApi(int adminPort, String email, String password) {
        this(adminPort, headers -> headers.setBasicAuth(email, password));
    }

    private AdminApi(int adminPort, Consumer<HttpHeaders> credentials) {
        this.client = WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + adminPort)
                .responseTimeout(Duration.ofSeconds(20))
                .defaultHeaders(credentials)
                .build();
    }

    /** The API as a script with an API token calls it: {@code Authorization: Bearer <token>}. */
    static AdminApi withToken(int adminPort, String token) {
        return new AdminApi(adminPort, headers -> headers.setBearerAuth(token));
    }

    WebTestClient client() {
        return client;
    }

    WebTestClient.ResponseSpec post(String path, String json) {
        return client.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    WebTestClient.ResponseSpec put(String path, String json) {
        return client.put().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    WebTestClient.ResponseSpec get(String path) {
        return client.get().uri(path).exchange();
    }

    WebTestClient.ResponseSpec delete(String path) {
        return client.delete().uri(path).exchange();
    }

    /** POSTs and expects 201; returns the created object's JSON. */
    @SuppressWarnings("unchecked")
    Map<String, Object> create(String path, String json) {
        return post(path, json).expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    }

    /**
     * POSTs a body the API must refuse: 400 as a problem detail whose message and one of whose field
     * errors mention {@code message} on {@code field}, with nothing stored at {@code path} and no new
     * config revision.
     */
    @SuppressWarnings("unchecked")
    void expectRejected(String path, String json, String field, String message) {
        String stored = json(path);
        long revisionBefore = revision();
        Map<String, Object> problem = post(path, json)
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat((String) problem.get("detail")).contains(message);
        List<Map<String, String>> errors = (List<Map<String, String>>) problem.get("errors");
        assertThat(errors).anySatisfy(error -> {
            assertThat(error).containsEntry("field", field);
            assertThat(error.get("message")).contains(message);
        });
        assertThat(json(path)).as("nothing stored").isEqualTo(stored);
        assertThat(revision()).as("no new revision").isEqualTo(revisionBefore);
    }

    long createBackend(String name, String... servers) {
        String list = String.join(",", java.util.Arrays.stream(servers).map(s -> "{\"address\":\"" + s + "\"}").toList());
        return id(create("/api/v1/backends", "{\"name\":\"" + name + "\",\"servers\":[" + list + "]}"));
    }

    long createSite(String hostname, String backend) {
        return id(create("/api/v1/sites", "{\"hostnames\":[\"" + hostname + "\"],\"backend\":\"" + backend + "\"}"));
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> status() {
        return get("/api/v1/status").expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    }

    long revision() {
        return ((Number) status().get("revision")).longValue();
    }

    int proxyPort() {
        return ((Number) status().get("httpPort")).intValue();
    }

    /** The raw JSON of a GET, for before/after comparisons. */
    String json(String path) {
        return get(path).expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> list(String path) {
        return get(path).expectStatus().isOk().expectBodyList(Map.class).returnResult().getResponseBody()
                .stream().map(m -> (Map<String, Object>) m).toList();
    }

    void expectUnauthorized(String path) {
        get(path).expectStatus().isEqualTo(HttpStatus.UNAUTHORIZED);
    }

    static long id(Map<String, Object> json) {
        assertThat(json).containsKey("id");
        return ((Number) json.get("id")).longValue();
    }
}

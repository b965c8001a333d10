import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/**
 * Measures how long a new site takes to go live: from sending {@code POST /api/v1/sites} to the
 * first request routed by it through the proxy port, over N tries, on the built appliance.
 *
 * <pre>
 *   mvn -B -q -DskipTests package
 *   java bench/ApplyLatency.java [--jar admin-web/target/gatehouse.jar] [--tries 20]
 * </pre>
 *
 * Starts the jar as a child process on a fresh data directory and free loopback ports, an origin
 * server inside this process, and stops both at the end. Prints every try, then median and max.
 */
public class ApplyLatency {

    private static final String EMAIL = "bench@example.test";
    private static final String PASSWORD = "bench-password-" + System.nanoTime();

    public static void main(String[] args) throws Exception {
        String jar = "admin-web/target/gatehouse.jar";
        int tries = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = args[++i];
                case "--tries" -> tries = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (!Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException(jar + " not found: build it with mvn -B -q -DskipTests package");
        }

        HttpServer origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        origin.createContext("/", exchange -> {
            byte[] body = ("origin saw " + exchange.getRequestHeaders().getFirst("Host")).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        origin.start();

        int httpPort = freePort();
        int adminPort = freePort();
        Path dataDir = Files.createTempDirectory("gatehouse-apply-latency");
        ProcessBuilder builder = new ProcessBuilder("java", "-jar", jar)
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("appliance.log").toFile());
        builder.environment().put("GATEHOUSE_DATA_DIR", dataDir.resolve("data").toString());
        builder.environment().put("GATEHOUSE_HTTP_PORT", Integer.toString(httpPort));
        builder.environment().put("GATEHOUSE_HTTPS_PORT", Integer.toString(freePort()));
        builder.environment().put("GATEHOUSE_ADMIN_PORT", Integer.toString(adminPort));
        builder.environment().put("GATEHOUSE_ADMIN_EMAIL", EMAIL);
        builder.environment().put("GATEHOUSE_ADMIN_PASSWORD", PASSWORD);
        Process appliance = builder.start();
        try {
            HttpClient admin = HttpClient.newHttpClient();
            String api = "http://127.0.0.1:" + adminPort + "/api/v1";
            waitUntilUp(admin, api + "/status", appliance, dataDir);
            expect(201, post(admin, api + "/backends",
                    "{\"name\":\"latency\",\"servers\":[{\"address\":\"127.0.0.1:" + origin.getAddress().getPort() + "\"}]}"));

            List<Double> millis = new ArrayList<>();
            int routedOnFirstTry = 0;
            for (int i = 1; i <= tries; i++) {
                String host = "t" + i + ".latency.test";
                long start = System.nanoTime();
                expect(201, post(admin, api + "/sites", "{\"hostnames\":[\"" + host + "\"],\"backend\":\"latency\"}"));
                int attempts = 0;
                String answer;
                do {
                    attempts++;
                    answer = getThroughProxy(httpPort, host);
                } while (!answer.endsWith("origin saw " + host) && System.nanoTime() - start < 10_000_000_000L);
                double elapsed = (System.nanoTime() - start) / 1e6;
                if (!answer.endsWith("origin saw " + host)) {
                    throw new IllegalStateException("site " + host + " not routed after 10 s; last answer: " + answer);
                }
                if (attempts == 1) {
                    routedOnFirstTry++;
                }
                millis.add(elapsed);
                System.out.printf("try %2d: %7.1f ms (%d proxy request(s))%n", i, elapsed, attempts);
            }
            Collections.sort(millis);
            double median = millis.size() % 2 == 1 ? millis.get(millis.size() / 2)
                    : (millis.get(millis.size() / 2 - 1) + millis.get(millis.size() / 2)) / 2;
            System.out.printf("POST /api/v1/sites -> first routed request over %d tries: median %.1f ms, max %.1f ms, "
                    + "routed on the first proxy request after the POST returned: %d/%d%n",
                    tries, median, millis.get(millis.size() - 1), routedOnFirstTry, tries);
        } finally {
            appliance.destroy();
            appliance.waitFor();
            origin.stop(0);
        }
    }

    private static void waitUntilUp(HttpClient client, String url, Process appliance, Path dataDir) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!appliance.isAlive()) {
                throw new IllegalStateException("the appliance exited; see " + dataDir.resolve("appliance.log"));
            }
            try {
                if (client.send(authorized(url).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the appliance did not answer " + url + " within 90 s");
    }

    private static HttpResponse<String> post(HttpClient client, String url, String json) throws Exception {
        return client.send(authorized(url).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder authorized(String url) {
        String credentials = Base64.getEncoder().encodeToString((EMAIL + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Basic " + credentials);
    }

    private static void expect(int status, HttpResponse<String> response) {
        if (response.statusCode() != status) {
            throw new IllegalStateException("expected " + status + " from " + response.uri() + ", got "
                    + response.statusCode() + ": " + response.body());
        }
    }

    /** A raw HTTP/1.1 request, because java.net.http does not let a caller set the Host header. */
    private static String getThroughProxy(int port, String host) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            in.transferTo(response);
            return response.toString(StandardCharsets.UTF_8);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

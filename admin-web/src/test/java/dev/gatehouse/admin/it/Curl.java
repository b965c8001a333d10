package dev.gatehouse.admin.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * curl against the appliance's HTTPS port, as a user runs it (which certificate is presented for a
 * server name is the engine tests' {@code TlsTestClient}'s question).
 */
final class Curl {

    private Curl() {
    }

    /** What curl printed: status code, headers and body of one request. */
    record Answer(int exitCode, String headers, String body, String stderr) {

        int status() {
            String first = headers.lines().findFirst().orElse("");
            String[] parts = first.split(" ");
            return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
        }

        String header(String name) {
            return headers.lines()
                    .filter(line -> line.toLowerCase().startsWith(name.toLowerCase() + ":"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse(null);
        }
    }

    /**
     * {@code curl --resolve host:port:127.0.0.1 --cacert ca url} with an argument list (no shell).
     *
     * @param caPem the PEM certificates curl trusts, or null for plain HTTP
     */
    static Answer run(String url, String host, int port, String caPem, String... extra) throws IOException,
            InterruptedException {
        Path dir = Files.createTempDirectory("gatehouse-curl");
        try {
            Path headers = dir.resolve("headers");
            Path body = dir.resolve("body");
            List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20",
                    "--resolve", host + ":" + port + ":127.0.0.1", "-D", headers.toString(), "-o", body.toString()));
            if (caPem != null) {
                Path ca = dir.resolve("ca.pem");
                Files.writeString(ca, caPem);
                command.addAll(List.of("--cacert", ca.toString()));
            }
            command.addAll(List.of(extra));
            command.add(url);
            Process process = new ProcessBuilder(command).redirectError(dir.resolve("stderr").toFile()).start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("curl " + url + " did not finish in 30 s");
            }
            return new Answer(process.exitValue(), read(headers), read(body), read(dir.resolve("stderr")));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}

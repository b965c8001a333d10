package dev.gatehouse.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs real command-line clients (curl, openssl) with an argument list: never through a shell. */
final class Tools {

    static final String CURL = "/usr/bin/curl";
    static final String OPENSSL = "/usr/bin/openssl";
    /** HTTP/2 load generator from Debian's nghttp2-client, which also has the nghttp client. */
    static final String H2LOAD = "/usr/bin/h2load";
    static final String NGHTTP = "/usr/bin/nghttp";

    record Result(int exitCode, String stdout, String stderr) {
        String all() {
            return stdout + "\n" + stderr;
        }
    }

    private Tools() {
    }

    static boolean available(String tool) {
        return Files.isExecutable(Path.of(tool));
    }

    /** Runs the command with stdin closed and waits for it (at most 60 s). */
    static Result run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).start();
            process.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(process, false));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(process, true));
            if (!process.waitFor(Duration.ofSeconds(60).toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String readAll(Process process, boolean error) {
        try {
            return new String((error ? process.getErrorStream() : process.getInputStream()).readAllBytes(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

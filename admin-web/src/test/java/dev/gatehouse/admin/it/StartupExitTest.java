package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.GatehouseApplication;
import dev.gatehouse.storage.DataDirectory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code main} in a real JVM, configured through the environment like the installer and the
 * container do: a start that cannot work prints one clear line and exits with status 2.
 */
class StartupExitTest {

    private record Exit(int status, String output) {

        /** The last line: what an operator reads in the journal. */
        String lastLine() {
            List<String> lines = output.strip().lines().toList();
            return lines.get(lines.size() - 1);
        }
    }

    @Test
    void aDataDirectoryInUseByAnotherGatehouse(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        try (DataDirectory held = DataDirectory.open(data)) {
            Exit exit = runMain(Map.of("GATEHOUSE_DATA_DIR", data.toString()));
            assertThat(exit.status()).isEqualTo(GatehouseApplication.EXIT_CANNOT_START);
            assertThat(exit.lastLine()).startsWith("Gatehouse cannot start: Data directory " + held.path()
                    + " is already in use by another running Gatehouse");
            assertThat(exit.output()).as("no stack trace for an operator error").doesNotContain("\tat ");
        }
    }

    @Test
    void aDataDirectoryThatIsAFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        Exit exit = runMain(Map.of("GATEHOUSE_DATA_DIR", file.toString()));
        assertThat(exit.status()).isEqualTo(GatehouseApplication.EXIT_CANNOT_START);
        assertThat(exit.lastLine()).isEqualTo("Gatehouse cannot start: Data directory " + file
                + " exists but is not a directory; move that file away or set GATEHOUSE_DATA_DIR (gatehouse.data-dir)"
                + " to a directory the Gatehouse user can write to");
    }

    @Test
    void aProxyPortInUse(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
            Exit exit = runMain(Map.of("GATEHOUSE_DATA_DIR", dir.resolve("data").toString(),
                    "GATEHOUSE_HTTP_PORT", String.valueOf(taken.getLocalPort())));
            assertThat(exit.status()).isEqualTo(GatehouseApplication.EXIT_CANNOT_START);
            assertThat(exit.lastLine()).startsWith("Gatehouse cannot start: HTTP port " + taken.getLocalPort())
                    .contains("is already in use");
        }
    }

    @Test
    void aBadAllowedNetworkNamesTheEntry(@TempDir Path dir) throws Exception {
        Exit exit = runMain(Map.of("GATEHOUSE_DATA_DIR", dir.resolve("data").toString(),
                "GATEHOUSE_ADMIN_ALLOWED_NETWORKS", "192.168.1.0/24,10.0.0.0/33"));
        assertThat(exit.status()).isEqualTo(GatehouseApplication.EXIT_CANNOT_START);
        assertThat(exit.lastLine()).startsWith("Gatehouse cannot start: ")
                .endsWith("gatehouse.admin.allowed-networks: '10.0.0.0/33' has prefix /33; use 0-32");
        assertThat(exit.output()).as("no stack trace for an operator error").doesNotContain("\tat ");
    }

    @Test
    void aMissingDashboardCertificateNamesTheFile(@TempDir Path dir) throws Exception {
        Path key = Files.writeString(dir.resolve("admin.key"), "not used");
        Exit exit = runMain(Map.of("GATEHOUSE_DATA_DIR", dir.resolve("data").toString(),
                "GATEHOUSE_ADMIN_TLS_CERTIFICATE", dir.resolve("missing.crt").toString(),
                "GATEHOUSE_ADMIN_TLS_PRIVATE_KEY", key.toString()));
        assertThat(exit.status()).isEqualTo(GatehouseApplication.EXIT_CANNOT_START);
        assertThat(exit.lastLine()).isEqualTo("Gatehouse cannot start: the dashboard's TLS certificate file "
                + dir.resolve("missing.crt") + " (gatehouse.admin.tls.certificate (GATEHOUSE_ADMIN_TLS_CERTIFICATE)) does not exist");
        assertThat(exit.output()).as("no stack trace for an operator error").doesNotContain("\tat ");
    }

    /** Runs {@code GatehouseApplication.main} in a new JVM with this test's class path. */
    private static Exit runMain(Map<String, String> environment) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), GatehouseApplication.class.getName())
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("GATEHOUSE_"));
        builder.environment().put("GATEHOUSE_ADMIN_PORT", "0");
        builder.environment().put("GATEHOUSE_HTTP_PORT", "0");
        builder.environment().put("GATEHOUSE_HTTPS_PORT", "0");
        builder.environment().putAll(environment);
        Path log = Files.createTempFile("gatehouse-start-", ".log");
        try {
            Process process = builder.redirectOutput(log.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("Gatehouse did not exit within 60 s:\n" + Files.readString(log));
            }
            return new Exit(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}

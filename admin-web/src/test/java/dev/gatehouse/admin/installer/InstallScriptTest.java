package dev.gatehouse.admin.installer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs installer/install.sh into a staging root (--root), the way a package build would. */
class InstallScriptTest {

    private static final Path SCRIPT = Path.of("..", "installer", "install.sh").toAbsolutePath().normalize();

    @TempDir
    Path temp;
    Path root;
    Path jar;

    @BeforeEach
    void fakeJar() throws IOException {
        root = temp.resolve("root");
        jar = temp.resolve("gatehouse.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            zip.write("Manifest-Version: 1.0\n".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
        }
    }

    @Test
    void installsJarUnitEnvFileAndDataDirectory() throws Exception {
        Result result = run("--root", root.toString(), "--jar", jar.toString(), "--no-deps", "--http-port", "80");

        assertThat(result.exitCode).as(result.output).isZero();
        assertThat(root.resolve("opt/gatehouse/gatehouse.jar")).hasSameBinaryContentAs(jar);
        assertThat(root.resolve("var/lib/gatehouse")).isDirectory();
        assertThat(root.resolve("etc/systemd/system/gatehouse.service")).content()
                .contains("ExecStart=/usr/bin/java $JAVA_OPTS -jar /opt/gatehouse/gatehouse.jar")
                .contains("EnvironmentFile=/etc/gatehouse/gatehouse.env");
        assertThat(root.resolve("etc/gatehouse/gatehouse.env")).content()
                .contains("GATEHOUSE_HTTP_PORT=80")
                .contains("GATEHOUSE_ADMIN_PORT=8081")
                .contains("GATEHOUSE_DATA_DIR=/var/lib/gatehouse")
                .contains("#GATEHOUSE_ADMIN_ALLOWED_NETWORKS=", "#GATEHOUSE_ADMIN_TLS_CERTIFICATE=",
                        "#GATEHOUSE_ADMIN_TLS_PRIVATE_KEY=")
                .contains("JAVA_OPTS=" + Files.readString(SCRIPT.resolveSibling("jvm-options")).strip())
                .doesNotContain("GATEHOUSE_ADMIN_PASSWORD=secret");
    }

    @Test
    void upgradeReplacesTheJarAndKeepsSettingsAndData() throws Exception {
        assertThat(run("--root", root.toString(), "--jar", jar.toString(), "--no-deps").exitCode).isZero();
        Path env = root.resolve("etc/gatehouse/gatehouse.env");
        Files.writeString(env, "GATEHOUSE_HTTP_PORT=9999\n");
        Path database = root.resolve("var/lib/gatehouse/gatehouse.mv.db");
        Files.writeString(database, "user data");
        Files.write(jar, new byte[] {'P', 'K', 3, 4, 1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);

        Result upgrade = run("--root", root.toString(), "--jar", jar.toString(), "--no-deps");

        assertThat(upgrade.exitCode).as(upgrade.output).isZero();
        assertThat(root.resolve("opt/gatehouse/gatehouse.jar")).hasSameBinaryContentAs(jar);
        assertThat(env).hasContent("GATEHOUSE_HTTP_PORT=9999");
        assertThat(database).hasContent("user data");
    }

    @Test
    void rejectsBadArgumentsWithAClearMessageAndInstallsNothing() throws Exception {
        List<List<String>> badCalls = List.of(
                List.of("--http-port", "99999"),
                List.of("--admin-port", "http"),
                List.of("--jar", temp.resolve("missing.jar").toString()),
                List.of("--bogus"));
        List<String> expectedMessages = List.of(
                "--http-port needs a port 1-65535, got '99999'",
                "--admin-port needs a port 1-65535, got 'http'",
                "jar not found",
                "unknown argument '--bogus'");
        for (int i = 0; i < badCalls.size(); i++) {
            List<String> args = new ArrayList<>(List.of("--root", root.toString(), "--no-deps"));
            if (!badCalls.get(i).contains("--jar")) {
                args.addAll(List.of("--jar", jar.toString()));
            }
            args.addAll(badCalls.get(i));

            Result result = run(args.toArray(String[]::new));

            assertThat(result.exitCode).as(result.output).isEqualTo(2);
            assertThat(result.output).contains(expectedMessages.get(i));
            assertThat(root.resolve("opt/gatehouse/gatehouse.jar")).doesNotExist();
        }
    }

    private record Result(int exitCode, String output) {
    }

    private Result run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }
}

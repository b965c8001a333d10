package dev.gatehouse.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DataDirectoryTest {

    @TempDir
    Path tempDir;

    @Test
    void createsAMissingDirectoryWithItsParentsAndLocksIt() {
        Path dir = tempDir.resolve("a/b/data");

        try (DataDirectory directory = DataDirectory.open(dir)) {
            assertThat(directory.path()).isEqualTo(dir.toAbsolutePath()).isDirectory();
            assertThat(dir.resolve(DataDirectory.LOCK_FILE_NAME)).isRegularFile();
            assertThat(directory.h2JdbcUrl())
                    .isEqualTo("jdbc:h2:file:" + dir.toAbsolutePath() + "/gatehouse;DB_CLOSE_ON_EXIT=FALSE");
        }
    }

    @Test
    void opensAnExistingDirectoryAndKeepsItsContentAndNoProbeFile() throws IOException {
        Path dir = Files.createDirectory(tempDir.resolve("data"));
        Files.writeString(dir.resolve("keep.txt"), "user data");

        try (DataDirectory directory = DataDirectory.open(dir)) {
            assertThat(Files.readString(directory.path().resolve("keep.txt"))).isEqualTo("user data");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(path -> path.getFileName().toString()))
                    .containsExactlyInAnyOrder("keep.txt", DataDirectory.LOCK_FILE_NAME);
        }
    }

    @Test
    void relativePathIsMadeAbsoluteAndNormalised() throws IOException {
        // relative to the working directory (the module's directory under Maven), so kept inside target/
        Path relative = Path.of("target", "unused", "..", "data-directory-test-" + ProcessHandle.current().pid());
        try (DataDirectory directory = DataDirectory.open(relative)) {
            assertThat(directory.path()).isAbsolute().isEqualTo(relative.toAbsolutePath().normalize());
            assertThat(directory.h2JdbcUrl()).startsWith("jdbc:h2:file:" + directory.path() + "/gatehouse;").doesNotContain("..");
        } finally {
            Path created = relative.toAbsolutePath().normalize();
            Files.deleteIfExists(created.resolve(DataDirectory.LOCK_FILE_NAME));
            Files.deleteIfExists(created);
        }
    }

    /** Each case: how to make the bad path, and what the message must say besides the path. */
    static Stream<Arguments> unusablePaths() {
        return Stream.of(
                Arguments.of("a regular file", (Function<Path, Path>) DataDirectoryTest::regularFile,
                        List.of("exists but is not a directory", "GATEHOUSE_DATA_DIR")),
                Arguments.of("below a regular file", (Function<Path, Path>) temp -> regularFile(temp).resolve("data"),
                        List.of("does not exist and cannot be created", "give the Gatehouse user write access")),
                Arguments.of("with ';' in its path", (Function<Path, Path>) temp -> temp.resolve("da;ta"),
                        List.of("contains ';'")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusablePaths")
    void unusablePathIsRejectedWithAMessageNamingItAndWhatToDo(String description, Function<Path, Path> badPath, List<String> expected) {
        Path dir = badPath.apply(tempDir);

        assertThatThrownBy(() -> DataDirectory.open(dir))
                .isInstanceOf(DataDirectoryException.class)
                .hasMessageContaining(dir.toAbsolutePath().toString())
                .hasMessageContainingAll(expected.toArray(String[]::new));
    }

    /**
     * Tests run as root in CI, and root ignores permission bits; /proc refuses new files even to
     * root, so it stands in for a directory the Gatehouse user cannot write to.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void directoryThatRefusesNewFilesIsReportedAsNotWritable() {
        Path readOnly = Path.of("/proc");

        assertThatThrownBy(() -> DataDirectory.open(readOnly))
                .isInstanceOf(DataDirectoryException.class)
                .hasMessageContainingAll("Data directory /proc is not writable by user '" + System.getProperty("user.name") + "'",
                        "give that user write access");
    }

    @Test
    void secondOpenInTheSameProcessFailsUntilTheFirstIsClosed() {
        Path dir = tempDir.resolve("data");
        DataDirectory first = DataDirectory.open(dir);
        try {
            assertThatThrownBy(() -> DataDirectory.open(dir))
                    .isInstanceOf(DataDirectoryException.class)
                    .hasMessageContainingAll("Data directory " + dir + " is already in use by another running Gatehouse",
                            "stop that instance first");
            assertThatThrownBy(() -> DataDirectory.open(dir.resolve("..").resolve("data")))
                    .hasMessageContaining("already in use");
        } finally {
            first.close();
        }
        first.close(); // idempotent

        try (DataDirectory reopened = DataDirectory.open(dir)) {
            assertThat(reopened.path()).isEqualTo(dir);
        }
    }

    @Test
    void aSymbolicLinkToALockedDirectoryIsInUseToo() throws IOException {
        Path dir = tempDir.resolve("data");
        try (DataDirectory first = DataDirectory.open(dir)) {
            Path link = Files.createSymbolicLink(tempDir.resolve("link"), dir);

            assertThatThrownBy(() -> DataDirectory.open(link)).hasMessageContaining("already in use");
        }
    }

    @Test
    void directoryLockedByAnotherProcessIsInUseUntilThatProcessLetsGo() throws Exception {
        Path dir = tempDir.resolve("data");
        Process holder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), dir.toString())
                .redirectError(tempDir.resolve("holder.err").toFile())
                .start();
        try {
            String ready = assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
                    new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8)).readLine(),
                    () -> "the lock holder did not start: " + readQuietly(tempDir.resolve("holder.err")));
            assertThat(ready).as("lock holder output; its stderr: %s", readQuietly(tempDir.resolve("holder.err")))
                    .startsWith(LockHolder.READY);

            assertThatThrownBy(() -> DataDirectory.open(dir))
                    .isInstanceOf(DataDirectoryException.class)
                    .hasMessageContainingAll("Data directory " + dir + " is already in use by another running Gatehouse",
                            "process " + holder.pid() + " holds " + dir.resolve(DataDirectory.LOCK_FILE_NAME));

            holder.getOutputStream().close();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).as("lock holder exits when its stdin closes").isTrue();
            try (DataDirectory directory = DataDirectory.open(dir)) {
                assertThat(directory.path()).isEqualTo(dir);
            }
        } finally {
            holder.destroyForcibly();
        }
    }

    private static Path regularFile(Path temp) {
        try {
            return Files.writeString(temp.resolve("not-a-directory"), "x");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}

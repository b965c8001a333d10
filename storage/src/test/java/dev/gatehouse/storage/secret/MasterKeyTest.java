package dev.gatehouse.storage.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

class MasterKeyTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dataDir;

    private Path keyFile;
    private Logger masterKeyLogger;
    private ListAppender<ILoggingEvent> logged;

    @BeforeEach
    void captureLog() {
        keyFile = dataDir.resolve(MasterKey.FILE_NAME);
        masterKeyLogger = (Logger) LoggerFactory.getLogger(MasterKey.class);
        logged = new ListAppender<>();
        logged.start();
        // INFO too: no line at any level may carry the key
        masterKeyLogger.setLevel(Level.INFO);
        masterKeyLogger.addAppender(logged);
    }

    @AfterEach
    void releaseLog() {
        masterKeyLogger.detachAppender(logged);
        masterKeyLogger.setLevel(null);
    }

    @ParameterizedTest(name = "environment value {0}")
    @NullSource
    @ValueSource(strings = {"", "   ", "\n"})
    void createsAnOwnerOnlyKeyFileOnFirstUseAndReusesItAfterwards(String environmentValue) throws IOException {
        MasterKey first = MasterKey.loadOrCreate(dataDir, environmentValue);

        assertThat(keyFile).isRegularFile();
        if (posix()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        }
        byte[] stored = Base64.getDecoder().decode(Files.readString(keyFile, StandardCharsets.US_ASCII).strip());
        assertThat(stored).hasSize(32);
        try (Stream<Path> files = Files.list(dataDir)) {
            assertThat(files).as("no temporary file is left behind").containsExactly(keyFile);
        }
        byte[] fileBefore = Files.readAllBytes(keyFile);

        MasterKey second = MasterKey.loadOrCreate(dataDir, environmentValue);

        String sealed = new SecretBox(first).seal("secret", "test");
        assertThat(new SecretBox(second).open(sealed, "test")).isEqualTo("secret");
        assertThat(new SecretBox(MasterKey.of(stored)).open(sealed, "test")).isEqualTo("secret");
        assertThat(Files.readAllBytes(keyFile)).isEqualTo(fileBefore);
    }

    @Test
    void twoDataDirectoriesGetDifferentKeys() throws IOException {
        Path other = Files.createDirectory(dataDir.resolve("other"));
        String sealed = new SecretBox(MasterKey.loadOrCreate(dataDir, null)).seal("secret", "test");

        SecretBox otherBox = new SecretBox(MasterKey.loadOrCreate(other, null));

        assertThatThrownBy(() -> otherBox.open(sealed, "test")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void createsAMissingDataDirectory() {
        Path missing = dataDir.resolve("not/yet");

        MasterKey.loadOrCreate(missing, null);

        assertThat(missing.resolve(MasterKey.FILE_NAME)).isRegularFile();
    }

    @Test
    void environmentValueIsUsedAndNoFileIsWritten() throws IOException {
        byte[] key = randomBytes(32);

        MasterKey fromEnvironment = MasterKey.loadOrCreate(dataDir, " " + Base64.getEncoder().encodeToString(key) + "\n");

        String sealed = new SecretBox(fromEnvironment).seal("secret", "test");
        assertThat(new SecretBox(MasterKey.of(key)).open(sealed, "test")).isEqualTo("secret");
        try (Stream<Path> files = Files.list(dataDir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void environmentValueWinsOverAnExistingFile() throws IOException {
        MasterKey fromFile = MasterKey.loadOrCreate(dataDir, null);
        byte[] key = randomBytes(32);

        MasterKey fromEnvironment = MasterKey.loadOrCreate(dataDir, Base64.getEncoder().encodeToString(key));

        String sealed = new SecretBox(fromEnvironment).seal("secret", "test");
        assertThat(new SecretBox(MasterKey.of(key)).open(sealed, "test")).isEqualTo("secret");
        assertThatThrownBy(() -> new SecretBox(fromFile).open(sealed, "test")).isInstanceOf(IllegalStateException.class);
    }

    static Stream<Arguments> badEnvironmentValues() {
        return Stream.of(
                Arguments.of("not base64 at all", "notBase64!!secret*value", "is not valid base64"),
                Arguments.of("16 bytes (AES-128)", Base64.getEncoder().encodeToString(randomBytes(16)), "decodes to 16 bytes"),
                Arguments.of("33 bytes", Base64.getEncoder().encodeToString(randomBytes(33)), "decodes to 33 bytes"),
                Arguments.of("hex instead of base64", "ab".repeat(32), "decodes to 48 bytes"),
                Arguments.of("URL-safe alphabet", Base64.getUrlEncoder().encodeToString(urlSafeDiffering()), "is not valid base64"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEnvironmentValues")
    void badEnvironmentValueIsRejectedNamingTheVariableButNotTheValue(String description, String value, String problem)
            throws IOException {
        assertThatThrownBy(() -> MasterKey.loadOrCreate(dataDir, value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(MasterKey.ENVIRONMENT_VARIABLE)
                .hasMessageContaining(problem)
                .hasMessageContaining("32")
                .hasNoCause()
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(value).doesNotContain(value.substring(0, 8)));
        try (Stream<Path> files = Files.list(dataDir)) {
            assertThat(files).as("a bad environment value must not fall back to a key file").isEmpty();
        }
    }

    static Stream<Arguments> damagedKeyFiles() {
        return Stream.of(
                Arguments.of("empty", new byte[0], "decodes to 0 bytes"),
                Arguments.of("not base64", "this is not a key\n".getBytes(StandardCharsets.US_ASCII), "not base64"),
                Arguments.of("too short", (Base64.getEncoder().encodeToString(randomBytes(16)) + "\n").getBytes(StandardCharsets.US_ASCII),
                        "decodes to 16 bytes"),
                Arguments.of("too long", Base64.getEncoder().encodeToString(randomBytes(33)).getBytes(StandardCharsets.US_ASCII),
                        "decodes to 33 bytes"),
                Arguments.of("binary", randomBytes(32), "not base64"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damagedKeyFiles")
    void damagedKeyFileFailsAndIsLeftUntouched(String description, byte[] content, String problem) throws IOException {
        Files.write(keyFile, content);
        if (posix()) {
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
        }

        assertThatThrownBy(() -> MasterKey.loadOrCreate(dataDir, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(keyFile.toString())
                .hasMessageContaining("damaged")
                .hasMessageContaining(problem)
                .hasMessageContaining("left untouched");

        assertThat(Files.readAllBytes(keyFile)).isEqualTo(content);
        if (posix()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-r--r--");
        }
        try (Stream<Path> files = Files.list(dataDir)) {
            assertThat(files).containsExactly(keyFile);
        }
    }

    @Test
    void unreadableKeyFileFailsWithoutReplacingIt() throws IOException {
        // a directory in its place cannot be read even by root, unlike a chmod 000 file
        Files.createDirectory(keyFile);

        assertThatThrownBy(() -> MasterKey.loadOrCreate(dataDir, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cannot read the master key file " + keyFile);

        assertThat(keyFile).isDirectory();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rw-r--r--", "rw-rw----", "rw----r--", "rw-rw-rw-", "r--r-----"})
    void keyFileAccessibleToOthersIsTightenedWithAWarning(String permissions) throws IOException {
        assumeTrue(posix(), "POSIX file permissions");
        byte[] key = randomBytes(32);
        String encoded = Base64.getEncoder().encodeToString(key);
        Files.writeString(keyFile, encoded + "\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString(permissions));

        MasterKey loaded = MasterKey.loadOrCreate(dataDir, null);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        String sealed = new SecretBox(MasterKey.of(key)).seal("secret", "test");
        assertThat(new SecretBox(loaded).open(sealed, "test")).isEqualTo("secret");
        List<ILoggingEvent> warnings = logged.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).getFormattedMessage())
                .contains(keyFile.toString(), permissions, "rw-------")
                .doesNotContain(encoded);
    }

    @Test
    void ownerOnlyKeyFileIsLoadedWithoutWarning() throws IOException {
        assumeTrue(posix(), "POSIX file permissions");
        MasterKey.loadOrCreate(dataDir, null);

        MasterKey.loadOrCreate(dataDir, null);

        assertThat(logged.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
    }

    @Test
    void toStringNeverShowsTheKey() throws IOException {
        byte[] key = randomBytes(32);
        MasterKey.loadOrCreate(dataDir, null);
        String fileContent = Files.readString(keyFile).strip();

        assertThat(MasterKey.of(key).toString())
                .doesNotContain(Base64.getEncoder().encodeToString(key))
                .doesNotContain(Base64.getEncoder().encodeToString(key).substring(0, 6));
        assertThat(MasterKey.loadOrCreate(dataDir, null).toString()).doesNotContain(fileContent.substring(0, 6));
        assertThat(logged.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(fileContent));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 16, 31, 33, 64})
    void ofRejectsKeysThatAreNot32Bytes(int length) {
        assertThatThrownBy(() -> MasterKey.of(new byte[length]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly 32 bytes, got " + length);
    }

    @Test
    void ofCopiesTheArray() {
        byte[] key = randomBytes(32);
        MasterKey masterKey = MasterKey.of(key);
        String sealed = new SecretBox(masterKey).seal("secret", "test");

        key[0] ^= 1;

        assertThat(new SecretBox(masterKey).open(sealed, "test")).isEqualTo("secret");
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** 32 bytes whose URL-safe encoding has a '-' or '_', which the standard alphabet refuses. */
    private static byte[] urlSafeDiffering() {
        while (true) {
            byte[] bytes = randomBytes(32);
            String encoded = Base64.getUrlEncoder().encodeToString(bytes);
            if (encoded.indexOf('-') >= 0 || encoded.indexOf('_') >= 0) {
                return bytes;
            }
        }
    }
}

package dev.gatehouse.storage.secret;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 256-bit AES key that encrypts secrets at rest (private keys of certificates), see {@link SecretBox}.
 *
 * <p>It comes from the environment variable {@value #ENVIRONMENT_VARIABLE} when that is set (for
 * setups that keep secrets out of the data directory, e.g. a container secret), otherwise from the
 * file {@value #FILE_NAME} in the data directory, which is created on first start. Losing the key
 * makes every stored private key unreadable, so an existing file is never replaced, even when it is
 * broken: the operator has to decide (restore it from a backup, or remove it and upload the
 * certificates again).
 *
 * <p>{@link #toString()} never shows the key.
 */
public final class MasterKey {

    /** Name of the key file inside the data directory. */
    public static final String FILE_NAME = "master.key";
    /** Environment variable that, when non-blank, holds the key as base64 (and no file is read or written). */
    public static final String ENVIRONMENT_VARIABLE = "GATEHOUSE_MASTER_KEY";
    /** Length of the key in bytes (AES-256). */
    public static final int LENGTH_BYTES = 32;

    private static final Logger log = LoggerFactory.getLogger(MasterKey.class);

    private static final String HOW_TO_MAKE_ONE = "the base64 encoding of exactly " + LENGTH_BYTES
            + " random bytes, e.g. the output of 'openssl rand -base64 " + LENGTH_BYTES + "'";
    private static final Set<PosixFilePermission> OWNER_READ_WRITE =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    /** Any of these on the key file lets other users read or replace the key. */
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final byte[] key;

    private MasterKey(byte[] key) {
        this.key = key;
    }

    /**
     * A key from its raw bytes (tests, tools). The array is copied.
     *
     * @throws IllegalArgumentException unless {@code key32} has exactly 32 bytes
     */
    public static MasterKey of(byte[] key32) {
        Objects.requireNonNull(key32, "key32");
        if (key32.length != LENGTH_BYTES) {
            throw new IllegalArgumentException("a master key must have exactly " + LENGTH_BYTES + " bytes, got " + key32.length);
        }
        return new MasterKey(key32.clone());
    }

    /**
     * The key given by the environment, or else the one in {@code <dataDirectory>/master.key},
     * which is created (readable by its owner only) when it does not exist yet.
     *
     * @param dataDirectory    the (locked) data directory; created if missing
     * @param environmentValue value of {@value #ENVIRONMENT_VARIABLE}, or null when it is not set
     * @throws IllegalArgumentException if {@code environmentValue} is non-blank but not base64 of
     *                                  32 bytes; the message never contains the value
     * @throws IllegalStateException    if the key file exists but cannot be read or does not hold a
     *                                  valid key (it is left as it is), or cannot be created
     */
    public static MasterKey loadOrCreate(Path dataDirectory, String environmentValue) {
        if (environmentValue != null && !environmentValue.isBlank()) {
            MasterKey fromEnvironment = new MasterKey(decodeEnvironmentValue(environmentValue));
            log.info("Using the master key from {}", ENVIRONMENT_VARIABLE);
            return fromEnvironment;
        }
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Path file = dataDirectory.resolve(FILE_NAME);
        // one Gatehouse per data directory (DataDirectory's lock); this lock orders callers inside one JVM
        synchronized (MasterKey.class) {
            // notExists is false when existence cannot be determined: then reading fails with a clear message
            if (!Files.notExists(file, LinkOption.NOFOLLOW_LINKS)) {
                return load(file);
            }
            try {
                return create(dataDirectory, file);
            } catch (FileAlreadyExistsException e) {
                // created between our check and our move, by something outside this JVM: use it rather than overwrite it
                return load(file);
            }
        }
    }

    private static byte[] decodeEnvironmentValue(String value) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(value.strip());
        } catch (IllegalArgumentException e) {
            // not chained: the decoder's message quotes the offending character of the secret
            throw new IllegalArgumentException(ENVIRONMENT_VARIABLE + " is not valid base64; it must be " + HOW_TO_MAKE_ONE
                    + " (or unset it to use the key file " + FILE_NAME + " in the data directory)");
        }
        if (decoded.length != LENGTH_BYTES) {
            int length = decoded.length;
            Arrays.fill(decoded, (byte) 0);
            throw new IllegalArgumentException(ENVIRONMENT_VARIABLE + " decodes to " + length + " bytes; it must be "
                    + HOW_TO_MAKE_ONE);
        }
        return decoded;
    }

    private static MasterKey load(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException | SecurityException e) {
            throw new IllegalStateException("Cannot read the master key file " + file + " (" + e.getClass().getSimpleName()
                    + "); give the Gatehouse user read access to it, or set " + ENVIRONMENT_VARIABLE
                    + ". It is left as it is: without it the stored private keys cannot be decrypted", e);
        }
        byte[] decoded;
        try {
            // ISO-8859-1 maps every byte to one char, so binary junk reaches the decoder and is refused there
            decoded = Base64.getDecoder().decode(new String(content, StandardCharsets.ISO_8859_1).strip());
        } catch (IllegalArgumentException e) {
            throw garbled(file, "it is not base64 text");
        } finally {
            Arrays.fill(content, (byte) 0);
        }
        if (decoded.length != LENGTH_BYTES) {
            throw garbled(file, "it decodes to " + decoded.length + " bytes instead of " + LENGTH_BYTES);
        }
        tightenPermissions(file);
        return new MasterKey(decoded);
    }

    private static IllegalStateException garbled(Path file, String problem) {
        return new IllegalStateException("The master key file " + file + " is damaged: " + problem + "; it must hold "
                + HOW_TO_MAKE_ONE + ". It was left untouched, because a new key would make every stored private key "
                + "unreadable: restore the file from a backup, or move it away to start with a new key (stored "
                + "certificates must then be uploaded again)");
    }

    /** A key file others can read is a leaked key; say so, and close the hole for the future. */
    private static void tightenPermissions(Path file) {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions = view.readAttributes().permissions();
            if (permissions.stream().noneMatch(GROUP_OR_OTHERS::contains)) {
                return;
            }
            log.warn("The master key file {} was accessible to other users (permissions {}); it is now restricted to "
                            + "its owner (rw-------). If others could read it, the stored private keys should be considered exposed",
                    file, PosixFilePermissions.toString(permissions));
            view.setPermissions(OWNER_READ_WRITE);
        } catch (IOException | SecurityException e) {
            log.warn("Cannot check or restrict the permissions of the master key file {} ({}); make sure only the "
                    + "Gatehouse user can read it", file, e.toString());
        }
    }

    private static MasterKey create(Path directory, Path file) throws FileAlreadyExistsException {
        byte[] key = new byte[LENGTH_BYTES];
        new SecureRandom().nextBytes(key);
        byte[] content = (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII);
        Path temporary = null;
        try {
            Files.createDirectories(directory);
            temporary = directory.resolve("." + FILE_NAME + "." + Long.toUnsignedString(new SecureRandom().nextLong(), 36) + ".tmp");
            boolean posix = Files.getFileStore(directory).supportsFileAttributeView(PosixFileAttributeView.class);
            if (posix) {
                // permissions at creation: a chmod after writing would leave a moment in which others can open it
                Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
            } else {
                Files.createFile(temporary);
                log.warn("The file system of {} has no POSIX permissions; make sure only the Gatehouse user can read {}",
                        directory, file);
            }
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            moveIntoPlace(temporary, file);
            temporary = null;
            syncDirectory(directory);
            log.info("Created a new master key in {}; back it up together with the database", file);
            return new MasterKey(key);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException | SecurityException e) {
            throw new IllegalStateException("Cannot create the master key file " + file + " (" + e
                    + "); make the data directory writable by the Gatehouse user, or set " + ENVIRONMENT_VARIABLE, e);
        } finally {
            Arrays.fill(content, (byte) 0);
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // already failing with a more useful exception
                }
            }
        }
    }

    /** Rename, so that the key file either does not exist or is complete, never half-written. */
    private static void moveIntoPlace(Path temporary, Path file) throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            // without REPLACE_EXISTING this refuses to overwrite a file that appeared meanwhile
            Files.move(temporary, file);
        }
    }

    /** Makes the rename durable where the platform allows it (Linux); elsewhere a no-op. */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            // not supported on this platform: the file content itself is already forced to disk
        }
    }

    /** The key for javax.crypto; for {@link SecretBox} only. */
    SecretKey secretKey() {
        return new SecretKeySpec(key, "AES");
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return "MasterKey[AES-256, value redacted]";
    }
}

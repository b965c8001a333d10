package dev.gatehouse.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The directory that holds one Gatehouse's data (the embedded H2 database, later certificates),
 * held exclusively for as long as this object is open.
 *
 * <p>{@link #open} creates the directory if it is missing, proves it is writable by creating and
 * deleting a probe file (permission bits alone say nothing when running as root), and takes an
 * exclusive lock on {@code <dir>/gatehouse.lock} so that a second Gatehouse on the same directory
 * fails at start with a clear message instead of corrupting the database. The lock is released by
 * {@link #close} or, if the process dies, by the operating system.
 */
public final class DataDirectory implements AutoCloseable {

    /** Name of the lock file inside the data directory. */
    public static final String LOCK_FILE_NAME = "gatehouse.lock";
    /** Base name of the embedded H2 database inside the data directory ({@code gatehouse.mv.db} on disk). */
    public static final String H2_DATABASE_NAME = "gatehouse";
    /**
     * User the embedded H2 database is created with. H2 stores the creating user in the file, so
     * every DataSource opening it must use the same user and password.
     */
    public static final String H2_USER = "sa";
    /** Password of {@link #H2_USER}: empty; the file is protected by the directory's permissions. */
    public static final String H2_PASSWORD = "";

    private static final String WHAT_TO_DO_DIRECTORY =
            "set GATEHOUSE_DATA_DIR (gatehouse.data-dir) to a directory the Gatehouse user can write to";

    /**
     * Lock files held by this JVM. A second FileChannel on a file this process has locked must not
     * even be opened: closing it would drop the process's POSIX lock on some platforms.
     */
    private static final Set<Path> LOCKS_HELD_BY_THIS_PROCESS = ConcurrentHashMap.newKeySet();

    private final Path path;
    /** Key of this directory's lock in {@link #LOCKS_HELD_BY_THIS_PROCESS}. */
    private final Path lockKey;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private boolean closed;

    private DataDirectory(Path path, Path lockKey, FileChannel lockChannel, FileLock lock) {
        this.path = path;
        this.lockKey = lockKey;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Creates {@code dir} if needed, checks it is a writable directory and locks it.
     *
     * @throws DataDirectoryException if it is not a directory, cannot be created, is not writable,
     *                                or is in use by another running Gatehouse
     */
    public static DataDirectory open(Path dir) {
        Objects.requireNonNull(dir, "dir");
        Path path = dir.toAbsolutePath().normalize();
        if (path.toString().indexOf(';') >= 0) {
            // H2 reads ';' in a JDBC URL as the start of its settings
            throw new DataDirectoryException("Data directory " + path + " contains ';', which the embedded database "
                    + "cannot use in a file name; " + WHAT_TO_DO_DIRECTORY + " without ';' in its path");
        }
        createDirectory(path);
        probeWritable(path);
        return lock(path);
    }

    private static void createDirectory(Path path) {
        if (Files.exists(path)) {
            if (!Files.isDirectory(path)) {
                throw new DataDirectoryException("Data directory " + path + " exists but is not a directory; "
                        + "move that file away or " + WHAT_TO_DO_DIRECTORY);
            }
            return;
        }
        try {
            Files.createDirectories(path);
        } catch (IOException | SecurityException e) {
            throw new DataDirectoryException("Data directory " + path + " does not exist and cannot be created ("
                    + describe(e) + "); create it and give the Gatehouse user write access, or "
                    + WHAT_TO_DO_DIRECTORY, e);
        }
    }

    private static void probeWritable(Path path) {
        try {
            Path probe = Files.createTempFile(path, ".gatehouse-write-probe-", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new DataDirectoryException("Data directory " + path + " is not writable by user '"
                    + System.getProperty("user.name") + "' (" + describe(e) + "); give that user write access to it (chown/chmod) or "
                    + WHAT_TO_DO_DIRECTORY, e);
        }
    }

    private static DataDirectory lock(Path path) {
        Path lockFile = path.resolve(LOCK_FILE_NAME);
        Path key = canonical(path).resolve(LOCK_FILE_NAME);
        if (!LOCKS_HELD_BY_THIS_PROCESS.add(key)) {
            throw inUse(path, lockFile, "process " + ProcessHandle.current().pid() + ", this one,");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = describeHolder(lockFile);
                channel.close();
                LOCKS_HELD_BY_THIS_PROCESS.remove(key);
                throw inUse(path, lockFile, holder);
            }
            recordHolder(channel);
            return new DataDirectory(path, key, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            LOCKS_HELD_BY_THIS_PROCESS.remove(key);
            throw new DataDirectoryException("Cannot lock data directory " + path + " through " + lockFile + " ("
                    + describe(e) + "); make sure the directory and that file are writable by the Gatehouse user, or "
                    + WHAT_TO_DO_DIRECTORY, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            LOCKS_HELD_BY_THIS_PROCESS.remove(key);
            throw e;
        }
    }

    private static DataDirectoryException inUse(Path path, Path lockFile, String holder) {
        return new DataDirectoryException("Data directory " + path + " is already in use by another running Gatehouse ("
                + holder + " holds " + lockFile + "); stop that instance first, or give this one its own data "
                + "directory with GATEHOUSE_DATA_DIR (gatehouse.data-dir)");
    }

    /** The pid written by the holder, for the operator; "another process" if it cannot be read. */
    private static String describeHolder(Path lockFile) {
        try {
            String content = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
            if (content.startsWith("pid ") && content.length() < 40) {
                return "process " + content.substring(4);
            }
        } catch (IOException | RuntimeException e) {
            // the message is still useful without the pid
        }
        return "another process";
    }

    private static void recordHolder(FileChannel channel) throws IOException {
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(false);
    }

    /** Real path when it resolves (symlinks to the same directory share one lock), the normalised path otherwise. */
    private static Path canonical(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path;
        }
    }

    private static String describe(Exception e) {
        String type = e.getClass().getSimpleName();
        String message = e.getMessage();
        return message == null ? type : type + ": " + message;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing with a more useful exception
            }
        }
    }

    /** The absolute, normalised directory. */
    public Path path() {
        return path;
    }

    /**
     * JDBC URL of the embedded H2 database in this directory, to be opened with {@link #H2_USER} and
     * {@link #H2_PASSWORD}. Options: {@code DB_CLOSE_ON_EXIT=FALSE} so that the application (its
     * connection pool) closes the database in order at shutdown instead of H2's own shutdown hook
     * closing it under running work. No AUTO_SERVER (nothing else may open the file; the directory
     * lock enforces it) and no web console (H2 only starts one when asked).
     */
    public String h2JdbcUrl() {
        return "jdbc:h2:file:" + path.resolve(H2_DATABASE_NAME) + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    /** Releases the lock; idempotent. The lock file stays, so that the next start can lock it again. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases the lock as well
        } finally {
            closeQuietly(lockChannel);
            LOCKS_HELD_BY_THIS_PROCESS.remove(lockKey);
        }
    }

    @Override
    public String toString() {
        return "DataDirectory[" + path + "]";
    }
}

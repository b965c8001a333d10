package dev.gatehouse.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A second JVM for {@link DataDirectoryTest}: opens the data directory given as the only argument,
 * prints {@value #READY} and holds the lock until its standard input is closed.
 */
public final class LockHolder {

    static final String READY = "LOCKED";

    private LockHolder() {
    }

    public static void main(String[] args) throws IOException {
        try (DataDirectory directory = DataDirectory.open(Path.of(args[0]))) {
            System.out.println(READY + " " + ProcessHandle.current().pid());
            System.out.flush();
            while (System.in.read() != -1) {
                // hold the lock until the parent closes our stdin (or dies)
            }
        }
    }
}

package org.equivariant4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Files written as a whole or not at all: the contents go to a hidden temporary file in the target's folder, which is
 * then moved over the target in one atomic step. A reader never sees half a file, and an interrupted write leaves the
 * old file (or none) behind.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes the contents of a file, given the path to write them to. */
    @FunctionalInterface
    public interface Contents {
        /** Writes everything to {@code tmp}. */
        void writeTo(Path tmp) throws IOException;
    }

    /**
     * Writes {@code file} atomically, creating its folder if missing and replacing an existing file. On failure the
     * temporary file is deleted and an {@link UncheckedIOException} names the target.
     */
    public static void write(Path file, Contents contents) {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
            contents.writeTo(tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " does not support atomic moves", e);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the write already failed and says so
                }
            }
        }
    }
}

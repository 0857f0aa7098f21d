package org.equivariant4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a folder shared by several runs (a data cache, an output folder), held through an OS file lock
 * on a lock file in it ({@link FileChannel#lock}). The lock goes with the process: a killed run leaves the lock file
 * behind, but not the lock. Close it to release.
 */
public final class FolderLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private FolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir} (created if missing) through {@code dir/lockName}.
     *
     * @param wait      block until the lock is free (a cache: runs take turns); false: fail at once (an output folder)
     * @param onWaiting called once before blocking, when another run holds the lock
     * @throws IllegalArgumentException when {@code wait} is false and another process holds the lock, or this process
     *                                  already does
     * @throws UncheckedIOException     when the folder or the lock file cannot be created (e.g. a read-only folder)
     */
    public static FolderLock acquire(Path dir, String lockName, boolean wait, Runnable onWaiting) {
        Path file = dir.resolve(lockName);
        FileChannel ch = null;
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                if (!wait) {
                    throw new IllegalArgumentException("another equivariant4j run is using " + dir + " (it holds the lock "
                            + file + "); wait for it to finish or choose another folder");
                }
                onWaiting.run();
                l = ch.lock();
            }
            FolderLock result = new FolderLock(ch, l);
            ch = null;
            return result;
        } catch (OverlappingFileLockException e) {
            throw new IllegalArgumentException("this process already uses " + dir + " (it holds the lock " + file + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + dir + ": " + AtomicFiles.reason(e), e);
        } finally {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // nothing held
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release a folder lock: " + AtomicFiles.reason(e), e);
        }
    }
}

package org.equivariant4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes files and folders so that a reader sees either the old version or the complete new one, never a partial
 * write: the contents go to a hidden temporary sibling ({@code .<name>.<random>.tmp}) that is then moved over the target
 * ({@link StandardCopyOption#ATOMIC_MOVE}). A failed write deletes its temporary file; one cut short by the end of the
 * process (Ctrl-C, SIGTERM) is deleted on the way out ({@link java.io.File#deleteOnExit}); one left by a killed
 * process is found by {@link #leftovers} and removed by {@link #removeLeftovers}.
 */
public final class AtomicFiles {
    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.[0-9]+\\.tmp");

    private AtomicFiles() {}

    /** Writes the contents of a file, given the path to write them to. */
    @FunctionalInterface
    public interface Contents {
        void writeTo(Path tmp) throws IOException;
    }

    /**
     * Writes a file atomically, creating its folder if needed.
     *
     * @throws UncheckedIOException naming the target and the cause (e.g. "No space left on device") when it fails;
     *                              nothing is left behind then
     */
    public static void write(Path file, Contents contents) {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
            tmp.toFile().deleteOnExit();
            contents.writeTo(tmp);
            readableByAll(tmp);
            move(tmp, abs);
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + reason(e), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** Writes a file's bytes atomically. */
    public static void write(Path file, byte[] bytes) {
        write(file, tmp -> Files.write(tmp, bytes));
    }

    /**
     * Writes a folder atomically: {@code contents} fill a hidden temporary folder next to {@code dir}, which then
     * replaces {@code dir} (an existing {@code dir} is moved aside first and deleted after the swap).
     */
    public static void writeFolder(Path dir, Contents contents) {
        Path abs = dir.toAbsolutePath();
        Path parent = abs.getParent();
        Path tmp = null;
        Path old = null;
        try {
            Files.createDirectories(parent);
            tmp = temporaryFolder(parent, abs.getFileName().toString());
            tmp.toFile().deleteOnExit();
            contents.writeTo(tmp);
            try (Stream<Path> files = Files.list(tmp)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    f.toFile().deleteOnExit();
                    readableByAll(f);
                }
            }
            if (Files.exists(abs)) {
                old = temporaryFolder(parent, abs.getFileName().toString());
                move(abs, old.resolve("previous"));
            }
            move(tmp, abs);
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir + ": " + reason(e), e);
        } finally {
            deleteTree(tmp);
            deleteTree(old);
        }
    }

    /** The hidden temporary files and folders of interrupted writes in {@code dir} ({@code .<name>.<digits>.tmp}). */
    public static List<Path> leftovers(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (TEMPORARY.matcher(p.getFileName().toString()).matches()) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + reason(e), e);
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** Deletes the {@link #leftovers} of {@code dir}; returns how many there were. */
    public static int removeLeftovers(Path dir) {
        List<Path> found = leftovers(dir);
        for (Path p : found) {
            deleteTree(p);
        }
        return found.size();
    }

    /** The most telling message of an I/O failure: the cause's reason, e.g. "No space left on device". */
    public static String reason(IOException e) {
        String why = e.getMessage();
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            why = fse.getReason();
        } else if (e instanceof java.nio.file.NoSuchFileException) {
            why = "no such file or folder " + e.getMessage();
        } else if (e instanceof java.nio.file.AccessDeniedException) {
            why = "permission denied";
        }
        return why == null ? e.getClass().getSimpleName() : why;
    }

    /**
     * rw-r--r-- where the file system has POSIX permissions: temporary files are created owner-only, but the files they
     * become are ordinary results.
     */
    private static void readableByAll(Path file) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    /** A new empty hidden folder {@code .<name>.<digits>.tmp} in {@code parent}. */
    private static Path temporaryFolder(Path parent, String name) throws IOException {
        while (true) {
            Path p = parent.resolve("." + name + "." + Long.toUnsignedString(java.util.concurrent.ThreadLocalRandom.current()
                    .nextLong()) + ".tmp");
            try {
                return Files.createDirectory(p);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // another name
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + to.getParent() + " does not support atomic moves", e);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort: deleteOnExit is registered too
            }
        }
    }

    /** Deletes a file or a folder with everything in it, best effort. */
    static void deleteTree(Path p) {
        if (p == null || !Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(AtomicFiles::deleteQuietly);
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }
}

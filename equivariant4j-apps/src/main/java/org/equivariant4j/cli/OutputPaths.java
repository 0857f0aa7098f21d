package org.equivariant4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.equivariant4j.data.AtomicFiles;

/**
 * Checks of the command line's output paths and thread counts, made before any work so that a run never fails at its
 * end: a folder that is a file, a parent that cannot be created or written, an empty path, a model folder that would
 * overwrite something else, more threads than cores.
 */
final class OutputPaths {
    private OutputPaths() {}

    /** --threads: at least 1, at most the machine's cores unless forced. */
    static void requireThreads(int threads, boolean force) {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        if (threads > cores && !force) {
            throw new IllegalArgumentException("--threads " + threads + " exceeds the " + cores + " cores of this machine; more"
                    + " threads than cores only slow training down (add --force-threads to insist)");
        }
    }

    /** A folder the run writes into: not a file, creatable, writable (it is created). */
    static void requireFolder(String option, Path dir) {
        if (dir.toString().isBlank()) {
            throw new IllegalArgumentException(option + " needs a folder, got an empty path");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(option + " " + dir + " is a file; expected a folder");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + dir + " cannot be created: " + AtomicFiles.reason(e), e);
        }
        requireWritable(option, dir);
    }

    /** A file the run writes: a non-empty path, not a folder, in a folder that can be created and written. */
    static void requireFile(String what, Path file) {
        if (file.toString().isBlank() || file.getFileName() == null) {
            throw new IllegalArgumentException(what + " needs a file path, got '" + file + "'");
        }
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(what + " " + file + " is a folder; expected a file path");
        }
        Path parent = file.toAbsolutePath().getParent();
        requireFolder(what + " folder", parent);
    }

    /** --save: a folder whose model subfolders are new or earlier saved models (which are replaced). */
    static void requireSaveFolder(Path dir, List<String> models) {
        requireFolder("--save", dir);
        for (String m : models) {
            Path sub = dir.resolve(m);
            if (Files.exists(sub) && !(Files.isDirectory(sub) && Files.isRegularFile(sub.resolve("model.json")))) {
                throw new IllegalArgumentException("--save " + dir + ": " + sub + " exists and is not a saved model; refusing to"
                        + " overwrite it");
            }
        }
    }

    private static void requireWritable(String option, Path dir) {
        try {
            Path probe = Files.createTempFile(dir, ".equivariant4j-write-test.", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + dir + " is not writable: " + AtomicFiles.reason(e), e);
        }
    }
}

package org.equivariant4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.data.AtomicFiles;
import org.equivariant4j.data.FolderLock;
import org.equivariant4j.task.StopSignal;
import org.equivariant4j.task.TrainingRecipe;

/**
 * One training command's hold on its output folder: the folder's lock (two runs cannot share it), its checkpoints
 * ({@code <out>/checkpoints/<model>.ckpt}), and Ctrl-C/SIGTERM handling — a JVM shutdown hook raises the
 * {@link StopSignal} and waits until the training has written its checkpoint. {@link #finish} removes the checkpoints of
 * a completed run; {@link #close} releases everything.
 */
final class TrainingSession implements AutoCloseable {
    /** How long a shutdown waits for the training to reach the end of its step and write the checkpoint. */
    private static final long STOP_WAIT_MILLIS = 120_000;

    private final Path checkpoints;
    private final int every;
    private final boolean resume;
    private final Path save;
    private final StopSignal stop = new StopSignal();
    private final FolderLock lock;
    private final Thread hook;

    private TrainingSession(Path checkpoints, int every, boolean resume, Path save, FolderLock lock) {
        this.checkpoints = checkpoints;
        this.every = every;
        this.resume = resume;
        this.save = save;
        this.lock = lock;
        this.hook = new Thread(() -> {
            try {
                stop.stopAndWait(STOP_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "equivariant4j-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Locks {@code out} and checks its checkpoints: without --resume there must be none (an interrupted run is not
     * overwritten by accident), with --resume there must be some.
     */
    static TrainingSession open(Path out, int every, boolean resume, Path save) {
        FolderLock lock = FolderLock.acquire(out, ".equivariant4j.lock", false, () -> { });
        try {
            Path dir = out.resolve("checkpoints");
            List<String> found = checkpointFiles(dir);
            if (!resume && !found.isEmpty()) {
                throw new IllegalArgumentException(dir + " holds checkpoints of an interrupted run (" + String.join(", ", found)
                        + "): add --resume to continue it, or delete that folder to start over");
            }
            if (resume && found.isEmpty()) {
                throw new IllegalArgumentException("--resume: no checkpoint in " + dir + " (the run finished, or it never"
                        + " started with this --out)");
            }
            int removed = AtomicFiles.removeLeftovers(dir);
            if (removed > 0) {
                System.err.println("removed " + removed + " temporary file(s) of an interrupted checkpoint write from " + dir);
            }
            return new TrainingSession(dir, every, resume, save, lock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static List<String> checkpointFiles(Path dir) {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.ckpt")) {
                ds.forEach(p -> names.add(p.getFileName().toString()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + dir + ": " + AtomicFiles.reason(e), e);
            }
        }
        names.sort(null);
        return names;
    }

    /** The checkpointing of one model of the run. */
    TrainingRecipe.Checkpointing checkpointing(String model) {
        return new TrainingRecipe.Checkpointing(checkpoints.resolve(model + ".ckpt"), every, resume, stop);
    }

    /** Where to save a model, or null without --save. */
    Path saveDir(String model) {
        return save == null ? null : save.resolve(model);
    }

    /** The stop signal (raised by Ctrl-C/SIGTERM). */
    StopSignal stop() {
        return stop;
    }

    /** The run completed: says where the models were saved; the checkpoints are no longer needed. */
    void finish(java.io.PrintWriter w, List<String> models) {
        if (save != null) {
            for (String m : models) {
                w.println("saved " + saveDir(m));
            }
        }
        for (String name : checkpointFiles(checkpoints)) {
            try {
                Files.deleteIfExists(checkpoints.resolve(name));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove checkpoint " + checkpoints.resolve(name) + ": "
                        + AtomicFiles.reason(e), e);
            }
        }
        try {
            Files.deleteIfExists(checkpoints);
        } catch (IOException e) {
            // not empty (a file of the user's): leave it
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is running or ran
        }
        lock.close();
    }
}

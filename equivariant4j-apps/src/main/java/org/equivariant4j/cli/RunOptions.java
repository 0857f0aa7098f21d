package org.equivariant4j.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every training task shares (a picocli mixin): seed, output folder, JSON path, threads, quiet, and the
 * reliability options: checkpoints, resuming, saving the trained models. {@link #open} checks them all before any work.
 */
final class RunOptions {

    @Option(names = "--seed", defaultValue = "1", description = "Seed of weights, shuffling and sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Folder for plots, results and checkpoints (default: out/<task>).")
    Path out;

    @Option(names = "--json", paramLabel = "PATH", description = "Write the results JSON here (default: <out>/results.json).")
    Path json;

    @Option(names = "--threads", defaultValue = "2",
            description = "Threads (default: ${DEFAULT-VALUE}; md17: 1), at most the machine's cores. nbody, md17: data-parallel"
                    + " workers that share each batch, one PyTorch thread each; rotmnist, voxels: PyTorch intra-op threads. While"
                    + " another process holds a core, 1 is faster.")
    int threads;

    @Option(names = "--force-threads", description = "Allow --threads above the number of cores.")
    boolean forceThreads;

    @Option(names = "--quiet", description = "No progress bars.")
    boolean quiet;

    @Option(names = "--save", paramLabel = "DIR",
            description = "Keep each trained model (the best epoch's parameters and a JSON model card) in DIR/<model>, for"
                    + " 'equivariant4j predict'.")
    Path save;

    @Option(names = "--resume", description = "Continue the interrupted run whose checkpoints are in <out>/checkpoints (same"
            + " options); the result equals an uninterrupted run's.")
    boolean resume;

    @Option(names = "--checkpoint-every", paramLabel = "N",
            description = "Epochs between checkpoints (default: 10 for nbody, 1 for rotmnist and voxels; 0: only on Ctrl-C/SIGTERM)."
                    + " Checkpoints are also written when interrupted; they are removed when the run completes.")
    Integer checkpointEvery;

    /** --out, or out/&lt;task&gt;. */
    Path outDir(String task) {
        return out != null ? out : Path.of("out", task);
    }

    /** --json, or &lt;out&gt;/results.json. */
    Path jsonPath(String task) {
        return json != null ? json : outDir(task).resolve("results.json");
    }

    /**
     * Checks every option and path, then opens the run: the output folder is created and locked, the checkpoint state
     * checked against --resume, and Ctrl-C/SIGTERM handled from here on.
     *
     * @param models the models the run will train (their save folders are checked)
     * @param defaultCheckpointEvery --checkpoint-every when not given
     */
    TrainingSession open(String task, java.util.List<String> models, int defaultCheckpointEvery) {
        OutputPaths.requireThreads(threads, forceThreads);
        int every = checkpointEvery != null ? checkpointEvery : defaultCheckpointEvery;
        if (every < 0) {
            throw new IllegalArgumentException("--checkpoint-every must be >= 0, got " + every);
        }
        Path outDir = outDir(task);
        OutputPaths.requireFolder("--out", outDir);
        OutputPaths.requireFile(json != null ? "--json" : "the results JSON (<out>/results.json)", jsonPath(task));
        if (save != null) {
            OutputPaths.requireSaveFolder(save, models);
        }
        return TrainingSession.open(outDir, every, resume, save);
    }
}

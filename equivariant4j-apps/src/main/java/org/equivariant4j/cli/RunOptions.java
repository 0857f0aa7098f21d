package org.equivariant4j.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every training task shares (a picocli mixin): seed, output folder, JSON path, threads, quiet. */
final class RunOptions {

    @Option(names = "--seed", defaultValue = "1", description = "Seed of weights, shuffling and sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Folder for plots and results (default: out/<task>).")
    Path out;

    @Option(names = "--json", paramLabel = "PATH", description = "Write the results JSON here (default: <out>/results.json).")
    Path json;

    @Option(names = "--threads", defaultValue = "2",
            description = "Threads (default: ${DEFAULT-VALUE}). nbody: data-parallel workers that share each batch, one PyTorch"
                    + " thread each; rotmnist: PyTorch intra-op threads. While another process holds a core, 1 is faster.")
    int threads;

    @Option(names = "--quiet", description = "No progress bars.")
    boolean quiet;

    /** Checks --threads and hands it to the PyTorch engine (effective before the engine's first use). */
    void applyThreads() {
        setEngineThreads(threads);
    }

    /**
     * Checks --threads for data-parallel training: each of the {@code threads} workers runs PyTorch ops on one
     * thread (small batches gain more from running side by side than from splitting every op).
     *
     * @return the number of workers
     */
    int applyDataParallelThreads() {
        setEngineThreads(1);
        return threads;
    }

    private void setEngineThreads(int intraOp) {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        }
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(intraOp));
    }

    /** --out, or out/&lt;task&gt;. */
    Path outDir(String task) {
        return out != null ? out : Path.of("out", task);
    }

    /** --json, or &lt;out&gt;/results.json. */
    Path jsonPath(String task) {
        return json != null ? json : outDir(task).resolve("results.json");
    }
}

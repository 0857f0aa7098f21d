package org.equivariant4j.bench;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.equivariant4j.data.ChargedParticlesSimulation;
import org.equivariant4j.data.NBodyDataset;
import org.equivariant4j.task.NBodyTask;
import org.equivariant4j.task.StopSignal;
import org.equivariant4j.task.TrainingRecipe;

/**
 * Trains the N-body EGNN through the shared recipe for a given number of optimiser steps (default 10 000: 1000 simulated
 * training systems, batch 100, 1000 epochs, validation every 10 epochs, a checkpoint every 100, two data-parallel
 * workers, as the command line trains) and samples every 250 steps the number of live native arrays (all arrays of
 * every DJL manager, counted from the engine's root manager) and the process's resident memory (VmRSS). Prints the
 * samples and the least-squares slope of both after the warm-up (the first fifth of the steps), per 1000 steps.
 *
 * <p>Run: {@code scripts/memory-slope.sh [steps]}.
 */
public final class TrainingMemoryBench {
    private TrainingMemoryBench() {}

    /** Live arrays of every manager under the engine's root. */
    static int liveArrays() {
        try (NDManager probe = NDManager.newBaseManager()) {
            return ((BaseNDManager) probe.getParentManager()).getManagedArrays().size();
        }
    }

    /** Resident set size in KiB (Linux), or -1. */
    static long rssKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return -1;
    }

    /** Least-squares slope of y over x. */
    static double slope(List<Double> x, List<Double> y) {
        int n = x.size();
        double mx = x.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double my = y.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x.get(i) - mx) * (y.get(i) - my);
            sxx += (x.get(i) - mx) * (x.get(i) - mx);
        }
        return sxy / sxx;
    }

    public static void main(String[] args) throws IOException {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int train = 1000;
        int epochs = steps / (train / 100);
        NBodyDataset ds = NBodyDataset.simulate(7, train, 100, 100, ChargedParticlesSimulation.Config.defaults(), 2);
        NBodyTask.Splits splits = new NBodyTask.Splits(ds.train(train), ds.valid(100), ds.test(100), "simulated");
        Path checkpoint = Files.createTempDirectory("e4j-memory").resolve("egnn.ckpt");
        List<Double> x = new ArrayList<>();
        List<Double> arrays = new ArrayList<>();
        List<Double> rss = new ArrayList<>();
        int warmUp = steps / 5;
        long t0 = System.nanoTime();
        System.out.printf(Locale.ROOT, "EGNN, %d steps (%d epochs of %d), 2 data-parallel workers, validation every 10 epochs,"
                + " checkpoint every 100%n%8s %12s %10s %8s%n", steps, epochs, train / 100, "step", "live arrays", "RSS MiB", "s");
        int[] done = {0};
        NBodyTask.train("egnn", splits, NBodyTask.settings(epochs, 1, 10, 2), new TrainingRecipe.Listener() {
            @Override
            public void stepDone(int epoch, int step, double loss) {
                done[0]++;
                if (done[0] % 250 == 0) {
                    System.gc();
                    int a = liveArrays();
                    long r = rssKiB();
                    System.out.printf(Locale.ROOT, "%8d %12d %10.1f %8.1f%n", done[0], a, r / 1024.0, (System.nanoTime() - t0) / 1e9);
                    if (done[0] > warmUp) {
                        x.add((double) done[0]);
                        arrays.add((double) a);
                        rss.add(r / 1024.0);
                    }
                }
            }
        }, new TrainingRecipe.Checkpointing(checkpoint, 100, false, new StopSignal()), null);
        Files.deleteIfExists(checkpoint);
        Files.deleteIfExists(checkpoint.getParent());
        System.out.printf(Locale.ROOT, "RESULT after %d warm-up steps: live arrays %.0f -> %.0f (slope %.3f per 1000 steps),"
                + " RSS %.1f -> %.1f MiB (slope %.2f MiB per 1000 steps), %.0f s%n", warmUp, arrays.get(0),
                arrays.get(arrays.size() - 1), 1000 * slope(x, arrays), rss.get(0), rss.get(rss.size() - 1), 1000 * slope(x, rss),
                (System.nanoTime() - t0) / 1e9);
    }
}

package org.equivariant4j.bench;

import java.nio.file.Path;
import java.util.Locale;
import org.equivariant4j.data.Conformations;
import org.equivariant4j.task.Md17Task;
import org.equivariant4j.task.TrainingRecipe;
import org.equivariant4j.task.TrainingSettings;

/**
 * What the force term costs: one training epoch of an MD17 potential on energies and forces (loss w_E·energy + w_F·forces,
 * which needs the second derivative) against the same model's energy-only epoch (w_F = 0), both through
 * {@link Md17Task#train} in this one process, in {@link PairedTiming} pairs (the order flipped every repetition, after
 * one warm-up round). Each epoch is a fresh model's first (1 000 training frames of MD17 ethanol, batches of 5, one
 * thread); the time is the recipe's seconds per epoch, without the test and equivariance evaluations that follow it.
 * Prints the median of each and their ratio (the goal: ≤ 3×).
 *
 * <p>Run: {@code java -Dai.djl.offline=true -cp "$(cat equivariant4j-bench/target/classpath.txt):equivariant4j-bench/target/classes"
 * org.equivariant4j.bench.ForceTermBench [repetitions] [model] [extended XYZ file]} (default: 3, nequip,
 * ../shared/data/md17/ethanol_sampledata.xyz).
 */
public final class ForceTermBench {
    private ForceTermBench() {}

    /** Trains one epoch with the given weights and keeps the recipe's seconds per epoch. */
    private static final class Epoch implements Runnable {
        final String model;
        final Md17Task.Splits splits;
        final Md17Task.LossWeights weights;
        final double[] seconds;
        int done;

        Epoch(String model, Md17Task.Splits splits, Md17Task.LossWeights weights, int runs) {
            this.model = model;
            this.splits = splits;
            this.weights = weights;
            this.seconds = new double[runs];
        }

        @Override
        public void run() {
            TrainingSettings settings = Md17Task.settings(1, 5, 1, Md17Task.defaultLearningRate(model, false), 1, 1);
            Md17Task.Run r = Md17Task.train(model, splits, settings, weights, new Md17Task.DynamicsSettings(0, 0.5, 500, 10),
                    TrainingRecipe.Listener.NONE, null, null);
            seconds[done++] = r.secondsPerEpoch();
            System.out.printf(Locale.ROOT, "  %s, w_F = %s: %.2f s%n", model, weights.forces(), r.secondsPerEpoch());
        }
    }

    /** Arguments: {@code [repetitions] [model] [extended XYZ file]}. */
    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        String model = args.length > 1 ? args[1] : "nequip";
        Path file = Path.of(args.length > 2 ? args[2] : "../shared/data/md17/ethanol_sampledata.xyz");
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        Md17Task.Splits splits = Md17Task.split(Conformations.readExtendedXyz(file), 1000, 10, 10, 1);
        Epoch forces = new Epoch(model, splits, new Md17Task.LossWeights(1, 1), reps + 1);
        Epoch energies = new Epoch(model, splits, new Md17Task.LossWeights(1, 0), reps + 1);
        PairedTiming.medians(new Runnable[] {forces, energies}, 1, reps);
        // the first of each was the warm-up round
        double f = PairedTiming.median(java.util.Arrays.copyOfRange(forces.seconds, 1, reps + 1));
        double e = PairedTiming.median(java.util.Arrays.copyOfRange(energies.seconds, 1, reps + 1));
        System.out.printf(Locale.ROOT, "%n%s, median seconds per epoch over %d pairs (1 000 frames, batch 5, 1 thread): energies"
                + " and forces %.2f s, energies only %.2f s: the force term costs %.2fx%n", model, reps, f, e, f / e);
    }
}

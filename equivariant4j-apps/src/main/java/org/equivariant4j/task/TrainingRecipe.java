package org.equivariant4j.task;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.equivariant4j.nn.ops.DataParallel;
import org.equivariant4j.nn.ops.FusedAdam;

/**
 * The one training recipe the tasks share: epochs of mini-batches, Adam, validation, the best epoch kept, divergence
 * caught, checkpoints and resuming.
 *
 * <p>Each epoch visits the training samples in a fresh random order (one {@link SplittableRandom} seeded by
 * {@link TrainingSettings#seed()}, one permutation per epoch) in {@code n / batchSize} batches, the last partial batch
 * dropped. Per batch: forward and backward of {@link Trainable#loss} (split over {@link TrainingSettings#workers()}
 * threads by {@link DataParallel} when more than one), then one {@link FusedAdam} step. After every
 * {@link TrainingSettings#evalInterval()}-th epoch and the last one, {@link Trainable#validate}; the parameters of the
 * best score (the first among ties) are kept, and the block holds them when {@link #train} returns.
 *
 * <p>A NaN or infinite training loss or validation score stops the run with {@link TrainingDiverged}, naming the epoch.
 * With a checkpoint file, the state is saved every {@link Checkpointing#every()} epochs, when the run
 * finishes, and — after the current step — when the {@link StopSignal} is raised (then {@link TrainingStopped} is
 * thrown). A run started with {@code resume} continues from the file; with one thread the result is bit for bit that of
 * an uninterrupted run.
 */
public final class TrainingRecipe {

    /** Progress callbacks, all optional; called on the training thread. */
    public interface Listener {
        /** Training (re)starts at {@code epoch} (1-based) and {@code step}, with {@code stepsPerEpoch} steps an epoch. */
        default void started(int epoch, int step, int stepsPerEpoch, boolean resumed) {}

        /** One optimiser step done. */
        default void stepDone(int epoch, int step, double loss) {}

        /** An epoch finished; {@code validScore} is NaN when it was not validated. */
        default void epochDone(int epoch, double trainLoss, double validScore, int bestEpoch, double bestScore) {}

        /** Training stopped on request after saving a checkpoint (the message says where). */
        default void stopped(String message) {}

        /** No display. */
        Listener NONE = new Listener() {};
    }

    /**
     * Where and when checkpoints go.
     *
     * @param file   the checkpoint file
     * @param every  epochs between checkpoints (0: only when stopped and when finished)
     * @param resume continue from {@code file} if it exists
     * @param stop   raised to stop after the current step with a checkpoint
     */
    public record Checkpointing(Path file, int every, boolean resume, StopSignal stop) {
        public Checkpointing {
            java.util.Objects.requireNonNull(file, "file");
            java.util.Objects.requireNonNull(stop, "stop");
            if (every < 0) {
                throw new IllegalArgumentException("--checkpoint-every must be >= 0, got " + every);
            }
        }
    }

    private TrainingRecipe() {}

    /**
     * Trains {@code model} with {@code settings}.
     *
     * @param name          the model's name, for messages
     * @param checkpointing where to checkpoint, or null for none
     * @throws TrainingDiverged when the loss or the validation score is not finite
     * @throws TrainingStopped  when {@code checkpointing.stop()} was raised (after saving)
     * @throws IllegalArgumentException when resuming from a checkpoint of another run (the message names the difference)
     */
    public static TrainingOutcome train(String name, Trainable model, TrainingSettings settings, Listener listener,
            Checkpointing checkpointing) {
        Block block = model.block();
        NDManager m = block.getParameters().get(0).getValue().getArray().getManager();
        if (block.getParameters().get(0).getValue().getArray().getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("the training recipe trains float32 models");
        }
        int n = model.trainingSamples();
        int bs = settings.batchSize();
        int steps = n / bs;
        if (steps < 1) {
            throw new IllegalArgumentException("the training set (" + n + " samples) is smaller than one batch (" + bs + ")");
        }
        Run run = new Run(name, model, settings, steps, m);
        StopSignal stop = checkpointing == null ? new StopSignal() : checkpointing.stop();
        stop.enter();
        try {
            if (checkpointing != null && checkpointing.resume() && Files.isRegularFile(checkpointing.file())) {
                run.resumeFrom(checkpointing.file());
            }
            return run.train(listener, checkpointing == null ? null : checkpointing.file(),
                    checkpointing == null ? 0 : checkpointing.every(), stop);
        } finally {
            run.close();
            stop.exit();
        }
    }

    /** The settings as a map (for checkpoints and results). */
    static Map<String, Object> settingsMap(TrainingSettings s) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("epochs", s.epochs());
        map.put("batch_size", s.batchSize());
        map.put("seed", s.seed());
        map.put("learning_rate", s.learningRate());
        map.put("schedule", s.schedule().name().toLowerCase(Locale.ROOT));
        map.put("weight_decay", s.weightDecay());
        map.put("eval_interval", s.evalInterval());
        map.put("higher_is_better", s.higherIsBetter());
        map.put("workers", s.workers());
        return map;
    }

    /** The mutable state of one run. */
    private static final class Run implements AutoCloseable {
        final String name;
        final Trainable model;
        final TrainingSettings s;
        final int steps;
        final NDManager m;
        final Block block;
        final FusedAdam adam;
        int epochsCompleted;
        int step;
        double lossSum;
        double secondsSoFar;
        final List<Double> epochSeconds = new ArrayList<>();
        final List<Integer> curveEpochs = new ArrayList<>();
        final List<Double> curveTrain = new ArrayList<>();
        final List<Double> curveValid = new ArrayList<>();
        int bestEpoch;
        double bestScore = Double.NaN;
        ParameterSnapshot best;
        boolean finished;
        boolean resumed;
        FusedAdam.State restoredOptimizer;

        Run(String name, Trainable model, TrainingSettings s, int steps, NDManager m) {
            this.name = name;
            this.model = model;
            this.s = s;
            this.steps = steps;
            this.m = m;
            this.block = model.block();
            this.adam = FusedAdam.builder().learningRate(s.schedule().tracker(s.learningRate(), steps * s.epochs()))
                    .weightDecay((float) s.weightDecay()).build();
        }

        void resumeFrom(Path file) {
            try (Checkpoint c = Checkpoint.read(file, m)) {
                Checkpoint.State st = c.state();
                Map<String, Object> identity = jsonRoundTrip(model.identity());
                Map<String, Object> settings = jsonRoundTrip(settingsMap(s));
                requireEqual(file, "belongs to another run", identity, st.identity());
                requireEqual(file, "was written with other settings", settings, st.settings());
                c.parameters().restoreInto(block);
                best = c.takeBest();
                restoredOptimizer = c.optimizer();
                epochsCompleted = st.epochsCompleted();
                step = st.step();
                lossSum = st.lossSum();
                secondsSoFar = st.epochSecondsSoFar();
                epochSeconds.addAll(st.epochSeconds());
                curveEpochs.addAll(st.curveEpochs());
                curveTrain.addAll(st.curveTrain());
                curveValid.addAll(st.curveValid());
                bestEpoch = st.bestEpoch();
                bestScore = st.bestScore() == null ? Double.NaN : st.bestScore();
                finished = st.finished();
                resumed = true;
            }
        }

        TrainingOutcome train(Listener listener, Path checkpoint, int checkpointEvery, StopSignal stop) {
            if (restoredOptimizer != null) {
                adam.restore(block, restoredOptimizer);
            }
            ParameterStore ps = new ParameterStore(m, false);
            SplittableRandom rng = new SplittableRandom(s.seed());
            for (int e = 0; e < epochsCompleted; e++) {
                SampleOrder.shuffled(model.trainingSamples(), rng); // replay: the generator's state after those epochs
            }
            int workers = s.workers();
            try (DataParallel dp = workers > 1 ? DataParallel.create(block, workers) : null) {
                if (!finished) {
                    listener.started(epochsCompleted + 1, step, steps, resumed);
                }
                while (!finished && epochsCompleted < s.epochs()) {
                    int epoch = epochsCompleted + 1;
                    int[] order = SampleOrder.shuffled(model.trainingSamples(), rng);
                    long t0 = System.nanoTime();
                    while (step < steps) {
                        double loss = backward(ps, dp, order, step * s.batchSize());
                        if (!Double.isFinite(loss)) {
                            throw new TrainingDiverged(String.format(Locale.ROOT, "training of %s diverged: the loss of epoch"
                                    + " %d, step %d of %d is %s; try a lower learning rate (--lr)", name, epoch, step + 1, steps,
                                    loss));
                        }
                        adam.step(block);
                        lossSum += loss;
                        step++;
                        listener.stepDone(epoch, step, loss);
                        if (stop.isRequested() && (step < steps || epoch < s.epochs())) {
                            secondsSoFar += (System.nanoTime() - t0) / 1e9;
                            if (checkpoint == null) {
                                throw new TrainingStopped(String.format(Locale.ROOT, "%s stopped at epoch %d, step %d of %d"
                                        + " (no checkpoint file)", name, epoch, step, steps), null);
                            }
                            save(checkpoint);
                            throw stopped(listener, String.format(Locale.ROOT, "%s stopped at epoch %d, step %d of %d;"
                                    + " checkpoint saved to %s", name, epoch, step, steps, checkpoint), checkpoint);
                        }
                    }
                    epochSeconds.add(secondsSoFar + (System.nanoTime() - t0) / 1e9);
                    double trainLoss = lossSum / steps;
                    double score = Double.NaN;
                    if (s.validatesAfter(epoch)) {
                        score = model.validate(ps, m);
                        if (!Double.isFinite(score)) {
                            throw new TrainingDiverged(String.format(Locale.ROOT, "training of %s diverged: the validation"
                                    + " score after epoch %d is %s; try a lower learning rate (--lr)", name, epoch, score));
                        }
                        if (bestEpoch == 0 || (s.higherIsBetter() ? score > bestScore : score < bestScore)) {
                            bestScore = score;
                            bestEpoch = epoch;
                            if (best != null) {
                                best.close();
                            }
                            best = ParameterSnapshot.of(block, m);
                        }
                        curveEpochs.add(epoch);
                        curveTrain.add(trainLoss);
                        curveValid.add(score);
                    }
                    epochsCompleted = epoch;
                    step = 0;
                    lossSum = 0;
                    secondsSoFar = 0;
                    listener.epochDone(epoch, trainLoss, score, bestEpoch, bestScore);
                    if (epoch == s.epochs()) {
                        best.restoreInto(block);
                        finished = true;
                    }
                    if (checkpoint != null && (finished || (checkpointEvery > 0 && epoch % checkpointEvery == 0))) {
                        save(checkpoint);
                    }
                    if (!finished && stop.isRequested()) {
                        if (checkpoint == null) {
                            throw new TrainingStopped(name + " stopped after epoch " + epoch + " (no checkpoint file)", null);
                        }
                        save(checkpoint);
                        throw stopped(listener, String.format(Locale.ROOT, "%s stopped after epoch %d; checkpoint saved to %s",
                                name, epoch, checkpoint), checkpoint);
                    }
                }
            }
            if (finished && best != null) {
                best.restoreInto(block);
            }
            return new TrainingOutcome(epochsCompleted, bestEpoch, bestScore, curveEpochs, curveTrain, curveValid, epochSeconds,
                    resumed);
        }

        private static TrainingStopped stopped(Listener listener, String message, Path checkpoint) {
            listener.stopped(message);
            return new TrainingStopped(message, checkpoint);
        }

        /** Forward and backward of one batch (its gradients accumulate in the parameters); returns its loss. */
        private double backward(ParameterStore ps, DataParallel dp, int[] order, int from) {
            int bs = s.batchSize();
            if (dp != null) {
                int w = dp.workers();
                return dp.backward(ps, (store, shard) -> {
                    int lo = shard * bs / w;
                    int hi = (shard + 1) * bs / w;
                    return model.loss(store, m, order, from + lo, hi - lo, bs);
                });
            }
            try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = model.loss(ps, m, order, from, bs, bs);
                gc.backward(l);
                return l.toType(DataType.FLOAT64, false).getDouble();
            }
        }

        private void save(Path file) {
            try (ParameterSnapshot current = ParameterSnapshot.of(block, m)) {
                Checkpoint.State st = new Checkpoint.State(model.identity(), settingsMap(s), epochsCompleted, step, lossSum,
                        secondsSoFar, epochSeconds, curveEpochs, curveTrain, curveValid, bestEpoch,
                        bestEpoch == 0 ? null : bestScore, adam.steps(), s.seed(), epochsCompleted + (step > 0 ? 1 : 0),
                        finished);
                new Checkpoint(st, current, best, adam.state()).write(file);
            }
        }

        @Override
        public void close() {
            if (best != null) {
                best.close();
            }
            adam.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> jsonRoundTrip(Map<String, Object> map) {
        try {
            return Checkpoint.mapper().readValue(Checkpoint.mapper().writeValueAsBytes(map), Map.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot serialise " + map, e);
        }
    }

    private static void requireEqual(Path file, String problem, Map<String, Object> now, Map<String, Object> saved) {
        if (!now.equals(saved)) {
            for (String key : now.keySet()) {
                if (!java.util.Objects.equals(now.get(key), saved.get(key))) {
                    throw new IllegalArgumentException("checkpoint " + file + " " + problem + ": " + key + " is "
                            + saved.get(key) + " there and " + now.get(key) + " now; use the original settings to --resume,"
                            + " or start afresh in another --out folder");
                }
            }
            throw new IllegalArgumentException("checkpoint " + file + " " + problem + ": " + saved + " there, " + now + " now");
        }
    }
}

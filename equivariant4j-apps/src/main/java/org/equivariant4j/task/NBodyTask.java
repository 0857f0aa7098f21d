package org.equivariant4j.task;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.equivariant4j.data.NBodyDataset;
import org.equivariant4j.model.NBodyGraphs;
import org.equivariant4j.harmonics.Rotations;
import org.equivariant4j.nn.graph.EgnnModel;
import org.equivariant4j.nn.ops.ParameterCounts;
import org.equivariant4j.nn.graph.GnnModel;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.graph.GraphTopology;
import org.equivariant4j.nn.ops.DataParallel;
import org.equivariant4j.nn.ops.FusedAdam;

/**
 * The charged N-body training recipe of the EGNN paper: predict the positions of 5 charged particles 1.0 time units
 * ahead from their positions and velocities (frames 30 → 40 of {@link NBodyDataset}).
 *
 * <p>Models: {@code egnn} (E(n)-equivariant, 4 layers × 64), {@code gnn} (non-equivariant message passing on [x, v]),
 * {@code linear} (x + t·v with t fitted by least squares on the training set). Neural models: Adam, learning rate
 * 5e-4, weight decay 1e-12, batch 100 (shuffled, last partial batch dropped), MSE over all coordinates; validation
 * every {@code evalInterval} epochs; the reported test MSE is the one at the epoch with the best validation MSE.
 *
 * <p>Metrics: {@code test_mse} (at the best validation epoch), {@code valid_mse} (best), {@code best_epoch},
 * {@code equivariance_error} (max |f(gx) − g f(x)| / max |f(x)| over random rotations, reflections and translations
 * of a test batch, float32; 0 by construction for {@code linear}).
 */
public final class NBodyTask {
    /** The model names. */
    public static final List<String> MODELS = List.of("linear", "gnn", "egnn");

    private NBodyTask() {}

    /**
     * Settings of a run.
     *
     * @param epochs       training epochs of each neural model
     * @param trainSize    training systems used (the first ones of the train split)
     * @param seed         seed of shuffling and of the equivariance check (initial weights use DJL's generator,
     *                     seeded from it through {@code ai.djl.engine.Engine#setRandomSeed})
     * @param batchSize    systems per batch
     * @param learningRate Adam learning rate
     * @param weightDecay  Adam weight decay
     * @param evalInterval epochs between validation runs
     * @param workers      threads that share each batch ({@link DataParallel}: every worker runs forward and backward on
     *                     its slice of the batch); the gradient is the whole batch's either way
     */
    public record Config(int epochs, int trainSize, long seed, int batchSize, double learningRate, double weightDecay,
            int evalInterval, int workers) {
        public Config {
            if (workers < 1 || workers > batchSize) {
                throw new IllegalArgumentException("--threads must be between 1 and the batch size " + batchSize + ", got "
                        + workers);
            }
            if (epochs < 1) {
                throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
            }
            if (trainSize < batchSize) {
                throw new IllegalArgumentException("--train-size must be at least one batch (" + batchSize + "), got " + trainSize);
            }
            if (evalInterval < 1) {
                throw new IllegalArgumentException("--eval-interval must be >= 1, got " + evalInterval);
            }
        }
    }

    /**
     * What one model's run produced.
     *
     * @param name              model name
     * @param params            learnable parameters
     * @param secondsPerEpoch   median seconds per training epoch (0 for the fitted linear model)
     * @param epochs            epochs trained
     * @param bestEpoch         epoch of the best validation MSE
     * @param validMse          best validation MSE
     * @param testMse           test MSE at the best validation epoch
     * @param equivarianceError see the class doc
     * @param curveEpochs       epochs at which validation ran
     * @param trainCurve        mean training loss of those epochs
     * @param validCurve        validation MSE at those epochs
     */
    public record Run(String name, long params, double secondsPerEpoch, int epochs, int bestEpoch, double validMse,
            double testMse, double equivarianceError, double[] curveEpochs, double[] trainCurve, double[] validCurve) {}

    /** A split as float arrays: inputs (S,5,3), charges (S,5), target (S,5,3). */
    private record Data(int size, float[] x, float[] v, float[] q, float[] y) {
        static Data of(NBodyDataset.Split s) {
            return new Data(s.size(), s.inputPositions(), s.inputVelocities(), s.charges(), s.targetPositions());
        }

        /** The systems with the given indices, as one batch. */
        Batch batch(NDManager m, int[] idx, int from, int count) {
            float[] bx = new float[count * 15];
            float[] bv = new float[count * 15];
            float[] bq = new float[count * 5];
            float[] by = new float[count * 15];
            for (int k = 0; k < count; k++) {
                int s = idx[from + k];
                System.arraycopy(x, s * 15, bx, k * 15, 15);
                System.arraycopy(v, s * 15, bv, k * 15, 15);
                System.arraycopy(q, s * 5, bq, k * 5, 5);
                System.arraycopy(y, s * 15, by, k * 15, 15);
            }
            Shape nodes = new Shape(count * 5L, 3);
            return new Batch(m.create(bx, nodes), m.create(bv, nodes), m.create(bq, new Shape(count * 5L, 1)), m.create(by, nodes));
        }
    }

    private record Batch(NDArray x, NDArray v, NDArray q, NDArray y) {
        int size() {
            return Math.toIntExact(x.getShape().get(0) / 5);
        }

        /** Systems [from, to) of this batch. */
        Batch slice(int from, int to) {
            String nodes = (from * 5) + ":" + (to * 5);
            return new Batch(x.get(nodes), v.get(nodes), q.get(nodes), y.get(nodes));
        }
    }

    /** Fits t in x + t·v by least squares on the training split and evaluates it. */
    public static Run linear(NBodyDataset.Split train, NBodyDataset.Split valid, NBodyDataset.Split test) {
        Data tr = Data.of(train);
        double num = 0;
        double den = 0;
        for (int i = 0; i < tr.x().length; i++) {
            num += (double) tr.v()[i] * (tr.y()[i] - tr.x()[i]);
            den += (double) tr.v()[i] * tr.v()[i];
        }
        double t = num / den;
        double validMse = linearMse(Data.of(valid), t);
        double testMse = linearMse(Data.of(test), t);
        return new Run("linear", 1, 0, 0, 0, validMse, testMse, 0, new double[] {0}, new double[] {linearMse(tr, t)},
                new double[] {validMse});
    }

    private static double linearMse(Data d, double t) {
        double s = 0;
        for (int i = 0; i < d.x().length; i++) {
            double r = d.x()[i] + t * d.v()[i] - d.y()[i];
            s += r * r;
        }
        return s / d.x().length;
    }

    /** The block of a neural model. */
    static Block newModel(String name) {
        return switch (name) {
            case "egnn" -> EgnnModel.builder(NBodyGraphs.EGNN_NODE_FEATURES, NBodyGraphs.EGNN_EDGE_ATTRIBUTES).build();
            case "gnn" -> new GnnModel(NBodyGraphs.GNN_NODE_FEATURES, 64, 4, NBodyGraphs.GNN_EDGE_ATTRIBUTES, 3);
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; expected one of " + MODELS);
        };
    }

    /** The graph input a model expects for a batch. */
    private static GraphBatch graph(String name, GraphTopology topology, Batch b) {
        return "egnn".equals(name) ? NBodyGraphs.egnn(topology, b.x(), b.v(), b.q()) : NBodyGraphs.gnn(topology, b.x(), b.v(), b.q());
    }

    /** The block input of a batch: its {@link GraphBatch} as an NDList. */
    private static NDList input(String name, GraphTopology topology, Batch b) {
        return graph(name, topology, b).toNDList();
    }

    /**
     * Trains a neural model.
     *
     * @param onEpoch called after each epoch with a one-line status (for a progress bar)
     */
    public static Run train(String name, NBodyDataset.Split train, NBodyDataset.Split valid, NBodyDataset.Split test,
            Config cfg, Consumer<String> onEpoch) {
        ai.djl.engine.Engine.getInstance().setRandomSeed((int) cfg.seed());
        Data tr = Data.of(train);
        Data va = Data.of(valid);
        Data te = Data.of(test);
        int steps = tr.size() / cfg.batchSize();
        SplittableRandom rng = new SplittableRandom(cfg.seed());
        Block block = newModel(name);
        try (Model model = Model.newInstance(name)) {
            model.setBlock(block);
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) cfg.learningRate()))
                    .optWeightDecays((float) cfg.weightDecay()).build();
            DefaultTrainingConfig tc = new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(adam);
            // the same Adam (DJL's arithmetic, bit for bit) as one engine call per step instead of one per parameter
            FusedAdam fusedAdam = FusedAdam.builder().learningRate(Tracker.fixed((float) cfg.learningRate()))
                    .weightDecay((float) cfg.weightDecay()).build();
            try (Trainer trainer = model.newTrainer(tc); fusedAdam) {
                NDManager m = trainer.getManager();
                GraphTopology topology = GraphTopology.fullyConnected(5, cfg.batchSize());
                try (NDManager init = m.newSubManager()) {
                    Batch b = tr.batch(init, SampleOrder.identity(tr.size()), 0, cfg.batchSize());
                    NDList list = input(name, topology, b);
                    trainer.initialize(list.getShapes());
                }
                long params = ParameterCounts.learnable(block);
                // slices of the batch for the workers; their graph topologies are made once per slice size
                Map<Integer, GraphTopology> topologies = new ConcurrentHashMap<>();
                topologies.put(cfg.batchSize(), topology);
                ParameterStore store = new ParameterStore(m, false);
                try (DataParallel dataParallel = DataParallel.create(block, cfg.workers())) {
                    List<Double> epochSeconds = new ArrayList<>();
                    List<double[]> curve = new ArrayList<>();
                    double bestValid = Double.POSITIVE_INFINITY;
                    double testAtBest = Double.NaN;
                    int bestEpoch = 0;
                    for (int epoch = 1; epoch <= cfg.epochs(); epoch++) {
                        int[] order = SampleOrder.shuffled(tr.size(), rng);
                        long t0 = System.nanoTime();
                        double lossSum = 0;
                        for (int s = 0; s < steps; s++) {
                            try (NDScope scope = new NDScope()) {
                                Batch b = tr.batch(m, order, s * cfg.batchSize(), cfg.batchSize());
                                int bs = cfg.batchSize();
                                int w = cfg.workers();
                                lossSum += dataParallel.backward(store, (ps, shard) ->
                                        sliceLoss(block, name, ps, b.slice(shard * bs / w, (shard + 1) * bs / w), bs, topologies));
                            }
                            fusedAdam.step(block);
                        }
                        epochSeconds.add((System.nanoTime() - t0) / 1e9);
                        double trainLoss = lossSum / steps;
                        String status = String.format(Locale.ROOT, "train %.5f", trainLoss);
                        if (epoch % cfg.evalInterval() == 0 || epoch == cfg.epochs()) {
                            double v = evaluate(trainer, name, va, cfg.batchSize());
                            if (v < bestValid) {
                                bestValid = v;
                                bestEpoch = epoch;
                                testAtBest = evaluate(trainer, name, te, cfg.batchSize());
                            }
                            curve.add(new double[] {epoch, trainLoss, v});
                            status += String.format(Locale.ROOT, " valid %.5f test@best %.5f", v, testAtBest);
                        }
                        onEpoch.accept(status);
                    }
                    double eqErr = equivarianceError(trainer, name, te, cfg.batchSize(), cfg.seed());
                    return new Run(name, params, SampleOrder.median(epochSeconds), cfg.epochs(), bestEpoch, bestValid, testAtBest, eqErr,
                            curve.stream().mapToDouble(c -> c[0]).toArray(), curve.stream().mapToDouble(c -> c[1]).toArray(),
                            curve.stream().mapToDouble(c -> c[2]).toArray());
                }
            }
        }
    }

    /** A slice's squared error over all coordinates of its batch: the slices' losses add up to the batch MSE. */
    private static NDArray sliceLoss(Block block, String name, ParameterStore ps, Batch part, int batchSize,
            Map<Integer, GraphTopology> topologies) {
        GraphTopology topology = topologies.computeIfAbsent(part.size(), k -> GraphTopology.fullyConnected(5, k));
        NDArray pred = block.forward(ps, input(name, topology, part), true).singletonOrThrow();
        return pred.sub(part.y()).square().sum().div(batchSize * 15.0);
    }

    /** MSE over a whole split (every system, the last batch possibly smaller), without gradients. */
    private static double evaluate(Trainer trainer, String name, Data d, int batchSize) {
        int[] idx = SampleOrder.identity(d.size());
        double sum = 0;
        for (int s = 0; s < d.size(); s += batchSize) {
            int count = Math.min(batchSize, d.size() - s);
            try (NDScope scope = new NDScope()) {
                Batch b = d.batch(trainer.getManager(), idx, s, count);
                NDArray pred = trainer.evaluate(input(name, GraphTopology.fullyConnected(5, count), b)).singletonOrThrow();
                sum += pred.sub(b.y()).square().sum().getFloat();
            }
        }
        return sum / (d.size() * 15.0);
    }

    /** max |f(Qx + t, Qv) − (Q f(x, v) + t)| / max |f(x, v)| over 4 random orthogonal Q (2 reflections) and translations t. */
    private static double equivarianceError(Trainer trainer, String name, Data d, int batchSize, long seed) {
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5eed);
        GraphTopology topology = GraphTopology.fullyConnected(5, batchSize);
        double worst = 0;
        for (int trial = 0; trial < 4; trial++) {
            try (NDScope scope = new NDScope()) {
                NDManager m = trainer.getManager();
                Batch b = d.batch(m, SampleOrder.identity(d.size()), 0, batchSize);
                double[][] q = Rotations.randomMatrix(rng);
                if (trial % 2 == 1) {
                    for (double[] row : q) {
                        row[0] = -row[0];
                    }
                }
                float[] qt = new float[9];
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        qt[j * 3 + i] = (float) q[i][j];
                    }
                }
                NDArray qT = m.create(qt, new Shape(3, 3));
                NDArray shift = m.create(new float[] {(float) rng.nextDouble(-2, 2), (float) rng.nextDouble(-2, 2),
                        (float) rng.nextDouble(-2, 2)}, new Shape(1, 3));
                NDArray out = trainer.evaluate(input(name, topology, b)).singletonOrThrow();
                Batch moved = new Batch(b.x().matMul(qT).add(shift), b.v().matMul(qT), b.q(), b.y());
                NDArray outMoved = trainer.evaluate(input(name, topology, moved)).singletonOrThrow();
                NDArray expected = out.matMul(qT).add(shift);
                double err = outMoved.sub(expected).abs().max().getFloat() / out.abs().max().getFloat();
                worst = Math.max(worst, err);
            }
        }
        return worst;
    }

    /** Converts a run to the shared results schema. */
    public static Results.ModelResult toResult(Run r) {
        java.util.Map<String, Double> metrics = new java.util.LinkedHashMap<>();
        metrics.put("test_mse", r.testMse());
        metrics.put("valid_mse", r.validMse());
        metrics.put("best_epoch", (double) r.bestEpoch());
        metrics.put("equivariance_error", r.equivarianceError());
        return new Results.ModelResult(r.name(), r.params(), r.secondsPerEpoch(), r.epochs(), metrics);
    }

}

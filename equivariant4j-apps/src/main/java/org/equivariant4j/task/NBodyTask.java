package org.equivariant4j.task;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;
import org.equivariant4j.data.NBodyDataset;
import org.equivariant4j.data.Npy;
import org.equivariant4j.model.LinearVelocityModel;
import org.equivariant4j.model.NBodyGraphs;
import org.equivariant4j.nn.graph.EgnnModel;
import org.equivariant4j.nn.graph.GnnModel;
import org.equivariant4j.nn.graph.GraphTopology;
import org.equivariant4j.nn.graph.SegnnIrreps;
import org.equivariant4j.nn.graph.SegnnModel;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.PathNormalization;
import org.equivariant4j.nn.ops.ParameterCounts;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.nn.ops.TorchGenerator;
import org.equivariant4j.nn.testing.Equivariance;
import org.equivariant4j.nn.testing.EuclideanMotion;

/**
 * The charged N-body benchmark of the EGNN paper: predict the positions of n charged particles 1.0 time units ahead
 * from their positions, velocities and charges (frames 30 → 40 of {@link NBodyDataset}; n is whatever the data holds,
 * 5 in the benchmark).
 *
 * <p>Models ({@link #DEFINITION}): {@code egnn} (E(n)-equivariant, 4 layers × 64), {@code segnn} (steerable
 * E(3)-equivariant, 4 layers of {@code 32x0e+32x1o} steered by spherical harmonics l ≤ 1 of relative positions and
 * velocities, predicting the displacement), {@code segnn-ref} (the same network on its reference code's input, which
 * centres each particle on the mean of its own three coordinates: not equivariant, but what the published runs
 * measured; {@link NBodyGraphs#segnnReference}), {@code gnn} (non-equivariant message passing on [x, v]), {@code linear}
 * (x + t·v with t fitted by least squares on the training set), {@code ponita} (message passing lifted to
 * position–orientation space, {@link org.equivariant4j.nn.lifted.PonitaModel}) and {@code ponita-se3} (the same layers
 * lifted to SE(3) itself). The neural
 * models train with the shared {@link TrainingRecipe}: Adam, learning rate 5e-4, weight decay 1e-12, batch 100, MSE over
 * all coordinates, validation every {@code evalInterval} epochs; the model of the best validation epoch is tested.
 *
 * <p>Metrics: {@code test_mse} (of the best validation epoch's model), {@code valid_mse} (best), {@code best_epoch},
 * {@code equivariance_error} ({@link Equivariance#check} with {@link EuclideanMotion}: max |f(gx) − g f(x)| / max |g f(x)|
 * over 4 random rotations and reflections with translations, on up to one batch of test systems, float32; 0 up to
 * rounding for {@code linear}).
 *
 * <p>{@code predict} input ({@link #DEFINITION}): an {@code .npy} array (S, n, 7) of S systems of n ≥ 2 particles,
 * each x, y, z, vx, vy, vz, charge (float32 or float64); output: the predicted positions (S, n, 3), float32.
 */
public final class NBodyTask {
    /** The task's name. */
    public static final String NAME = "nbody";
    /** The model names. */
    public static final List<String> MODELS = List.of("linear", "gnn", "egnn", "segnn", "segnn-ref", "ponita", "ponita-se3");
    /** The models {@code all} trains, in that order (SEGNN and the lifted models are left out to keep the default run short). */
    public static final List<String> DEFAULT_MODELS = List.of("linear", "gnn", "egnn");
    /** Width and depth of the neural models (the paper's). */
    public static final int HIDDEN = 64;
    public static final int LAYERS = 4;
    /** SEGNN's degree of the attributes and of the hidden features (the reference's N-body run). */
    public static final int SEGNN_LMAX = 1;
    /**
     * SEGNN's tensor-product normalisation: e3nn 0.3.5's, every path into an output weighted alike, which the paper's
     * runs used (e3nn 0.4.0 appeared the week of the preprint; see {@link SegnnModel.Builder#pathNormalization}).
     * Measured (README): test MSE 0.00489 and 0.00468 under the published protocol (seeds 1, 2) against 0.00523 and
     * 0.00485 with e3nn 0.4's element normalisation; in the 60-epoch default run 0.00593 against 0.00609 (means of seeds
     * 1-3).
     */
    public static final PathNormalization SEGNN_PATHS = PathNormalization.PATH;
    /** Values per particle in a {@code predict} input: x, y, z, vx, vy, vz, charge. */
    public static final int INPUT_COLUMNS = 7;
    /** Systems per inference batch. */
    static final int EVAL_BATCH = 100;
    /** The task's models, its input and its predictions. */
    public static final TaskDefinition DEFINITION = new Definition();

    private NBodyTask() {}

    /**
     * SEGNN as in the reference's N-body run ({@code segnn} and {@code segnn-ref}): 2x1o+1x0e in, 64 features
     * weight-balanced over l ≤ 1, 4 layers, no norm, edge scalars distance and q_iq_j, node attributes with the velocity's
     * harmonics, e3nn 0.3.5's path normalisation, 1x1o out; not yet seeded.
     */
    static SegnnModel.Builder segnnBuilder() {
        return SegnnModel.builder(NBodyGraphs.SEGNN_NODE_FEATURES, segnnHidden(), Irreps.parse("1x1o"))
                .lmaxAttributes(SEGNN_LMAX).layers(LAYERS).edgeScalars(NBodyGraphs.SEGNN_EDGE_SCALARS).distance(true)
                .vectorAttributes(true).pathNormalization(SEGNN_PATHS);
    }

    /** SEGNN's hidden irreps: {@link #HIDDEN} features weight-balanced over l ≤ {@link #SEGNN_LMAX} (32x0e+32x1o). */
    static Irreps segnnHidden() {
        return SegnnIrreps.weightBalanced(HIDDEN, Irreps.sphericalHarmonics(SEGNN_LMAX), SEGNN_LMAX);
    }

    /** The SEGNN of {@link #segnnBuilder}, initialised (float32) as {@code init} draws it with this seed. */
    static Block segnnModel(long seed, InitialWeights init, NDManager m) {
        SegnnModel.Builder b = segnnBuilder().seed(seed);
        if (init == InitialWeights.TORCH) {
            // as the reference's main.py: torch.manual_seed (42 in train_nbody.py), WeightBalancedIrreps, then SEGNN
            TorchGenerator g = new TorchGenerator(seed);
            SegnnIrreps.weightBalanced(HIDDEN, Irreps.sphericalHarmonics(SEGNN_LMAX), SEGNN_LMAX, g);
            b.referenceDraws(g);
        }
        SegnnModel model = b.build();
        model.initialize(m, DataType.FLOAT32, new Shape(2, NBodyGraphs.SEGNN_NODE_FEATURES.dim()));
        return model;
    }

    /** The epochs of a model's published run: 1000 for SEGNN (its paper), 10000 for the others (the EGNN paper). */
    public static int publishedEpochs(String model) {
        return model.startsWith("segnn") ? 1000 : 10_000;
    }

    /** Where a neural model's initial weights come from. */
    public enum InitialWeights {
        /** Java generators seeded with the run's seed (every model). */
        JAVA,
        /**
         * PyTorch's generator after {@code torch.manual_seed(seed)}, drawn value for value as SEGNN's reference N-body
         * run draws them (its weight-balanced irreps search, then its layers; {@code segnn} and {@code segnn-ref} only):
         * seed 42 starts where the published run started.
         */
        TORCH;

        /** The name in options, results and model cards: {@code java}, {@code torch}. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The models whose initial weights this draw can make (the linear model is fitted and draws none). */
        public boolean applies(String model) {
            return this == JAVA || model.startsWith("segnn") || "linear".equals(model);
        }
    }

    /** The Adam settings of the EGNN paper for the neural models (SEGNN's paper uses the same). */
    public static TrainingSettings settings(int epochs, long seed, int evalInterval, int workers) {
        return new TrainingSettings(epochs, 100, seed, 5e-4, TrainingSettings.Schedule.CONSTANT, 1e-12, evalInterval, false,
                workers);
    }

    /**
     * The three splits of a run and where they came from.
     *
     * @param source the data folder or cache, for model cards
     */
    public record Splits(NBodyDataset.Split train, NBodyDataset.Split valid, NBodyDataset.Split test, String source) {
        public Splits {
            for (NBodyDataset.Split s : new NBodyDataset.Split[] {train, valid, test}) {
                if (s.size() < 1) {
                    throw new IllegalArgumentException("every split needs at least one system; got train " + train.size()
                            + ", valid " + valid.size() + ", test " + test.size());
                }
            }
            if (train.numParticles() < 2) {
                throw new IllegalArgumentException("the N-body models need systems of at least 2 particles, the data has "
                        + train.numParticles());
            }
        }

        /** Sizes, particles and a CRC-32C of every sample value: what a model card and a checkpoint record. */
        Map<String, Object> describe() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("source", source);
            d.put("particles", train.numParticles());
            d.put("frames", train.inputFrame() + " -> " + train.targetFrame());
            d.put("train", train.size());
            d.put("valid", valid.size());
            d.put("test", test.size());
            CRC32C crc = new CRC32C();
            for (NBodyDataset.Split s : new NBodyDataset.Split[] {train, valid, test}) {
                Samples.of(s).update(crc);
            }
            d.put("crc32c", String.format(Locale.ROOT, "%08x", crc.getValue()));
            return d;
        }
    }

    /**
     * Samples as float arrays: positions x, velocities v and targets y (S, n, 3), charges q (S, n); y is null for
     * {@code predict} inputs.
     */
    record Samples(int size, int particles, float[] x, float[] v, float[] q, float[] y) {
        static Samples of(NBodyDataset.Split s) {
            return new Samples(s.size(), s.numParticles(), s.inputPositions(), s.inputVelocities(), s.charges(),
                    s.targetPositions());
        }

        /** From a {@code predict} input (S, n, 7). */
        static Samples fromInput(Npy.NpyArray a) {
            int[] shape = a.shape();
            float[] in = a.asFloats();
            int s = shape[0];
            int n = shape[1];
            float[] x = new float[s * n * 3];
            float[] v = new float[s * n * 3];
            float[] q = new float[s * n];
            for (int i = 0; i < s * n; i++) {
                for (int c = 0; c < 3; c++) {
                    x[3 * i + c] = in[INPUT_COLUMNS * i + c];
                    v[3 * i + c] = in[INPUT_COLUMNS * i + 3 + c];
                }
                q[i] = in[INPUT_COLUMNS * i + 6];
            }
            return new Samples(s, n, x, v, q, null);
        }

        /** The first {@code count} systems as a {@code predict} input (S, n, 7). */
        Npy.NpyArray inputArray(int count) {
            int n = particles;
            float[] out = new float[count * n * INPUT_COLUMNS];
            for (int i = 0; i < count * n; i++) {
                for (int c = 0; c < 3; c++) {
                    out[INPUT_COLUMNS * i + c] = x[3 * i + c];
                    out[INPUT_COLUMNS * i + 3 + c] = v[3 * i + c];
                }
                out[INPUT_COLUMNS * i + 6] = q[i];
            }
            return Npy.NpyArray.of(out, count, n, INPUT_COLUMNS);
        }

        void update(CRC32C crc) {
            for (float[] a : new float[][] {x, v, q, y}) {
                ByteBuffer b = ByteBuffer.allocate(4 * a.length);
                b.asFloatBuffer().put(a);
                crc.update(b.array());
            }
        }

        /** Systems order[from], …, order[from + count − 1] as one batch of count·n nodes. */
        Batch batch(NDManager m, int[] order, int from, int count) {
            int n = particles;
            float[] bx = new float[count * n * 3];
            float[] bv = new float[count * n * 3];
            float[] bq = new float[count * n];
            float[] by = y == null ? null : new float[count * n * 3];
            for (int k = 0; k < count; k++) {
                int s = order[from + k];
                System.arraycopy(x, s * n * 3, bx, k * n * 3, n * 3);
                System.arraycopy(v, s * n * 3, bv, k * n * 3, n * 3);
                System.arraycopy(q, s * n, bq, k * n, n);
                if (by != null) {
                    System.arraycopy(y, s * n * 3, by, k * n * 3, n * 3);
                }
            }
            Shape nodes = new Shape((long) count * n, 3);
            return new Batch(count, m.create(bx, nodes), m.create(bv, nodes), m.create(bq, new Shape((long) count * n, 1)),
                    by == null ? null : m.create(by, nodes));
        }
    }

    /** A batch: count systems, x, v, y [count·n, 3], q [count·n, 1]. */
    record Batch(int systems, NDArray x, NDArray v, NDArray q, NDArray y) {}

    /** A model's forward pass on N-body arrays. */
    @FunctionalInterface
    interface Forward {
        NDArray apply(Block block, ParameterStore ps, GraphTopology topology, NDArray x, NDArray v, NDArray q, boolean training);
    }

    /** Each model's forward pass: EGNN and GNN through their graph layouts, linear on [x, v]. */
    static Forward forward(String model) {
        return switch (model) {
            case "egnn" -> (b, ps, t, x, v, q, tr) -> b.forward(ps, NBodyGraphs.egnn(t, x, v, q).toNDList(), tr).singletonOrThrow();
            case "gnn" -> (b, ps, t, x, v, q, tr) -> b.forward(ps, NBodyGraphs.gnn(t, x, v, q).toNDList(), tr).singletonOrThrow();
            // SEGNN predicts the displacement (as its reference code since commit 31b9b20)
            case "segnn" -> (b, ps, t, x, v, q, tr) -> x.add(((SegnnModel) b).forward(ps, NBodyGraphs.segnn(t, x, v, q), tr));
            case "segnn-ref" -> (b, ps, t, x, v, q, tr) -> x.add(((SegnnModel) b)
                    .forward(ps, NBodyGraphs.segnnReference(t, x, v, q), tr));
            case "ponita", "ponita-se3" -> (b, ps, t, x, v, q, tr) -> x.add(b.forward(ps, NBodyGraphs.ponita(t, x, v, q).toNDList(), tr)
                    .singletonOrThrow());
            case "linear" -> (b, ps, t, x, v, q, tr) -> b.forward(ps, new NDList(x, v), tr).singletonOrThrow();
            default -> throw new IllegalArgumentException("unknown " + NAME + " model '" + model + "'; expected one of " + MODELS);
        };
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
     * @param testMse           test MSE of the best epoch's model
     * @param equivarianceError see the class doc
     * @param curveEpochs       epochs at which validation ran
     * @param trainCurve        mean training loss of those epochs
     * @param validCurve        validation MSE at those epochs
     * @param resumed           whether training continued from a checkpoint
     */
    public record Run(String name, long params, double secondsPerEpoch, int epochs, int bestEpoch, double validMse,
            double testMse, double equivarianceError, double[] curveEpochs, double[] trainCurve, double[] validCurve,
            boolean resumed) {}

    /** Fits t in x + t·v by least squares on the training split, evaluates it and (with a folder) saves it. */
    public static Run linear(Splits data, long seed, Path saveDir) {
        Samples tr = Samples.of(data.train());
        double num = 0;
        double den = 0;
        for (int i = 0; i < tr.x().length; i++) {
            num += (double) tr.v()[i] * (tr.y()[i] - tr.x()[i]);
            den += (double) tr.v()[i] * tr.v()[i];
        }
        if (!(den > 0)) {
            throw new IllegalArgumentException("the linear model x + t·v needs non-zero training velocities");
        }
        double t = num / den;
        ModelSpec spec = DEFINITION.model("linear");
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = spec.create(seed, m);
            Parameter p = block.getParameters().get(0).getValue();
            try (NDArray fitted = m.create(new float[] {(float) t})) {
                p.getArray().set(new ai.djl.ndarray.index.NDIndex("..."), fitted);
            }
            ParameterStore ps = new ParameterStore(m, false);
            Forward f = forward("linear");
            double trainMse = mse(block, ps, m, f, tr);
            double validMse = mse(block, ps, m, f, Samples.of(data.valid()));
            double testMse = mse(block, ps, m, f, Samples.of(data.test()));
            double eq = equivarianceError(block, ps, m, f, Samples.of(data.test()), seed);
            Run run = new Run("linear", ParameterCounts.learnable(block), 0, 0, 0, validMse, testMse, eq, new double[] {0},
                    new double[] {trainMse}, new double[] {validMse}, false);
            if (saveDir != null) {
                save(saveDir, spec, block, m, data, run, null, seed, InitialWeights.JAVA);
            }
            return run;
        }
    }

    /**
     * Trains a neural model with the shared recipe, tests the best epoch's model, and (with a folder) saves it.
     *
     * @param checkpointing checkpoint file and stop signal, or null
     * @param saveDir       where to save the model (its folder), or null
     */
    public static Run train(String name, Splits data, TrainingSettings settings, TrainingRecipe.Listener listener,
            TrainingRecipe.Checkpointing checkpointing, Path saveDir) {
        return train(name, data, settings, InitialWeights.JAVA, listener, checkpointing, saveDir);
    }

    /**
     * As {@link #train(String, Splits, TrainingSettings, TrainingRecipe.Listener, TrainingRecipe.Checkpointing, Path)},
     * the initial weights drawn as {@code init} says.
     *
     * @throws IllegalArgumentException when {@code init} does not apply to the model
     */
    public static Run train(String name, Splits data, TrainingSettings settings, InitialWeights init,
            TrainingRecipe.Listener listener, TrainingRecipe.Checkpointing checkpointing, Path saveDir) {
        ModelSpec spec = DEFINITION.model(name);
        if ("linear".equals(name)) {
            throw new IllegalArgumentException("the linear model is fitted, not trained: use NBodyTask.linear");
        }
        if (!init.applies(name)) {
            throw new IllegalArgumentException("initial weights " + init.key() + " apply to segnn and segnn-ref only, not to "
                    + name);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = init == InitialWeights.JAVA ? spec.create(settings.seed(), m)
                    : segnnModel(settings.seed(), init, m);
            Learner learner = new Learner(name, block, data, settings, init);
            TrainingOutcome out = TrainingRecipe.train(name, learner, settings, listener, checkpointing);
            ParameterStore ps = new ParameterStore(m, false);
            Forward f = forward(name);
            Samples test = Samples.of(data.test());
            double testMse = mse(block, ps, m, f, test);
            double eq = equivarianceError(block, ps, m, f, test, settings.seed());
            Run run = new Run(name, ParameterCounts.learnable(block), out.secondsPerEpoch(), out.epochs(), out.bestEpoch(),
                    out.bestScore(), testMse, eq, out.curveEpochsArray(), out.trainCurveArray(), out.validCurveArray(),
                    out.resumed());
            if (saveDir != null) {
                save(saveDir, spec, block, m, data, run, settings, settings.seed(), init);
            }
            return run;
        }
    }

    /** The neural models as the recipe trains them. */
    private static final class Learner implements Trainable {
        private final String name;
        private final Block block;
        private final Samples train;
        private final Samples valid;
        private final Forward forward;
        private final Map<String, Object> identity;
        /** Topologies by systems per batch (the full batch, the workers' slices, the last evaluation batch). */
        private final Map<Integer, GraphTopology> topologies = new ConcurrentHashMap<>();

        Learner(String name, Block block, Splits data, TrainingSettings s, InitialWeights init) {
            this.name = name;
            this.block = block;
            this.train = Samples.of(data.train());
            this.valid = Samples.of(data.valid());
            this.forward = forward(name);
            this.identity = new LinkedHashMap<>();
            identity.put("task", NAME);
            identity.put("model", name);
            identity.put("data", data.describe());
            if (init != InitialWeights.JAVA) {
                identity.put("initial_weights", init.key());
            }
        }

        @Override
        public Block block() {
            return block;
        }

        @Override
        public int trainingSamples() {
            return train.size();
        }

        @Override
        public NDArray loss(ParameterStore ps, NDManager m, int[] order, int from, int count, int batchSize) {
            Batch b = train.batch(m, order, from, count);
            GraphTopology t = topologies.computeIfAbsent(count, k -> GraphTopology.fullyConnected(train.particles(), k));
            NDArray pred = forward.apply(block, ps, t, b.x(), b.v(), b.q(), true);
            // a recorded division by a scalar the engine owns (Tensors.scalar: DJL's div(double) borrows a freed buffer)
            NDArray sq = pred.sub(b.y()).square().sum();
            return sq.div(Tensors.scalar(sq, (double) batchSize * train.particles() * 3));
        }

        @Override
        public double validate(ParameterStore ps, NDManager m) {
            return mse(block, ps, m, forward, valid);
        }

        @Override
        public Map<String, Object> identity() {
            return identity;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** MSE over all coordinates of every system of a split (inference, batches of {@value #EVAL_BATCH}). */
    static double mse(Block block, ParameterStore ps, NDManager m, Forward f, Samples d) {
        int[] idx = SampleOrder.identity(d.size());
        double sum = 0;
        for (int s = 0; s < d.size(); s += EVAL_BATCH) {
            int count = Math.min(EVAL_BATCH, d.size() - s);
            try (NDScope scope = new NDScope()) {
                Batch b = d.batch(m, idx, s, count);
                NDArray pred = f.apply(block, ps, GraphTopology.fullyConnected(d.particles(), count), b.x(), b.v(), b.q(), false);
                sum += pred.sub(b.y()).square().sum().getFloat();
            }
        }
        return sum / ((double) d.size() * d.particles() * 3);
    }

    /** See the class doc: 4 random orthogonal maps (2 reflections) with translations in ±2, up to one batch of systems. */
    static double equivarianceError(Block block, ParameterStore ps, NDManager m, Forward f, Samples d, long seed) {
        int count = Math.min(EVAL_BATCH, d.size());
        GraphTopology topology = GraphTopology.fullyConnected(d.particles(), count);
        List<EuclideanMotion> motions = EuclideanMotion.randomElements(4, 2.0, new SplittableRandom(seed ^ 0x5eed));
        try (NDScope scope = new NDScope()) {
            Batch b = d.batch(m, SampleOrder.identity(d.size()), 0, count);
            Equivariance.Report r = Equivariance.check(in -> f.apply(block, ps, topology, in.get(0), in.get(1), in.get(2), false),
                    List.of(EuclideanMotion.onPositions(), EuclideanMotion.onVectors(), Equivariance.invariant()),
                    EuclideanMotion.onPositions(), motions, new NDList(b.x(), b.v(), b.q()));
            return r.maxRelativeError();
        }
    }

    private static void save(Path dir, ModelSpec spec, Block block, NDManager m, Splits data, Run run,
            TrainingSettings settings, long seed, InitialWeights init) {
        Samples test = Samples.of(data.test());
        Npy.NpyArray example = test.inputArray(Math.min(EVAL_BATCH, test.size()));
        Npy.NpyArray predictions = DEFINITION.predict(spec, block, m, example);
        Map<String, Object> training = settings != null ? ModelCard.training(settings, run.epochs(), run.bestEpoch(), run.resumed())
                : ModelSpec.ordered("fit", "least squares of t on the training split");
        if (init != InitialWeights.JAVA) {
            training.put("initial_weights", init.key());
        }
        ModelCard card = ModelCard.of(spec, run.params(), seed, data.describe(), training, toResult(run).metrics(),
                DEFINITION.inputOutput(ModelSpec.ordered("particles_trained", data.train().numParticles())),
                ModelSpec.ordered("content", "predicted positions", "shape", "(S, n, 3)", "format", "float32 .npy"));
        SavedModel.save(dir, card, block, DEFINITION, example, predictions);
    }

    /** Converts a run to the shared results schema. */
    public static Results.ModelResult toResult(Run r) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("test_mse", r.testMse());
        metrics.put("valid_mse", r.validMse());
        metrics.put("best_epoch", (double) r.bestEpoch());
        metrics.put("equivariance_error", r.equivarianceError());
        return new Results.ModelResult(r.name(), r.params(), r.secondsPerEpoch(), r.epochs(), metrics);
    }

    /** The task's models and its {@code predict} input and output. */
    private static final class Definition implements TaskDefinition {
        private final List<ModelSpec> models = List.of(
                new ModelSpec(NAME, "linear", "x + t·v, t fitted by least squares", ModelSpec.ordered("formula", "x + t*v"),
                        ModelSpec.ordered("group", "E(3)", "input", "positions x (1x1o, translating), velocities v (1x1o)",
                                "output", "positions (1x1o, translating)"),
                        (seed, m) -> {
                            Block b = new LinearVelocityModel();
                            b.initialize(m, DataType.FLOAT32, new Shape(1, 3), new Shape(1, 3));
                            return b;
                        }),
                new ModelSpec(NAME, "gnn", "message passing on [x, v], not equivariant (the EGNN paper's GNN baseline)",
                        ModelSpec.ordered("hidden", HIDDEN, "layers", LAYERS, "node_features", NBodyGraphs.GNN_NODE_FEATURES,
                                "edge_attributes", NBodyGraphs.GNN_EDGE_ATTRIBUTES, "outputs", 3),
                        ModelSpec.ordered("group", "none (permutations of the particles only)",
                                "input", "node features [x, v] (6 plain numbers), edge attribute q_i q_j",
                                "output", "positions (3 plain numbers)"),
                        (seed, m) -> {
                            Engine.getInstance().setRandomSeed((int) seed);
                            Block b = new GnnModel(NBodyGraphs.GNN_NODE_FEATURES, HIDDEN, LAYERS, NBodyGraphs.GNN_EDGE_ATTRIBUTES, 3);
                            b.initialize(m, DataType.FLOAT32, new Shape(2, NBodyGraphs.GNN_NODE_FEATURES), new Shape(2, 3));
                            return b;
                        }),
                new ModelSpec(NAME, "egnn", "E(n)-equivariant graph network (EGNN_vel of Satorras et al.)",
                        ModelSpec.ordered("hidden", HIDDEN, "layers", LAYERS, "node_features", NBodyGraphs.EGNN_NODE_FEATURES,
                                "edge_attributes", NBodyGraphs.EGNN_EDGE_ATTRIBUTES),
                        ModelSpec.ordered("group", "E(3) x S_n",
                                "input", "node feature |v| (1x0e), velocities v (1x1o), positions x (1x1o, translating),"
                                        + " edge attributes q_i q_j and |x_i - x_j|^2 (2x0e)",
                                "hidden", "64x0e per node; positions (1x1o) updated per layer",
                                "output", "positions (1x1o, translating)"),
                        (seed, m) -> {
                            Engine.getInstance().setRandomSeed((int) seed);
                            Block b = EgnnModel.builder(NBodyGraphs.EGNN_NODE_FEATURES, NBodyGraphs.EGNN_EDGE_ATTRIBUTES)
                                    .hidden(HIDDEN).layers(LAYERS).build();
                            b.initialize(m, DataType.FLOAT32, new Shape(2, 1), new Shape(2, 3));
                            return b;
                        }),
                segnn("segnn", "steerable E(3)-equivariant graph network (SEGNN_G+P of Brandstetter et al.)", "x - centroid",
                        "E(3) x S_n"),
                segnn("segnn-ref", "SEGNN_G+P on its reference code's input (each particle centred on the mean of its own"
                        + " x, y, z; not equivariant, as the published runs)", "x - mean(x, y, z) of each particle",
                        "none: S_n only (the per-particle coordinate mean breaks rotations and translations)"),
                Ponita.SPHERE, Ponita.ROTATIONS);

        /**
         * SEGNN as in the reference's N-body run: 64 features weight-balanced over l ≤ 1, 4 layers, no norm; {@code
         * centring} names how the positions enter the node features, {@code group} what the model respects.
         */
        private static ModelSpec segnn(String name, String description, String centring, String group) {
            Irreps attributes = Irreps.sphericalHarmonics(SEGNN_LMAX);
            Irreps hidden = segnnHidden();
            return new ModelSpec(NAME, name, description,
                    ModelSpec.ordered("hidden_features", HIDDEN, "hidden_irreps", hidden.toString(), "lmax_attributes",
                            SEGNN_LMAX, "layers", LAYERS, "node_features", NBodyGraphs.SEGNN_NODE_FEATURES.toString(),
                            "edge_scalars", "distance, q_i q_j", "norm", "none", "output", "x + 1x1o",
                            "path_normalization", SEGNN_PATHS + " (e3nn 0.3.5, as the paper ran)"),
                    ModelSpec.ordered("group", group,
                            "input", "node features " + centring + ", v, |v| (2x1o+1x0e), positions (translating), velocities"
                                    + " (1x1o), edge scalars |x_j - x_i| and q_i q_j (2x0e)",
                            "attributes", "edges: Y(x_j - x_i) (" + attributes + "); nodes: their mean plus Y(v)",
                            "hidden", hidden + " per node",
                            "output", "displacement (1x1o) added to the positions"),
                    (seed, m) -> NBodyTask.segnnModel(seed, InitialWeights.JAVA, m));
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public List<ModelSpec> models() {
            return models;
        }

        @Override
        public Map<String, Object> inputOutput(Map<String, Object> cardInput) {
            Map<String, Object> in = new LinkedHashMap<>(cardInput);
            in.put("format", ".npy (S, n, 7), float32 or float64: per particle x, y, z, vx, vy, vz, charge; any n >= 2");
            return in;
        }

        @Override
        public TableLayout tableLayout(Map<String, Object> cardInput) {
            return TableLayout.perItem(
                    List.of(TableLayout.Column.perItem("positions", TableLayout.ElementType.FLOAT, 3,
                                    "x, y, z of each particle, particle after particle"),
                            TableLayout.Column.perItem("velocities", TableLayout.ElementType.FLOAT, 3,
                                    "vx, vy, vz of each particle"),
                            TableLayout.Column.perItem("charges", TableLayout.ElementType.FLOAT, 1, "charge of each particle")),
                    List.of(TableLayout.Column.perItem("predicted_positions", TableLayout.ElementType.FLOAT, 3,
                            "predicted x, y, z of each particle after the model's time span")),
                    2);
        }

        @Override
        public Npy.NpyArray readInput(Path file, Map<String, Object> cardInput) {
            Npy.NpyArray a = Npy.read(file);
            int[] s = a.shape();
            if (s.length != 3 || s[2] != INPUT_COLUMNS || s[0] < 1 || s[1] < 2) {
                throw new IllegalArgumentException(file + ": expected an N-body input of shape (S, n, 7) with S >= 1 systems of"
                        + " n >= 2 particles (x, y, z, vx, vy, vz, charge each), got shape " + Npy.shapeString(s));
            }
            if (a.dtype() != Npy.DType.FLOAT32 && a.dtype() != Npy.DType.FLOAT64) {
                throw new IllegalArgumentException(file + ": expected dtype '<f4' or '<f8', got '" + a.dtype().descr() + "'");
            }
            a.requireFinite(file);
            return Npy.NpyArray.of(a.asFloats(), s);
        }

        @Override
        public void writeInput(Path file, Npy.NpyArray input) {
            Npy.write(file, input);
        }

        @Override
        public String exampleInputName() {
            return "example_input.npy";
        }

        @Override
        public int predictBatch() {
            return EVAL_BATCH;
        }

        @Override
        public Npy.NpyArray predict(ModelSpec spec, Block block, NDManager manager, Npy.NpyArray input) {
            Samples d = Samples.fromInput(input);
            Forward f = forward(spec.name());
            ParameterStore ps = new ParameterStore(manager, false);
            float[] out = new float[d.size() * d.particles() * 3];
            int[] idx = SampleOrder.identity(d.size());
            for (int s = 0; s < d.size(); s += EVAL_BATCH) {
                int count = Math.min(EVAL_BATCH, d.size() - s);
                try (NDScope scope = new NDScope()) {
                    Batch b = d.batch(manager, idx, s, count);
                    float[] p = f.apply(block, ps, GraphTopology.fullyConnected(d.particles(), count), b.x(), b.v(), b.q(), false)
                            .toFloatArray();
                    System.arraycopy(p, 0, out, s * d.particles() * 3, p.length);
                }
            }
            return Npy.NpyArray.of(out, d.size(), d.particles(), 3);
        }
    }
}

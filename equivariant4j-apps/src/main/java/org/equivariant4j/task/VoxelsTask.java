package org.equivariant4j.task;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.equivariant4j.data.Npy;
import org.equivariant4j.data.VoxelShapes;
import org.equivariant4j.group.Groups;
import org.equivariant4j.model.VoxelModels;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.ops.ParameterCounts;
import org.equivariant4j.nn.testing.Equivariance;

/**
 * Rotated voxel shapes: train on polycubes in their canonical orientation (with a little noise), test on randomly
 * rotated copies. Only a rotation-equivariant model can generalise from one orientation to all.
 *
 * <h2>Data</h2> ({@link VoxelShapes}, 17³ Gaussian-blurred occupancy volumes, twelve classes with two mirror-image pairs)
 * <ul>
 *   <li>training: {@code trainPerClass} shapes per class in the canonical orientation, each cube centre jittered by
 *       N(0, 0.06²) cube sides and the whole shape shifted by N(0, 0.3²) voxels per axis;</li>
 *   <li>validation: {@code validPerClass} more, drawn the same way (canonical orientation, with noise), for choosing the
 *       best epoch;</li>
 *   <li>with {@code trainRotated}, the training and validation shapes are each rotated by a Haar-random rotation too
 *       (with the same noise), the usual data augmentation;</li>
 *   <li>test: {@code testPerClass} shapes per class, each rotated by its own Haar-random rotation, no noise, rendered from
 *       the rotated continuous geometry; also the same shapes in the canonical orientation;</li>
 *   <li>sweep: the first {@code sweepPerClass} test shapes of each class rotated about their own random axis by each angle
 *       of 0°, step, …, 180°.</li>
 * </ul>
 * All drawn from the seed (the data, the weights and the shuffling).
 *
 * <h2>Models</h2> ({@link VoxelModels}) {@code cnn} (plain 3-D CNN), {@code octa} (octahedral regular fields),
 * {@code so3} (invariant under rotations only: the whole volume's moments of degree l ≤ 2 from one steerable convolution,
 * two tensor-product layers, scalars and pseudoscalars read out), {@code o3} (O(3), fields of l ≤ 2 with both parities,
 * gated).
 *
 * <h2>Training</h2> The shared {@link TrainingRecipe}: Adam, cross-entropy, batch 16, learning rate 5e-3 decayed by a
 * cosine to 1 %, the epoch of the best validation accuracy kept.
 *
 * <h2>Metrics</h2> (snake_case, in the results JSON)
 * <ul>
 *   <li>{@code accuracy_rotated}: test accuracy on the randomly rotated shapes; {@code accuracy_canonical}: on the same
 *       shapes unrotated;</li>
 *   <li>{@code mirror_confusion}: the fraction of rotated test shapes of a mirror-image class classified as its mirror
 *       image; {@code other_errors}: the fraction of all rotated test shapes misclassified in any other way (an O(3)
 *       model cannot tell mirror images apart: for it the first is near ½, the second near 0);</li>
 *   <li>{@code invariance_error_cube}: max over the 24 cube rotations g (voxel permutations) of
 *       max |f(g·x) − f(x)| / max |f(x)| on the logits of a test batch (the models are invariant, so this is the
 *       equivariance error; exact symmetries of the grid, ~1e-6 for the equivariant models);</li>
 *   <li>{@code invariance_error_rotated}: the same over the random rotations of the test set, each shape rendered in both
 *       orientations from its continuous geometry (what discretisation leaves of the symmetry);</li>
 *   <li>{@code valid_accuracy}, {@code best_epoch}.</li>
 * </ul>
 */
public final class VoxelsTask {
    /** The task's name. */
    public static final String NAME = "voxels";
    /** The model names, in the order {@code all} trains them. */
    public static final List<String> MODELS = VoxelModels.NAMES;
    /** Channels of the plain CNN and scalar fields of the last equivariant layer. */
    public static final int WIDTH = 32;
    /** Training epochs of the default run. */
    public static final int EPOCHS = 8;
    /**
     * Training epochs of {@code so3} in the default run: its product layers learn more slowly than the convolutional
     * trunks (with 8 epochs at 5e-3 it left one class unlearned with seed 4, at 1e-2 with seed 1; 20 at 5e-3 fitted
     * seeds 1-10, README), and an epoch costs it about 3-4 s.
     */
    public static final int SO3_EPOCHS = 20;

    /** A model's epochs in the default run. */
    public static int defaultEpochs(String model) {
        return "so3".equals(model) ? SO3_EPOCHS : EPOCHS;
    }

    /** Hidden fields per equivariant model. */
    public static final Map<String, Integer> FIELDS = Map.of("cnn", 0, "octa", 2, "so3", 4, "o3", 3);
    /** Training noise: cube-centre jitter in cube sides. */
    public static final double JITTER = 0.06;
    /** Training noise: shape shift in voxels. */
    public static final double SHIFT = 0.3;
    private static final int EVAL_BATCH = 32;

    private VoxelsTask() {}

    /** The number of classes. */
    public static int classes() {
        return VoxelShapes.CLASSES.size();
    }

    /**
     * Settings of a run.
     *
     * @param epochs        training epochs
     * @param seed          seed of data, weights and shuffling
     * @param batchSize     shapes per training batch
     * @param learningRate  Adam's initial learning rate
     * @param trainPerClass training shapes per class
     * @param validPerClass validation shapes per class
     * @param testPerClass  test shapes per class
     * @param sweepPerClass shapes per class of the accuracy-against-angle sweep (0: no sweep)
     * @param angleStep     step of the sweep in degrees, in [1, 180]
     * @param trainRotated  whether the training and validation shapes are randomly rotated too (else canonical)
     */
    public record Config(int epochs, long seed, int batchSize, double learningRate, int trainPerClass, int validPerClass,
            int testPerClass, int sweepPerClass, double angleStep, boolean trainRotated) {
        public Config {
            if (epochs < 1) {
                throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
            }
            if (batchSize < 2) {
                throw new IllegalArgumentException("--batch-size must be >= 2, got " + batchSize);
            }
            if (!(learningRate > 0) || learningRate > 1 || !Double.isFinite(learningRate)) {
                throw new IllegalArgumentException("--lr must be a finite learning rate in (0, 1], got " + learningRate);
            }
            if (trainPerClass < 1 || validPerClass < 1 || testPerClass < 1 || sweepPerClass < 0) {
                throw new IllegalArgumentException("--train-per-class, --valid-per-class and --test-per-class must be >= 1 and"
                        + " --sweep-per-class >= 0, got " + trainPerClass + ", " + validPerClass + ", " + testPerClass + ", "
                        + sweepPerClass);
            }
            if (sweepPerClass > testPerClass) {
                throw new IllegalArgumentException("--sweep-per-class (" + sweepPerClass + ") cannot exceed --test-per-class ("
                        + testPerClass + ")");
            }
            if (trainPerClass * VoxelShapes.CLASSES.size() < batchSize) {
                throw new IllegalArgumentException("the training set (" + trainPerClass * VoxelShapes.CLASSES.size()
                        + " shapes) is smaller than one batch (--batch-size " + batchSize + ")");
            }
            if (!(angleStep >= 1 && angleStep <= 180)) {
                throw new IllegalArgumentException("--angle-step must be between 1 and 180 degrees, got " + angleStep);
            }
        }

        /** The same with another number of epochs. */
        public Config withEpochs(int n) {
            return new Config(n, seed, batchSize, learningRate, trainPerClass, validPerClass, testPerClass, sweepPerClass,
                    angleStep, trainRotated);
        }

        /** The shared recipe's settings: Adam with cosine decay to 1 %, validation after every epoch, one worker. */
        public TrainingSettings settings() {
            return new TrainingSettings(epochs, batchSize, seed, learningRate, TrainingSettings.Schedule.COSINE, 0, 1, true, 1);
        }
    }

    /**
     * The volumes of a run.
     *
     * @param train        canonical orientation with noise
     * @param valid        canonical orientation with noise
     * @param testRotated  each rotated by {@code rotations[i]}
     * @param testCanonical the same shapes unrotated
     * @param rotations    the test rotations (3×3 matrices)
     * @param sweepAngles  the sweep angles in degrees
     * @param sweep        per sweep angle, the sweep shapes rotated by it
     */
    public record Data(VoxelShapes.Volumes train, VoxelShapes.Volumes valid, VoxelShapes.Volumes testRotated,
            VoxelShapes.Volumes testCanonical, List<double[][]> rotations, double[] sweepAngles, List<VoxelShapes.Volumes> sweep) {
        /** Sizes and a CRC-32C of every volume: what a model card and a checkpoint record. */
        Map<String, Object> describe() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("source", "generated (VoxelShapes: " + VoxelShapes.CLASSES.size() + " polycube classes)");
            d.put("grid", train.size() + "x" + train.size() + "x" + train.size());
            d.put("train", train.count());
            d.put("valid", valid.count());
            d.put("test", testRotated.count());
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            for (VoxelShapes.Volumes v : new VoxelShapes.Volumes[] {train, valid, testRotated, testCanonical}) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * v.voxels().length);
                b.asFloatBuffer().put(v.voxels());
                crc.update(b.array());
            }
            d.put("crc32c", String.format(Locale.ROOT, "%08x", crc.getValue()));
            return d;
        }
    }

    /** Renders the data of a run (see the class doc). */
    public static Data prepare(Config cfg) {
        VoxelShapes.Rendering clean = VoxelShapes.Rendering.defaults();
        VoxelShapes.Rendering noisy = clean.withNoise(JITTER, SHIFT);
        VoxelShapes.Volumes train = VoxelShapes.generate(cfg.trainPerClass(), noisy, cfg.trainRotated(), cfg.seed() ^ 0x7A11L);
        VoxelShapes.Volumes valid = VoxelShapes.generate(cfg.validPerClass(), noisy, cfg.trainRotated(), cfg.seed() ^ 0x7A12L);
        int k = VoxelShapes.CLASSES.size();
        int n = cfg.testPerClass() * k;
        int d = clean.size();
        SplittableRandom rng = new SplittableRandom(cfg.seed() ^ 0x7E57L);
        // the noise and rotations are drawn in order, the volumes rasterised afterwards in parallel
        List<VoxelShapes.Placement> rotated = new ArrayList<>(n);
        List<VoxelShapes.Placement> canonical = new ArrayList<>(n);
        int[] labels = new int[n];
        List<double[][]> rotations = new ArrayList<>();
        double[][] identity = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        int sweepCount = cfg.sweepPerClass() * k;
        List<double[]> axes = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < cfg.testPerClass(); i++) {
                int at = c * cfg.testPerClass() + i;
                double[][] r = Groups.so3().random(rng).matrix();
                rotations.add(r);
                labels[at] = c;
                rotated.add(VoxelShapes.place(c, r, clean, rng));
                canonical.add(VoxelShapes.place(c, identity, clean, rng));
            }
        }
        int steps = (int) Math.floor(180 / cfg.angleStep() + 1e-9);
        double[] angles = new double[cfg.sweepPerClass() == 0 ? 0 : steps + 1];
        for (int s = 0; s < angles.length; s++) {
            angles[s] = s * cfg.angleStep();
        }
        for (int j = 0; j < sweepCount; j++) {
            axes.add(new double[] {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()});
        }
        List<VoxelShapes.Volumes> sweep = new ArrayList<>();
        for (double angle : angles) {
            List<VoxelShapes.Placement> placed = new ArrayList<>(sweepCount);
            int[] l = new int[sweepCount];
            for (int c = 0, j = 0; c < k; c++) {
                for (int i = 0; i < cfg.sweepPerClass(); i++, j++) {
                    double[][] r = VoxelShapes.rotation(axes.get(j), Math.toRadians(angle));
                    placed.add(VoxelShapes.place(c, r, clean, rng));
                    l[j] = c;
                }
            }
            sweep.add(new VoxelShapes.Volumes(sweepCount, d, VoxelShapes.rasterizeAll(placed, clean), l));
        }
        return new Data(train, valid, new VoxelShapes.Volumes(n, d, VoxelShapes.rasterizeAll(rotated, clean), labels),
                new VoxelShapes.Volumes(n, d, VoxelShapes.rasterizeAll(canonical, clean), labels.clone()), rotations, angles,
                sweep);
    }

    /**
     * What one model's run produced.
     *
     * @param name                  model name
     * @param params                learnable parameters
     * @param secondsPerEpoch       median seconds of a training epoch (without validation)
     * @param epochs                epochs trained
     * @param bestEpoch             epoch of the best validation accuracy (its parameters were tested)
     * @param validAccuracy         best validation accuracy
     * @param accuracyCanonical     test accuracy, canonical orientation
     * @param accuracyRotated       test accuracy, random rotations
     * @param confusion             confusion[true][predicted] counts on the rotated test shapes
     * @param mirrorConfusion       see the class doc
     * @param otherErrors           see the class doc
     * @param invarianceErrorCube   see the class doc
     * @param invarianceErrorRotated see the class doc
     * @param sweepAngles           degrees
     * @param sweepAccuracy         accuracy at each sweep angle
     * @param trainLoss             mean training loss of each epoch
     * @param validCurve            validation accuracy after each epoch
     * @param resumed               whether training continued from a checkpoint
     */
    public record Run(String name, long params, double secondsPerEpoch, int epochs, int bestEpoch, double validAccuracy,
            double accuracyCanonical, double accuracyRotated, int[][] confusion, double mirrorConfusion, double otherErrors,
            double invarianceErrorCube, double invarianceErrorRotated, double[] sweepAngles, double[] sweepAccuracy,
            double[] trainLoss, double[] validCurve, boolean resumed) {}

    /** Trains, tests and (with a folder) saves one model. */
    public static Run train(String name, Data data, Config cfg, TrainingRecipe.Listener listener,
            TrainingRecipe.Checkpointing checkpointing, Path saveDir) {
        ModelSpec spec = DEFINITION.model(name);
        TrainingSettings settings = cfg.settings();
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = spec.create(cfg.seed(), m);
            Learner learner = new Learner(name, block, data);
            TrainingOutcome out = TrainingRecipe.train(name, learner, settings, listener, checkpointing);
            ParameterStore ps = new ParameterStore(m, false);
            int[] predRotated = predictions(block, ps, m, data.testRotated());
            int[] predCanonical = predictions(block, ps, m, data.testCanonical());
            int k = classes();
            int[][] confusion = new int[k][k];
            int[] labels = data.testRotated().labels();
            for (int i = 0; i < labels.length; i++) {
                confusion[labels[i]][predRotated[i]]++;
            }
            double mirror = 0;
            double other = 0;
            int mirrored = 0;
            for (int i = 0; i < labels.length; i++) {
                String m1 = VoxelShapes.CLASSES.get(labels[i]).mirrorOf();
                if (m1 != null) {
                    mirrored++;
                    if (predRotated[i] == VoxelShapes.classIndex(m1)) {
                        mirror++;
                        continue;
                    }
                }
                if (predRotated[i] != labels[i]) {
                    other++;
                }
            }
            double[] sweepAcc = new double[data.sweepAngles().length];
            for (int s = 0; s < sweepAcc.length; s++) {
                sweepAcc[s] = accuracy(predictions(block, ps, m, data.sweep().get(s)), data.sweep().get(s).labels());
            }
            double cubeError = cubeInvarianceError(block, ps, m, data.testRotated());
            double rotatedError = rotationInvarianceError(block, ps, m, data);
            Run run = new Run(name, ParameterCounts.learnable(block), out.secondsPerEpoch(), out.epochs(), out.bestEpoch(),
                    out.bestScore(), accuracy(predCanonical, data.testCanonical().labels()), accuracy(predRotated, labels),
                    confusion, mirrored == 0 ? 0 : mirror / mirrored, other / labels.length, cubeError, rotatedError,
                    data.sweepAngles(), sweepAcc, out.trainCurveArray(), out.validCurveArray(), out.resumed());
            if (saveDir != null) {
                save(saveDir, spec, block, m, data, run, settings);
            }
            return run;
        }
    }

    /** Cross-entropy on the training shapes, accuracy on the validation shapes. */
    private static final class Learner implements Trainable {
        private final Block block;
        private final VoxelShapes.Volumes train;
        private final VoxelShapes.Volumes valid;
        private final Map<String, Object> identity = new LinkedHashMap<>();

        Learner(String name, Block block, Data data) {
            this.block = block;
            this.train = data.train();
            this.valid = data.valid();
            identity.put("task", NAME);
            identity.put("model", name);
            identity.put("data", data.describe());
        }

        @Override
        public Block block() {
            return block;
        }

        @Override
        public int trainingSamples() {
            return train.count();
        }

        @Override
        public NDArray loss(ParameterStore ps, NDManager m, int[] order, int from, int count, int batchSize) {
            NDArray x = batch(m, train, order, from, count);
            int[] y = new int[count];
            for (int k = 0; k < count; k++) {
                y[k] = train.labels()[order[from + k]];
            }
            NDArray logits = block.forward(ps, new NDList(x), true).singletonOrThrow();
            NDArray oneHot = m.create(y).toType(DataType.INT64, false).oneHot(classes(), logits.getDataType());
            NDArray l = logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).neg().mean();
            return count == batchSize ? l : l.mul((double) count / batchSize);
        }

        @Override
        public double validate(ParameterStore ps, NDManager m) {
            return accuracy(predictions(block, ps, m, valid), valid.labels());
        }

        @Override
        public Map<String, Object> identity() {
            return identity;
        }
    }

    /** Volumes order[from..from+n) as [n, 1, D, D, D]. */
    static NDArray batch(NDManager m, VoxelShapes.Volumes v, int[] order, int from, int n) {
        int vol = v.size() * v.size() * v.size();
        float[] x = new float[n * vol];
        for (int k = 0; k < n; k++) {
            System.arraycopy(v.voxels(), order[from + k] * vol, x, k * vol, vol);
        }
        return m.create(x, new Shape(n, 1, v.size(), v.size(), v.size()));
    }

    /** The logits of all volumes, [count, classes] row-major (inference mode, fixed batches). */
    static float[] logits(Block block, ParameterStore ps, NDManager m, VoxelShapes.Volumes v) {
        return outputs(block, ps, m, v, false);
    }

    /** The logits, or with {@code softmax} the class probabilities, of all volumes, [count, classes] row-major. */
    private static float[] outputs(Block block, ParameterStore ps, NDManager m, VoxelShapes.Volumes v, boolean softmax) {
        int[] order = SampleOrder.identity(v.count());
        int k = classes();
        float[] out = new float[v.count() * k];
        for (int from = 0; from < v.count(); from += EVAL_BATCH) {
            int n = Math.min(EVAL_BATCH, v.count() - from);
            try (NDScope scope = new NDScope()) {
                NDArray y = block.forward(ps, new NDList(batch(m, v, order, from, n)), false).singletonOrThrow();
                float[] l = (softmax ? y.softmax(1) : y).toFloatArray();
                System.arraycopy(l, 0, out, from * k, l.length);
            }
        }
        return out;
    }

    static int[] predictions(Block block, ParameterStore ps, NDManager m, VoxelShapes.Volumes v) {
        float[] l = logits(block, ps, m, v);
        int k = classes();
        int[] p = new int[v.count()];
        for (int i = 0; i < p.length; i++) {
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (l[i * k + c] > l[i * k + best]) {
                    best = c;
                }
            }
            p[i] = best;
        }
        return p;
    }

    static double accuracy(int[] predictions, int[] labels) {
        int c = 0;
        for (int i = 0; i < labels.length; i++) {
            c += predictions[i] == labels[i] ? 1 : 0;
        }
        return (double) c / labels.length;
    }

    /**
     * Max over the 24 cube rotations of max |f(g·x) − f(x)| / max |f(x)| on the first test batch ({@link Equivariance},
     * which frees each rotation's activations before the next).
     */
    static double cubeInvarianceError(Block block, ParameterStore ps, NDManager m, VoxelShapes.Volumes test) {
        GSpace so3 = org.equivariant4j.nn.field.GSpaces.rot3dOnR3();
        FieldType scalar = FieldType.of(so3, 1, so3.trivialRepr());
        int n = Math.min(EVAL_BATCH, test.count());
        try (NDScope scope = new NDScope()) {
            NDArray x = batch(m, test, SampleOrder.identity(test.count()), 0, n);
            return Equivariance.check(v -> block.forward(ps, new NDList(v), false).singletonOrThrow(),
                    Equivariance.onFields(scalar), Equivariance.invariant(), so3.gridElements(), x).maxRelativeError();
        }
    }

    /** Max |f(render(R·s)) − f(render(s))| / max |f(render(s))| over the first test batch's random rotations R. */
    static double rotationInvarianceError(Block block, ParameterStore ps, NDManager m, Data data) {
        int n = Math.min(EVAL_BATCH, data.testRotated().count());
        int[] order = SampleOrder.identity(n);
        try (NDScope scope = new NDScope()) {
            NDArray a = block.forward(ps, new NDList(batch(m, data.testRotated(), order, 0, n)), false).singletonOrThrow();
            NDArray b = block.forward(ps, new NDList(batch(m, data.testCanonical(), order, 0, n)), false).singletonOrThrow();
            return a.sub(b).abs().max().getFloat() / b.abs().max().getFloat();
        }
    }

    private static void save(Path dir, ModelSpec spec, Block block, NDManager m, Data data, Run run, TrainingSettings settings) {
        VoxelShapes.Volumes test = data.testRotated();
        int count = Math.min(24, test.count());
        int d = test.size();
        int vol = d * d * d;
        float[] ex = java.util.Arrays.copyOf(test.voxels(), count * vol);
        Npy.NpyArray exampleInput = Npy.NpyArray.of(ex, count, d, d, d);
        Npy.NpyArray predictions = DEFINITION.predict(spec, block, m, exampleInput);
        ModelCard card = ModelCard.of(spec, run.params(), settings.seed(), data.describe(),
                ModelCard.training(settings, run.epochs(), run.bestEpoch(), run.resumed()), toResult(run).metrics(),
                DEFINITION.inputOutput(ModelSpec.ordered("size", d)),
                ModelSpec.ordered("content", "class probabilities (softmax of the logits), classes "
                        + VoxelShapes.CLASSES.stream().map(VoxelShapes.ShapeClass::name).toList(), "shape", "(S, "
                        + classes() + ")", "format", "float32 .npy"));
        SavedModel.save(dir, card, block, DEFINITION, exampleInput, predictions);
    }

    /** Converts a run to the shared results schema. */
    public static Results.ModelResult toResult(Run r) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("accuracy_rotated", r.accuracyRotated());
        metrics.put("accuracy_canonical", r.accuracyCanonical());
        metrics.put("mirror_confusion", r.mirrorConfusion());
        metrics.put("other_errors", r.otherErrors());
        metrics.put("invariance_error_cube", r.invarianceErrorCube());
        metrics.put("invariance_error_rotated", r.invarianceErrorRotated());
        metrics.put("valid_accuracy", r.validAccuracy());
        metrics.put("best_epoch", (double) r.bestEpoch());
        return new Results.ModelResult(r.name(), r.params(), r.secondsPerEpoch(), r.epochs(), metrics);
    }

    /** The task's models, its input and its predictions. */
    public static final TaskDefinition DEFINITION = new Definition();

    static String groupName(String name) {
        return switch (name) {
            case "cnn" -> "translations only";
            case "octa" -> "octahedral group O (24 cube rotations)";
            case "so3" -> "SO(3)";
            case "o3" -> "O(3)";
            default -> name;
        };
    }

    static Map<String, String> symmetry(String name) {
        if ("cnn".equals(name)) {
            return ModelSpec.ordered("group", groupName(name), "input", "1 channel (occupancy)", "hidden", WIDTH + " channels",
                    "output", classes() + " logits");
        }
        return ModelSpec.ordered("group", groupName(name), "input", "1 trivial field (occupancy)", "hidden",
                VoxelModels.hiddenType(name, FIELDS.get(name)).toString(), "output", classes()
                        + " invariant logits (scalar fields, mean over space, linear)");
    }

    /** "(1o,1o), (2e,1o), …": the pair types of a product layer as the model card writes them. */
    private static String pairList(List<List<String>> pairs) {
        return pairs.stream().map(p -> "(" + String.join(",", p) + ")").collect(Collectors.joining(", "));
    }

    static Map<String, Object> architecture(String name) {
        Map<String, Object> c = new LinkedHashMap<>();
        int odd = VoxelModels.pseudoscalars(WIDTH);
        if ("so3".equals(name)) {
            int m = FIELDS.get(name);
            c.put("layout", "conv k" + VoxelShapes.Rendering.defaults().size() + " (the whole volume, rings every voxel of sigma "
                    + VoxelModels.SO3_RING_SIGMA + ", degree l from radius l) to " + 2 * m + " each of 0e, 1o, 2e, BN; conv k1 to "
                    + m + " pairs each of " + pairList(VoxelModels.SO3_FIRST_PAIRS) + ", tensor products up to l = 2, BN;"
                    + " conv k1 to " + m + " pairs each of " + pairList(VoxelModels.SO3_SECOND_PAIRS) + ","
                    + " invariant products, BN; conv k1 to " + (WIDTH - odd) + " scalars and " + odd + " pseudoscalars, BN,"
                    + " gated nonlinearity; linear");
        } else {
            String act = "o3".equals(name) ? "gated nonlinearity" : "ELU";
            c.put("layout", "conv k5, BN, " + act + ", blur-pool 2; conv k3, BN, " + act + ", blur-pool 2; conv k3 to " + WIDTH
                    + " scalars, BN, ELU; mean over space; linear");
        }
        c.put("width", WIDTH);
        c.put("fields", FIELDS.get(name));
        c.put("group", groupName(name));
        return c;
    }

    /** The models of {@link #MODELS}, an {@code .npy} of volumes as {@code predict} input, class probabilities out. */
    private static final class Definition implements TaskDefinition {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public List<ModelSpec> models() {
            return MODELS.stream().map(name -> new ModelSpec(NAME, name, "cnn".equals(name) ? "plain 3-D CNN"
                    : groupName(name) + "-equivariant steerable CNN (R3Conv)", architecture(name), symmetry(name),
                    (seed, m) -> {
                        Engine.getInstance().setRandomSeed((int) seed);
                        int d = VoxelShapes.Rendering.defaults().size();
                        Block b = VoxelModels.create(name, d, WIDTH, FIELDS.get(name), classes(), seed);
                        b.initialize(m, DataType.FLOAT32, new Shape(2, 1, d, d, d));
                        return b;
                    })).toList();
        }

        @Override
        public Map<String, Object> inputOutput(Map<String, Object> cardInput) {
            Map<String, Object> in = new LinkedHashMap<>(cardInput);
            in.put("format", "float32 or float64 .npy of shape (S, D, D, D): occupancy volumes in [0, 1], voxel (a, b, c) at x = c"
                    + " - (D-1)/2, y = (D-1)/2 - b, z = (D-1)/2 - a, D odd");
            return in;
        }

        @Override
        public TableLayout tableLayout(Map<String, Object> cardInput) {
            int d = TableLayout.cardSize(cardInput, "size");
            return TableLayout.perRow(
                    List.of(TableLayout.Column.perRow("voxels", TableLayout.ElementType.FLOAT, d * d * d,
                            d + "³ occupancies in [0, 1], voxel (a, b, c) at index (a·D + b)·D + c")),
                    List.of(TableLayout.Column.perRow("probabilities", TableLayout.ElementType.FLOAT, classes(),
                            "class probabilities of the " + classes() + " shapes")),
                    d, d, d);
        }

        @Override
        public Npy.NpyArray readInput(Path file, Map<String, Object> cardInput) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("no such input file: " + file);
            }
            Npy.NpyArray a = Npy.read(file);
            int[] s = a.shape();
            if (s.length != 4 || s[1] != s[2] || s[2] != s[3] || s[0] < 1) {
                throw new IllegalArgumentException(file + ": expected volumes of shape (S, D, D, D), got "
                        + java.util.Arrays.toString(s));
            }
            if (s[1] % 2 == 0 || s[1] < 9) {
                throw new IllegalArgumentException(file + ": the voxels models take odd sizes D >= 9 (they keep the centre),"
                        + " got D = " + s[1]);
            }
            float[] v = a.asFloats();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new IllegalArgumentException(file + ": voxel " + i + " is " + v[i]);
                }
            }
            return Npy.NpyArray.of(v, s);
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
            int[] s = input.shape();
            VoxelShapes.Volumes v = new VoxelShapes.Volumes(s[0], s[1], input.asFloats(), new int[s[0]]);
            float[] p = outputs(block, new ParameterStore(manager, false), manager, v, true);
            return Npy.NpyArray.of(p, s[0], classes());
        }
    }
}

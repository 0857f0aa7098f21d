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
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.equivariant4j.data.ImageRotation;
import org.equivariant4j.data.MnistIdx;
import org.equivariant4j.data.Npy;
import org.equivariant4j.model.DigitModels;
import org.equivariant4j.nn.conv.SteerableConvolution;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.nn.ops.ParameterCounts;

/**
 * The rotated-digits benchmark of regular group convolutions (the UvA "GDL – Regular Group Convolutions" protocol on
 * the 10 000 MNIST test images): train on upright digits, test on digits rotated by random angles.
 *
 * <h2>Data</h2>
 * From a set of n labelled digits (by default the MNIST test set): training on images [0, trainSize), validation on
 * [trainSize, trainSize + validSize) (both upright), test on the last testSize images, once upright and once each
 * rotated by its own angle drawn uniformly from [0°, 360°) (seeded; {@link ImageRotation}, bilinear, zero fill,
 * counter-clockwise). Defaults 7000 / 1000 / 2000 of 10 000. Pixels are scaled to [0, 1], rotated there, then
 * standardised by the usual MNIST mean 0.1307 and deviation 0.3081 as they enter the model.
 *
 * <h2>Models</h2>
 * A plain CNN, the regular G-CNNs C4, C8 and D4 and the steerable CNNs C8, C16, SO(2) and O(2), all in
 * {@link DigitModels}, all on 28×28 inputs with every feature map centre-symmetric, so that the equivariant models are
 * exactly invariant to the rotations by 90° (D4 and O(2) also to flips) end to end. With {@link Config#poolBlur()}
 * the poolings of the steerable models are preceded by a fixed Gaussian blur (anti-aliased pooling), part of the saved
 * model.
 *
 * <h2>Training</h2>
 * Adam, cross-entropy, batch 64 (shuffled each epoch, the last partial batch dropped), learning rate 3e-3 decayed by a
 * cosine schedule to 1 % over the run; after every epoch the validation accuracy is measured and the parameters of the
 * best epoch (the first, among ties) are kept for testing.
 *
 * <h2>Metrics</h2> (snake_case, in the results JSON)
 * <ul>
 *   <li>{@code accuracy_upright}: test accuracy on the upright test digits;</li>
 *   <li>{@code accuracy_rotated}: test accuracy on the randomly rotated test digits;</li>
 *   <li>{@code valid_accuracy}: best validation accuracy (upright);</li>
 *   <li>{@code best_epoch}: the epoch it was reached.</li>
 * </ul>
 * {@link Run#sweepAccuracy()} is the test accuracy of the test digits all rotated by each angle of a sweep.
 */
public final class RotMnistTask {
    /** The task's name. */
    public static final String NAME = "rotmnist";
    /** The model names, in the order {@code all} trains them ({@link DigitModels}). */
    public static final List<String> MODELS = DigitModels.NAMES;
    /** Mean of the MNIST pixels on [0, 1]. */
    public static final float PIXEL_MEAN = 0.1307f;
    /** Standard deviation of the MNIST pixels on [0, 1]. */
    public static final float PIXEL_STD = 0.3081f;
    /** Number of classes. */
    public static final int CLASSES = DigitModels.CLASSES;
    private static final int EVAL_BATCH = 250;

    private RotMnistTask() {}

    /**
     * Settings of a training run.
     *
     * @param epochs       training epochs
     * @param seed         seed of weights, shuffling and the test rotations
     * @param batchSize    images per training batch
     * @param learningRate Adam learning rate at the start of the cosine schedule
     * @param angleStep    step in degrees of the accuracy-against-angle sweep over [0°, 360°]; 0 for no sweep
     * @param poolBlur     σ in pixels of the fixed Gaussian blur before each pooling of the model (0: none; see
     *                     {@link DigitModels})
     * @param padBackground whether the steerable models pad with the background and convolve without padding (see
     *                     {@link DigitModels.Options})
     */
    public record Config(int epochs, long seed, int batchSize, double learningRate, double angleStep, double poolBlur,
            boolean padBackground) {
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
            if (!(angleStep == 0 || (angleStep >= MIN_ANGLE_STEP && angleStep <= 360))) {
                throw new IllegalArgumentException("--angle-step must be 0 (no sweep) or between " + MIN_ANGLE_STEP
                        + " and 360 degrees (at most " + (int) (360 / MIN_ANGLE_STEP + 1) + " test passes), got " + angleStep);
            }
            DigitModels.requirePoolBlur("--pool-blur", poolBlur);
            DigitModels.requireNotBoth("--pad-background", "--pool-blur", padBackground, poolBlur);
        }

        /** How the steerable models are built. */
        public DigitModels.Options modelOptions() {
            return new DigitModels.Options(poolBlur, padBackground);
        }

        /** The shared recipe's settings: Adam with cosine decay to 1 %, validation after every epoch, one worker. */
        public TrainingSettings settings() {
            return new TrainingSettings(epochs, batchSize, seed, learningRate, TrainingSettings.Schedule.COSINE, 0, 1, true, 1);
        }
    }

    /** The smallest step of the accuracy-against-angle sweep, in degrees (each step is one pass over the test set). */
    public static final double MIN_ANGLE_STEP = 1;

    /**
     * Checks that the models can take images of this size: square (rotations map the grid to itself), an even side (the
     * layout stays centre-symmetric) and at least 22 pixels (5×5 lifting, 2×2 pooling, four 3×3 convolutions).
     */
    public static void requireImageSize(int rows, int cols) {
        if (rows != cols || rows % 2 != 0 || rows < 22) {
            throw new IllegalArgumentException("the rotmnist models need square images with an even side of at least 22 pixels"
                    + " (MNIST: 28×28), got " + rows + "×" + cols);
        }
    }

    /**
     * Images with labels.
     *
     * @param count  number of images
     * @param height image height
     * @param width  image width
     * @param pixels count·height·width values in [0, 1], row-major
     * @param labels one class per image
     */
    public record Split(int count, int height, int width, float[] pixels, int[] labels) {
        public Split {
            if (pixels.length != (long) count * height * width || labels.length != count) {
                throw new IllegalArgumentException("split: expected " + count + " images of " + height + "×" + width
                        + " and as many labels, got " + pixels.length + " values and " + labels.length + " labels");
            }
        }

        /** The digits [from, from + n) of a digit set. */
        static Split of(MnistIdx.Digits d, int from, int n) {
            int[] labels = new int[n];
            for (int k = 0; k < n; k++) {
                labels[k] = d.label(from + k);
            }
            return new Split(n, d.images().rows(), d.images().cols(), d.normalizedPixels(from, n), labels);
        }

        /** Each image rotated by its own angle (degrees, counter-clockwise). */
        public Split rotated(double[] degrees) {
            return new Split(count, height, width, ImageRotation.rotateEach(pixels, height, width, degrees), labels);
        }

        /** All images rotated by one angle. */
        public Split rotated(double degrees) {
            ImageRotation r = ImageRotation.of(height, width, degrees);
            float[] out = new float[pixels.length];
            int n = height * width;
            for (int k = 0; k < count; k++) {
                r.apply(pixels, k * n, out, k * n);
            }
            return new Split(count, height, width, out, labels);
        }

        /** The images with the given indices [order[from], …, order[from + n − 1]] as a standardised [n, 1, H, W] batch. */
        NDArray batch(NDManager m, int[] order, int from, int n) {
            return batch(m, order, from, n, null);
        }

        /** As {@link #batch(NDManager, int[], int, int)}, each image first rotated by its angle (degrees), if angles are given. */
        NDArray batch(NDManager m, int[] order, int from, int n, double[] degrees) {
            int size = height * width;
            float[] x = new float[n * size];
            for (int k = 0; k < n; k++) {
                int src = order[from + k] * size;
                if (degrees != null) {
                    ImageRotation.of(height, width, degrees[k]).apply(pixels, src, x, k * size);
                    for (int p = k * size; p < (k + 1) * size; p++) {
                        x[p] = (x[p] - PIXEL_MEAN) / PIXEL_STD;
                    }
                } else {
                    for (int p = 0; p < size; p++) {
                        x[k * size + p] = (pixels[src + p] - PIXEL_MEAN) / PIXEL_STD;
                    }
                }
            }
            return m.create(x, new Shape(n, 1, height, width));
        }

        int[] labels(int[] order, int from, int n) {
            int[] y = new int[n];
            for (int k = 0; k < n; k++) {
                y[k] = labels[order[from + k]];
            }
            return y;
        }
    }

    /**
     * The splits of one run.
     *
     * @param train        training digits (upright unless trainRotated)
     * @param valid        validation digits (upright unless trainRotated)
     * @param testUpright  upright test digits
     * @param testRotated  the same test digits, each rotated by {@code testAngles[i]}
     * @param testAngles   the rotation of each test digit, degrees in [0, 360)
     * @param trainRotated whether the training and validation digits are rotated (by random angles) instead of upright
     * @param redrawn      whether the training digits are kept upright here and rotated by a fresh random angle every
     *                     time a batch draws them (data augmentation; only with trainRotated)
     */
    public record Data(Split train, Split valid, Split testUpright, Split testRotated, double[] testAngles,
            boolean trainRotated, boolean redrawn) {
        public Data {
            if (redrawn && !trainRotated) {
                throw new IllegalArgumentException("redrawn training rotations need rotated validation digits (trainRotated)");
            }
        }

        /** Sizes, image size and a CRC-32C of every pixel and label: what a model card and a checkpoint record. */
        Map<String, Object> describe(String source) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("source", source);
            d.put("image_size", train.height() + "x" + train.width());
            d.put("train", train.count());
            d.put("valid", valid.count());
            d.put("test", testUpright.count());
            d.put("train_rotated", trainRotated);
            d.put("train_rotations", redrawn ? "redrawn every epoch" : trainRotated ? "fixed" : "none");
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            for (Split sp : new Split[] {train, valid, testUpright, testRotated}) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * sp.pixels().length + 4 * sp.labels().length);
                b.asFloatBuffer().put(sp.pixels());
                b.position(4 * sp.pixels().length);
                b.asIntBuffer().put(sp.labels());
                crc.update(b.array());
            }
            d.put("crc32c", String.format(Locale.ROOT, "%08x", crc.getValue()));
            return d;
        }
    }

    /**
     * Splits a digit set: train [0, trainSize), validation [trainSize, trainSize + validSize), test the last testSize
     * digits, rotated by uniform random angles drawn from {@code seed}; the training and validation digits stay upright.
     */
    public static Data prepare(MnistIdx.Digits digits, int trainSize, int validSize, int testSize, long seed) {
        return prepare(digits, trainSize, validSize, testSize, seed, false, false);
    }

    /**
     * As {@link #prepare(MnistIdx.Digits, int, int, int, long)}; with {@code trainRotated} the training and validation
     * digits are rotated too, each once by its own uniform random angle (another stream of the same seed), as in
     * MNIST-rot. With {@code redrawn} (only with trainRotated) the training digits stay upright in the returned data and
     * the training rotates every batch's digits by fresh random angles instead (see {@link #train}).
     */
    public static Data prepare(MnistIdx.Digits digits, int trainSize, int validSize, int testSize, long seed,
            boolean trainRotated, boolean redrawn) {
        if (redrawn && !trainRotated) {
            throw new IllegalArgumentException("redrawing the training rotations every epoch needs rotated training (--train-rotated)");
        }
        if (trainSize < 1 || validSize < 1 || testSize < 1) {
            throw new IllegalArgumentException("train, validation and test sizes must be >= 1, got " + trainSize + ", "
                    + validSize + ", " + testSize);
        }
        requireImageSize(digits.images().rows(), digits.images().cols());
        long needed = (long) trainSize + validSize + testSize;
        if (needed > digits.count()) {
            throw new IllegalArgumentException("the splits need " + trainSize + " + " + validSize + " + " + testSize + " = "
                    + needed + " digits, the data has " + digits.count());
        }
        Split train = Split.of(digits, 0, trainSize);
        Split valid = Split.of(digits, trainSize, validSize);
        Split test = Split.of(digits, digits.count() - testSize, testSize);
        double[] angles = uniformAngles(testSize, new SplittableRandom(seed ^ 0x2077A7E5L));
        if (trainRotated) {
            SplittableRandom rng = new SplittableRandom(seed ^ 0x7A1E5EEDL);
            double[] trainAngles = uniformAngles(trainSize, rng);
            valid = valid.rotated(uniformAngles(validSize, rng));
            if (!redrawn) {
                train = train.rotated(trainAngles);
            }
        }
        return new Data(train, valid, test, test.rotated(angles), angles, trainRotated, redrawn);
    }

    private static double[] uniformAngles(int n, SplittableRandom rng) {
        double[] angles = new double[n];
        for (int i = 0; i < n; i++) {
            angles[i] = rng.nextDouble(0, 360);
        }
        return angles;
    }

    /**
     * What one model's run produced.
     *
     * @param name            model name
     * @param params          learnable parameters
     * @param secondsPerEpoch median seconds of a training epoch (without validation)
     * @param epochs          epochs trained
     * @param bestEpoch       epoch of the best validation accuracy (its parameters were tested)
     * @param validAccuracy   best validation accuracy
     * @param accuracyUpright test accuracy, upright digits
     * @param accuracyRotated test accuracy, randomly rotated digits
     * @param trainLoss       mean training loss of each epoch
     * @param validCurve      validation accuracy after each epoch
     * @param sweepAngles     angles of the sweep (degrees)
     * @param sweepAccuracy   test accuracy with all test digits rotated by each sweep angle
     * @param resumed         whether training continued from a checkpoint
     * @param filters         the learned first-layer filters of a steerable model, one panel per output field (empty
     *                        for the other models)
     */
    public record Run(String name, long params, double secondsPerEpoch, int epochs, int bestEpoch, double validAccuracy,
            double accuracyUpright, double accuracyRotated, double[] trainLoss, double[] validCurve, double[] sweepAngles,
            double[] sweepAccuracy, boolean resumed, List<KernelPicture.Panel> filters) {}

    /** A model built with {@code options}, as its card records it and its factory builds it. */
    static ModelSpec modelSpec(String name, DigitModels.Options options) {
        return new ModelSpec(NAME, name, DigitModels.description(name), DigitModels.architecture(name, options),
                DigitModels.symmetry(name), (seed, m) -> {
                    Engine.getInstance().setRandomSeed((int) seed);
                    Block b = DigitModels.build(name, seed, options);
                    b.initialize(m, DataType.FLOAT32, new Shape(2, 1, 28, 28));
                    return b;
                });
    }

    /** The block of a model ({@link DigitModels}); {@code seed} fixes the weights of the layers that take one. */
    public static Block newModel(String name, long seed) {
        return DigitModels.build(name, seed);
    }

    /** Learnable parameters of an initialised block (running statistics excluded). */
    public static long countParameters(Block block) {
        return ParameterCounts.learnable(block);
    }

    /** Mean cross-entropy of logits [B, 10] against integer labels. */
    static NDArray crossEntropy(NDArray logits, NDArray labels) {
        NDArray oneHot = labels.toType(DataType.INT64, false).oneHot(CLASSES, logits.getDataType());
        return logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).neg().mean();
    }

    /**
     * Trains one model on {@code data.train()} with the shared {@link TrainingRecipe}, keeps the epoch of the best
     * validation accuracy, tests it, and (with a folder) saves it.
     *
     * @param checkpointing checkpoint file and stop signal, or null
     * @param saveDir       where to save the model (its folder), or null
     * @param source        where the digits came from, for the model card
     */
    public static Run train(String name, Data data, Config cfg, TrainingRecipe.Listener listener,
            TrainingRecipe.Checkpointing checkpointing, Path saveDir, String source) {
        ModelSpec spec = modelSpec(name, cfg.modelOptions());
        TrainingSettings settings = cfg.settings();
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = spec.create(cfg.seed(), m);
            Learner learner = new Learner(name, block, data, source, cfg.seed());
            TrainingOutcome out = TrainingRecipe.train(name, learner, settings, listener, checkpointing);
            ParameterStore ps = new ParameterStore(m, false);
            double upright = accuracy(block, ps, m, data.testUpright());
            double rotated = accuracy(block, ps, m, data.testRotated());
            double[] angles = sweepAngles(cfg.angleStep());
            double[] sweep = new double[angles.length];
            for (int k = 0; k < angles.length; k++) {
                sweep[k] = angles[k] % 360 == 0 ? upright : accuracy(block, ps, m, data.testUpright().rotated(angles[k]));
            }
            double[] trainLoss = out.trainCurveArray();
            List<KernelPicture.Panel> filters = DigitModels.firstConvolution(block).map(c -> filterPanels(c, m))
                    .orElse(List.of());
            Run run = new Run(name, countParameters(block), out.secondsPerEpoch(), out.epochs(), out.bestEpoch(), out.bestScore(),
                    upright, rotated, trainLoss, out.validCurveArray(), angles, sweep, out.resumed(), filters);
            if (saveDir != null) {
                save(saveDir, spec, block, m, data, run, settings, source);
            }
            return run;
        }
    }

    /** The expanded filters of a first steerable layer (one input channel): one panel per output field. */
    static List<KernelPicture.Panel> filterPanels(SteerableConvolution conv, NDManager m) {
        FieldType out = conv.outType();
        int k = conv.kernelSize();
        try (NDManager tmp = m.newSubManager()) {
            double[] w = Tensors.toDoubles(conv.expandedKernel(tmp));
            int perChannel = conv.inType().size() * k * k;
            List<KernelPicture.Panel> panels = new ArrayList<>();
            for (int f = 0; f < out.fields(); f++) {
                int from = out.fieldStart(f) * perChannel;
                panels.add(new KernelPicture.Panel("field " + f, java.util.Arrays.copyOfRange(w, from,
                        from + out.fieldSize(f) * perChannel), out.fieldSize(f), conv.inType().size(), k));
            }
            return panels;
        }
    }

    /** A model as the recipe trains it: cross-entropy on the training digits, accuracy on the validation digits. */
    private static final class Learner implements Trainable {
        private final Block block;
        private final Split train;
        private final Split valid;
        private final boolean redrawn;
        private final long seed;
        private final Map<String, Object> identity = new LinkedHashMap<>();

        Learner(String name, Block block, Data data, String source, long seed) {
            this.block = block;
            this.train = data.train();
            this.valid = data.valid();
            this.redrawn = data.redrawn();
            this.seed = seed;
            identity.put("task", NAME);
            identity.put("model", name);
            identity.put("data", data.describe(source));
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
            NDArray x = redrawn ? train.batch(m, order, from, count, redrawnAngles(order, from, count))
                    : train.batch(m, order, from, count);
            NDArray y = m.create(train.labels(order, from, count));
            NDArray l = crossEntropy(block.forward(ps, new NDList(x), true).singletonOrThrow(), y);
            return count == batchSize ? l : l.mul((double) count / batchSize);
        }

        /**
         * Fresh uniform angles for the digits of a batch: a function of the seed, the epoch's order (the recipe draws a
         * new permutation every epoch) and the digit, so that a resumed run draws the same angles.
         */
        private double[] redrawnAngles(int[] order, int from, int count) {
            long epochKey = seed * 0x9E3779B97F4A7C15L + java.util.Arrays.hashCode(order);
            double[] a = new double[count];
            for (int k = 0; k < count; k++) {
                a[k] = new SplittableRandom(epochKey ^ (0xD1B54A32D192ED03L * (order[from + k] + 1L))).nextDouble() * 360;
            }
            return a;
        }

        @Override
        public double validate(ParameterStore ps, NDManager m) {
            return accuracy(block, ps, m, valid);
        }

        @Override
        public Map<String, Object> identity() {
            return identity;
        }
    }

    /** 0, step, 2·step, … up to 360 inclusive (empty for step 0). */
    static double[] sweepAngles(double step) {
        if (step == 0) {
            return new double[0];
        }
        int n = (int) Math.floor(360 / step + 1e-9);
        double[] a = new double[n + 1];
        for (int k = 0; k <= n; k++) {
            a[k] = k * step;
        }
        return a;
    }

    /** Accuracy of the model on a split (inference mode, batches of 250). */
    public static double accuracy(Block block, ParameterStore ps, NDManager m, Split split) {
        int[] order = SampleOrder.identity(split.count());
        long correct = 0;
        for (int from = 0; from < split.count(); from += EVAL_BATCH) {
            int n = Math.min(EVAL_BATCH, split.count() - from);
            try (NDScope scope = new NDScope()) {
                NDArray x = split.batch(m, order, from, n);
                NDArray logits = block.forward(ps, new NDList(x), false).singletonOrThrow();
                long[] pred = logits.argMax(1).toLongArray();
                for (int k = 0; k < n; k++) {
                    if (pred[k] == split.labels()[from + k]) {
                        correct++;
                    }
                }
            }
        }
        return (double) correct / split.count();
    }

    /** Class probabilities (softmax of the logits) of images [S, H, W] in [0, 1] (inference mode, batches of 250). */
    static float[] probabilities(Block block, ParameterStore ps, NDManager m, Split split) {
        int[] order = SampleOrder.identity(split.count());
        float[] out = new float[split.count() * CLASSES];
        for (int from = 0; from < split.count(); from += EVAL_BATCH) {
            int n = Math.min(EVAL_BATCH, split.count() - from);
            try (NDScope scope = new NDScope()) {
                NDArray x = split.batch(m, order, from, n);
                float[] p = block.forward(ps, new NDList(x), false).singletonOrThrow().softmax(1).toFloatArray();
                System.arraycopy(p, 0, out, from * CLASSES, p.length);
            }
        }
        return out;
    }

    private static void save(Path dir, ModelSpec spec, Block block, NDManager m, Data data, Run run, TrainingSettings settings,
            String source) {
        Split test = data.testUpright();
        int count = Math.min(100, test.count());
        Split example = new Split(count, test.height(), test.width(), java.util.Arrays.copyOf(test.pixels(),
                count * test.height() * test.width()), java.util.Arrays.copyOf(test.labels(), count));
        Npy.NpyArray exampleInput = Npy.NpyArray.of(example.pixels(), count, test.height(), test.width());
        Npy.NpyArray predictions = DEFINITION.predict(spec, block, m, exampleInput);
        ModelCard card = ModelCard.of(spec, run.params(), settings.seed(), data.describe(source),
                ModelCard.training(settings, run.epochs(), run.bestEpoch(), run.resumed()), toResult(run).metrics(),
                DEFINITION.inputOutput(ModelSpec.ordered("height", test.height(), "width", test.width())),
                ModelSpec.ordered("content", "class probabilities (softmax of the logits)", "shape", "(S, 10)",
                        "format", "float32 .npy"));
        SavedModel.save(dir, card, block, DEFINITION, exampleInput, predictions);
    }

    /** Converts a run to the shared results schema. */
    public static Results.ModelResult toResult(Run r) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("accuracy_upright", r.accuracyUpright());
        metrics.put("accuracy_rotated", r.accuracyRotated());
        metrics.put("valid_accuracy", r.validAccuracy());
        metrics.put("best_epoch", (double) r.bestEpoch());
        return new Results.ModelResult(r.name(), r.params(), r.secondsPerEpoch(), r.epochs(), metrics);
    }


    /** The task's models, its input and its predictions. */
    public static final TaskDefinition DEFINITION = new Definition();

    /** The models of {@link #MODELS}, the IDX or PNG input of {@code predict}, and class probabilities as predictions. */
    private static final class Definition implements TaskDefinition {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public List<ModelSpec> models() {
            return MODELS.stream().map(name -> modelSpec(name, DigitModels.Options.PLAIN)).toList();
        }

        /**
         * The model of that name with the pooling blur and background padding its configuration records
         * ({@link DigitModels#POOL_BLUR_KEY}, {@link DigitModels#PAD_BACKGROUND_KEY}).
         */
        @Override
        public ModelSpec model(String name, Map<String, Object> config) {
            Object blur = config.getOrDefault(DigitModels.POOL_BLUR_KEY, 0);
            if (!(blur instanceof Number sigma)) {
                throw new IllegalArgumentException(DigitModels.POOL_BLUR_KEY + " must be a number, got " + blur);
            }
            Object pad = config.getOrDefault(DigitModels.PAD_BACKGROUND_KEY, false);
            if (!(pad instanceof Boolean padBackground)) {
                throw new IllegalArgumentException(DigitModels.PAD_BACKGROUND_KEY + " must be true or false, got " + pad);
            }
            model(name);
            return modelSpec(name, new DigitModels.Options(sigma.doubleValue(), padBackground));
        }

        @Override
        public Map<String, Object> inputOutput(Map<String, Object> cardInput) {
            Map<String, Object> in = new LinkedHashMap<>(cardInput);
            in.put("format", "IDX images (ubyte, S x height x width, raw or gzip) or one PNG (gray levels as stored; colour"
                    + " converted to luminance), white digit on black, the size the model was trained on");
            return in;
        }

        @Override
        public TableLayout tableLayout(Map<String, Object> cardInput) {
            int h = TableLayout.cardSize(cardInput, "height");
            int w = TableLayout.cardSize(cardInput, "width");
            return TableLayout.perRow(
                    List.of(TableLayout.Column.perRow("image", TableLayout.ElementType.FLOAT, h * w,
                            h + "×" + w + " gray levels in [0, 1] row by row, white digit on black")),
                    List.of(TableLayout.Column.perRow("probabilities", TableLayout.ElementType.FLOAT, CLASSES,
                            "class probabilities of the digits 0 to 9")),
                    h, w);
        }

        @Override
        public Npy.NpyArray readInput(Path file, Map<String, Object> cardInput) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("no such input file: " + file);
            }
            float[] pixels;
            int count;
            int rows;
            int cols;
            if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
                BufferedImage img;
                try {
                    img = javax.imageio.ImageIO.read(file.toFile());
                } catch (IOException e) {
                    throw new IllegalArgumentException(file + ": not a readable PNG image (" + e.getMessage() + ")", e);
                }
                if (img == null) {
                    throw new IllegalArgumentException(file + ": not a PNG image");
                }
                count = 1;
                rows = img.getHeight();
                cols = img.getWidth();
                pixels = new float[rows * cols];
                java.awt.image.Raster raster = img.getRaster();
                boolean gray = raster.getNumBands() <= 2; // gray, or gray and alpha: the stored levels as they are
                double max = (1 << raster.getSampleModel().getSampleSize(0)) - 1;
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        if (gray) {
                            pixels[i * cols + j] = max == 255 ? raster.getSample(j, i, 0) / 255f
                                    : (float) (raster.getSample(j, i, 0) / max);
                        } else {
                            int rgb = img.getRGB(j, i);
                            int level = (int) Math.round(0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff)
                                    + 0.114 * (rgb & 0xff));
                            pixels[i * cols + j] = level / 255f;
                        }
                    }
                }
            } else {
                MnistIdx.Images images;
                try {
                    images = MnistIdx.readImages(file);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
                }
                count = images.count();
                rows = images.rows();
                cols = images.cols();
                pixels = new float[images.pixels().length];
                for (int k = 0; k < pixels.length; k++) {
                    pixels[k] = (images.pixels()[k] & 0xff) / 255f;
                }
            }
            Object h = cardInput.get("height");
            Object w = cardInput.get("width");
            if (h instanceof Number hn && w instanceof Number wn && (hn.intValue() != rows || wn.intValue() != cols)) {
                throw new IllegalArgumentException(file + ": the model was trained on " + hn.intValue() + "×" + wn.intValue()
                        + " images, got " + rows + "×" + cols);
            }
            if (count < 1) {
                throw new IllegalArgumentException(file + ": no images");
            }
            requireImageSize(rows, cols);
            return Npy.NpyArray.of(pixels, count, rows, cols);
        }

        @Override
        public void writeInput(Path file, Npy.NpyArray input) {
            int[] s = input.shape();
            float[] p = input.asFloats();
            byte[] bytes = new byte[p.length];
            for (int k = 0; k < p.length; k++) {
                int v = Math.round(p[k] * 255);
                if (v < 0 || v > 255 || v / 255f != p[k]) {
                    throw new IllegalArgumentException("pixel " + k + " (" + p[k] + ") is not an 8-bit gray level / 255");
                }
                bytes[k] = (byte) v;
            }
            MnistIdx.writeImages(file, new MnistIdx.Images(s[0], s[1], s[2], bytes));
        }

        @Override
        public String exampleInputName() {
            return "example_input.idx";
        }

        @Override
        public int predictBatch() {
            return EVAL_BATCH;
        }

        @Override
        public Npy.NpyArray predict(ModelSpec spec, Block block, NDManager manager, Npy.NpyArray input) {
            int[] s = input.shape();
            Split split = new Split(s[0], s[1], s[2], input.asFloats(), new int[s[0]]);
            return Npy.NpyArray.of(probabilities(block, new ParameterStore(manager, false), manager, split), s[0], CLASSES);
        }
    }
}

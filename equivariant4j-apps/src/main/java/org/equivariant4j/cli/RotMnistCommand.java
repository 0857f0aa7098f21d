package org.equivariant4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.equivariant4j.data.AtomicFiles;
import org.equivariant4j.data.MnistIdx;
import org.equivariant4j.model.DigitModels;
import org.equivariant4j.task.KernelPicture;
import org.equivariant4j.task.LineChart;
import org.equivariant4j.task.Results;
import org.equivariant4j.task.RotMnistTask;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code equivariant4j rotmnist}: train on upright MNIST digits, test on rotated ones; a plain CNN against C4, C8 and D4
 * group-equivariant CNNs of about the same size ({@link RotMnistTask}). Prints a results table, writes the results JSON
 * and a PNG of the test accuracy against the rotation angle.
 */
@Command(name = "rotmnist",
        mixinStandardHelpOptions = true,
        description = {"Rotated MNIST: train on upright digits, test on randomly rotated ones (UvA regular G-CNN protocol);",
            "with --train-rotated, train on rotated digits too (as MNIST-rot does).",
            "Uses the 10 000 MNIST test images: train 7000, validate 1000, test the last 2000 upright and rotated.",
            "Models (24-38k parameters each): cnn; the regular G-CNNs c4 (P4CNN-style), c8, d4; the steerable CNNs",
            "c8-steerable, c16, so2, o2.",
            "Metrics: accuracy_upright, accuracy_rotated, valid_accuracy, best_epoch."})
final class RotMnistCommand implements Callable<Integer> {
    static final int DEFAULT_EPOCHS = 6;

    @Option(names = "--model", defaultValue = "all", paramLabel = "NAME",
            description = "cnn, c4, c8, d4, c8-steerable, c16, so2, o2, a comma-separated list of them, or all (default:"
                    + " ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--epochs", defaultValue = "" + DEFAULT_EPOCHS, paramLabel = "N",
            description = "Training epochs per model (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Folder with t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz] (default: <repo>/../shared/data/mnist).")
    Path data;

    @Option(names = "--train-size", defaultValue = "7000", paramLabel = "N", description = "Training digits, from the start (default: ${DEFAULT-VALUE}).")
    int trainSize;

    @Option(names = "--valid-size", defaultValue = "1000", paramLabel = "N", description = "Validation digits, after the training ones (default: ${DEFAULT-VALUE}).")
    int validSize;

    @Option(names = "--test-size", defaultValue = "2000", paramLabel = "N", description = "Test digits, the last ones (default: ${DEFAULT-VALUE}).")
    int testSize;

    @Option(names = "--batch-size", defaultValue = "64", paramLabel = "N", description = "Training batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "3e-3", paramLabel = "RATE",
            description = "Adam learning rate, in (0, 1], cosine-decayed to 1%% (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--angle-step", defaultValue = "45", paramLabel = "DEG",
            description = "Step of the accuracy-against-angle sweep over 0-360 degrees, 1 to 360; 0 skips it (default: ${DEFAULT-VALUE};"
                    + " 15 resolves the dips of the steerable models between the grid angles; it added 159 s to an so2 run).")
    double angleStep;

    @Option(names = "--train-rotated", description = "Train and validate on digits rotated by random angles (MNIST-rot)"
            + " instead of upright ones.")
    boolean trainRotated;

    @Option(names = "--redraw-rotations", description = "With --train-rotated: rotate every training digit by a fresh random"
            + " angle each epoch (data augmentation) instead of once.")
    boolean redrawRotations;

    @Option(names = "--pool-blur", defaultValue = "0", paramLabel = "SIGMA",
            description = "Anti-aliased pooling for the steerable models: a fixed isotropic Gaussian blur (sigma in pixels,"
                    + " 0 to 2) of every channel before each 2x2 pooling; keeps the exact 90-degree invariance (default:"
                    + " ${DEFAULT-VALUE}, plain pooling; escnn's value is 0.66).")
    double poolBlur;

    @Option(names = "--pad-background", description = "For the steerable models: extend each digit by 12 pixels of its"
            + " background and convolve without padding, so that no feature map has a border that cannot turn with the"
            + " digit; keeps the exact 90-degree invariance; not with --pool-blur.")
    boolean padBackground;

    @CommandLine.Mixin
    RunOptions run;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        OutputPaths.requireThreads(run.threads, run.forceThreads);
        List<String> models = ModelList.parse(model, RotMnistTask.MODELS);
        RotMnistTask.Config cfg = new RotMnistTask.Config(epochs, run.seed, batchSize, learningRate, angleStep,
                poolBlur, padBackground);
        if (cfg.modelOptions().any()) {
            List<String> plain = models.stream().filter(m -> !DigitModels.isSteerable(m)).toList();
            if (!plain.isEmpty()) {
                throw new IllegalArgumentException((poolBlur > 0 ? "--pool-blur" : "--pad-background")
                        + " applies to the steerable models " + DigitModels.steerableModels() + ", not to " + plain
                        + "; choose them with --model");
            }
        }
        if (redrawRotations && !trainRotated) {
            throw new IllegalArgumentException("--redraw-rotations needs --train-rotated (upright training keeps its digits upright)");
        }
        if (trainSize < 1 || validSize < 1 || testSize < 1) {
            throw new IllegalArgumentException("--train-size, --valid-size and --test-size must be >= 1, got " + trainSize + ", "
                    + validSize + ", " + testSize);
        }
        if (trainSize < batchSize) {
            throw new IllegalArgumentException("--train-size " + trainSize + " is smaller than one batch (--batch-size "
                    + batchSize + ")");
        }
        Path dir = data != null ? data : defaultDataDir();
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("MNIST data folder " + dir.toAbsolutePath().normalize() + " not found"
                    + (data != null ? "" : " (the default, <repo>/../shared/data/mnist)")
                    + "; use --data DIR to point to a folder with t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz");
        }
        PrintWriter w = spec.commandLine().getOut();
        PrintStream err = System.err;
        try (TrainingSession session = run.open(RotMnistTask.NAME, models, 1)) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(run.threads));
            long t0 = System.nanoTime();
            MnistIdx.Digits digits = MnistIdx.loadTestSet(dir);
            RotMnistTask.Data split = RotMnistTask.prepare(digits, trainSize, validSize, testSize, run.seed, trainRotated,
                    redrawRotations);
            w.printf(Locale.ROOT, "data: %s, %d digits of %d×%d; train %d, valid %d (%s), test %d (upright and rotated)"
                    + " (%.1f s)%n", dir, digits.count(), digits.images().rows(), digits.images().cols(), trainSize, validSize,
                    trainRotated ? "rotated" : "upright", testSize, (System.nanoTime() - t0) / 1e9);
            w.flush();

            List<RotMnistTask.Run> runs = new ArrayList<>();
            for (String m : models) {
                try (ProgressListener bar = new ProgressListener(m, epochs, "valid_accuracy", err, run.quiet)) {
                    runs.add(RotMnistTask.train(m, split, cfg, bar, session.checkpointing(m), session.saveDir(m), dir.toString()));
                }
                RotMnistTask.Run r = runs.get(runs.size() - 1);
                if (!run.quiet) {
                    err.printf(Locale.ROOT, "%s: upright %.4f rotated %.4f (best epoch %d)%n", m, r.accuracyUpright(),
                            r.accuracyRotated(), r.bestEpoch());
                }
            }

            w.println();
            w.printf(Locale.ROOT, "%-12s %8s %10s %10s %10s %9s %6s%n", "model", "params", "upright", "rotated", "valid",
                    "s/epoch", "best");
            for (RotMnistTask.Run r : runs) {
                w.printf(Locale.ROOT, "%-12s %8d %9.2f%% %9.2f%% %9.2f%% %9.2f %6d%n", r.name(), r.params(),
                        100 * r.accuracyUpright(), 100 * r.accuracyRotated(), 100 * r.validAccuracy(), r.secondsPerEpoch(),
                        r.bestEpoch());
            }
            if (poolBlur > 0) {
                w.printf(Locale.ROOT, "(anti-aliased pooling: a Gaussian blur with sigma %s pixels before each pooling)%n",
                        poolBlur);
            }
            if (padBackground) {
                w.printf(Locale.ROOT, "(background padding: digits extended by %d pixels of background, convolutions without"
                        + " padding)%n", DigitModels.BACKGROUND_PADDING);
            }
            w.printf(Locale.ROOT, "(seed %d, %d epochs, %d %s training digits; UvA notebook with 60 000 upright training digits:"
                    + " CNN 47.4%%, C4 G-CNN 90.7%% rotated)%n", run.seed, epochs, trainSize, trainRotated ? "rotated" : "upright");

            Map<String, Object> config = new LinkedHashMap<>();
            config.put("models", models);
            config.put("epochs", epochs);
            config.put("seed", run.seed);
            config.put("train_size", trainSize);
            config.put("valid_size", validSize);
            config.put("test_size", testSize);
            config.put("batch_size", batchSize);
            config.put("learning_rate", learningRate);
            config.put("angle_step", angleStep);
            config.put("train_rotated", trainRotated);
            config.put("pool_blur", poolBlur);
            config.put("pad_background", padBackground);
            config.put("threads", run.threads);
            config.put("data", dir.toString());
            config.put("resumed", runs.stream().anyMatch(RotMnistTask.Run::resumed));
            Results results = new Results(RotMnistTask.NAME, config, runs.stream().map(RotMnistTask::toResult).toList());
            Path jsonPath = run.jsonPath(RotMnistTask.NAME);
            results.write(jsonPath);
            w.println("wrote " + jsonPath);

            if (angleStep > 0) {
                Path out = run.outDir(RotMnistTask.NAME);
                LineChart chart = new LineChart("Rotated MNIST: test accuracy against rotation angle (trained "
                        + (trainRotated ? "on rotated digits" : "upright") + ", seed " + run.seed + ")",
                        "rotation angle (degrees, counter-clockwise)", "test accuracy (%)", false);
                for (RotMnistTask.Run r : runs) {
                    double[] pct = new double[r.sweepAccuracy().length];
                    for (int k = 0; k < pct.length; k++) {
                        pct[k] = 100 * r.sweepAccuracy()[k];
                    }
                    chart.add(String.format(Locale.ROOT, "%s (%d params)", r.name(), r.params()), r.sweepAngles(), pct);
                }
                Path png = out.resolve("accuracy_vs_angle.png");
                chart.writePng(png);
                w.println("wrote " + png);
                Path csv = out.resolve("accuracy_vs_angle.csv");
                StringBuilder sb = new StringBuilder("angle_degrees");
                runs.forEach(r -> sb.append(',').append(r.name()));
                sb.append('\n');
                double[] angles = runs.get(0).sweepAngles();
                for (int k = 0; k < angles.length; k++) {
                    sb.append(String.format(Locale.ROOT, "%.4f", angles[k]));
                    for (RotMnistTask.Run r : runs) {
                        sb.append(String.format(Locale.ROOT, ",%.4f", r.sweepAccuracy()[k]));
                    }
                    sb.append('\n');
                }
                AtomicFiles.write(csv, sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                w.println("wrote " + csv);
            }
            for (RotMnistTask.Run r : runs) {
                if (!r.filters().isEmpty()) {
                    Path png = run.outDir(RotMnistTask.NAME).resolve("filters_" + r.name() + ".png");
                    KernelPicture.writePng(png, r.name() + ": learned first-layer filters (one panel per field; rows: the"
                            + " field's channels)", r.filters());
                    w.println("wrote " + png);
                }
            }
            session.finish(w, models);
            w.flush();
        }
        return 0;
    }

    /**
     * {@code <root>/../shared/data/mnist}, root being the system property {@code equivariant4j.root}, else the repository
     * holding the running jar ({@code <root>/equivariant4j-apps/target/*.jar}), else the working directory.
     */
    static Path defaultDataDir() {
        return repositoryRoot().resolve("../shared/data/mnist").normalize();
    }

    static Path repositoryRoot() {
        String root = System.getProperty("equivariant4j.root");
        if (root != null && !root.isBlank()) {
            return Path.of(root).toAbsolutePath();
        }
        try {
            var source = RotMnistCommand.class.getProtectionDomain().getCodeSource();
            if (source != null) {
                Path p = Path.of(source.getLocation().toURI()).toAbsolutePath();
                // <root>/equivariant4j-apps/target/equivariant4j-apps.jar or <root>/equivariant4j-apps/target/classes
                Path target = p.getParent();
                if (target != null && target.getFileName() != null && target.getFileName().toString().equals("target")
                        && target.getParent() != null && target.getParent().getParent() != null) {
                    return target.getParent().getParent();
                }
            }
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            // fall through to the working directory
        }
        return Path.of("").toAbsolutePath();
    }
}

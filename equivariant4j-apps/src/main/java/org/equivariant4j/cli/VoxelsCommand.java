package org.equivariant4j.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.equivariant4j.data.AtomicFiles;
import org.equivariant4j.data.VoxelShapes;
import org.equivariant4j.task.LineChart;
import org.equivariant4j.task.Results;
import org.equivariant4j.task.VoxelsTask;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code equivariant4j voxels}: train on polycubes in their canonical orientation, test on randomly rotated copies; a
 * plain 3-D CNN against octahedral, SO(3) and O(3) steerable CNNs ({@link VoxelsTask}). Prints a results table and the
 * rotated-test confusion between mirror images, writes the results JSON, the confusion matrices (CSV) and a PNG of the
 * accuracy against the rotation angle.
 */
@Command(name = "voxels",
        mixinStandardHelpOptions = true,
        description = {"Rotated voxel shapes: train on 12 polycube classes (the 8 '3-D Tetris' shapes and 4 pentacubes, two"
            + " mirror-image pairs) in their canonical orientation, test on randomly rotated copies (17^3 occupancy volumes).",
            "Models: cnn (plain 3-D CNN), octa (octahedral regular fields), so3 (invariant under rotations only: moments of the whole shape up to l = 2 from one steerable convolution, two tensor-product layers, scalars and pseudoscalars read out), o3 (O(3) fields up to l = 2, gated).",
            "Metrics: accuracy_rotated, accuracy_canonical, mirror_confusion, other_errors, invariance_error_cube,"
                + " invariance_error_rotated, valid_accuracy, best_epoch."})
final class VoxelsCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "all", paramLabel = "NAME",
            description = "cnn, octa, so3, o3, a comma-separated list of them, or all (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--epochs", paramLabel = "N", description = "Training epochs per model (default: " + VoxelsTask.EPOCHS
            + ", so3 " + VoxelsTask.SO3_EPOCHS + ").")
    Integer epochs;

    @Option(names = "--train-per-class", defaultValue = "40", paramLabel = "N",
            description = "Training shapes per class, with noise (default: ${DEFAULT-VALUE}).")
    int trainPerClass;

    @Option(names = "--valid-per-class", defaultValue = "10", paramLabel = "N",
            description = "Validation shapes per class, drawn as the training shapes (default: ${DEFAULT-VALUE}).")
    int validPerClass;

    @Option(names = "--test-per-class", defaultValue = "50", paramLabel = "N",
            description = "Test shapes per class, randomly rotated (default: ${DEFAULT-VALUE}).")
    int testPerClass;

    @Option(names = "--sweep-per-class", defaultValue = "10", paramLabel = "N",
            description = "Shapes per class of the accuracy-against-angle sweep; 0 skips it (default: ${DEFAULT-VALUE}).")
    int sweepPerClass;

    @Option(names = "--angle-step", defaultValue = "15", paramLabel = "DEG",
            description = "Step of the sweep over 0-180 degrees, 1 to 180 (default: ${DEFAULT-VALUE}).")
    double angleStep;

    @Option(names = "--batch-size", defaultValue = "16", paramLabel = "N", description = "Training batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "5e-3", paramLabel = "RATE",
            description = "Adam learning rate, in (0, 1], cosine-decayed to 1%% (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--train-rotated", description = "Train and validate on randomly rotated shapes too (data augmentation)"
            + " instead of the canonical orientation.")
    boolean trainRotated;

    @CommandLine.Mixin
    RunOptions run;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        OutputPaths.requireThreads(run.threads, run.forceThreads);
        List<String> models = ModelList.parse(model, VoxelsTask.MODELS);
        VoxelsTask.Config cfg = new VoxelsTask.Config(epochs != null ? epochs : VoxelsTask.EPOCHS, run.seed, batchSize,
                learningRate, trainPerClass, validPerClass, testPerClass, sweepPerClass, angleStep, trainRotated);
        PrintWriter w = spec.commandLine().getOut();
        PrintStream err = System.err;
        try (TrainingSession session = run.open(VoxelsTask.NAME, models, 1)) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(run.threads));
            long t0 = System.nanoTime();
            VoxelsTask.Data data = VoxelsTask.prepare(cfg);
            int d = data.train().size();
            w.printf(Locale.ROOT, "data: %d classes, %d^3 voxels; train %d and valid %d (%s, noisy), test %d (random"
                    + " rotations), sweep %d x %d angles (%.1f s)%n", VoxelsTask.classes(), d, data.train().count(),
                    data.valid().count(), trainRotated ? "randomly rotated" : "canonical", data.testRotated().count(), sweepPerClass * VoxelsTask.classes(),
                    data.sweepAngles().length, (System.nanoTime() - t0) / 1e9);
            w.flush();

            List<VoxelsTask.Run> runs = new ArrayList<>();
            for (String m : models) {
                VoxelsTask.Config mc = epochs != null ? cfg : cfg.withEpochs(VoxelsTask.defaultEpochs(m));
                try (ProgressListener bar = new ProgressListener(m, mc.epochs(), "valid_accuracy", err, run.quiet)) {
                    runs.add(VoxelsTask.train(m, data, mc, bar, session.checkpointing(m), session.saveDir(m)));
                }
                VoxelsTask.Run r = runs.get(runs.size() - 1);
                if (!run.quiet) {
                    err.printf(Locale.ROOT, "%s: rotated %.4f canonical %.4f (best epoch %d)%n", m, r.accuracyRotated(),
                            r.accuracyCanonical(), r.bestEpoch());
                }
            }

            w.println();
            w.printf(Locale.ROOT, "%-5s %7s %9s %9s %8s %8s %11s %11s %8s %7s%n", "model", "params", "rotated", "canonical",
                    "mirror", "other", "inv. cube", "inv. rot.", "s/epoch", "epochs");
            for (VoxelsTask.Run r : runs) {
                w.printf(Locale.ROOT, "%-5s %7d %8.2f%% %8.2f%% %7.1f%% %7.1f%% %11.2e %11.2e %8.2f %7d%n", r.name(), r.params(),
                        100 * r.accuracyRotated(), 100 * r.accuracyCanonical(), 100 * r.mirrorConfusion(), 100 * r.otherErrors(),
                        r.invarianceErrorCube(), r.invarianceErrorRotated(), r.secondsPerEpoch(), r.epochs());
            }
            w.printf(Locale.ROOT, "(seed %d, trained %s; rotated/canonical: test accuracy; mirror: share of mirror-image shapes"
                    + " taken for their mirror image; other: other errors; inv.: relative change of the logits under the 24 cube"
                    + " rotations and under the random test rotations)%n", run.seed, trainRotated ? "on rotated shapes" : "in the canonical orientation");
            for (VoxelsTask.Run r : runs) {
                w.println(mirrorSummary(r));
            }

            Map<String, Object> config = new LinkedHashMap<>();
            config.put("models", models);
            config.put("epochs", epochs != null ? (Object) epochs : runs.stream().collect(Collectors.toMap(VoxelsTask.Run::name,
                    VoxelsTask.Run::epochs, (a, b) -> a, LinkedHashMap::new)));
            config.put("seed", run.seed);
            config.put("grid", d);
            config.put("classes", VoxelShapes.CLASSES.stream().map(VoxelShapes.ShapeClass::name).toList());
            config.put("train_per_class", trainPerClass);
            config.put("valid_per_class", validPerClass);
            config.put("test_per_class", testPerClass);
            config.put("sweep_per_class", sweepPerClass);
            config.put("angle_step", angleStep);
            config.put("train_rotated", trainRotated);
            config.put("batch_size", batchSize);
            config.put("learning_rate", learningRate);
            config.put("threads", run.threads);
            config.put("resumed", runs.stream().anyMatch(VoxelsTask.Run::resumed));
            Results results = new Results(VoxelsTask.NAME, config, runs.stream().map(VoxelsTask::toResult).toList());
            Path jsonPath = run.jsonPath(VoxelsTask.NAME);
            results.write(jsonPath);
            w.println("wrote " + jsonPath);
            Path out = run.outDir(VoxelsTask.NAME);
            for (VoxelsTask.Run r : runs) {
                Path csv = out.resolve("confusion_" + r.name() + ".csv");
                AtomicFiles.write(csv, confusionCsv(r).getBytes(StandardCharsets.UTF_8));
                w.println("wrote " + csv);
            }
            if (sweepPerClass > 0) {
                LineChart chart = new LineChart("Voxel shapes: test accuracy against rotation angle (trained "
                        + (trainRotated ? "on rotated shapes" : "in the canonical orientation") + ", seed " + run.seed + ")", "rotation angle about a random axis (degrees)",
                        "test accuracy (%)", false);
                for (VoxelsTask.Run r : runs) {
                    double[] pct = new double[r.sweepAccuracy().length];
                    for (int k = 0; k < pct.length; k++) {
                        pct[k] = 100 * r.sweepAccuracy()[k];
                    }
                    chart.add(String.format(Locale.ROOT, "%s (%d params)", r.name(), r.params()), r.sweepAngles(), pct);
                }
                Path png = out.resolve("accuracy_vs_angle.png");
                chart.writePng(png);
                w.println("wrote " + png);
            }
            session.finish(w, models);
            w.flush();
        }
        return 0;
    }

    /**
     * What the confusion matrix says about mirror images: which pairs are confused and how often, and whether any other
     * errors remain.
     */
    static String mirrorSummary(VoxelsTask.Run r) {
        int[][] c = r.confusion();
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s confusion on rotated shapes:", r.name()));
        int other = 0;
        int total = 0;
        List<String> pairs = new ArrayList<>();
        for (int t = 0; t < c.length; t++) {
            String mirror = VoxelShapes.CLASSES.get(t).mirrorOf();
            int m = mirror == null ? -1 : VoxelShapes.classIndex(mirror);
            int row = 0;
            for (int p = 0; p < c.length; p++) {
                row += c[t][p];
                if (p != t && p != m) {
                    other += c[t][p];
                }
            }
            total += row;
            if (m > t) {
                int rowM = java.util.Arrays.stream(c[m]).sum();
                pairs.add(String.format(Locale.ROOT, " %s <-> %s %d of %d", VoxelShapes.CLASSES.get(t).name(), mirror,
                        c[t][m] + c[m][t], row + rowM));
            }
        }
        b.append(" mirror images taken for each other:").append(String.join(",", pairs));
        b.append(String.format(Locale.ROOT, "; all other errors: %d of %d", other, total));
        return b.toString();
    }

    /** The confusion matrix with class names, rows true, columns predicted. */
    static String confusionCsv(VoxelsTask.Run r) {
        StringBuilder b = new StringBuilder("true\\predicted");
        for (VoxelShapes.ShapeClass s : VoxelShapes.CLASSES) {
            b.append(',').append(s.name());
        }
        b.append('\n');
        for (int t = 0; t < r.confusion().length; t++) {
            b.append(VoxelShapes.CLASSES.get(t).name());
            for (int v : r.confusion()[t]) {
                b.append(',').append(v);
            }
            b.append('\n');
        }
        return b.toString();
    }
}

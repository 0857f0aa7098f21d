package org.equivariant4j.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.equivariant4j.data.NBodyDataset;
import org.equivariant4j.task.LineChart;
import org.equivariant4j.task.NBodyTask;
import org.equivariant4j.task.Results;
import org.equivariant4j.task.TrainingSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code equivariant4j nbody}: the charged N-body benchmark of EGNN. Generates (or reads) the dataset, trains the
 * chosen models, prints a results table, writes the results JSON and a PNG of the learning curves.
 */
@Command(name = "nbody",
        mixinStandardHelpOptions = true,
        description = {"Charged N-body system (5 particles by default): predict positions 1.0 time units ahead (EGNN paper"
                + " benchmark).",
            "Trains an E(n)-equivariant EGNN and a steerable SEGNN against a non-equivariant GNN and the linear motion"
                    + " baseline x + t·v.",
            "Metrics: test_mse (of the best validation epoch's model), valid_mse, best_epoch, equivariance_error."})
final class NBodyCommand implements Callable<Integer> {
    /** Training systems of the benchmark. */
    static final int DEFAULT_TRAIN_SIZE = 3000;

    @Option(names = "--model", defaultValue = "all", paramLabel = "NAME",
            description = "egnn, segnn, gnn, linear, ponita (lifted to position-orientation space), ponita-se3 (lifted to"
                    + " SE(3)), segnn-ref (SEGNN on its reference code's input, which centres each particle on the mean of"
                    + " its own x, y, z: not equivariant, as the published runs), a comma-separated list of them, or all:"
                    + " linear, gnn, egnn (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--epochs", paramLabel = "N", description = "Training epochs per neural model (default: 60; --paper: the"
            + " published runs', 10000 for egnn and gnn, 1000 for segnn and segnn-ref).")
    Integer epochs;

    @Option(names = "--train-size", defaultValue = "" + DEFAULT_TRAIN_SIZE, paramLabel = "N",
            description = "Training systems, the first ones of the training split (default: ${DEFAULT-VALUE}).")
    int trainSize;

    @Option(names = "--eval-interval", paramLabel = "N", description = "Epochs between validations (default: 5; 1 when --epochs < 20).")
    Integer evalInterval;

    @Option(names = "--paper", description = "The published protocols: 10000 epochs (EGNN paper) or 1000 (SEGNN paper),"
            + " validation every 5.")
    boolean paper;

    @Option(names = "--init", defaultValue = "java", paramLabel = "FROM",
            description = "Initial weights: java (Java generators seeded with --seed; every model) or torch (segnn and"
                    + " segnn-ref only: PyTorch's generator after torch.manual_seed(SEED), drawn value for value as SEGNN's"
                    + " reference code draws them, so --seed 42 starts where the published run started) (default:"
                    + " ${DEFAULT-VALUE}).")
    String init;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Read the .npy files of the original generator (any number of particles >= 2) from DIR instead of"
                    + " generating them.")
    Path data;

    @Option(names = "--cache", paramLabel = "DIR", defaultValue = "${user.home}/.cache/equivariant4j/nbody",
            description = "Where generated data is kept, with checksums; a damaged cache is regenerated (default: ${DEFAULT-VALUE}).")
    Path cache;

    @CommandLine.Mixin
    RunOptions run;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        OutputPaths.requireThreads(run.threads, run.forceThreads);
        List<String> models = ModelList.parse(model, NBodyTask.MODELS, NBodyTask.DEFAULT_MODELS);
        NBodyTask.InitialWeights initialWeights = java.util.Arrays.stream(NBodyTask.InitialWeights.values())
                .filter(w -> w.key().equals(init)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--init must be java or torch, got '" + init + "'"));
        for (String m : models) {
            if (!initialWeights.applies(m)) {
                throw new IllegalArgumentException("--init torch draws the initial weights of segnn and segnn-ref only, but"
                        + " --model includes " + m + " (use --model segnn or segnn-ref)");
            }
        }
        int nEpochs = epochs != null ? epochs : (paper ? NBodyTask.publishedEpochs(models.get(models.size() - 1)) : 60);
        int interval = evalInterval != null ? evalInterval : (nEpochs < 20 ? 1 : 5);
        if (trainSize < 1) {
            throw new IllegalArgumentException("--train-size must be >= 1, got " + trainSize);
        }
        TrainingSettings settings = NBodyTask.settings(nEpochs, run.seed, interval, run.threads);
        if (trainSize < settings.batchSize()) {
            throw new IllegalArgumentException("--train-size must be at least one batch (" + settings.batchSize() + "), got "
                    + trainSize);
        }
        if (data != null && !java.nio.file.Files.isDirectory(data)) {
            throw new IllegalArgumentException("--data " + data + " is not a folder (expected the .npy files of the original"
                    + " generator)");
        }
        if (data == null) {
            OutputPaths.requireFolder("--cache", cache);
        }
        PrintWriter w = spec.commandLine().getOut();
        PrintStream err = System.err;
        try (TrainingSession session = run.open(NBodyTask.NAME, models, 10)) {
            // the data-parallel workers run one PyTorch thread each
            System.setProperty("ai.djl.pytorch.num_threads", "1");
            long t0 = System.nanoTime();
            NBodyDataset dataset = data != null ? NBodyDataset.load(data)
                    : NBodyDataset.loadOrGenerate(cache, note -> err.println("equivariant4j: " + note));
            int frames = dataset.raw(NBodyDataset.Part.TRAIN).numFrames();
            if (frames <= NBodyDataset.DEFAULT_TARGET_FRAME) {
                throw new IllegalArgumentException("the N-body data has " + frames + " frames per simulation; the benchmark"
                        + " predicts frame " + NBodyDataset.DEFAULT_TARGET_FRAME + " from frame "
                        + NBodyDataset.DEFAULT_INPUT_FRAME + ", so it needs at least " + (NBodyDataset.DEFAULT_TARGET_FRAME + 1));
            }
            NBodyDataset.Split train = dataset.train(trainSize);
            if (train.size() < trainSize) {
                throw new IllegalArgumentException("--train-size " + trainSize + " but the data has only " + train.size()
                        + " training systems");
            }
            NBodyTask.Splits splits = new NBodyTask.Splits(train, dataset.valid(NBodyDataset.DEFAULT_NUM_VALID),
                    dataset.test(NBodyDataset.DEFAULT_NUM_TEST), (data != null ? data : cache).toString());
            w.printf(Locale.ROOT, "data: %s: %d particles, %d frames (%d -> %d); train %d, valid %d, test %d systems (%.1f s)%n",
                    splits.source(), train.numParticles(), train.numFrames(), train.inputFrame(), train.targetFrame(),
                    train.size(), splits.valid().size(), splits.test().size(), (System.nanoTime() - t0) / 1e9);
            w.flush();

            List<NBodyTask.Run> runs = new ArrayList<>();
            for (String m : models) {
                if ("linear".equals(m)) {
                    runs.add(NBodyTask.linear(splits, run.seed, session.saveDir(m)));
                    continue;
                }
                // --paper without --epochs: each model its own published run's length
                int modelEpochs = epochs == null && paper ? NBodyTask.publishedEpochs(m) : nEpochs;
                TrainingSettings s = modelEpochs == nEpochs ? settings : NBodyTask.settings(modelEpochs, run.seed, interval,
                        run.threads);
                try (ProgressListener bar = new ProgressListener(m, modelEpochs, "valid_mse", err, run.quiet)) {
                    runs.add(NBodyTask.train(m, splits, s, initialWeights, bar, session.checkpointing(m), session.saveDir(m)));
                }
            }

            w.println();
            w.printf(Locale.ROOT, "%-10s %10s %12s %12s %10s %8s %14s%n", "model", "params", "test_mse", "valid_mse", "s/epoch",
                    "epochs", "equiv_error");
            for (NBodyTask.Run r : runs) {
                w.printf(Locale.ROOT, "%-10s %10d %12.5f %12.5f %10.3f %8d %14.2e%n", r.name(), r.params(), r.testMse(),
                        r.validMse(), r.secondsPerEpoch(), r.epochs(), r.equivarianceError());
            }
            w.println("(published: linear 0.0819, GNN 0.0107, EGNN 0.0071 after 10000 epochs; SEGNN 0.0043 after 1000;"
                    + " PONITA 0.0043)");

            Map<String, Object> config = new LinkedHashMap<>();
            config.put("models", models);
            config.put("epochs", epochs == null && paper ? "published" : (Object) nEpochs);
            config.put("train_size", trainSize);
            config.put("seed", run.seed);
            config.put("initial_weights", initialWeights.key());
            config.put("batch_size", settings.batchSize());
            config.put("learning_rate", settings.learningRate());
            config.put("weight_decay", settings.weightDecay());
            config.put("eval_interval", interval);
            config.put("threads", run.threads);
            config.put("data_parallel_workers", settings.workers());
            config.put("data", splits.source());
            config.put("particles", train.numParticles());
            config.put("resumed", runs.stream().anyMatch(NBodyTask.Run::resumed));
            Results results = new Results(NBodyTask.NAME, config, runs.stream().map(NBodyTask::toResult).toList());
            Path jsonPath = run.jsonPath(NBodyTask.NAME);
            results.write(jsonPath);
            w.println("wrote " + jsonPath);

            LineChart chart = new LineChart("Charged N-body: mean squared error of predicted positions", "epoch",
                    "MSE (log scale)", true);
            for (NBodyTask.Run r : runs) {
                if (r.epochs() > 0) {
                    chart.add(r.name() + " valid", r.curveEpochs(), r.validCurve());
                    chart.add(r.name() + " train", r.curveEpochs(), r.trainCurve());
                }
            }
            NBodyTask.Run lin = runs.stream().filter(r -> r.name().equals("linear")).findFirst().orElse(null);
            if (lin != null && runs.size() > 1) {
                double last = runs.stream().mapToInt(NBodyTask.Run::epochs).max().orElse(1);
                chart.add("linear valid", new double[] {1, last}, new double[] {lin.validMse(), lin.validMse()});
            }
            if (runs.stream().anyMatch(r -> r.epochs() > 0)) {
                Path png = run.outDir(NBodyTask.NAME).resolve("learning_curves.png");
                chart.writePng(png);
                w.println("wrote " + png);
            }
            session.finish(w, models);
            w.flush();
        }
        return 0;
    }
}

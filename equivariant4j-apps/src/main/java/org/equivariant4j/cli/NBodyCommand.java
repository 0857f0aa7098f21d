package org.equivariant4j.cli;

import java.io.IOException;
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
import org.equivariant4j.task.Progress;
import org.equivariant4j.task.Results;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code equivariant4j nbody}: the charged N-body benchmark of EGNN. Generates (or reads) the dataset, trains the
 * chosen models, prints a results table, writes the results JSON and a PNG of the learning curves.
 */
@Command(name = "nbody",
        mixinStandardHelpOptions = true,
        description = {"Charged 5-body system: predict positions 1.0 time units ahead (EGNN paper benchmark).",
            "Trains an E(n)-equivariant EGNN against a non-equivariant GNN and the linear motion baseline x + t·v.",
            "Metrics: test_mse (at the best validation epoch), valid_mse, best_epoch, equivariance_error."})
final class NBodyCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "all", paramLabel = "NAME",
            description = "egnn, gnn, linear or all (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--epochs", paramLabel = "N", description = "Training epochs per neural model (default: 60, --paper: 10000).")
    Integer epochs;

    @Option(names = "--train-size", defaultValue = "3000", paramLabel = "N", description = "Training systems (default: ${DEFAULT-VALUE}).")
    int trainSize;

    @Option(names = "--eval-interval", paramLabel = "N", description = "Epochs between validations (default: 5; 1 when --epochs < 20).")
    Integer evalInterval;

    @Option(names = "--paper", description = "The published protocol: 10000 epochs, validation every 5.")
    boolean paper;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Read the .npy files of the original generator from DIR instead of generating them.")
    Path data;

    @Option(names = "--cache", paramLabel = "DIR", defaultValue = "${user.home}/.cache/equivariant4j/nbody",
            description = "Where generated data is kept (default: ${DEFAULT-VALUE}).")
    Path cache;

    @CommandLine.Mixin
    RunOptions run;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<String> models = "all".equals(model) ? NBodyTask.MODELS : List.of(model);
        for (String m : models) {
            if (!NBodyTask.MODELS.contains(m)) {
                throw new IllegalArgumentException("--model must be one of " + NBodyTask.MODELS + " or all, got '" + m + "'");
            }
        }
        int workers = run.applyDataParallelThreads();
        Path out = run.outDir("nbody");
        int nEpochs = epochs != null ? epochs : (paper ? 10_000 : 60);
        int interval = evalInterval != null ? evalInterval : (nEpochs < 20 ? 1 : 5);
        NBodyTask.Config cfg = new NBodyTask.Config(nEpochs, trainSize, run.seed, 100, 5e-4, 1e-12, interval, workers);
        PrintWriter w = spec.commandLine().getOut();
        PrintStream err = System.err;

        long t0 = System.nanoTime();
        NBodyDataset dataset = data != null ? NBodyDataset.load(data) : NBodyDataset.loadOrGenerate(cache);
        w.printf(Locale.ROOT, "data: %s (%.1f s)%n", data != null ? data : cache, (System.nanoTime() - t0) / 1e9);
        w.flush();
        NBodyDataset.Split train = dataset.train(trainSize);
        NBodyDataset.Split valid = dataset.valid(NBodyDataset.DEFAULT_NUM_VALID);
        NBodyDataset.Split test = dataset.test(NBodyDataset.DEFAULT_NUM_TEST);
        if (train.size() < trainSize) {
            throw new IllegalArgumentException("--train-size " + trainSize + " but the data has only " + train.size()
                    + " training systems");
        }

        List<NBodyTask.Run> runs = new ArrayList<>();
        for (String m : models) {
            if ("linear".equals(m)) {
                runs.add(NBodyTask.linear(train, valid, test));
                continue;
            }
            try (Progress bar = Progress.start(m, nEpochs, err, run.quiet)) {
                runs.add(NBodyTask.train(m, train, valid, test, cfg, bar::step));
            }
        }

        w.println();
        w.printf(Locale.ROOT, "%-8s %10s %12s %12s %10s %8s %14s%n", "model", "params", "test_mse", "valid_mse", "s/epoch",
                "epochs", "equiv_error");
        for (NBodyTask.Run r : runs) {
            w.printf(Locale.ROOT, "%-8s %10d %12.5f %12.5f %10.3f %8d %14.2e%n", r.name(), r.params(), r.testMse(), r.validMse(),
                    r.secondsPerEpoch(), r.epochs(), r.equivarianceError());
        }
        w.println("(published after 10000 epochs: linear 0.0819, GNN 0.0107, EGNN 0.0071)");

        Map<String, Object> config = new LinkedHashMap<>();
        config.put("models", models);
        config.put("epochs", nEpochs);
        config.put("train_size", trainSize);
        config.put("seed", run.seed);
        config.put("batch_size", cfg.batchSize());
        config.put("learning_rate", cfg.learningRate());
        config.put("weight_decay", cfg.weightDecay());
        config.put("eval_interval", interval);
        config.put("threads", run.threads);
        config.put("data_parallel_workers", workers);
        config.put("data", data != null ? data.toString() : cache.toString());
        Results results = new Results("nbody", config, runs.stream().map(NBodyTask::toResult).toList());
        Path jsonPath = run.jsonPath("nbody");
        results.write(jsonPath);
        w.println("wrote " + jsonPath);

        LineChart chart = new LineChart("Charged N-body: mean squared error of predicted positions", "epoch", "MSE (log scale)", true);
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
            Path png = out.resolve("learning_curves.png");
            chart.writePng(png);
            w.println("wrote " + png);
        }
        w.flush();
        return 0;
    }
}

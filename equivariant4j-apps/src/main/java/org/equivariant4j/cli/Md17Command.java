package org.equivariant4j.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.equivariant4j.data.Conformations;
import org.equivariant4j.data.Elements;
import org.equivariant4j.data.ExtendedXyz;
import org.equivariant4j.task.LineChart;
import org.equivariant4j.task.Md17Task;
import org.equivariant4j.task.MolecularDynamics;
import org.equivariant4j.task.ParityPlot;
import org.equivariant4j.task.Results;
import org.equivariant4j.task.TrainingSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code equivariant4j md17}: interatomic potentials on MD17 ethanol. Reads the frames, trains the chosen models on
 * energies and forces, tests them, checks their equivariance in float64, runs a molecular-dynamics check with each, and
 * writes a results table, the results JSON, learning curves, a force parity plot and the trajectories (extended XYZ).
 */
@Command(name = "md17",
        mixinStandardHelpOptions = true,
        description = {"Interatomic potentials on MD17 ethanol: energies and forces of 2000 conformations (kcal/mol, A).",
            "Trains a NequIP-style E(3)-equivariant potential against an invariant SchNet-style baseline (and energy heads on"
                    + " EGNN and SEGNN), forces = -dE/dx by automatic differentiation, then runs NVE dynamics with each.",
            "Metrics: energy_mae, force_mae, energy_rmse, force_rmse (test frames), valid_force_mae, best_epoch,"
                    + " energy_invariance_error, force_equivariance_error, md_energy_drift (trend of the total energy over the"
                    + " run), md_energy_fluctuation, md_max_energy_deviation, md_steps_done."})
final class Md17Command implements Callable<Integer> {
    /** The default run: a short cosine schedule that finishes in minutes on 2 cores. */
    static final int DEFAULT_EPOCHS = 20;
    /** The long protocol (--long). */
    static final int LONG_EPOCHS = 300;
    /** The long protocol's force weight: the force term counts ten times (both potentials' force MAE improved with it). */
    static final double LONG_FORCE_WEIGHT = 10;

    @Option(names = "--model", defaultValue = "nequip,schnet", paramLabel = "NAME",
            description = "nequip, schnet, egnn, segnn, ponita, a comma-separated list of them, or all (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--data", paramLabel = "FILE",
            description = "Extended XYZ frames with energy= and forces (default: <repo>/../shared/data/md17/"
                    + "ethanol_sampledata.xyz, the MD17 ethanol sample data).")
    Path data;

    @Option(names = "--epochs", paramLabel = "N", description = "Training epochs per model (default: " + DEFAULT_EPOCHS
            + "; --long: " + LONG_EPOCHS + ").")
    Integer epochs;

    @Option(names = "--long", description = "The long protocol: " + LONG_EPOCHS + " epochs, validation every 5, force weight "
            + LONG_FORCE_WEIGHT + ", NequIP at " + Md17Task.NEQUIP_LONG_RATE + ", SchNet at " + Md17Task.SCHNET_LONG_RATE + ".")
    boolean longProtocol;

    @Option(names = "--batch-size", defaultValue = "5", paramLabel = "N", description = "Frames per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Adam's learning rate, decayed to 1%% by a cosine schedule (default: " + Md17Task.RATE + "; "
                    + Md17Task.SEGNN_RATE + " for segnn, whose head diverges at " + Md17Task.RATE + "; --long: "
                    + Md17Task.NEQUIP_LONG_RATE + " for nequip, " + Md17Task.SCHNET_LONG_RATE + " for schnet).")
    Double learningRate;

    @Option(names = "--energy-weight", defaultValue = "1", paramLabel = "W",
            description = "Weight of the energy term of the loss (default: ${DEFAULT-VALUE}).")
    double energyWeight;

    @Option(names = "--force-weight", paramLabel = "W",
            description = "Weight of the force term of the loss; 0 trains on energies only (default: 1; --long: "
                    + LONG_FORCE_WEIGHT + ").")
    Double forceWeight;

    @Option(names = "--train", defaultValue = "1000", paramLabel = "N", description = "Training frames (default: ${DEFAULT-VALUE}).")
    int trainSize;

    @Option(names = "--valid", defaultValue = "500", paramLabel = "N", description = "Validation frames (default: ${DEFAULT-VALUE}).")
    int validSize;

    @Option(names = "--test", defaultValue = "500", paramLabel = "N", description = "Test frames (default: ${DEFAULT-VALUE}).")
    int testSize;

    @Option(names = "--eval-interval", paramLabel = "N", description = "Epochs between validations (default: 1; --long: 5).")
    Integer evalInterval;

    @Option(names = "--md-steps", defaultValue = "1000", paramLabel = "N",
            description = "Velocity-Verlet steps of the dynamics check from the first test frame; 0 skips it (default: ${DEFAULT-VALUE}).")
    int mdSteps;

    @Option(names = "--md-time-step", defaultValue = "0.5", paramLabel = "FS", description = "Time step in fs (default: ${DEFAULT-VALUE}).")
    double mdTimeStep;

    @Option(names = "--md-temperature", defaultValue = "500", paramLabel = "K",
            description = "Temperature of the initial velocities, K (default: ${DEFAULT-VALUE}, MD17's).")
    double mdTemperature;

    @CommandLine.Mixin
    RunOptions run;

    /** Data-parallel workers when --threads is not given. */
    static final int DEFAULT_WORKERS = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        OutputPaths.requireThreads(run.threads, run.forceThreads);
        // one data-parallel worker unless --threads is given: on these 9-atom graphs a second worker was no faster for
        // NequIP and half as fast for SchNet, even on the quiet 2-core machine (README)
        int workers = spec.commandLine().getParseResult().hasMatchedOption("--threads") ? run.threads : DEFAULT_WORKERS;
        List<String> models = ModelList.parse(model, Md17Task.MODELS);
        int nEpochs = epochs != null ? epochs : longProtocol ? LONG_EPOCHS : DEFAULT_EPOCHS;
        int interval = evalInterval != null ? evalInterval : longProtocol ? 5 : 1;
        Map<String, TrainingSettings> settingsOf = new LinkedHashMap<>();
        for (String m : models) {
            double rate = learningRate != null ? learningRate : Md17Task.defaultLearningRate(m, longProtocol);
            settingsOf.put(m, Md17Task.settings(nEpochs, batchSize, run.seed, rate, interval, workers));
        }
        double wF = forceWeight != null ? forceWeight : longProtocol ? LONG_FORCE_WEIGHT : 1;
        Md17Task.LossWeights weights = new Md17Task.LossWeights(energyWeight, wF);
        Md17Task.DynamicsSettings dynamics = new Md17Task.DynamicsSettings(mdSteps, mdTimeStep, mdTemperature, 10);
        if (trainSize < batchSize) {
            throw new IllegalArgumentException("--train must be at least one batch (" + batchSize + "), got "
                    + trainSize);
        }
        Path file = data != null ? data : defaultData();
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException((data != null ? "--data " + file + (Files.isDirectory(file) ? " is a folder"
                    : " does not exist") : "MD17 data not found at " + file + " (the default,"
                    + " <repo>/../shared/data/md17/ethanol_sampledata.xyz)") + "; expected an extended XYZ file of molecular frames with"
                    + " energy= (kcal/mol) and per-atom forces (kcal/mol/A), e.g. the MD17 ethanol sample data"
                    + " (schnetpack's data_tutorial/ethanol_sampledata.xyz); give it with --data FILE");
        }
        PrintWriter w = spec.commandLine().getOut();
        PrintStream err = System.err;
        try (TrainingSession session = run.open(Md17Task.NAME, models, 5)) {
            // the data-parallel workers run one PyTorch thread each
            System.setProperty("ai.djl.pytorch.num_threads", "1");
            long t0 = System.nanoTime();
            Conformations all = Conformations.readExtendedXyz(file);
            Md17Task.Splits splits = Md17Task.split(all, trainSize, validSize, testSize, run.seed);
            w.printf(Locale.ROOT, "data: %s: %d frames of %d atoms; train %d, valid %d, test %d (%.1f s)%n", file, all.size(),
                    all.atomicNumbers().get(0).length, trainSize, validSize, testSize, (System.nanoTime() - t0) / 1e9);
            w.flush();

            List<Md17Task.Run> runs = new ArrayList<>();
            for (String m : models) {
                try (ProgressListener bar = new ProgressListener(m, nEpochs, "valid_force_mae", err, run.quiet)) {
                    runs.add(Md17Task.train(m, splits, settingsOf.get(m), weights, dynamics, bar, session.checkpointing(m),
                            session.saveDir(m)));
                }
            }

            w.println();
            w.printf(Locale.ROOT, "%-7s %8s %10s %10s %9s %7s %11s %11s %10s %10s %10s%n", "model", "params", "energy_mae",
                    "force_mae", "s/epoch", "epochs", "E_invar", "F_equivar", "md_drift", "md_rms", "md_maxdev");
            for (Md17Task.Run r : runs) {
                MolecularDynamics.Trajectory t = r.trajectory();
                w.printf(Locale.ROOT, "%-7s %8d %10.4f %10.4f %9.2f %7d %11.2e %11.2e %10s %10s %10s%n", r.name(), r.params(),
                        r.test().energyMae(), r.test().forceMae(), r.secondsPerEpoch(), r.epochs(), r.energyInvariance(),
                        r.forceEquivariance(), energy(t == null ? null : t.drift()),
                        energy(t == null ? null : t.fluctuation()), energy(t == null ? null : t.maxDeviation()));
            }
            w.println("(energies in kcal/mol, forces in kcal/mol/A, test frames; dynamics over " + mdSteps + " steps of "
                    + mdTimeStep + " fs: the total energy's drift (least-squares trend), its RMS about the trend and its"
                    + " largest deviation from the start)");

            Map<String, Object> config = new LinkedHashMap<>();
            config.put("models", models);
            config.put("epochs", nEpochs);
            config.put("batch_size", batchSize);
            Map<String, Object> rates = new LinkedHashMap<>();
            settingsOf.forEach((m, st) -> rates.put(m, st.learningRate()));
            config.put("learning_rate", learningRate != null ? (Object) learningRate : rates);
            config.put("schedule", "cosine");
            config.put("energy_weight", energyWeight);
            config.put("force_weight", wF);
            config.put("train", trainSize);
            config.put("valid", validSize);
            config.put("test", testSize);
            config.put("seed", run.seed);
            config.put("eval_interval", interval);
            config.put("threads", workers);
            config.put("data", splits.source());
            config.put("md_steps", mdSteps);
            config.put("md_time_step_fs", mdTimeStep);
            config.put("md_temperature_k", mdTemperature);
            config.put("resumed", runs.stream().anyMatch(Md17Task.Run::resumed));
            Results results = new Results(Md17Task.NAME, config, runs.stream().map(Md17Task::toResult).toList());
            Path jsonPath = run.jsonPath(Md17Task.NAME);
            results.write(jsonPath);
            w.println("wrote " + jsonPath);

            Path out = run.outDir(Md17Task.NAME);
            LineChart curves = new LineChart("MD17: validation force MAE", "epoch", "force MAE, kcal/mol/A (log scale)",
                    true);
            ParityPlot parity = new ParityPlot("MD17 test frames: forces", "force component (kcal/mol/A)");
            for (Md17Task.Run r : runs) {
                curves.add(r.name(), r.curveEpochs(), r.validCurve());
                parity.add(String.format(Locale.ROOT, "%s (MAE %.3f)", r.name(), r.test().forceMae()), r.test().forcesTrue(),
                        r.test().forcesPredicted());
            }
            curves.writePng(out.resolve("learning_curves.png"));
            w.println("wrote " + out.resolve("learning_curves.png"));
            parity.writePng(out.resolve("force_parity.png"));
            w.println("wrote " + out.resolve("force_parity.png"));
            if (mdSteps > 0) {
                LineChart energy = new LineChart("NVE dynamics from a test frame: total energy E + K minus its start", "time (fs)",
                        "kcal/mol", false);
                for (Md17Task.Run r : runs) {
                    MolecularDynamics.Trajectory t = r.trajectory();
                    double[] time = new double[t.totalEnergy().length];
                    double[] change = new double[time.length];
                    for (int i = 0; i < time.length; i++) {
                        time[i] = i * t.timeStep();
                        change[i] = t.totalEnergy()[i] - t.totalEnergy()[0];
                    }
                    energy.add(r.name(), time, change);
                    Path xyz = out.resolve("md_" + r.name() + ".xyz");
                    ExtendedXyz.write(xyz, frames(t, splits.test().atomicNumbers().get(0)));
                    w.println("wrote " + xyz + " (" + t.recorded().size() + " frames" + (t.failure() == null ? ")"
                            : "; stopped at " + t.failure() + ")"));
                }
                energy.writePng(out.resolve("md_energy.png"));
                w.println("wrote " + out.resolve("md_energy.png"));
            }
            session.finish(w, models);
            w.flush();
        }
        return 0;
    }

    /** An energy in kcal/mol for the table, "-" without dynamics. */
    private static String energy(Double kcalPerMol) {
        return kcalPerMol == null ? "-" : String.format(Locale.ROOT, "%.4f", kcalPerMol);
    }

    /** The default data file: the MD17 ethanol sample data next to the repository. */
    static Path defaultData() {
        return RotMnistCommand.repositoryRoot().resolve("../shared/data/md17/ethanol_sampledata.xyz").normalize();
    }

    /** The recorded states as extended XYZ frames: species, positions, velocities, forces; step, time and energies. */
    static List<ExtendedXyz.Frame> frames(MolecularDynamics.Trajectory t, int[] z) {
        List<String> species = new ArrayList<>();
        for (int a : z) {
            species.add(Elements.symbol(a));
        }
        List<ExtendedXyz.Frame> frames = new ArrayList<>();
        for (MolecularDynamics.State s : t.recorded()) {
            int n = z.length;
            double[][] pos = new double[n][3];
            double[][] vel = new double[n][3];
            double[][] f = new double[n][3];
            for (int i = 0; i < n; i++) {
                System.arraycopy(s.positions(), 3 * i, pos[i], 0, 3);
                System.arraycopy(s.velocities(), 3 * i, vel[i], 0, 3);
                System.arraycopy(s.forces(), 3 * i, f[i], 0, 3);
            }
            Map<String, double[][]> arrays = new LinkedHashMap<>();
            arrays.put("velocities", vel);
            arrays.put("forces", f);
            Map<String, String> info = new LinkedHashMap<>();
            info.put("step", Integer.toString(s.step()));
            info.put("time", String.format(Locale.ROOT, "%.3f", s.step() * t.timeStep()));
            info.put("energy", Double.toString(s.potential()));
            info.put("kinetic_energy", Double.toString(s.kinetic()));
            info.put("total_energy", Double.toString(s.total()));
            frames.add(new ExtendedXyz.Frame(species, pos, arrays, info));
        }
        return frames;
    }
}

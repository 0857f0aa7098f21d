package org.equivariant4j.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.equivariant4j.nn.graph.EgnnModel;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.graph.GraphTopology;
import org.equivariant4j.model.NBodyGraphs;
import org.equivariant4j.nn.ops.DataParallel;
import org.equivariant4j.nn.ops.FusedAdam;

/**
 * Times one training epoch of EGNN (N-body configuration, 134 020 parameters) on 3000 random 5-body
 * systems, batch 100 (30 steps of forward + backward + Adam), float32, for several paths in the same
 * process, interleaved epoch by epoch, and prints the median seconds per epoch and their ratios to the
 * first variant (see {@link #main}).
 *
 * <p>Run: {@code java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -cp "$(cat
 * equivariant4j-bench/target/classpath.txt):equivariant4j-bench/target/classes"
 * org.equivariant4j.bench.EgnnEpochBench [epochs] [variants]}. (The N-body issue quotes 2.4 s per epoch for the
 * original PyTorch code on this machine class; what was measured here is below.)
 *
 * <p>Measured on the 2-core machine while other engineers' builds ran (2026-12-06, load average 5, matMul 1024²
 * 60.7 ms against 9.9 ms quiet; same process, interleaved, medians of 5 epochs, 2 threads): SCATTER 1.655 s,
 * SCATTER+fadam 1.449 s, FUSED+fadam 0.832 s (1.99× SCATTER), FUSED+fadam+dp2 1.208 s (two workers need two free
 * cores). With 1 thread: SCATTER+fadam 0.875 s, FUSED+fadam 0.723 s (1.21×); process CPU 0.86 and 0.68 s. The
 * deleted formulations, measured before their removal (1 thread, same process): PACKED 1.04× SCATTER, DENSE 0.87×;
 * and the deleted typed N-body input of the fused path was no faster than the fused path on a {@link GraphBatch}
 * (1.157 s against 1.042 s, process CPU 0.745 s against 0.800 s). The reference formulation in PyTorch on the same
 * machine, measured quiet (Debian's PyTorch 1.13.1 with OpenBLAS, {@code src/main/python/egnn_reference_epoch.py}):
 * 1.17 s with 1 thread, 1.44 s with 2.
 *
 * <p>On a shared, loaded 2-core machine set {@code OMP_WAIT_POLICY=PASSIVE}: with libgomp's default
 * spinning barriers a 2-thread run can be ten times slower than a 1-thread run (measured).
 */
public final class EgnnEpochBench {
    static final int SYSTEMS = 3000;
    static final int BODIES = 5;
    static final int BATCH = 100;

    private EgnnEpochBench() {}

    /** Data of the whole epoch: x, v, target [S·5, 3] and charges [S·5]. */
    record Data(NDArray x, NDArray v, NDArray q, NDArray target) {}

    static Data randomData(NDManager m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = SYSTEMS * BODIES;
        float[] x = new float[3 * n];
        float[] v = new float[3 * n];
        float[] y = new float[3 * n];
        float[] q = new float[n];
        for (int i = 0; i < 3 * n; i++) {
            x[i] = (float) (1.7 * gaussian(r));
            v[i] = (float) gaussian(r);
            y[i] = x[i] + 0.8f * v[i] + (float) (0.1 * gaussian(r));
        }
        for (int i = 0; i < n; i++) {
            q[i] = r.nextBoolean() ? 1f : -1f;
        }
        return new Data(m.create(x, new Shape(n, 3)), m.create(v, new Shape(n, 3)), m.create(q, new Shape(n)),
                m.create(y, new Shape(n, 3)));
    }

    static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    /** Per-phase times of one epoch, in seconds. */
    static final class Timing {
        double total;
        double forwardBackward;
        double adam;
        double loss;
        double cpu;
    }

    static double processCpuSeconds() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean
                ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() * 1e-9 : Double.NaN;
    }

    /** A way of running the model: a path, DJL's Adam or {@link FusedAdam}, and the data-parallel workers. */
    record Variant(String name, EgnnModel.Path path, boolean fusedAdam, int workers) {
        static Variant parse(String s) {
            String rest = s;
            int workers = 0;
            java.util.regex.Matcher dp = java.util.regex.Pattern.compile("(.*)\\+dp(\\d+)$").matcher(rest);
            if (dp.matches()) {
                rest = dp.group(1);
                workers = Integer.parseInt(dp.group(2));
            }
            boolean fusedAdam = rest.endsWith("+fadam");
            rest = fusedAdam ? rest.substring(0, rest.length() - 6) : rest;
            return new Variant(s, EgnnModel.Path.valueOf(rest), fusedAdam, workers);
        }
    }

    static Timing epoch(EgnnModel model, ParameterStore ps, Optimizer adam, FusedAdam fusedAdam, DataParallel dp, Data d,
            GraphTopology topo, Variant variant, int[] order) {
        Timing t = new Timing();
        long t0 = System.nanoTime();
        double c0 = processCpuSeconds();
        int steps = SYSTEMS / BATCH;
        model.setPath(variant.path());
        for (int s = 0; s < steps; s++) {
            int b = order[s];
            long a0 = System.nanoTime();
            if (dp != null) {
                int workers = dp.workers();
                t.loss += dp.backward(ps, (store, shard) -> {
                    int lo = b * BATCH + shard * BATCH / workers;
                    int hi = b * BATCH + (shard + 1) * BATCH / workers;
                    String rows = (lo * BODIES) + ":" + (hi * BODIES);
                    GraphTopology shardTopology = hi - lo == BATCH ? topo : GraphTopology.fullyConnected(BODIES, hi - lo);
                    GraphBatch g = NBodyGraphs.egnn(shardTopology, d.x().get(rows), d.v().get(rows), d.q().get(rows));
                    NDArray out = model.forward(store, g, true);
                    return out.sub(d.target().get(rows)).square().sum().div(BATCH * BODIES * 3);
                }) / steps;
            } else try (NDScope scope = new NDScope()) {
                String rows = (b * BATCH * BODIES) + ":" + ((b + 1) * BATCH * BODIES);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    GraphBatch g = NBodyGraphs.egnn(topo, d.x().get(rows), d.v().get(rows), d.q().get(rows));
                    NDArray out = model.forward(ps, g, true);
                    NDArray loss = out.sub(d.target().get(rows)).square().mean();
                    gc.backward(loss);
                    t.loss += loss.getFloat() / steps;
                }
            }
            long a1 = System.nanoTime();
            if (variant.fusedAdam()) {
                fusedAdam.step(model);
            } else {
                for (Pair<String, Parameter> p : model.getParameters()) {
                    NDArray w = p.getValue().getArray();
                    try (NDArray grad = w.getGradient()) {
                        adam.update(p.getValue().getId(), w, grad);
                    }
                }
            }
            long a2 = System.nanoTime();
            t.forwardBackward += (a1 - a0) * 1e-9;
            t.adam += (a2 - a1) * 1e-9;
        }
        t.total = (System.nanoTime() - t0) * 1e-9;
        t.cpu = processCpuSeconds() - c0;
        return t;
    }

    /** One model, its optimiser and its shuffling, trained epoch by epoch. */
    static final class Runner {
        final Variant variant;
        final EgnnModel model;
        final ParameterStore ps;
        final Optimizer adam;
        final FusedAdam fusedAdam;
        final DataParallel dataParallel;
        final SplittableRandom r = new SplittableRandom(3);
        final List<Double> times = new ArrayList<>();
        final List<Double> adamTimes = new ArrayList<>();
        final List<Double> cpuTimes = new ArrayList<>();

        Runner(NDManager m, Variant variant) {
            this.variant = variant;
            Engine.getInstance().setRandomSeed(1);
            model = EgnnModel.builder(NBodyGraphs.EGNN_NODE_FEATURES, NBodyGraphs.EGNN_EDGE_ATTRIBUTES).build();
            model.initialize(m, DataType.FLOAT32, new Shape(BATCH * BODIES, 1), new Shape(BATCH * BODIES, 3));
            ps = new ParameterStore(m, false);
            adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(5e-4f)).optWeightDecays(1e-12f).build();
            fusedAdam = FusedAdam.builder().learningRate(Tracker.fixed(5e-4f)).weightDecay(1e-12f).build();
            dataParallel = variant.workers() > 0 ? DataParallel.create(model, variant.workers()) : null;
        }

        void epoch(Data d, GraphTopology topo, int e, int threads) {
            // data-parallel workers run single-threaded ops; the others use the configured intra-op threads
            JniUtils.setNumThreads(dataParallel != null ? 1 : threads);
            Timing t = EgnnEpochBench.epoch(model, ps, adam, fusedAdam, dataParallel, d, topo, variant, shuffled(SYSTEMS / BATCH, r));
            if (e >= 0) {
                times.add(t.total);
                adamTimes.add(t.adam);
                cpuTimes.add(t.cpu);
            }
            System.out.printf(Locale.ROOT, "  %-13s epoch %2d: %.3f s (fwd+bwd %.3f, adam %.3f; process CPU %.3f s), train loss %.4f%s%n",
                    variant.name(), e + 1, t.total, t.forwardBackward, t.adam, t.cpu, t.loss, e < 0 ? " (warm-up)" : "");
        }
    }

    static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    static int[] shuffled(int n, SplittableRandom r) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
        return a;
    }

    /**
     * Prints the speed of two reference ops measured quietly on this machine class in the DJL audit
     * (shared/reference/djl.md §6-7: matMul 1024² f32 9.9 ms with 2 threads; exp of 1M floats 0.30 ms),
     * so that epoch times from a loaded machine can be put in proportion.
     */
    static void calibrate(NDManager m) {
        NDArray a = m.randomNormal(new Shape(1024, 1024));
        NDArray e = m.randomNormal(new Shape(1_000_000));
        double mm = medianMillis(() -> a.matMul(a), 20);
        double exp = medianMillis(e::exp, 50);
        System.out.printf(Locale.ROOT, "calibration: matMul 1024^2 %.2f ms (audit, quiet: 9.9 ms), exp 1M %.3f ms (audit: 0.30 ms)%n",
                mm, exp);
        a.close();
        e.close();
    }

    static double medianMillis(java.util.function.Supplier<NDArray> op, int reps) {
        double[] t = new double[reps];
        for (int i = -3; i < reps; i++) {
            try (NDScope s = new NDScope()) {
                long t0 = System.nanoTime();
                op.get().toType(DataType.FLOAT32, false).getShape();
                if (i >= 0) {
                    t[i] = (System.nanoTime() - t0) * 1e-6;
                }
            }
        }
        Arrays.sort(t);
        return t[reps / 2];
    }

    /**
     * Arguments: {@code [epochs] [variant...]}, a variant being a {@link EgnnModel.Path} name, optionally with
     * {@code +fadam} (the Adam step as one call, {@link FusedAdam}, instead of DJL's Adam per parameter), optionally
     * followed by {@code +dpW} (each batch split over W {@link DataParallel} workers whose ops run on one thread each).
     * Every variant builds the N-body {@link GraphBatch} of each batch ({@link NBodyGraphs#egnn}), as training does.
     * Default: 5 epochs of SCATTER (the reference's edge-list formulation), SCATTER+fadam, FUSED+fadam and
     * FUSED+fadam+dp2. The variants run interleaved, epoch by epoch, each after one
     * warm-up epoch, so that load from other processes hits them alike; the first is the baseline of the ratios.
     */
    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<Variant> variants = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            variants.add(Variant.parse(args[i]));
        }
        if (variants.isEmpty()) {
            for (String v : new String[] {"SCATTER", "SCATTER+fadam", "FUSED+fadam", "FUSED+fadam+dp2"}) {
                variants.add(Variant.parse(v));
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            calibrate(m);
            Data d = randomData(m, 42);
            System.out.println("EGNN N-body epoch: 3000 systems x 5 bodies, batch 100, float32, threads="
                    + System.getProperty("ai.djl.pytorch.num_threads", "default"));
            GraphTopology topo = GraphTopology.fullyConnected(BODIES, BATCH);
            int threads = JniUtils.getNumThreads();
            List<Runner> runners = new ArrayList<>();
            for (Variant v : variants) {
                runners.add(new Runner(m, v));
            }
            for (int e = -1; e < epochs; e++) {
                for (Runner r : runners) {
                    r.epoch(d, topo, e, threads);
                }
            }
            double base = median(runners.get(0).times);
            StringBuilder sb = new StringBuilder("RESULT median s/epoch:");
            for (Runner r : runners) {
                double med = median(r.times);
                sb.append(String.format(Locale.ROOT, " %s %.3f (adam %.3f, process CPU %.3f; x%.2f vs %s);",
                        r.variant.name(), med, median(r.adamTimes), median(r.cpuTimes), base / med, runners.get(0).variant.name()));
            }
            System.out.println(sb);
        }
    }
}

package org.equivariant4j.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
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
import org.equivariant4j.nn.graph.NBodyGraphs;
import org.equivariant4j.nn.ops.FusedAdam;

/**
 * Times one training epoch of EGNN (N-body configuration, 134 020 parameters) on 3000 random 5-body
 * systems, batch 100 (30 steps of forward + backward + Adam), float32, for several paths in the same
 * process, interleaved epoch by epoch, and prints the median seconds per epoch and their ratios to the
 * first variant (see {@link #main}).
 *
 * <p>Run: {@code java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -cp "$(cat
 * equivariant4j-bench/target/classpath.txt):equivariant4j-bench/target/classes"
 * org.equivariant4j.bench.EgnnEpochBench [epochs] [variants]}. The reference PyTorch code needs about 2.4 s per
 * epoch on the same machine class.
 *
 * <p>Measured on the shared 2-core machine (loaded; same process, interleaved, medians of 4–5 epochs): PACKED
 * 1.60 s, FUSED 1.17 s, FUSED-typed+fadam 1.15 s with 2 threads (PACKED/FUSED-typed+fadam = 1.4–2.1 across
 * runs); with 1 thread PACKED 1.34 s, FUSED-typed+fadam 0.89 s (1.50×).
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

    /** A way of running the model: a path, and whether the input goes through a GraphBatch or the typed N-body call. */
    record Variant(String name, EgnnModel.Path path, boolean typed, boolean fusedAdam) {
        static Variant parse(String s) {
            String rest = s;
            boolean fusedAdam = rest.endsWith("+fadam");
            rest = fusedAdam ? rest.substring(0, rest.length() - 6) : rest;
            boolean typed = rest.endsWith("-typed");
            rest = typed ? rest.substring(0, rest.length() - 6) : rest;
            return new Variant(s, EgnnModel.Path.valueOf(rest), typed, fusedAdam);
        }
    }

    static Timing epoch(EgnnModel model, ParameterStore ps, Optimizer adam, FusedAdam fusedAdam, Data d,
            GraphTopology topo, Variant variant, int[] order) {
        Timing t = new Timing();
        long t0 = System.nanoTime();
        double c0 = processCpuSeconds();
        int steps = SYSTEMS / BATCH;
        model.setPath(variant.path());
        for (int s = 0; s < steps; s++) {
            int b = order[s];
            long a0 = System.nanoTime();
            try (NDScope scope = new NDScope()) {
                String rows = (b * BATCH * BODIES) + ":" + ((b + 1) * BATCH * BODIES);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray out;
                    if (variant.typed()) {
                        out = model.forwardNBody(ps, d.x().get(rows).reshape(BATCH, BODIES, 3),
                                d.v().get(rows).reshape(BATCH, BODIES, 3), d.q().get(rows).reshape(BATCH, BODIES), true);
                    } else {
                        GraphBatch g = NBodyGraphs.egnn(topo, d.x().get(rows), d.v().get(rows), d.q().get(rows));
                        out = model.forward(ps, g, true);
                    }
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
        final SplittableRandom r = new SplittableRandom(3);
        final List<Double> times = new ArrayList<>();
        final List<Double> adamTimes = new ArrayList<>();
        final List<Double> cpuTimes = new ArrayList<>();

        Runner(NDManager m, Variant variant) {
            this.variant = variant;
            Engine.getInstance().setRandomSeed(1);
            model = EgnnModel.builder().build();
            model.initialize(m, DataType.FLOAT32, new Shape(BATCH * BODIES, 1), new Shape(BATCH * BODIES, 3));
            ps = new ParameterStore(m, false);
            adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(5e-4f)).optWeightDecays(1e-12f).build();
            fusedAdam = FusedAdam.builder().learningRate(Tracker.fixed(5e-4f)).weightDecay(1e-12f).build();
        }

        void epoch(Data d, GraphTopology topo, int e) {
            Timing t = EgnnEpochBench.epoch(model, ps, adam, fusedAdam, d, topo, variant, shuffled(SYSTEMS / BATCH, r));
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
     * {@code -typed} (the N-body input without a GraphBatch, {@link EgnnModel#forwardNBody}) and/or
     * {@code +fadam} (the Adam step as one call, {@link FusedAdam}, instead of DJL's Adam per parameter).
     * Default: 5 epochs of PACKED, FUSED, FUSED-typed and FUSED-typed+fadam. The variants run interleaved, epoch by epoch, each after one
     * warm-up epoch, so that load from other processes hits them alike; the first is the baseline of the ratios.
     */
    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<Variant> variants = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            variants.add(Variant.parse(args[i]));
        }
        if (variants.isEmpty()) {
            for (String v : new String[] {"PACKED", "FUSED", "FUSED-typed", "FUSED-typed+fadam"}) {
                variants.add(Variant.parse(v));
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            calibrate(m);
            Data d = randomData(m, 42);
            System.out.println("EGNN N-body epoch: 3000 systems x 5 bodies, batch 100, float32, threads="
                    + System.getProperty("ai.djl.pytorch.num_threads", "default"));
            GraphTopology topo = GraphTopology.fullyConnected(BODIES, BATCH);
            List<Runner> runners = new ArrayList<>();
            for (Variant v : variants) {
                runners.add(new Runner(m, v));
            }
            for (int e = -1; e < epochs; e++) {
                for (Runner r : runners) {
                    r.epoch(d, topo, e);
                }
            }
            double base = median(runners.get(0).times);
            StringBuilder sb = new StringBuilder("RESULT median s/epoch:");
            for (Runner r : runners) {
                double med = median(r.times);
                sb.append(String.format(Locale.ROOT, " %s %.3f (adam %.3f, process CPU %.3f; x%.2f vs %s, x%.2f vs PyTorch 2.4 s);",
                        r.variant.name(), med, median(r.adamTimes), median(r.cpuTimes), base / med, runners.get(0).variant.name(),
                        2.4 / med));
            }
            System.out.println(sb);
        }
    }
}

package org.equivariant4j.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.equivariant4j.model.NBodyGraphs;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.graph.GraphTopology;
import org.equivariant4j.nn.ops.FusedAdam;
import org.equivariant4j.task.NBodyTask;

/**
 * Times N-body training epochs (3000 random 5-body systems, batch 100: 30 steps of forward, backward and one
 * {@link FusedAdam} step, float32, one thread) of the task's models as {@code ./equivariant4j nbody} builds them,
 * interleaved epoch by epoch in one process, and prints the median seconds per epoch of each and its ratio to the first
 * model's. Models: egnn, ponita, ponita-se3 (default: egnn and ponita).
 *
 * <p>Run: {@code java -Dai.djl.offline=true -cp "$(cat equivariant4j-bench/target/classpath.txt):equivariant4j-bench/target/classes"
 * org.equivariant4j.bench.PonitaEpochBench [epochs] [model...]}.
 */
public final class PonitaEpochBench {
    private PonitaEpochBench() {}

    /** One model of the task, trained epoch by epoch. */
    static final class Runner {
        final String name;
        final Block model;
        final ParameterStore ps;
        final FusedAdam adam = FusedAdam.builder().learningRate(Tracker.fixed(5e-4f)).weightDecay(1e-12f).build();
        final SplittableRandom r = new SplittableRandom(3);
        final List<Double> times = new ArrayList<>();

        Runner(NDManager m, String name) {
            this.name = name;
            this.model = NBodyTask.DEFINITION.model(name).create(1, m);
            this.ps = new ParameterStore(m, false);
        }

        void epoch(EgnnEpochBench.Data d, GraphTopology topo, int e) {
            int steps = EgnnEpochBench.SYSTEMS / EgnnEpochBench.BATCH;
            int nodes = EgnnEpochBench.BATCH * EgnnEpochBench.BODIES;
            int[] order = EgnnEpochBench.shuffled(steps, r);
            double loss = 0;
            long t0 = System.nanoTime();
            for (int s = 0; s < steps; s++) {
                String rows = (order[s] * nodes) + ":" + ((order[s] + 1) * nodes);
                try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray x = d.x().get(rows);
                    NDArray v = d.v().get(rows);
                    NDArray q = d.q().get(rows);
                    GraphBatch g = name.equals("egnn") ? NBodyGraphs.egnn(topo, x, v, q) : NBodyGraphs.ponita(topo, x, v, q);
                    NDArray out = model.forward(ps, g.toNDList(), true).singletonOrThrow();
                    if (!name.equals("egnn")) {
                        out = x.add(out);
                    }
                    NDArray l = out.sub(d.target().get(rows)).square().mean();
                    gc.backward(l);
                    loss += l.getFloat() / steps;
                }
                adam.step(model);
            }
            double t = (System.nanoTime() - t0) * 1e-9;
            if (e >= 0) {
                times.add(t);
            }
            System.out.printf(Locale.ROOT, "  %-8s epoch %2d: %.3f s, train loss %.4f%s%n", name, e + 1, t, loss,
                    e < 0 ? " (warm-up)" : "");
        }
    }

    /** Arguments: {@code [epochs] [model...]} (default: 5 epochs of egnn and ponita). */
    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<String> names = args.length > 1 ? List.of(args).subList(1, args.length) : List.of("egnn", "ponita");
        JniUtils.setNumThreads(1);
        try (NDManager m = NDManager.newBaseManager()) {
            EgnnEpochBench.calibrate(m);
            EgnnEpochBench.Data d = EgnnEpochBench.randomData(m, 7);
            GraphTopology topo = GraphTopology.fullyConnected(EgnnEpochBench.BODIES, EgnnEpochBench.BATCH);
            List<Runner> runners = new ArrayList<>();
            for (String n : names) {
                runners.add(new Runner(m, n));
            }
            for (int e = -1; e < epochs; e++) {
                for (Runner r : runners) {
                    r.epoch(d, topo, e);
                }
            }
            double base = EgnnEpochBench.median(runners.get(0).times);
            System.out.printf(Locale.ROOT, "%nmedian seconds per epoch over %d epochs (1 thread, interleaved):%n", epochs);
            for (Runner r : runners) {
                double med = EgnnEpochBench.median(r.times);
                System.out.printf(Locale.ROOT, "  %-8s %8.3f s   %5.2fx %s   (%d parameters)%n", r.name, med, med / base,
                        runners.get(0).name, org.equivariant4j.nn.ops.ParameterCounts.learnable(r.model));
            }
        }
    }
}

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
import org.equivariant4j.nn.ops.ParameterCounts;
import org.equivariant4j.task.NBodyTask;

/**
 * Times N-body training epochs (3000 random 5-body systems, batch 100: 30 steps of forward, backward and one
 * {@link FusedAdam} step, float32, one thread) of the task's models as {@code ./equivariant4j nbody} builds them, EGNN
 * against each other model in {@link PairedTiming} pairs (one epoch each, the order flipped every repetition, after one
 * warm-up round), and prints the median seconds per epoch of each and its ratio to EGNN's. Models to compare: ponita,
 * ponita-se3 (the lifted ones; default: ponita) and segnn (the steerable one; its output is a displacement, as the
 * lifted models').
 *
 * <p>Run: {@code java -Dai.djl.offline=true -cp "$(cat equivariant4j-bench/target/classpath.txt):equivariant4j-bench/target/classes"
 * org.equivariant4j.bench.PonitaEpochBench [epochs] [model...]}.
 */
public final class PonitaEpochBench {
    private PonitaEpochBench() {}

    /** One model of the task; every {@link #run} trains it for one epoch and prints the time and the mean loss. */
    static final class Runner implements Runnable {
        final String name;
        final Block model;
        final ParameterStore ps;
        final FusedAdam adam = FusedAdam.builder().learningRate(Tracker.fixed(5e-4f)).weightDecay(1e-12f).build();
        final SplittableRandom r = new SplittableRandom(3);
        final EgnnEpochBench.Data d;
        final GraphTopology topo;
        int epochs;

        Runner(NDManager m, String name, EgnnEpochBench.Data d, GraphTopology topo) {
            this.name = name;
            this.model = NBodyTask.DEFINITION.model(name).create(1, m);
            this.ps = new ParameterStore(m, false);
            this.d = d;
            this.topo = topo;
        }

        @Override
        public void run() {
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
                    GraphBatch g = switch (name) {
                        case "egnn" -> NBodyGraphs.egnn(topo, x, v, q);
                        case "segnn" -> NBodyGraphs.segnn(topo, x, v, q);
                        default -> NBodyGraphs.ponita(topo, x, v, q);
                    };
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
            epochs++;
            System.out.printf(Locale.ROOT, "  %-10s epoch %2d: %.3f s, train loss %.4f%n", name, epochs,
                    (System.nanoTime() - t0) * 1e-9, loss);
        }
    }

    /** Arguments: {@code [epochs] [model...]} (default: 5 paired epochs of egnn and ponita). */
    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<String> others = args.length > 1 ? List.of(args).subList(1, args.length) : List.of("ponita");
        try (NDManager m = NDManager.newBaseManager()) {
            JniUtils.setNumThreads(1);
            EgnnEpochBench.calibrate(m);
            EgnnEpochBench.Data d = EgnnEpochBench.randomData(m, 7);
            GraphTopology topo = GraphTopology.fullyConnected(EgnnEpochBench.BODIES, EgnnEpochBench.BATCH);
            Runner egnn = new Runner(m, "egnn", d, topo);
            List<Runner> runners = new ArrayList<>();
            Runnable[] ops = new Runnable[2 * others.size()];
            for (int i = 0; i < others.size(); i++) {
                Runner r = new Runner(m, others.get(i), d, topo);
                runners.add(r);
                ops[2 * i] = egnn;
                ops[2 * i + 1] = r;
            }
            double[] med = PairedTiming.medians(ops, 1, epochs);
            System.out.printf(Locale.ROOT, "%nmedian seconds per epoch over %d paired epochs (1 thread, order flipped every"
                    + " pair):%n", epochs);
            for (int i = 0; i < runners.size(); i++) {
                System.out.printf(Locale.ROOT, "  %-10s %8.3f s (%d parameters) vs egnn %8.3f s (%d parameters): %5.2fx%n",
                        runners.get(i).name, med[2 * i + 1] / 1e3, ParameterCounts.learnable(runners.get(i).model),
                        med[2 * i] / 1e3, ParameterCounts.learnable(egnn.model), med[2 * i + 1] / med[2 * i]);
            }
        }
    }
}

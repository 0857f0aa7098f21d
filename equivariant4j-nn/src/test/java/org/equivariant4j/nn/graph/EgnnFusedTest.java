package org.equivariant4j.nn.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
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
import java.util.List;
import java.util.SplittableRandom;
import org.equivariant4j.nn.graph.EgnnModel.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The FUSED path (one TorchScript call) against the op-by-op SCATTER reference: values, gradients, training. */
class EgnnFusedTest {
    private static final int N_BODY = 5;
    private static final int GRAPHS = 3;
    private static int savedThreads;

    @BeforeAll
    static void singleThreaded() {
        Engine.getInstance(); // loads the native library
        savedThreads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
    }

    @AfterAll
    static void restoreThreads() {
        JniUtils.setNumThreads(savedThreads);
    }

    private static EgnnModel newModel(NDManager m, DataType dt, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        EgnnModel model = EgnnModel.builder(1, 2).build();
        model.initialize(m, dt, new Shape(N_BODY * GRAPHS, 1), new Shape(N_BODY * GRAPHS, 3));
        return model;
    }

    /** x, v [N, 3], charges [N]. */
    private static NDArray[] inputs(NDManager m, long seed, DataType dt, int graphs) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = N_BODY * graphs;
        return new NDArray[] {GraphTestSupport.normal(m, r, new Shape(n, 3), 1.7, dt),
            GraphTestSupport.normal(m, r, new Shape(n, 3), 1.0, dt), GraphTestSupport.charges(m, r, n, dt)};
    }

    /** Output and the gradients of a fixed weighted sum of the output with respect to every parameter. */
    private static List<double[]> outputAndGradients(EgnnModel model, ParameterStore ps, NDArray weights,
            java.util.function.Supplier<NDArray> forward) {
        List<double[]> out = new ArrayList<>();
        try (NDScope scope = new NDScope()) {
            NDArray y;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                y = forward.get();
                gc.backward(y.mul(weights).sum());
            }
            out.add(GraphBatch.toDoubles(y));
            for (Pair<String, Parameter> p : model.getParameters()) {
                try (NDArray g = p.getValue().getArray().getGradient()) {
                    out.add(GraphBatch.toDoubles(g));
                    g.subi(g); // DJL never zeroes gradients
                }
            }
        }
        return out;
    }

    private static double maxDiff(List<double[]> a, List<double[]> b, int from, int to) {
        double worst = 0;
        for (int i = from; i < to; i++) {
            double[] x = a.get(i);
            double[] y = b.get(i);
            assertEquals(x.length, y.length);
            for (int k = 0; k < x.length; k++) {
                worst = Math.max(worst, Math.abs(x[k] - y[k]));
            }
        }
        return worst;
    }

    private static double maxAbs(List<double[]> a, int from, int to) {
        double worst = 0;
        for (int i = from; i < to; i++) {
            for (double d : a.get(i)) {
                worst = Math.max(worst, Math.abs(d));
            }
        }
        return worst;
    }

    @Test
    void fusedEqualsScatterInValueAndGradient() {
        for (DataType dt : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
            try (NDManager m = NDManager.newBaseManager()) {
                EgnnModel model = newModel(m, dt, 21);
                ParameterStore ps = new ParameterStore(m, false);
                NDArray[] in = inputs(m, 5, dt, GRAPHS);
                GraphTopology topo = GraphTopology.fullyConnected(N_BODY, GRAPHS);
                GraphBatch g = GraphTestSupport.egnnBatch(topo, in[0], in[1], in[2]);
                NDArray w = GraphTestSupport.normal(m, new SplittableRandom(8), new Shape(N_BODY * GRAPHS, 3), 1.0, dt);
                List<double[]> scatter = outputAndGradients(model, ps, w, () -> model.forward(ps, g, true, Path.SCATTER));
                List<double[]> fused = outputAndGradients(model, ps, w, () -> model.forward(ps, g, true, Path.FUSED));
                List<double[]> viaBlock = outputAndGradients(model, ps, w, () -> model.forward(ps, g.toNDList(), true)
                        .singletonOrThrow());
                int all = scatter.size();
                double tol = dt == DataType.FLOAT32 ? 1e-5 : 1e-10;
                double gradScale = Math.max(1, maxAbs(scatter, 1, all));
                for (List<double[]> other : List.of(fused, viaBlock)) {
                    double eOut = maxDiff(scatter, other, 0, 1);
                    double eGrad = maxDiff(scatter, other, 1, all) / gradScale;
                    System.out.printf("EGNN %s FUSED vs SCATTER: output %.3e, gradients (relative) %.3e%n", dt, eOut, eGrad);
                    assertTrue(eOut < tol, dt + ": outputs differ by " + eOut);
                    assertTrue(eGrad < tol, dt + ": gradients differ by " + eGrad);
                }
                // no gradient was silently lost (the last layer's φ_h gets none: its h output is unused)
                int withGradient = 0;
                for (int i = 1; i < all; i++) {
                    assertEquals(maxAbs(scatter, i, i + 1) > 0, maxAbs(fused, i, i + 1) > 0, "parameter " + (i - 1));
                    withGradient += maxAbs(fused, i, i + 1) > 0 ? 1 : 0;
                }
                assertEquals(all - 1 - 4, withGradient);
                // inference (no autograd) gives the same values
                NDArray inf = model.forward(ps, g, false, Path.FUSED);
                assertTrue(GraphTestSupport.maxAbsDiff(inf, model.forward(ps, g, false, Path.SCATTER)) < tol);
                assertEquals(0.0, GraphTestSupport.maxAbsDiff(inf, model.forward(ps, g, false)), "AUTO is FUSED");
            }
        }
    }

    @Test
    void fusedHandlesOtherBatchAndGraphSizes() {
        try (NDManager m = NDManager.newBaseManager()) {
            EgnnModel model = newModel(m, DataType.FLOAT64, 6);
            ParameterStore ps = new ParameterStore(m, false);
            for (int graphs : new int[] {1, 4}) {
                NDArray[] in = inputs(m, 40 + graphs, DataType.FLOAT64, graphs);
                GraphBatch g = GraphTestSupport.egnnBatch(GraphTopology.fullyConnected(N_BODY, graphs), in[0], in[1], in[2]);
                double err = GraphTestSupport.maxAbsDiff(model.forward(ps, g, false, Path.FUSED),
                        model.forward(ps, g, false, Path.SCATTER));
                assertTrue(err < 1e-10, graphs + " graphs: " + err);
            }
            // other graph sizes (n = 2 and n = 7) agree with the scatter path
            for (int n : new int[] {2, 7}) {
                SplittableRandom rr = new SplittableRandom(n);
                NDArray x = GraphTestSupport.normal(m, rr, new Shape(2 * n, 3), 1.5, DataType.FLOAT64);
                NDArray v = GraphTestSupport.normal(m, rr, new Shape(2 * n, 3), 1.0, DataType.FLOAT64);
                NDArray q = GraphTestSupport.charges(m, rr, 2 * n, DataType.FLOAT64);
                GraphBatch g = GraphTestSupport.egnnBatch(GraphTopology.fullyConnected(n, 2), x, v, q);
                double err = GraphTestSupport.maxAbsDiff(model.forward(ps, g, false, Path.FUSED),
                        model.forward(ps, g, false, Path.SCATTER));
                assertTrue(err < 1e-10, "n = " + n + ": " + err);
            }
        }
    }

    @Test
    void modelWithoutEdgeAttributesAndOtherWidths() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            EgnnModel model = EgnnModel.builder(3, 0).hidden(16).layers(2).build();
            ParameterStore ps = new ParameterStore(m, false);
            SplittableRandom r = new SplittableRandom(1);
            NDArray x = GraphTestSupport.normal(m, r, new Shape(8, 3), 1.5, DataType.FLOAT64);
            NDArray v = GraphTestSupport.normal(m, r, new Shape(8, 3), 1.0, DataType.FLOAT64);
            NDArray h = GraphTestSupport.normal(m, r, new Shape(8, 3), 1.0, DataType.FLOAT64);
            GraphBatch g = GraphBatch.fullyConnected(4, 2).positions(x).vectors(v).nodeFeatures(h).build();
            double err = GraphTestSupport.maxAbsDiff(model.forward(ps, g, false, Path.FUSED),
                    model.forward(ps, g, false, Path.SCATTER));
            assertTrue(err < 1e-10, "no edge attributes: " + err);
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> model.forward(ps, g.withNodeFeatures(h.get(":, 0:2")), false));
            assertTrue(ex.getMessage().contains("[N, 3]") && ex.getMessage().contains("(8, 2)"), ex.getMessage());
        }
    }

    /** FUSED forward + FusedAdam follows the trajectory of SCATTER + DJL's Adam (float64: to rounding). */
    @Test
    void fusedPathWithFusedAdamTrainsLikeScatterWithDjlAdam() {
        try (NDManager m = NDManager.newBaseManager()) {
            EgnnModel a = newModel(m, DataType.FLOAT64, 13);
            EgnnModel b = newModel(m, DataType.FLOAT64, 13);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray[] in = inputs(m, 3, DataType.FLOAT64, GRAPHS);
            NDArray target = in[0].add(in[1].mul(0.8));
            GraphBatch g = GraphTestSupport.egnnBatch(GraphTopology.fullyConnected(N_BODY, GRAPHS), in[0], in[1], in[2]);
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).optWeightDecays(1e-4f).build();
            try (org.equivariant4j.nn.ops.FusedAdam fused = org.equivariant4j.nn.ops.FusedAdam.builder()
                    .learningRate(Tracker.fixed(1e-3f)).weightDecay(1e-4f).build()) {
                for (int step = 0; step < 8; step++) {
                    double la;
                    double lb;
                    try (NDScope scope = new NDScope()) {
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray l = a.forward(ps, g, true, Path.SCATTER).sub(target).square().mean();
                            gc.backward(l);
                            la = l.getDouble();
                        }
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray l = b.forward(ps, g, true, Path.FUSED).sub(target).square().mean();
                            gc.backward(l);
                            lb = l.getDouble();
                        }
                    }
                    for (Pair<String, Parameter> p : a.getParameters()) {
                        NDArray w = p.getValue().getArray();
                        try (NDArray grad = w.getGradient()) {
                            adam.update(p.getValue().getId(), w, grad);
                        }
                    }
                    fused.step(b);
                    assertTrue(Math.abs(la - lb) <= 1e-10 * Math.abs(la), "step " + step + ": loss " + la + " vs " + lb);
                }
            }
            var pa = a.getParameters();
            var pb = b.getParameters();
            double worst = 0;
            for (int i = 0; i < pa.size(); i++) {
                worst = Math.max(worst, GraphTestSupport.maxAbsDiff(pa.get(i).getValue().getArray(), pb.get(i).getValue().getArray()));
            }
            System.out.printf("8 Adam steps, FUSED+FusedAdam vs SCATTER+DJL Adam (float64): max parameter difference %.3e%n", worst);
            assertTrue(worst < 1e-10, "parameters drifted apart: " + worst);
        }
    }

    @Test
    void fusedTrainingLoopDoesNotLeakAndLearns() {
        try (NDManager m = NDManager.newBaseManager()) {
            EgnnModel model = newModel(m, DataType.FLOAT32, 2);
            ParameterStore ps = new ParameterStore(m, false);
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(5e-4f)).build();
            NDArray[] in = inputs(m, 77, DataType.FLOAT32, GRAPHS);
            GraphTopology topo = GraphTopology.fullyConnected(N_BODY, GRAPHS);
            NDArray target = in[0].add(in[1].mul(0.8f));
            int before = 0;
            float first = 0;
            float last = 0;
            for (int it = 0; it < 150; it++) {
                try (NDScope scope = new NDScope()) {
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        GraphBatch g = GraphTestSupport.egnnBatch(topo, in[0], in[1], in[2]);
                        NDArray l = model.forward(ps, g, true, Path.FUSED).sub(target).square().mean();
                        gc.backward(l);
                        last = l.getFloat();
                    }
                    if (it == 0) {
                        first = last;
                    }
                }
                EgnnModelTest.adamStep(model, adam);
                if (it == 9) {
                    before = ((BaseNDManager) m).getManagedArrays().size();
                }
            }
            int after = ((BaseNDManager) m).getManagedArrays().size();
            System.out.printf("FUSED loop: managed arrays %d at step 10, %d at step 150; loss %.4f -> %.4f%n", before, after,
                    first, last);
            assertEquals(before, after, "managed arrays grew");
            assertTrue(last < 0.5 * first, "loss did not decrease: " + first + " -> " + last);
        }
    }
}

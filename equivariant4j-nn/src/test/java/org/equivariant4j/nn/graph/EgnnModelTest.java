package org.equivariant4j.nn.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.SplittableRandom;
import java.util.List;
import org.equivariant4j.nn.graph.EgnnModel.Path;
import org.equivariant4j.nn.testing.Equivariance;
import org.equivariant4j.nn.testing.EuclideanMotion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EgnnModelTest {
    private static final int N_BODY = 5;
    private static final int GRAPHS = 3;
    private static int savedThreads;

    /**
     * These graphs are tiny, so intra-op threads gain nothing, and on a loaded 2-core machine libgomp's
     * spinning barriers made each step ~10x slower with 2 threads (measured): run the class
     * single-threaded and restore the setting afterwards.
     */
    @BeforeAll
    static void singleThreaded() {
        savedThreads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
    }

    @AfterAll
    static void restoreThreads() {
        JniUtils.setNumThreads(savedThreads);
    }

    /** Random N-body inputs: x, v [N, 3], charges [N]. */
    private static NDArray[] inputs(NDManager m, long seed, DataType dt) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = N_BODY * GRAPHS;
        return new NDArray[] {GraphTestSupport.normal(m, r, new Shape(n, 3), 1.7, dt),
            GraphTestSupport.normal(m, r, new Shape(n, 3), 1.0, dt), GraphTestSupport.charges(m, r, n, dt)};
    }

    static EgnnModel newModel(NDManager m, DataType dt, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        EgnnModel model = EgnnModel.builder(1, 2).build();
        model.initialize(m, dt, new Shape(N_BODY * GRAPHS, 1), new Shape(N_BODY * GRAPHS, 3));
        return model;
    }

    @Test
    void parameterCountIsThatOfTheReferenceImplementation() {
        EgnnModel model = EgnnModel.builder(1, 2).build();
        assertEquals(134_020L, model.parameterCount());
        try (NDManager m = NDManager.newBaseManager()) {
            model.initialize(m, DataType.FLOAT32, new Shape(1, 1), new Shape(1, 3));
            long n = 0;
            for (Pair<String, Parameter> p : model.getParameters()) {
                n += p.getValue().getArray().size();
            }
            assertEquals(134_020L, n);
            // initialisation: PyTorch default U(±1/√fan_in) and xavier gain 0.001 for φ_x's last layer
            NDArray w = child(model.layers().get(0), "edge_mlp_0").getParameters().get("weight").getArray();
            assertEquals(new Shape(64, 131), w.getShape());
            assertTrue(GraphTestSupport.maxAbs(w) <= 1 / Math.sqrt(131) + 1e-7);
            assertTrue(GraphTestSupport.maxAbs(w) > 0.8 / Math.sqrt(131));
            NDArray wx = child(model.layers().get(0), "coord_mlp_2").getParameters().get("weight").getArray();
            assertEquals(new Shape(1, 64), wx.getShape());
            double bound = 0.001 * Math.sqrt(6.0 / 65);
            assertTrue(GraphTestSupport.maxAbs(wx) <= bound + 1e-9 && GraphTestSupport.maxAbs(wx) > 0.5 * bound);
            assertEquals(1, child(model.layers().get(0), "coord_mlp_2").getParameters().size(), "no bias");
        }
        assertEquals(104_387L, new GnnModel(6, 64, 4, 1, 3).parameterCount());
    }

    /** DJL prefixes child names with their position ("01edge_mlp_0"). */
    private static Block child(Block parent, String name) {
        for (Pair<String, Block> c : parent.getChildren()) {
            if (c.getKey().endsWith(name)) {
                return c.getValue();
            }
        }
        throw new AssertionError("no child " + name);
    }

    @Test
    void scatterAndFusedPathsAgree() {
        for (DataType dt : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
            try (NDManager m = NDManager.newBaseManager()) {
                EgnnModel model = newModel(m, dt, 3);
                ParameterStore ps = new ParameterStore(m, false);
                NDArray[] in = inputs(m, 17, dt);
                GraphBatch g = GraphTestSupport.egnnBatch(GraphTopology.fullyConnected(N_BODY, GRAPHS), in[0], in[1], in[2]);
                NDArray scatter = model.forward(ps, g, false, Path.SCATTER);
                NDArray fused = model.forward(ps, g, false, Path.FUSED);
                NDArray auto = model.forward(ps, g, false);
                double tol = dt == DataType.FLOAT32 ? 1e-5 : 1e-10;
                double err = GraphTestSupport.maxAbsDiff(fused, scatter);
                System.out.printf("EGNN %s: max |fused - scatter| = %.3e%n", dt, err);
                assertTrue(err < tol, dt + ": fused and scatter differ by " + err);
                // AUTO takes the fused path for uniformly fully connected batches
                assertEquals(0.0, GraphTestSupport.maxAbsDiff(fused, auto));
                assertEquals(new Shape(N_BODY * GRAPHS, 3), scatter.getShape());
                // the model moves the points: it is not the identity
                assertTrue(GraphTestSupport.maxAbsDiff(scatter, in[0]) > 0.01);
                // and the generic Block API gives the same result
                NDArray viaBlock = model.forward(ps, g.toNDList(), false).singletonOrThrow();
                assertEquals(0.0, GraphTestSupport.maxAbsDiff(auto, viaBlock));
            }
        }
    }

    /** E(3) equivariance of both paths in float64 with the library's point-cloud action (nn.testing.EuclideanMotion). */
    @Test
    void outputIsE3EquivariantInFloat64() {
        try (NDManager m = NDManager.newBaseManager()) {
            EgnnModel model = newModel(m, DataType.FLOAT64, 5);
            ParameterStore ps = new ParameterStore(m, false);
            GraphTopology topo = GraphTopology.fullyConnected(N_BODY, GRAPHS);
            NDArray[] in = inputs(m, 23, DataType.FLOAT64);
            List<EuclideanMotion> motions = EuclideanMotion.randomElements(4, 2.5, new SplittableRandom(99));
            double worst = 0;
            for (Path path : new Path[] {Path.SCATTER, Path.FUSED}) {
                Equivariance.Report r = Equivariance.check(
                        x -> model.forward(ps, GraphTestSupport.egnnBatch(topo, x.get(0), x.get(1), x.get(2)), false, path),
                        List.of(EuclideanMotion.onPositions(), EuclideanMotion.onVectors(), Equivariance.invariant()),
                        EuclideanMotion.onPositions(), motions, new NDList(in[0], in[1], in[2]));
                assertTrue(r.maxRelativeError() < 1e-9, path + ": " + r);
                worst = Math.max(worst, r.maxRelativeError());
            }
            System.out.printf("EGNN E(3) equivariance error (float64, rotations/reflections/translations): %.3e%n", worst);
        }
    }

    @Test
    void nodePermutationPermutesTheOutput() {
        try (NDManager m = NDManager.newBaseManager()) {
            EgnnModel model = newModel(m, DataType.FLOAT64, 8);
            ParameterStore ps = new ParameterStore(m, false);
            GraphTopology topo = GraphTopology.fullyConnected(N_BODY, GRAPHS);
            NDArray[] in = inputs(m, 31, DataType.FLOAT64);
            // a permutation that shuffles nodes inside each graph and the graphs themselves
            long[] perm = new long[N_BODY * GRAPHS];
            int[] graphOrder = {2, 0, 1};
            int[] nodeOrder = {3, 0, 4, 1, 2};
            for (int b = 0; b < GRAPHS; b++) {
                for (int i = 0; i < N_BODY; i++) {
                    perm[b * N_BODY + i] = (long) graphOrder[b] * N_BODY + nodeOrder[(i + b) % N_BODY];
                }
            }
            NDIndex p = new NDIndex("{}", m.create(perm));
            for (Path path : new Path[] {Path.SCATTER, Path.FUSED}) {
                NDArray out = model.forward(ps, GraphTestSupport.egnnBatch(topo, in[0], in[1], in[2]), false, path);
                NDArray outP = model.forward(ps, GraphTestSupport.egnnBatch(topo, in[0].get(p), in[1].get(p), in[2].get(p)),
                        false, path);
                double err = GraphTestSupport.maxAbsDiff(outP, out.get(p));
                assertTrue(err < 1e-12, path + ": permutation error " + err);
            }
        }
    }

    /** The GNN baseline on node features [x, v]: rotating the input does not rotate its output. */
    @Test
    void gnnBaselineIsNotEquivariantSoTheTestCanFail() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(4);
            GnnModel gnn = new GnnModel(6, 64, 4, 1, 3);
            ParameterStore ps = new ParameterStore(m, false);
            GraphTopology topo = GraphTopology.fullyConnected(N_BODY, GRAPHS);
            NDArray[] in = inputs(m, 41, DataType.FLOAT64);
            java.util.function.Function<NDList, NDArray> f = x -> {
                GraphBatch g = GraphTestSupport.egnnBatch(topo, x.get(0), x.get(1), x.get(2));
                return gnn.forward(ps, g.withNodeFeatures(x.get(0).concat(x.get(1), 1))
                        .withEdgeAttributes(g.edgeAttributes().orElseThrow().get(":, 0:1")), false);
            };
            NDArray out = f.apply(new NDList(in[0], in[1], in[2]));
            assertEquals(new Shape(N_BODY * GRAPHS, 3), out.getShape());
            Equivariance.Report r = Equivariance.check(f,
                    List.of(EuclideanMotion.onPositions(), EuclideanMotion.onVectors(), Equivariance.invariant()),
                    EuclideanMotion.onPositions(), EuclideanMotion.randomElements(2, 2, new SplittableRandom(1)),
                    new NDList(in[0], in[1], in[2]));
            System.out.printf("GNN baseline equivariance error: %.3e (expected large)%n", r.maxRelativeError());
            assertTrue(r.maxRelativeError() > 1e-3, "the GNN baseline should not be equivariant: " + r);
            // but it is permutation-equivariant within graphs (sum aggregation)
            long[] perm = {1, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 13};
            NDIndex p = new NDIndex("{}", m.create(perm));
            NDArray outP = f.apply(new NDList(in[0].get(p), in[1].get(p), in[2].get(p)));
            assertTrue(GraphTestSupport.maxAbsDiff(outP, out.get(p)) < 1e-12);
        }
    }

    @Test
    void badInputsGetClearMessages() {
        try (NDManager m = NDManager.newBaseManager()) {
            EgnnModel model = newModel(m, DataType.FLOAT32, 1);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray[] in = inputs(m, 3, DataType.FLOAT32);
            GraphTopology topo = GraphTopology.fullyConnected(N_BODY, GRAPHS);
            GraphBatch noAttr = GraphBatch.builder(topo).positions(in[0]).vectors(in[1])
                    .nodeFeatures(m.ones(new Shape(15, 1))).build();
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> model.forward(ps, noAttr, false));
            assertTrue(ex.getMessage().contains("edge attributes"), ex.getMessage());
            GraphBatch noV = GraphBatch.builder(topo).positions(in[0]).nodeFeatures(m.ones(new Shape(15, 1))).build();
            ex = assertThrows(IllegalArgumentException.class, () -> model.forward(ps, noV, false));
            assertTrue(ex.getMessage().contains("vectors"), ex.getMessage());
            // a radius graph cannot run on the fused path, but runs on the scatter path (AUTO picks it)
            GraphBatch radius = GraphBatch.radiusGraph(in[0], 1.5, topo.graphIndex()).vectors(in[1])
                    .nodeFeatures(in[1].norm(new int[] {1}, true)).build();
            GraphBatch radiusA = radius.withEdgeAttributes(m.ones(new Shape(radius.numEdges(), 2)));
            ex = assertThrows(IllegalArgumentException.class, () -> model.forward(ps, radiusA, false, Path.FUSED));
            assertTrue(ex.getMessage().contains("FUSED"), ex.getMessage());
            assertEquals(new Shape(15, 3), model.forward(ps, radiusA, false).getShape());
            // float64 batch on a float32 model
            NDArray[] in64 = inputs(m, 3, DataType.FLOAT64);
            GraphBatch g64 = GraphTestSupport.egnnBatch(topo, in64[0], in64[1], in64[2]);
            ex = assertThrows(IllegalArgumentException.class, () -> model.forward(ps, g64, false));
            assertTrue(ex.getMessage().contains("float32") && ex.getMessage().contains("float64"), ex.getMessage());
            // a NaN velocity never reaches the model: the batch names it
            NDArray badV = in[1].duplicate();
            badV.set(new NDIndex("7, 2"), Float.NaN);
            ex = assertThrows(IllegalArgumentException.class, () -> GraphTestSupport.egnnBatch(topo, in[0], badV, in[2]));
            assertTrue(ex.getMessage().contains("vectors must be finite") && ex.getMessage().contains("[7, 2] is NaN"),
                    ex.getMessage());
        }
    }

    @Test
    void saveLoadRoundTripIsBitExact() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            EgnnModel model = newModel(m, DataType.FLOAT32, 12);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            model.saveParameters(new DataOutputStream(bytes));
            Engine.getInstance().setRandomSeed(999);
            EgnnModel loaded = EgnnModel.builder(1, 2).build();
            loaded.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            var a = model.getParameters();
            var b = loaded.getParameters();
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.get(i).getKey(), b.get(i).getKey());
                assertArrayEquals(a.get(i).getValue().getArray().toFloatArray(), b.get(i).getValue().getArray().toFloatArray());
            }
            ParameterStore ps = new ParameterStore(m, false);
            NDArray[] in = inputs(m, 5, DataType.FLOAT32);
            GraphBatch g = GraphTestSupport.egnnBatch(GraphTopology.fullyConnected(N_BODY, GRAPHS), in[0], in[1], in[2]);
            assertArrayEquals(model.forward(ps, g, false).toFloatArray(), loaded.forward(ps, g, false).toFloatArray());
        }
    }

    /** Forward and backward of the MSE to the target positions (inside the caller's NDScope); returns the loss. */
    static float backward(EgnnModel model, ParameterStore ps, GraphBatch g, NDArray target, Path path) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray l = model.forward(ps, g, true, path).sub(target).square().mean();
            gc.backward(l);
            return l.getFloat();
        }
    }

    /**
     * Adam update of every parameter. It runs outside any NDScope: Adam creates its state arrays on the
     * first update and a scope would free them. The gradient handles are closed right away.
     */
    static void adamStep(Block model, Optimizer adam) {
        for (Pair<String, Parameter> p : model.getParameters()) {
            NDArray w = p.getValue().getArray();
            try (NDArray grad = w.getGradient()) {
                adam.update(p.getValue().getId(), w, grad);
            }
        }
    }

    @Test
    void scopedTrainingLoopDoesNotLeakAndLearns() {
        try (NDManager m = NDManager.newBaseManager()) {
            EgnnModel model = newModel(m, DataType.FLOAT32, 2);
            ParameterStore ps = new ParameterStore(m, false);
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(5e-4f)).build();
            GraphTopology topo = GraphTopology.fullyConnected(N_BODY, GRAPHS);
            NDArray[] in = inputs(m, 77, DataType.FLOAT32);
            NDArray target = in[0].add(in[1].mul(0.8f));
            int before = 0;
            float first = 0;
            float last = 0;
            for (int it = 0; it < 200; it++) {
                try (NDScope scope = new NDScope()) {
                    GraphBatch g = GraphTestSupport.egnnBatch(topo, in[0], in[1], in[2]);
                    float loss = backward(model, ps, g, target, Path.values()[1 + it % 2]);
                    if (it == 0) {
                        first = loss;
                    }
                    last = loss;
                }
                adamStep(model, adam);
                if (it == 9) {
                    before = ((BaseNDManager) m).getManagedArrays().size();
                }
            }
            int after = ((BaseNDManager) m).getManagedArrays().size();
            System.out.printf("NDScope loop: managed arrays %d at step 10, %d at step 200; loss %.4f -> %.4f%n", before, after,
                    first, last);
            assertEquals(before, after, "managed arrays grew");
            assertTrue(last < 0.5 * first, "loss did not decrease: " + first + " -> " + last);
        }
    }
}

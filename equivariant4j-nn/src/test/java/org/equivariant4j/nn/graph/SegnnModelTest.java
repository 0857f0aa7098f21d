package org.equivariant4j.nn.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.equivariant4j.nn.o3.TensorProductRoute;
import org.equivariant4j.nn.ops.ParameterCounts;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.nn.testing.Equivariance;
import org.equivariant4j.nn.testing.EuclideanMotion;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.PathNormalization;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SEGNN: the reference's parameter count and hidden irreps, E(3) equivariance (float64, random rotations, reflections
 * and translations) for node and graph tasks with each normalisation, node permutations, routes, save/load and
 * gradients against finite differences.
 */
class SegnnModelTest {
    private static final DataType F64 = DataType.FLOAT64;
    private static final Irreps IN = Irreps.parse("2x1o+1x0e");
    private static final int N = 5;
    private static final int GRAPHS = 3;
    private static int savedThreads;

    @BeforeAll
    static void singleThreaded() {
        Engine.getInstance();
        savedThreads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
    }

    @AfterAll
    static void restoreThreads() {
        JniUtils.setNumThreads(savedThreads);
    }

    private static SegnnModel.Builder small(Irreps out) {
        return SegnnModel.builder(IN, Irreps.parse("6x0e+4x1o+2x2e"), out).lmaxAttributes(2).layers(2).edgeScalars(1)
                .distance(true).vectorAttributes(true).seed(3);
    }

    /** positions, velocities, node features (2x1o+1x0e), edge scalars q_i q_j. */
    private static NDList inputs(NDManager m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = N * GRAPHS;
        NDArray q = GraphTestSupport.charges(m, r, n, F64).reshape(n, 1);
        GraphTopology t = GraphTopology.fullyConnected(N, GRAPHS);
        NDArray qq = q.get(new NDIndex("{}", m.create(t.receivers()))).mul(q.get(new NDIndex("{}", m.create(t.senders()))));
        return new NDList(GraphTestSupport.normal(m, r, new Shape(n, 3), 1.5, F64), GraphTestSupport.normal(m, r,
                new Shape(n, 3), 1, F64), GraphTestSupport.normal(m, r, new Shape(n, IN.dim()), 1, F64), qq);
    }

    private static Function<NDList, NDArray> model(SegnnModel model, ParameterStore ps, boolean training) {
        GraphTopology t = GraphTopology.fullyConnected(N, GRAPHS);
        return in -> model.forward(ps, GraphBatch.builder(t).positions(in.get(0)).vectors(in.get(1)).nodeFeatures(in.get(2))
                .edgeAttributes(in.get(3)).build(), training);
    }

    @Test
    void referenceParameterCountAndHiddenIrreps() {
        Irreps attr = Irreps.sphericalHarmonics(1);
        Irreps hidden = SegnnIrreps.weightBalanced(64, attr, 1);
        assertEquals(Irreps.parse("32x0e+32x1o"), hidden);
        assertEquals(Irreps.parse("36x0e+36x1o+36x2e"), SegnnIrreps.weightBalanced(128, Irreps.sphericalHarmonics(3), 2));
        assertEquals(Irreps.parse("39x0e+39x1o+39x2e"), SegnnIrreps.weightBalanced(128, Irreps.sphericalHarmonics(2), 2));
        assertEquals(Irreps.parse("34x0e+10x1o"), SegnnIrreps.balanced(1, 64));
        assertEquals(Irreps.parse("46x0e+14x1o+8x2e"), SegnnIrreps.balanced(2, 128));
        SegnnModel nbody = SegnnModel.builder(IN, hidden, Irreps.parse("1x1o")).edgeScalars(1).distance(true)
                .vectorAttributes(true).build();
        assertEquals(147_424L, ParameterCounts.learnable(nbody), "the reference's N-body SEGNN");
    }

    @Test
    void nodeOutputsAreE3EquivariantWithEveryNorm() {
        Irreps out = Irreps.parse("1x1o+1x0e+1x2e");
        for (SegnnModel.Norm norm : SegnnModel.Norm.values()) {
            SegnnModel model = small(out).norm(norm).build();
            try (NDManager m = NDManager.newBaseManager()) {
                model.initialize(m, F64, new Shape(1, IN.dim()));
                ParameterStore ps = new ParameterStore(m, false);
                for (boolean training : new boolean[] {false, true}) {
                    Equivariance.Report r = check(model(model, ps, training), out, new SplittableRandom(11), inputs(m, 5));
                    System.out.printf("[segnn] node task, norm %s, training %s: E(3) equivariance error %.2e (float64)%n", norm,
                            training, r.maxRelativeError());
                    assertTrue(r.passes(1e-9), norm + " training " + training + ": " + r);
                }
            }
        }
    }

    @Test
    void graphOutputsAreE3EquivariantAndPoolingWorks() {
        Irreps out = Irreps.parse("1x0e+1x1o");
        for (SegnnModel.Pool pool : SegnnModel.Pool.values()) {
            SegnnModel model = small(out).task(SegnnModel.Task.GRAPH, pool).norm(SegnnModel.Norm.INSTANCE).build();
            try (NDManager m = NDManager.newBaseManager()) {
                model.initialize(m, F64, new Shape(1, IN.dim()));
                ParameterStore ps = new ParameterStore(m, false);
                NDList in = inputs(m, 6);
                NDArray y = model(model, ps, false).apply(in);
                assertEquals(new Shape(GRAPHS, out.dim()), y.getShape());
                Equivariance.Report r = check(model(model, ps, false), out, new SplittableRandom(12), in);
                System.out.printf("[segnn] graph task, %s pooling: E(3) equivariance error %.2e (float64)%n", pool,
                        r.maxRelativeError());
                assertTrue(r.passes(1e-9), pool + ": " + r);
            }
        }
    }

    private static Equivariance.Report check(Function<NDList, NDArray> f, Irreps out, SplittableRandom rng, NDList in) {
        return Equivariance.check(f, List.of(EuclideanMotion.onPositions(), EuclideanMotion.onVectors(),
                EuclideanMotion.onIrreps(IN), Equivariance.invariant()), EuclideanMotion.onIrreps(out),
                EuclideanMotion.randomElements(4, 2.0, rng), in);
    }

    @Test
    void permutingNodesPermutesTheOutput() {
        Irreps out = Irreps.parse("1x1o+1x0e");
        SegnnModel model = small(out).norm(SegnnModel.Norm.INSTANCE).build();
        try (NDManager m = NDManager.newBaseManager()) {
            model.initialize(m, F64, new Shape(1, IN.dim()));
            ParameterStore ps = new ParameterStore(m, false);
            NDList in = inputs(m, 7);
            long[] perm = new long[N * GRAPHS];
            int[] graphOrder = {2, 0, 1};
            int[] nodeOrder = {3, 0, 4, 1, 2};
            for (int b = 0; b < GRAPHS; b++) {
                for (int i = 0; i < N; i++) {
                    perm[b * N + i] = (long) graphOrder[b] * N + nodeOrder[(i + b) % N];
                }
            }
            NDIndex p = new NDIndex("{}", m.create(perm));
            // the edge scalars q_i q_j of the permuted nodes, in the fully connected edge order
            GraphTopology t = GraphTopology.fullyConnected(N, GRAPHS);
            NDArray q = Tensors.fromFlat(m, chargesOf(in.get(3)), new Shape(N * GRAPHS, 1), F64).get(p);
            NDArray qq = q.get(new NDIndex("{}", m.create(t.receivers()))).mul(q.get(new NDIndex("{}", m.create(t.senders()))));
            NDArray y = model(model, ps, false).apply(in);
            NDArray yp = model(model, ps, false).apply(new NDList(in.get(0).get(p), in.get(1).get(p), in.get(2).get(p), qq));
            double err = GraphTestSupport.maxAbsDiff(yp, y.get(p));
            assertTrue(err < 1e-12, "permutation error " + err);
        }
    }

    /** The charges behind q_i q_j of the test inputs: q_0 = ±1 is fixed by q_0 q_1 and the rest follow. */
    private static double[] chargesOf(NDArray qq) {
        double[] e = qq.toDoubleArray();
        double[] q = new double[N * GRAPHS];
        for (int b = 0; b < GRAPHS; b++) {
            // edges of graph b start at b·N·(N−1), i-major: (0,1), (0,2), …; q_0 is unknown up to sign, choose the product
            // structure: q_j = q_0 · (q_0 q_j); any consistent sign gives the same q_i q_j
            int base = b * N * (N - 1);
            q[b * N] = 1;
            for (int j = 1; j < N; j++) {
                q[b * N + j] = e[base + j - 1];
            }
        }
        return q;
    }

    @Test
    void pathNormalisedModelIsE3EquivariantDiffersAndKeepsToItsOwnParameters() throws Exception {
        Irreps out = Irreps.parse("1x1o+1x0e");
        SegnnModel element = small(out).build();
        SegnnModel path = small(out).pathNormalization(PathNormalization.PATH).build();
        assertEquals(PathNormalization.PATH, path.pathNormalization());
        try (NDManager m = NDManager.newBaseManager()) {
            element.initialize(m, F64, new Shape(1, IN.dim()));
            path.initialize(m, F64, new Shape(1, IN.dim()));
            ParameterStore ps = new ParameterStore(m, false);
            NDList in = inputs(m, 9);
            Equivariance.Report r = check(model(path, ps, false), out, new SplittableRandom(14), in);
            System.out.printf("[segnn] path-normalised (e3nn 0.3.5): E(3) equivariance error %.2e (float64)%n",
                    r.maxRelativeError());
            assertTrue(r.passes(1e-9), r.toString());
            // the same weights; the message layer's edge scalar enters at another scale, so the outputs differ
            assertTrue(GraphTestSupport.maxAbsDiff(model(element, ps, false).apply(in), model(path, ps, false).apply(in))
                    > 1e-3, "the two normalisations compute different functions");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            path.saveParameters(new DataOutputStream(bytes));
            assertThrows(MalformedModelException.class, () -> element.loadParameters(m,
                    new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))), "saved under PATH, loaded as ELEMENT");
        }
        assertThrows(IllegalArgumentException.class, () -> small(out).pathNormalization(PathNormalization.NONE));
    }

    @Test
    void routesAgreeAndSaveLoadRoundTrips() throws Exception {
        Irreps out = Irreps.parse("1x1o+1x0e");
        SegnnModel auto = small(out).build();
        SegnnModel dense = small(out).route(TensorProductRoute.DENSE).build();
        SegnnModel other = small(out).seed(99).build();
        try (NDManager m = NDManager.newBaseManager()) {
            auto.initialize(m, F64, new Shape(1, IN.dim()));
            dense.initialize(m, F64, new Shape(1, IN.dim()));
            other.initialize(m, F64, new Shape(1, IN.dim()));
            ParameterStore ps = new ParameterStore(m, false);
            NDList in = inputs(m, 8);
            NDArray y = model(auto, ps, false).apply(in);
            assertArrayEquals(y.toDoubleArray(), model(dense, ps, false).apply(in).toDoubleArray(), 1e-12, "routes");
            assertTrue(GraphTestSupport.maxAbsDiff(y, model(other, ps, false).apply(in)) > 1e-3, "another seed differs");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            auto.saveParameters(new DataOutputStream(bytes));
            other.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            // a fresh store: a ParameterStore keeps the arrays it handed out, and loading replaces them
            assertArrayEquals(y.toDoubleArray(), model(other, new ParameterStore(m, false), false).apply(in).toDoubleArray(),
                    0.0, "after loading");
            SegnnModel wrong = SegnnModel.builder(IN, Irreps.parse("6x0e+4x1o+2x2e"), out).lmaxAttributes(1).layers(2)
                    .edgeScalars(1).distance(true).vectorAttributes(true).build();
            assertThrows(Exception.class, () -> wrong.loadParameters(m,
                    new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
            NDList noVectors = new NDList(in);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> auto.forward(ps,
                    GraphBatch.builder(GraphTopology.fullyConnected(N, GRAPHS)).positions(in.get(0)).nodeFeatures(in.get(2))
                            .edgeAttributes(noVectors.get(3)).build(), false));
            assertTrue(e.getMessage().contains("vectors"), e.getMessage());
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Irreps out = Irreps.parse("1x0e");
        SegnnModel model = small(out).task(SegnnModel.Task.GRAPH, SegnnModel.Pool.SUM).norm(SegnnModel.Norm.INSTANCE)
                .build();
        try (NDManager m = NDManager.newBaseManager()) {
            model.initialize(m, F64, new Shape(1, IN.dim()));
            ParameterStore ps = new ParameterStore(m, false);
            NDList in = inputs(m, 9);
            NDArray x = in.get(0);
            x.setRequiresGradient(true);
            Function<NDList, NDArray> f = model(model, ps, true);
            double[] gx;
            double[] gw;
            NDArray w = model.getParameters().get(0).getValue().getArray();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray e = f.apply(in).sum();
                gc.backward(e);
                gx = x.getGradient().toDoubleArray();
                gw = w.getGradient().toDoubleArray();
            }
            double h = 1e-6;
            double[] x0 = x.toDoubleArray();
            double maxGrad = 0;
            for (int k = 0; k < x0.length; k += 4) {
                double fd = (energyAt(f, in, x, x0, k, h) - energyAt(f, in, x, x0, k, -h)) / (2 * h);
                assertEquals(fd, gx[k], 1e-6 * Math.max(1, Math.abs(fd)), "dE/dx " + k);
                maxGrad = Math.max(maxGrad, Math.abs(gx[k]));
            }
            double[] w0 = w.toDoubleArray();
            for (int k = 0; k < w0.length; k += 7) {
                double fd = (energyAt(f, in, w, w0, k, h) - energyAt(f, in, w, w0, k, -h)) / (2 * h);
                assertEquals(fd, gw[k], 1e-6 * Math.max(1, Math.abs(fd)), "dE/dw " + k);
            }
            assertTrue(maxGrad > 1e-4, "gradients reach the positions: " + maxGrad);
        }
    }

    private static double energyAt(Function<NDList, NDArray> f, NDList in, NDArray a, double[] base, int k, double h) {
        double[] moved = base.clone();
        moved[k] += h;
        a.set(java.nio.DoubleBuffer.wrap(moved));
        double e = f.apply(in).sum().getDouble();
        a.set(java.nio.DoubleBuffer.wrap(base));
        return e;
    }
}

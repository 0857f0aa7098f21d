package org.equivariant4j.nn.lifted;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.DoubleBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.equivariant4j.group.Groups;
import org.equivariant4j.harmonics.SphereGrid;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.ops.FusedAdam;
import org.equivariant4j.nn.ops.Gradients;
import org.equivariant4j.nn.testing.Equivariance;
import org.equivariant4j.nn.testing.EuclideanMotion;
import org.equivariant4j.o3.Irreps;
import org.junit.jupiter.api.Test;

/**
 * The whole lifted network: exact equivariance to the rotations (and reflections) that permute the grid, the measured
 * error for other rotations falling as the grid grows, node permutations, gradients against finite differences,
 * save/load, bad input.
 */
class PonitaModelTest {
    private static final Irreps IN = Irreps.parse("1x0e+1x1o");
    private static final Irreps OUT = Irreps.parse("1x0e+1x1o");
    private static final int NODES = 5;
    private static final int GRAPHS = 2;

    static PonitaModel model(Fiber fiber, NDManager m, DataType dt, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        PonitaModel model = PonitaModel.builder(fiber, IN, OUT).hidden(16).basis(12).layers(2).widening(2).layerScale(0.5).build();
        model.initialize(m, dt);
        return model;
    }

    /** Node features and positions of two 5-node graphs. */
    private static NDList inputs(NDManager m, DataType dt) {
        SplittableRandom r = new SplittableRandom(4);
        return new NDList(LiftedTestSupport.normal(m, r, new Shape(NODES * GRAPHS, IN.dim()), 1, dt),
                LiftedTestSupport.normal(m, r, new Shape(NODES * GRAPHS, 3), 1.5, dt));
    }

    private static NDArray run(PonitaModel model, ParameterStore ps, NDArray h, NDArray x, boolean training) {
        return model.forward(ps, LiftedTestSupport.fullyConnected(NODES, GRAPHS, h, x), training);
    }

    private static Equivariance.Report check(PonitaModel model, NDManager m, DataType dt, List<EuclideanMotion> elements) {
        ParameterStore ps = new ParameterStore(m, false);
        return Equivariance.check(in -> run(model, ps, in.get(0), in.get(1), false),
                List.of(LiftedTestSupport.onIrreps(IN), EuclideanMotion.onPositions()), LiftedTestSupport.onIrreps(OUT), elements,
                inputs(m, dt));
    }

    @Test
    void exactlyEquivariantToTheRotationsAndReflectionsThatPermuteTheGrid() {
        Fiber fiber = new SphereFiber(SphereGrid.icosahedral(12));
        try (NDManager m = NDManager.newBaseManager()) {
            for (DataType dt : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
                PonitaModel model = model(fiber, m, dt, 3);
                Equivariance.Report rep = check(model, m, dt, LiftedTestSupport.icosahedralWithInversion(new SplittableRandom(1)));
                System.out.println("PONITA on " + fiber.description() + ", " + dt + ", the 120 elements of I_h: " + rep);
                assertTrue(rep.passes(dt == DataType.FLOAT64 ? 1e-9 : 1e-5), rep.toString());
                NDArray y = run(model, new ParameterStore(m, false), inputs(m, dt).get(0), inputs(m, dt).get(1), false);
                assertTrue(y.abs().max().toType(DataType.FLOAT64, false).getDouble() > 1e-2, "a non-trivial output");
            }
        }
    }

    @Test
    void theFullLiftToSe3IsExactlyEquivariantToItsGridGroup() {
        Fiber fiber = RotationFiber.of(Groups.octahedral());
        try (NDManager m = NDManager.newBaseManager()) {
            PonitaModel model = model(fiber, m, DataType.FLOAT64, 5);
            Equivariance.Report rep = check(model, m, DataType.FLOAT64,
                    LiftedTestSupport.rotations(Groups.octahedral().elements(), new SplittableRandom(2)));
            System.out.println("PONITA on " + fiber.description() + ", float64, the 24 rotations of O: " + rep);
            assertTrue(rep.passes(1e-9), rep.toString());
            Equivariance.Report random = check(model, m, DataType.FLOAT64, EuclideanMotion.randomElements(2, 1, new SplittableRandom(3)));
            assertTrue(random.maxRelativeError() > 1e-6, "a reflection or a rotation off the grid is not exact: " + random);
        }
    }

    @Test
    void randomRotationErrorFallsAsTheGridGrows() {
        List<EuclideanMotion> g = EuclideanMotion.randomElements(6, 2, new SplittableRandom(11));
        double previous = Double.POSITIVE_INFINITY;
        StringBuilder line = new StringBuilder("PONITA, float64, 6 random rotations/reflections, relative error by grid:");
        try (NDManager m = NDManager.newBaseManager()) {
            for (int size : new int[] {8, 32, 128}) {
                double err = check(model(new SphereFiber(SphereGrid.uniform(size)), m, DataType.FLOAT64, 3), m, DataType.FLOAT64, g)
                        .maxRelativeError();
                line.append(String.format(java.util.Locale.ROOT, " uniform(%d) %.2e", size, err));
                assertTrue(err < previous / 2, line.toString());
                previous = err;
            }
        }
        System.out.println(line);
    }

    @Test
    void permutingTheNodesPermutesTheOutput() {
        try (NDManager m = NDManager.newBaseManager()) {
            PonitaModel model = model(new SphereFiber(SphereGrid.uniform(10)), m, DataType.FLOAT64, 7);
            ParameterStore ps = new ParameterStore(m, false);
            NDList in = inputs(m, DataType.FLOAT64);
            NDArray y = run(model, ps, in.get(0), in.get(1), false);
            long[] perm = {3, 0, 4, 1, 2, 8, 9, 5, 7, 6}; // within each graph
            NDArray p = m.create(perm);
            NDArray yp = run(model, ps, in.get(0).get(p), in.get(1).get(p), false);
            assertArrayEquals(y.get(p).toDoubleArray(), yp.toDoubleArray(), 1e-12);
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager()) {
            PonitaModel model = model(new SphereFiber(SphereGrid.uniform(10)), m, DataType.FLOAT64, 9);
            ParameterStore ps = new ParameterStore(m, false);
            NDList in = inputs(m, DataType.FLOAT64);
            NDArray x = in.get(1);
            NDArray w = LiftedTestSupport.normal(m, new SplittableRandom(8), new Shape(NODES * GRAPHS, OUT.dim()), 1,
                    DataType.FLOAT64);
            x.setRequiresGradient(true);
            double[] gx;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = run(model, ps, in.get(0), x, true).mul(w).sum();
                gx = Gradients.of(loss, x, true).toDoubleArray();
                gc.backward(loss);
            }
            double h = 1e-6;
            double[] x0 = x.toDoubleArray();
            for (int k = 0; k < x0.length; k += 4) {
                double fd = difference(x, x0, k, h, () -> run(model, ps, in.get(0), x, false).mul(w).sum().getDouble());
                assertEquals(fd, gx[k], 1e-6 * Math.max(1, Math.abs(fd)), "d/dx[" + k + "]");
            }
            int checked = 0;
            for (Pair<String, Parameter> p : model.getParameters()) {
                NDArray a = p.getValue().getArray();
                double[] g = a.getGradient().toDoubleArray();
                double[] a0 = a.toDoubleArray();
                double maxGrad = 0;
                for (int k = 0; k < a0.length; k += Math.max(1, a0.length / 3)) {
                    double fd = difference(a, a0, k, h, () -> run(model, ps, in.get(0), x, false).mul(w).sum().getDouble());
                    assertEquals(fd, g[k], 1e-6 * Math.max(1, Math.abs(fd)), p.getKey() + "[" + k + "]");
                    maxGrad = Math.max(maxGrad, Math.abs(g[k]));
                }
                checked++;
                assertTrue(!p.getKey().contains("weight") || maxGrad > 0 || p.getKey().contains("layer_0.linear2")
                        || p.getKey().contains("scale"), p.getKey() + " receives gradients");
            }
            assertEquals(model.getParameters().size(), checked);
        }
    }

    private static double difference(NDArray a, double[] a0, int k, double h, java.util.function.DoubleSupplier f) {
        double[] plus = a0.clone();
        plus[k] += h;
        double[] minus = a0.clone();
        minus[k] -= h;
        a.set(DoubleBuffer.wrap(plus));
        double fp = f.getAsDouble();
        a.set(DoubleBuffer.wrap(minus));
        double fm = f.getAsDouble();
        a.set(DoubleBuffer.wrap(a0));
        return (fp - fm) / (2 * h);
    }

    @Test
    void oneAdamStepMovesEveryParameter() {
        // guards the parameter names: an array named like "a.b" reaches TorchScript as a view, whose .grad is empty
        try (NDManager m = NDManager.newBaseManager();
                FusedAdam adam = FusedAdam.builder().learningRate(ai.djl.training.tracker.Tracker.fixed(1e-3f)).build()) {
            PonitaModel model = model(new SphereFiber(SphereGrid.uniform(10)), m, DataType.FLOAT32, 2);
            ParameterStore ps = new ParameterStore(m, false);
            NDList in = inputs(m, DataType.FLOAT32);
            List<float[]> before = new java.util.ArrayList<>();
            for (Pair<String, Parameter> p : model.getParameters()) {
                before.add(p.getValue().getArray().toFloatArray());
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(run(model, ps, in.get(0), in.get(1), true).square().sum());
            }
            adam.step(model);
            for (int i = 0; i < before.size(); i++) {
                Pair<String, Parameter> p = model.getParameters().get(i);
                assertTrue(!p.getKey().contains("."), p.getKey());
                float[] after = p.getValue().getArray().toFloatArray();
                double moved = 0;
                for (int k = 0; k < after.length; k++) {
                    moved = Math.max(moved, Math.abs(after[k] - before.get(i)[k]));
                }
                assertTrue(moved > 1e-4, p.getKey() + " moved by " + moved);
            }
        }
    }

    @Test
    void savedParametersReproduceTheOutput() throws Exception {
        Fiber fiber = new SphereFiber(SphereGrid.uniform(10));
        try (NDManager m = NDManager.newBaseManager()) {
            PonitaModel model = model(fiber, m, DataType.FLOAT32, 1);
            PonitaModel copy = model(fiber, m, DataType.FLOAT32, 2);
            NDList in = inputs(m, DataType.FLOAT32);
            ParameterStore ps = new ParameterStore(m, false);
            float[] before = run(copy, ps, in.get(0), in.get(1), false).toFloatArray();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            model.saveParameters(new DataOutputStream(bytes));
            copy.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            ParameterStore fresh = new ParameterStore(m, false); // a store caches the arrays it has handed out
            float[] expected = run(model, fresh, in.get(0), in.get(1), false).toFloatArray();
            float[] loaded = run(copy, fresh, in.get(0), in.get(1), false).toFloatArray();
            assertArrayEquals(expected, loaded, 0f);
            assertTrue(Math.abs(before[0] - expected[0]) > 1e-6, "the copy started from other weights");
            assertEquals(model.parameterCount(), copy.parameterCount());
        }
    }

    @Test
    void parameterCountFollowsTheConfiguration() {
        // H = 16, B = 12, 2 layers, widening 2, layer scale, readouts after both layers; S² (2 invariants, 1 fibre invariant)
        long basis = (16 * 14 + 16 + 12 * 16 + 12) + (16 * 3 + 16 + 12 * 16 + 12);
        long layer = (2 * 16 * 12 + 16) + 2 * 16 + (32 * 16 + 32) + (16 * 32 + 16) + 16;
        long readouts = 2 * (2 * 16 + 2);
        long embedding = 16 * 2;
        PonitaModel model = PonitaModel.builder(new SphereFiber(SphereGrid.uniform(10)), IN, OUT).hidden(16).basis(12).layers(2)
                .widening(2).layerScale(0.5).build();
        assertEquals(basis + 2 * layer + readouts + embedding, model.parameterCount());
    }

    @Test
    void badInputIsNamedBeforeAnyWork() {
        Fiber fiber = new SphereFiber(SphereGrid.uniform(10));
        try (NDManager m = NDManager.newBaseManager()) {
            PonitaModel model = model(fiber, m, DataType.FLOAT32, 1);
            ParameterStore ps = new ParameterStore(m, false);
            NDList in = inputs(m, DataType.FLOAT32);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.forward(ps,
                    GraphBatch.fullyConnected(NODES, GRAPHS).positions(in.get(1)).build(), false));
            assertTrue(e.getMessage().contains("needs node features"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> model.forward(ps,
                    GraphBatch.fullyConnected(NODES, GRAPHS).positions(in.get(1)).nodeFeatures(in.get(1)).build(), false));
            assertTrue(e.getMessage().contains("[N, 4]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> model.forward(ps, GraphBatch.fullyConnected(NODES, GRAPHS)
                    .positions(in.get(1)).nodeFeatures(in.get(0)).vectors(in.get(1)).build(), false));
            assertTrue(e.getMessage().contains("vectors"), e.getMessage());
            NDList in64 = inputs(m, DataType.FLOAT64);
            e = assertThrows(IllegalArgumentException.class, () -> run(model, ps, in64.get(0), in64.get(1), false));
            assertTrue(e.getMessage().contains("float32 parameters"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> PonitaModel.builder(fiber, Irreps.parse("1x1e"), OUT).build());
            assertTrue(e.getMessage().contains("parity"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> PonitaModel.builder(fiber, IN, Irreps.parse("1x3o")).build());
            assertTrue(e.getMessage().contains("fewer than the 16 harmonics"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> PonitaModel.builder(RotationFiber.of(Groups.octahedral()), Irreps.parse("1x2e"), OUT).build());
            assertTrue(e.getMessage().contains("l <= 1"), e.getMessage());
        }
    }
}

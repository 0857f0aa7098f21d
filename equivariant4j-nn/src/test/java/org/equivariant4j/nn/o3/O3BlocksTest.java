package org.equivariant4j.nn.o3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.DoubleBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.O3Element;
import org.equivariant4j.nn.TestSupport;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.nn.testing.Equivariance;
import org.equivariant4j.nn.testing.SaveLoadChecks;
import org.equivariant4j.o3.Irreps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class O3BlocksTest {
    private static final DataType F64 = DataType.FLOAT64;

    private static NDArray run(Block b, NDManager m, NDArray x, boolean training) {
        b.initialize(m, x.getDataType(), x.getShape());
        return b.forward(new ParameterStore(m, false), new NDList(x), training).singletonOrThrow();
    }

    private static void assertEquivariant(Block b, Irreps in, Irreps out, NDManager m, boolean training) {
        NDArray x = TestSupport.gaussian(m, new Shape(16, in.dim()), F64, 21);
        b.initialize(m, F64, x.getShape());
        ParameterStore ps = new ParameterStore(m, false);
        List<O3Element> g = Equivariance.testElements(Groups.o3(), 5, new SplittableRandom(13));
        Equivariance.Report r = Equivariance.check(v -> b.forward(ps, new NDList(v), training).singletonOrThrow(),
                Equivariance.onLastAxis(in.representation()), Equivariance.onLastAxis(out.representation()), g, x);
        assertTrue(r.passes(1e-9), b + ": " + r);
    }

    @Test
    void linearAsDocumentedByE3nnAndEquivariant() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Linear("2x0e", "1x0e") = (w1 x1 + w2 x2)/√2
            Linear lin = Linear.of(Irreps.parse("2x0e"), Irreps.parse("1x0e"));
            NDArray x = Tensors.fromFlat(m, new double[] {1.5, -2}, new Shape(1, 2), F64);
            lin.initialize(m, F64, x.getShape());
            lin.weight().getArray().set(DoubleBuffer.wrap(new double[] {0.3, 0.7}));
            double y = lin.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow().getDouble(0, 0);
            assertEquals((0.3 * 1.5 - 0.7 * 2) / Math.sqrt(2), y, 1e-15);
            // e3nn: Linear("4x0e+16x1o", "8x0e+8x1o") has 160 weights
            Linear big = Linear.builder(Irreps.parse("4x0e+16x1o"), Irreps.parse("8x0e+8x1o")).biases(true).optSeed(1).build();
            big.initialize(m, F64, new Shape(1, 52));
            assertEquals(160, big.weight().getArray().size());
            assertEquals(8, big.bias().getArray().size());
            assertEquivariant(Linear.builder(Irreps.parse("3x0e+2x1o+1x1e+2x2e"), Irreps.parse("2x0e+3x1o+1x2e+1x0o"))
                    .biases(true).optSeed(2).build(), Irreps.parse("3x0e+2x1o+1x1e+2x2e"),
                    Irreps.parse("2x0e+3x1o+1x2e+1x0o"), m, false);
        }
    }

    @Test
    void normsAndNormActivation() {
        Irreps irreps = Irreps.parse("2x0e+1x1o+2x2e");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = TestSupport.gaussian(m, new Shape(3, irreps.dim()), F64, 3);
            double[] v = x.toDoubleArray();
            double[] n = run(new Norm(irreps, false), m, x, false).toDoubleArray();
            assertEquals(Math.abs(v[0]), n[0], 1e-14);
            assertEquals(Math.sqrt(v[2] * v[2] + v[3] * v[3] + v[4] * v[4]), n[2], 1e-14);
            assertEquals(Math.sqrt(v[5] * v[5] + v[6] * v[6] + v[7] * v[7] + v[8] * v[8] + v[9] * v[9]), n[3], 1e-14);
            // the gradient of the norm at 0 is 0, not NaN
            NDArray zero = m.zeros(new Shape(1, irreps.dim()), F64);
            zero.setRequiresGradient(true);
            Norm norm = new Norm(irreps, false);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(norm.apply(zero).sum());
            }
            for (double g : zero.getGradient().toDoubleArray()) {
                assertEquals(0, g, 0);
            }
            assertEquivariant(new Norm(irreps, false), irreps, Irreps.parse("5x0e"), m, false);
            assertEquivariant(NormActivation.of(irreps, Activation.SILU), irreps, irreps, m, false);
            assertEquivariant(new NormActivation(irreps, Activation.SIGMOID, false, 1e-6, true), irreps, irreps, m, false);
        }
    }

    @Test
    void batchNormNormalisesAndIsEquivariant() {
        Irreps irreps = Irreps.parse("2x0e+1x0o+2x1o+1x2e");
        try (NDManager m = NDManager.newBaseManager()) {
            BatchNorm bn = BatchNorm.of(irreps);
            NDArray x = TestSupport.gaussian(m, new Shape(500, irreps.dim()), F64, 4).mul(3).add(1);
            double[] y = run(bn, m, x, true).toDoubleArray();
            int d = irreps.dim();
            double mean0 = 0;
            double sq0 = 0;
            double sqVec = 0;
            for (int s = 0; s < 500; s++) {
                mean0 += y[s * d];
                sq0 += y[s * d] * y[s * d];
                sqVec += (y[s * d + 3] * y[s * d + 3] + y[s * d + 4] * y[s * d + 4] + y[s * d + 5] * y[s * d + 5]) / 3;
            }
            assertEquals(0, mean0 / 500, 1e-12);
            assertEquals(1, sq0 / 500, 1e-4);
            assertEquals(1, sqVec / 500, 1e-4);
            // running statistics moved by momentum 0.1 towards the batch ones
            double rm = bn.runningMean().getArray().toDoubleArray()[0];
            assertEquals(0.1 * mean(x.toDoubleArray(), d, 0), rm, 1e-12);
            assertEquivariant(BatchNorm.of(irreps), irreps, irreps, m, true);
            assertEquivariant(BatchNorm.of(irreps), irreps, irreps, m, false);
        }
    }

    private static double mean(double[] x, int stride, int col) {
        double s = 0;
        int n = x.length / stride;
        for (int i = 0; i < n; i++) {
            s += x[i * stride + col];
        }
        return s / n;
    }

    /** e3nn's soft_one_hot_linspace at x = 0.3 on [0, 1] with 4 functions (reference values of e3nn 0.5). */
    @Test
    void radialBasesMatchE3nn() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = Tensors.fromFlat(m, new double[] {0.3}, new Shape(1), F64);
            double[][] expected = {
                {0.3971947020, 0.8839730658, 0.2662475709, 0.0108528378}, {0.6953578420, 0.6953578420, 0.0941064505, 0.0017236198},
                {0.1564344650, 0.9876883406, 0, 0}, {0.7071067812, 0.7071067812, 0, 0},
                {0.0002261990, 1.1185335686, 0, 0}, {0.5859937630, 0.5859937630, 0, 0},
                {0.6666666667, 0.3918568349, -0.2060113296, -0.6340376775}, {0.5393446629, 0.6340376775, 0.2060113296, -0.3918568349},
                {3.8137426855, 4.4833234131, 1.4567200815, -2.7708462518}, {3.8137426855, 4.4833234131, 1.4567200815, -2.7708462518}};
            int k = 0;
            for (RadialBasis b : RadialBasis.values()) {
                for (boolean cutoff : new boolean[] {false, true}) {
                    double[] got = b.softOneHotLinspace(x, 0, 1, 4, cutoff).toDoubleArray();
                    assertArrayEquals(expected[k++], got, 1e-9, b + " cutoff " + cutoff);
                }
            }
            // the soft unit step and its gradient: finite everywhere, 0 for x <= 0
            NDArray t = Tensors.fromFlat(m, new double[] {-1, 0, 0.5, 2}, new Shape(4), F64);
            t.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray u = RadialBasis.softUnitStep(t);
                assertArrayEquals(new double[] {0, 0, Math.exp(-2), Math.exp(-0.5)}, u.toDoubleArray(), 1e-15);
                gc.backward(u.sum());
            }
            assertArrayEquals(new double[] {0, 0, Math.exp(-2) * 4, Math.exp(-0.5) / 4}, t.getGradient().toDoubleArray(), 1e-14);
        }
    }

    /** Linear and BatchNorm parameters (weights, biases, running statistics) survive saving bit for bit. */
    @Test
    void saveLoadRoundTrips(@TempDir Path dir) throws Exception {
        Irreps in = Irreps.parse("3x0e+2x1o");
        Irreps out = Irreps.parse("2x0e+1x1o");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = TestSupport.gaussian(m, new Shape(4, in.dim()), DataType.FLOAT32, 1);
            Linear lin = Linear.builder(in, out).biases(true).optSeed(1).build();
            lin.initialize(m, DataType.FLOAT32, x.getShape());
            lin.bias().getArray().addi(m.create(new float[] {0.5f, -0.25f}));
            SaveLoadChecks.assertRoundTripsExact(lin, Linear.builder(in, out).biases(true).optSeed(2).build(),
                    Linear.builder(in, out).biases(true).optSeed(3).build(), x, m, dir, "linear");
            BatchNorm bn = BatchNorm.of(in);
            run(bn, m, x.mul(3).add(1), true); // moves the running statistics
            SaveLoadChecks.assertRoundTripsExact(bn, BatchNorm.of(in), BatchNorm.of(in), x, m, dir, "batchnorm");
            assertThrows(MalformedModelException.class, () -> SaveLoadChecks.load(Linear.of(in, in), m,
                    saved(lin)));
        }
    }

    private static byte[] saved(Block b) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        b.saveParameters(new java.io.DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    @Test
    void extractAndBadInput() {
        try (NDManager m = NDManager.newBaseManager()) {
            Irreps in = Irreps.parse("1x0e+1x1o+1x0e");
            Extract ex = new Extract(in, List.of(Irreps.parse("1x0e+1x0e"), Irreps.parse("1x1o")),
                    List.of(new int[] {0, 2}, new int[] {1}));
            NDList out = ex.apply(Tensors.fromFlat(m, new double[] {1, 2, 3, 4, 5}, new Shape(1, 5), F64));
            assertArrayEquals(new double[] {1, 5}, out.get(0).toDoubleArray(), 0);
            assertArrayEquals(new double[] {2, 3, 4}, out.get(1).toDoubleArray(), 0);
            assertThrows(IllegalArgumentException.class, () -> new Extract(in, List.of(Irreps.parse("1x1o")),
                    List.of(new int[] {0})));
            Linear lin = Linear.of(Irreps.parse("2x1o"), Irreps.parse("1x1o"));
            lin.initialize(m, F64, new Shape(3, 6));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> lin.forward(new ParameterStore(m, false), new NDList(m.zeros(new Shape(3, 5), F64)), false));
            assertTrue(e.getMessage().contains("6") && e.getMessage().contains("2x1o") && e.getMessage().contains("(3, 5)"),
                    e.getMessage());
        }
    }
}

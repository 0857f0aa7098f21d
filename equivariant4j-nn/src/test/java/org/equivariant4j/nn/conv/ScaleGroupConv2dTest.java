package org.equivariant4j.nn.conv;

import static org.equivariant4j.nn.testing.GradientChecks.checkGradient;
import static org.equivariant4j.nn.testing.GradientChecks.loss;
import static org.equivariant4j.nn.conv.ScaleLiftingConv2dTest.forward;
import static org.equivariant4j.nn.conv.ScaleLiftingConv2dTest.gaussian;
import static org.equivariant4j.nn.conv.ScaleLiftingConv2dTest.roll;
import static org.equivariant4j.nn.conv.ScaleLiftingConv2dTest.shiftError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.nn.TestSupport;
import org.equivariant4j.nn.pool.GroupPooling;
import org.equivariant4j.nn.testing.GradientChecks;
import org.equivariant4j.nn.testing.SaveLoadChecks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScaleGroupConv2dTest {
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    @Test
    void matchesNaiveReferenceForBothBoundaries() {
        int b = 2;
        int cin = 3;
        int cout = 2;
        int s = 4;
        int h = 9;
        int w = 11;
        for (ScaleGroupConv2d.Boundary boundary : ScaleGroupConv2d.Boundary.values()) {
            for (int taps = 1; taps <= 3; taps++) {
                ScaleGroupConv2d conv = ScaleGroupConv2d.builder(cin, cout).scales(s, 3).scaleKernelSize(taps)
                        .boundary(boundary).basisOrder(1).sigma(0.6).optSeed(taps).build();
                int sOut = boundary == ScaleGroupConv2d.Boundary.ZERO ? s : s - taps + 1;
                assertEquals(sOut, conv.numScalesOut());
                try (NDManager m = manager.newSubManager()) {
                    Shape shape = new Shape(b, cin, s, h, w);
                    conv.initialize(m, DataType.FLOAT64, shape);
                    conv.bias().getArray().addi(m.create(new double[] {0.5, -0.25}));
                    double[] x = gaussian(b * cin * s * h * w, 20 + taps);
                    double[] y = forward(conv, m, x, shape, DataType.FLOAT64);
                    double[] expected = ScaleConvTestSupport.naiveGroup(x, b, cin, s, h, w,
                            conv.weight().getArray().toDoubleArray(), cout, taps, conv.bias().getArray().toDoubleArray(),
                            conv.basis());
                    assertEquals(b * cout * sOut * h * w, y.length);
                    double err = ScaleConvTestSupport.maxAbsDiff(expected, y) / ScaleConvTestSupport.maxAbs(expected);
                    assertTrue(err < 1e-12, boundary + " L = " + taps + ": " + err);
                    assertEquals(new Shape(b, cout, sOut, h, w), conv.getOutputShapes(new Shape[] {shape})[0]);
                }
            }
        }
    }

    /** With the same kernel size and weights, ZERO's first S − L + 1 output scales are TRUNCATE's output. */
    @Test
    void zeroBoundaryAgreesWithTruncationWhereTheWindowIsComplete() {
        int s = 5;
        int taps = 2;
        ScaleGroupConv2d zero = ScaleGroupConv2d.builder(2, 3).scales(s, 2).scaleKernelSize(taps).kernelSize(29).optSeed(4).build();
        ScaleGroupConv2d trunc = ScaleGroupConv2d.builder(2, 3).scales(s, 2).scaleKernelSize(taps).kernelSize(29)
                .boundary(ScaleGroupConv2d.Boundary.TRUNCATE).optSeed(4).build();
        try (NDManager m = manager.newSubManager()) {
            Shape shape = new Shape(1, 2, s, 10, 10);
            zero.initialize(m, DataType.FLOAT64, shape);
            trunc.initialize(m, DataType.FLOAT64, shape);
            double[] x = gaussian((int) shape.size(), 5);
            double[] yz = forward(zero, m, x, shape, DataType.FLOAT64);
            double[] yt = forward(trunc, m, x, shape, DataType.FLOAT64);
            int sOut = s - taps + 1;
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < sOut; i++) {
                    for (int p = 0; p < 100; p++) {
                        assertEquals(yt[(c * sOut + i) * 100 + p], yz[(c * s + i) * 100 + p], 1e-12);
                    }
                }
            }
        }
    }

    @Test
    void translationEquivarianceIsExactThroughLiftingAndGroupConv() {
        int h = 48;
        int w = 44;
        for (DataType dt : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
            ScaleLiftingConv2d lift = ScaleLiftingConv2d.builder(1, 3).scales(3, 2).basisOrder(1).optSeed(6).build();
            ScaleGroupConv2d group = ScaleGroupConv2d.builder(3, 2).scales(3, 2).scaleKernelSize(2).basisOrder(1).optSeed(7).build();
            SequentialBlock net = new SequentialBlock().add(lift).add(Activation::relu).add(group);
            try (NDManager m = manager.newSubManager()) {
                net.initialize(m, dt, new Shape(1, 1, h, w));
                double[] x = gaussian(h * w, 8);
                double[] y = forward(net, m, x, new Shape(1, 1, h, w), dt);
                int r = (lift.kernelSize() - 1) / 2 + (group.kernelSize() - 1) / 2;
                for (int[] d : new int[][] {{2, -3}, {-1, 2}}) {
                    double[] ys = forward(net, m, roll(x, 1, h, w, d[0], d[1]), new Shape(1, 1, h, w), dt);
                    double e = shiftError(y, ys, 2 * 3, h, w, d[0], d[1], r);
                    System.out.printf("translation equivariance, lifting -> relu -> group conv %s, shift (%d, %d): "
                            + "relative error %.2e%n", dt, d[0], d[1], e);
                    assertTrue(e < (dt == DataType.FLOAT32 ? 1e-5 : 1e-12), dt + " shift error " + e);
                }
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesFloat64() {
        for (ScaleGroupConv2d.Boundary boundary : ScaleGroupConv2d.Boundary.values()) {
            ScaleGroupConv2d conv = ScaleGroupConv2d.builder(2, 2).scales(3, 2).scaleKernelSize(2).boundary(boundary)
                    .basisOrder(1).sigma(0.6).optSeed(9).build();
            try (NDManager m = manager.newSubManager()) {
                Shape shape = new Shape(1, 2, 3, 6, 5);
                conv.initialize(m, DataType.FLOAT64, shape);
                NDArray w = conv.weight().getArray();
                NDArray bias = conv.bias().getArray();
                NDArray x = TestSupport.gaussian(m, shape, DataType.FLOAT64, 10);
                NDArray r = TestSupport.gaussian(m, new Shape(1, 2, conv.numScalesOut(), 6, 5), DataType.FLOAT64, 11);
                ParameterStore ps = new ParameterStore(m, false);
                JniUtils.zeroGrad((PtNDArray) w);
                JniUtils.zeroGrad((PtNDArray) bias);
                x.setRequiresGradient(true);
                double[] gw;
                double[] gb;
                double[] gx;
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    collector.backward(loss(conv, ps, x, r));
                    gw = w.getGradient().toDoubleArray();
                    gb = bias.getGradient().toDoubleArray();
                    gx = x.getGradient().toDoubleArray();
                }
                assertEquals(2 * 2 * 2 * 3, gw.length);
                // every third coefficient (offset by boundary), to keep the test fast on shared cores
                checkGradient(boundary + " d loss / d weight", conv, ps, x, r, w, gw, boundary.ordinal(), 3);
                checkGradient(boundary + " d loss / d bias", conv, ps, x, r, bias, gb);
                // the input gradient: a few entries, including the top scale (which ZERO reads only through tap 0)
                double[] x0 = x.toDoubleArray();
                for (int idx : new int[] {0, 37, 2 * 30 + 7, 89, 179}) {
                    double[] plus = x0.clone();
                    plus[idx] += 1e-6;
                    double[] minus = x0.clone();
                    minus[idx] -= 1e-6;
                    double fd;
                    try (NDScope scope = new NDScope()) {
                        NDArray xp = m.create(plus, shape);
                        NDArray xm = m.create(minus, shape);
                        fd = (loss(conv, ps, xp, r).getDouble() - loss(conv, ps, xm, r).getDouble()) / 2e-6;
                    }
                    assertEquals(fd, gx[idx], 1e-6 * Math.max(1, Math.abs(fd)), boundary + " d loss / d x[" + idx + "]");
                }
            }
        }
    }

    @Test
    void scopedTrainingLoopLearnsAndDoesNotLeak() {
        ScaleLiftingConv2d lift = ScaleLiftingConv2d.builder(1, 4).scales(3, 2).basisOrder(1).sigma(0.6).optSeed(12).build();
        ScaleGroupConv2d group = ScaleGroupConv2d.builder(4, 1).scales(3, 2).scaleKernelSize(2).basisOrder(1).sigma(0.6)
                .optSeed(13).build();
        SequentialBlock net = new SequentialBlock().add(lift).add(Activation::relu).add(group).add(GroupPooling.mean(3));
        try (NDManager model = manager.newSubManager(); NDManager data = manager.newSubManager()) {
            Shape shape = new Shape(4, 1, 12, 12);
            net.initialize(model, DataType.FLOAT32, shape);
            NDArray x = TestSupport.gaussian(data, shape, DataType.FLOAT32, 14);
            NDArray target = x.mul(0.5f);
            List<Parameter> params = new ArrayList<>();
            for (Pair<String, Parameter> p : net.getParameters()) {
                params.add(p.getValue());
            }
            ParameterStore ps = new ParameterStore(model, false);
            float first = 0;
            float last = 0;
            int before = 0;
            for (int step = 0; step < 20; step++) {
                try (NDScope scope = new NDScope()) {
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray y = net.forward(ps, new NDList(x), true).singletonOrThrow();
                        NDArray l = y.sub(target).square().mean();
                        gc.backward(l);
                        last = l.getFloat();
                    }
                    GradientChecks.sgdStep(params, 0.3f);
                }
                if (step == 0) {
                    first = last;
                }
                if (step == 4) {
                    before = ((BaseNDManager) model).getManagedArrays().size() + ((BaseNDManager) data).getManagedArrays().size();
                }
            }
            int after = ((BaseNDManager) model).getManagedArrays().size() + ((BaseNDManager) data).getManagedArrays().size();
            System.out.printf("scale conv training loop: loss %.4f -> %.4f, managed arrays %d -> %d%n", first, last, before, after);
            assertEquals(before, after, "arrays leaked per step");
            assertTrue(last < 0.5 * first, first + " -> " + last);
        }
    }

    @Test
    void saveLoadRoundTripIsExact(@TempDir Path dir) throws Exception {
        Shape shape = new Shape(2, 3, 4, 9, 8);
        ScaleGroupConv2d original = ScaleGroupConv2d.builder(3, 2).scales(4, 2).scaleKernelSize(2).optSeed(15).build();
        try (NDManager m = manager.newSubManager()) {
            original.initialize(m, DataType.FLOAT32, shape);
            original.bias().getArray().addi(m.create(new float[] {0.3f, -0.4f}));
            NDArray x = TestSupport.gaussian(m, shape, DataType.FLOAT32, 16);
            byte[] bytes = SaveLoadChecks.assertRoundTripsExact(original,
                    ScaleGroupConv2d.builder(3, 2).scales(4, 2).scaleKernelSize(2).optSeed(1).build(),
                    ScaleGroupConv2d.builder(3, 2).scales(4, 2).scaleKernelSize(2).optSeed(2).build(), x, manager, dir, "group");

            ScaleGroupConv2d other = ScaleGroupConv2d.builder(3, 2).scales(4, 2).scaleKernelSize(2)
                    .boundary(ScaleGroupConv2d.Boundary.TRUNCATE).kernelSize(21).build();
            MalformedModelException e = assertThrows(MalformedModelException.class,
                    () -> SaveLoadChecks.load(other, manager, bytes));
            assertTrue(e.getMessage().contains("[3, 2, 4, 2, 2, 0, 21, 6, 1]") && e.getMessage().contains("[3, 2, 4, 2, 2, 1, 21, 6, 1]"),
                    e.getMessage());
        }
    }

    @Test
    void badInputsNameExpectedAndActual() {
        ScaleGroupConv2d conv = ScaleGroupConv2d.builder(3, 2).scales(4, 2).scaleKernelSize(2).basisOrder(0).build();
        try (NDManager m = manager.newSubManager()) {
            conv.initialize(m, DataType.FLOAT32, new Shape(1, 3, 4, 8, 8));
            ParameterStore ps = new ParameterStore(m, false);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> conv.forward(ps, new NDList(m.zeros(new Shape(1, 3, 3, 8, 8))), false));
            assertTrue(e.getMessage().contains("(batch, 3, 4, height, width)") && e.getMessage().contains("(1, 3, 3, 8, 8)"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> conv.forward(ps, new NDList(m.zeros(new Shape(1, 2, 4, 8, 8))), false));
            assertTrue(e.getMessage().contains("(1, 2, 4, 8, 8)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> conv.forward(ps, new NDList(m.zeros(new Shape(1, 3, 8, 8))), false));
            assertTrue(e.getMessage().contains("(batch, 3, 4, height, width)") && e.getMessage().contains("(1, 3, 8, 8)"),
                    e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScaleGroupConv2d.builder(1, 1).scales(3, 1).scaleKernelSize(4).build());
        assertTrue(e.getMessage().contains("S = 3") && e.getMessage().contains("got L = 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScaleGroupConv2d.builder(1, 1).scaleKernelSize(0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScaleGroupConv2d.builder(1, 1).scales(0, 1));
        assertTrue(e.getMessage().contains("S must be >= 1, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScaleGroupConv2d.builder(1, 1).scales(2, -1));
        assertTrue(e.getMessage().contains("must be >= 1, got -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScaleGroupConv2d.builder(1, 1).scales(4, 2).kernelSize(11).build());
        assertTrue(e.getMessage().contains("expected k >= 21") && e.getMessage().contains("got k = 11"), e.getMessage());
        // TRUNCATE needs the kernel only for the S − L + 1 output scales
        ScaleGroupConv2d t = ScaleGroupConv2d.builder(1, 1).scales(4, 2).scaleKernelSize(2)
                .boundary(ScaleGroupConv2d.Boundary.TRUNCATE).build();
        assertEquals(3, t.numScalesOut());
        assertTrue(t.kernelSize() < 21);
    }
}

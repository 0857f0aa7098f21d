package org.equivariant4j.nn.conv;

import static org.equivariant4j.nn.testing.GradientChecks.checkGradient;
import static org.equivariant4j.nn.testing.GradientChecks.loss;
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
import ai.djl.nn.SequentialBlock;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import org.equivariant4j.nn.TestSupport;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.nn.pool.GroupPooling;
import org.equivariant4j.nn.testing.SaveLoadChecks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScaleLiftingConv2dTest {
    static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    static double[] forward(Block block, NDManager m, double[] x, Shape shape, DataType dt) {
        NDArray in = Tensors.fromFlat(m, x, shape, dt);
        return Tensors.toDoubles(block.forward(new ParameterStore(m, false), new NDList(in), false).singletonOrThrow());
    }

    static double[] gaussian(int size, long seed) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    /** Circular shift of the last two axes of a [lead, H, W] array: content moves dy rows down, dx columns right. */
    static double[] roll(double[] x, int lead, int h, int w, int dy, int dx) {
        double[] out = new double[x.length];
        for (int c = 0; c < lead; c++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    out[(c * h + i) * w + j] = x[(c * h + Math.floorMod(i - dy, h)) * w + Math.floorMod(j - dx, w)];
                }
            }
        }
        return out;
    }

    /**
     * max |yShifted(p) − y(p − d)| / max |y| over the pixels p whose receptive field (radius r) neither wraps around nor
     * touches the zero padding, for both images.
     */
    static double shiftError(double[] y, double[] yShifted, int lead, int h, int w, int dy, int dx, int r) {
        double err = 0;
        int count = 0;
        for (int c = 0; c < lead; c++) {
            for (int i = r + Math.max(0, dy); i < h - r + Math.min(0, dy); i++) {
                for (int j = r + Math.max(0, dx); j < w - r + Math.min(0, dx); j++) {
                    err = Math.max(err, Math.abs(yShifted[(c * h + i) * w + j] - y[(c * h + i - dy) * w + j - dx]));
                    count++;
                }
            }
        }
        assertTrue(count > 0, "no interior pixels");
        return err / ScaleConvTestSupport.maxAbs(y);
    }

    @Test
    void matchesNaiveReferenceFloat64AndFloat32() {
        int b = 2;
        int cin = 2;
        int cout = 3;
        int h = 12;
        int w = 10;
        ScaleLiftingConv2d lift = ScaleLiftingConv2d.builder(cin, cout).scales(3, 2).basisOrder(1).sigma(0.7).optSeed(1).build();
        assertEquals(3, lift.basis().numBasis());
        try (NDManager m = manager.newSubManager()) {
            lift.initialize(m, DataType.FLOAT64, new Shape(b, cin, h, w));
            lift.bias().getArray().addi(m.create(new double[] {0.1, -0.2, 0.3}));
            double[] x = gaussian(b * cin * h * w, 2);
            double[] y = forward(lift, m, x, new Shape(b, cin, h, w), DataType.FLOAT64);
            double[] expected = ScaleConvTestSupport.naiveLifting(x, b, cin, h, w, lift.weight().getArray().toDoubleArray(),
                    cout, lift.bias().getArray().toDoubleArray(), lift.basis());
            assertEquals(b * cout * 3 * h * w, y.length);
            assertTrue(ScaleConvTestSupport.maxAbsDiff(expected, y) < 1e-12 * ScaleConvTestSupport.maxAbs(expected));
            assertArrayEquals(new long[] {b, cout, 3, h, w},
                    lift.getOutputShapes(new Shape[] {new Shape(b, cin, h, w)})[0].getShape());
        }
        ScaleLiftingConv2d lift32 = ScaleLiftingConv2d.builder(cin, cout).scales(3, 2).basisOrder(1).sigma(0.7).optSeed(1).build();
        try (NDManager m = manager.newSubManager()) {
            lift32.initialize(m, DataType.FLOAT32, new Shape(b, cin, h, w));
            double[] x = gaussian(b * cin * h * w, 2);
            double[] y = forward(lift32, m, x, new Shape(b, cin, h, w), DataType.FLOAT32);
            double[] expected = ScaleConvTestSupport.naiveLifting(x, b, cin, h, w,
                    Tensors.toDoubles(lift32.weight().getArray()), cout, null, lift32.basis());
            assertTrue(ScaleConvTestSupport.maxAbsDiff(expected, y) < 1e-5 * ScaleConvTestSupport.maxAbs(expected));
        }
    }

    @Test
    void translationEquivarianceIsExact() {
        int cin = 2;
        int cout = 3;
        int h = 40;
        int w = 36;
        for (DataType dt : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
            ScaleLiftingConv2d lift = ScaleLiftingConv2d.builder(cin, cout).scales(3, 2).optSeed(3).build();
            try (NDManager m = manager.newSubManager()) {
                lift.initialize(m, dt, new Shape(1, cin, h, w));
                double[] x = gaussian(cin * h * w, 4);
                double[] y = forward(lift, m, x, new Shape(1, cin, h, w), dt);
                int r = (lift.kernelSize() - 1) / 2;
                for (int[] d : new int[][] {{3, -5}, {-2, 4}, {0, 1}}) {
                    double[] ys = forward(lift, m, roll(x, cin, h, w, d[0], d[1]), new Shape(1, cin, h, w), dt);
                    double e = shiftError(y, ys, cout * 3, h, w, d[0], d[1], r);
                    System.out.printf("translation equivariance, lifting %s, shift (%d, %d): relative error %.2e%n",
                            dt, d[0], d[1], e);
                    assertTrue(e < (dt == DataType.FLOAT32 ? 1e-5 : 1e-12), dt + " shift error " + e);
                }
            }
        }
    }

    @Test
    void composesWithGroupPoolingForScaleInvariantFeatures() {
        ScaleLiftingConv2d lift = ScaleLiftingConv2d.builder(1, 4).scales(3, 1).basisOrder(0).optSeed(5).build();
        SequentialBlock net = new SequentialBlock().add(lift).add(GroupPooling.max(3));
        try (NDManager m = manager.newSubManager()) {
            net.initialize(m, DataType.FLOAT32, new Shape(2, 1, 16, 16));
            NDArray x = TestSupport.gaussian(m, new Shape(2, 1, 16, 16), DataType.FLOAT32, 6);
            NDArray y = net.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
            assertEquals(new Shape(2, 4, 16, 16), y.getShape());
            assertEquals(new Shape(2, 4, 16, 16), net.getOutputShapes(new Shape[] {new Shape(2, 1, 16, 16)})[0]);
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesFloat64() {
        ScaleLiftingConv2d lift = ScaleLiftingConv2d.builder(2, 2).scales(2, 1).basisOrder(1).sigma(0.6).optSeed(7).build();
        try (NDManager m = manager.newSubManager()) {
            Shape shape = new Shape(1, 2, 7, 6);
            lift.initialize(m, DataType.FLOAT64, shape);
            NDArray w = lift.weight().getArray();
            NDArray bias = lift.bias().getArray();
            bias.addi(m.create(new double[] {0.2, -0.1}));
            NDArray x = TestSupport.gaussian(m, shape, DataType.FLOAT64, 8);
            NDArray r = TestSupport.gaussian(m, new Shape(1, 2, 2, 7, 6), DataType.FLOAT64, 9);
            ParameterStore ps = new ParameterStore(m, false);
            JniUtils.zeroGrad((PtNDArray) w);
            JniUtils.zeroGrad((PtNDArray) bias);
            double[] gw;
            double[] gb;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(loss(lift, ps, x, r));
                gw = w.getGradient().toDoubleArray();
                gb = bias.getGradient().toDoubleArray();
            }
            assertEquals(2 * 2 * 3, gw.length);
            checkGradient("d loss / d weight", lift, ps, x, r, w, gw);
            checkGradient("d loss / d bias", lift, ps, x, r, bias, gb);
        }
    }

    @Test
    void saveLoadRoundTripIsExact(@TempDir Path dir) throws Exception {
        Shape shape = new Shape(2, 3, 11, 9);
        ScaleLiftingConv2d original = ScaleLiftingConv2d.builder(3, 4).scales(3, 2).optSeed(10).build();
        try (NDManager m = manager.newSubManager()) {
            original.initialize(m, DataType.FLOAT32, shape);
            original.bias().getArray().addi(m.create(new float[] {0.1f, 0.2f, 0.3f, 0.4f}));
            NDArray x = TestSupport.gaussian(m, shape, DataType.FLOAT32, 11);
            byte[] bytes = SaveLoadChecks.assertRoundTripsExact(original,
                    ScaleLiftingConv2d.builder(3, 4).scales(3, 2).optSeed(99).build(),
                    ScaleLiftingConv2d.builder(3, 4).scales(3, 2).optSeed(98).build(), x, manager, dir, "lift");

            ScaleLiftingConv2d other = ScaleLiftingConv2d.builder(3, 4).scales(4, 2).build();
            MalformedModelException e = assertThrows(MalformedModelException.class,
                    () -> SaveLoadChecks.load(other, manager, bytes));
            assertTrue(e.getMessage().contains("[3, 4, 3, 2, ") && e.getMessage().contains("[3, 4, 4, 2, 21, 6, 1]"),
                    e.getMessage());
        }
    }

    @Test
    void badInputsNameExpectedAndActual() {
        ScaleLiftingConv2d lift = ScaleLiftingConv2d.builder(3, 2).scales(2, 1).basisOrder(0).build();
        try (NDManager m = manager.newSubManager()) {
            lift.initialize(m, DataType.FLOAT32, new Shape(1, 3, 8, 8));
            ParameterStore ps = new ParameterStore(m, false);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> lift.forward(ps, new NDList(m.zeros(new Shape(1, 2, 8, 8))), false));
            assertTrue(e.getMessage().contains("(batch, 3, height, width)") && e.getMessage().contains("(1, 2, 8, 8)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> lift.forward(ps, new NDList(m.zeros(new Shape(1, 3, 2, 8, 8))), false));
            assertTrue(e.getMessage().contains("(1, 3, 2, 8, 8)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> lift.forward(ps, new NDList(m.zeros(new Shape(1, 3, 8, 8), DataType.FLOAT64)), false));
            assertTrue(e.getMessage().contains("float32") && e.getMessage().contains("float64"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScaleLiftingConv2d.builder(1, 1).scales(0, 2));
        assertTrue(e.getMessage().contains("S must be >= 1, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScaleLiftingConv2d.builder(1, 1).scales(3, 0));
        assertTrue(e.getMessage().contains("n (s_i = 2^(i/n)) must be >= 1, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScaleLiftingConv2d.builder(1, 1).scales(4, 2).kernelSize(7).build());
        assertTrue(e.getMessage().contains("expected k >= 21") && e.getMessage().contains("got k = 7"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScaleLiftingConv2d.builder(1, 1).build());
        assertTrue(e.getMessage().contains("scales(S, n)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScaleLiftingConv2d.builder(0, 1));
        assertTrue(e.getMessage().contains("inChannels must be >= 1, got 0"), e.getMessage());
    }
}

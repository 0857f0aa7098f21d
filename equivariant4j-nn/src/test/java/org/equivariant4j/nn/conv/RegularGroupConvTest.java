package org.equivariant4j.nn.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.equivariant4j.group.CyclicElement;
import org.equivariant4j.group.CyclicGroup;
import org.equivariant4j.group.DihedralElement;
import org.equivariant4j.group.DihedralGroup;
import org.equivariant4j.group.FiniteGroup;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.group.Groups;
import org.equivariant4j.kernel.KernelInterpolation;
import org.equivariant4j.nn.TestSupport;
import org.equivariant4j.nn.field.GeometricTensor;
import org.equivariant4j.nn.norm.GroupBatchNorm;
import org.equivariant4j.nn.pool.GlobalInvariantPooling;
import org.equivariant4j.nn.pool.GroupSpatialPool2d;
import org.equivariant4j.nn.testing.Equivariance;
import org.equivariant4j.nn.testing.GradientChecks;
import org.equivariant4j.nn.testing.ImageActions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RegularGroupConvTest {
    private static final double TOL = 1e-5;
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    static UnaryOperator<NDArray> fn(Block block, NDManager m, boolean training) {
        ParameterStore ps = new ParameterStore(m, false);
        return x -> block.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    /** A nonzero bias so the bias path is checked too. */
    static void randomizeBias(RegularGroupConv2d layer, NDManager m, long seed) {
        if (layer.hasBias()) {
            NDArray b = layer.bias().getArray();
            b.addi(TestSupport.gaussian(m, b.getShape(), b.getDataType(), seed));
        }
    }

    static <E extends GroupElement> Equivariance.Report liftingCase(FiniteGroup<E> g, int k, int pad, int stride, Shape in,
            long seed) {
        LiftingConv2d lift = LiftingConv2d.builder(g, (int) in.get(1), 4).kernelSize(k).padding(pad).stride(stride)
                .optSeed(seed).build();
        try (NDManager m = manager.newSubManager()) {
            lift.initialize(m, DataType.FLOAT32, in);
            randomizeBias(lift, m, seed + 1);
            NDArray x = TestSupport.gaussian(m, in, DataType.FLOAT32, seed + 2);
            Equivariance.Report r = Equivariance.check(fn(lift, m, false), ImageActions.onImages(g),
                    ImageActions.onGroupFeatureMaps(g), ImageActions.gridElements(g), x);
            System.out.printf("lifting %s k=%d stride %d %s: %s%n", g, k, stride, in, r);
            assertTrue(r.passes(TOL), g + " lifting: " + r);
            return r;
        }
    }

    static <E extends GroupElement> Equivariance.Report groupCase(FiniteGroup<E> g, int k, int pad, Shape in, long seed) {
        GroupConv2d conv = GroupConv2d.builder(g, (int) in.get(1), 3).kernelSize(k).padding(pad).optSeed(seed).build();
        try (NDManager m = manager.newSubManager()) {
            conv.initialize(m, DataType.FLOAT32, in);
            randomizeBias(conv, m, seed + 1);
            NDArray x = TestSupport.gaussian(m, in, DataType.FLOAT32, seed + 2);
            Equivariance.Action<E> act = ImageActions.onGroupFeatureMaps(g);
            Equivariance.Report r = Equivariance.check(fn(conv, m, false), act, act, ImageActions.gridElements(g), x);
            System.out.printf("group conv %s k=%d %s: %s%n", g, k, in, r);
            assertTrue(r.passes(TOL), g + " group conv: " + r);
            return r;
        }
    }

    @Test
    void liftingIsExactlyEquivariantForC4C8AndD4() {
        Shape in = new Shape(1, 3, 17, 17);
        assertEquals(4, liftingCase(Groups.cyclic(4), 5, 2, 1, in, 1).elementsChecked());
        assertEquals(4, liftingCase(Groups.cyclic(8), 5, 2, 1, in, 2).elementsChecked()); // its 90° elements
        assertEquals(8, liftingCase(Groups.dihedral(4), 5, 2, 1, in, 3).elementsChecked());
        liftingCase(Groups.dihedral(4), 3, 1, 2, in, 4); // stride 2: (17 + 2 − 2 − 1) divisible by 2
        liftingCase(Groups.dihedral(4), 5, 0, 1, new Shape(2, 2, 17, 13), 5); // non-square, no padding
        liftingCase(Groups.cyclic(4), 4, 2, 1, in, 6); // even kernel: rotation about the kernel centre is exact too
        liftingCase(Groups.dihedral(8), 5, 2, 1, in, 7);
        liftingCase(Groups.cyclic(1), 3, 1, 1, in, 8);
    }

    @Test
    void groupConvIsExactlyEquivariantForC4C8AndD4() {
        assertEquals(4, groupCase(Groups.cyclic(4), 5, 2, new Shape(1, 3, 4, 17, 17), 11).elementsChecked());
        assertEquals(4, groupCase(Groups.cyclic(8), 5, 2, new Shape(1, 3, 8, 17, 17), 12).elementsChecked());
        assertEquals(8, groupCase(Groups.dihedral(4), 5, 2, new Shape(1, 3, 8, 17, 17), 13).elementsChecked());
        groupCase(Groups.dihedral(4), 4, 1, new Shape(1, 2, 8, 17, 17), 14); // even kernel
        groupCase(Groups.dihedral(1), 3, 1, new Shape(1, 2, 2, 9, 9), 15);
    }

    /** As typed blocks: [batch, C·|H|, H, W] regular fields of the group's GSpace, checked like every R2Conv. */
    @Test
    void typedRegularConvolutionsAreEquivariantAndExportToPlainConvolutions() {
        for (FiniteGroup<?> g : List.of(Groups.cyclic(4), Groups.dihedral(4), Groups.cyclic(8))) {
            LiftingConv2d lift = LiftingConv2d.builder(g, 2, 3).kernelSize(5).padding(2).optSeed(21).build();
            GroupConv2d conv = GroupConv2d.builder(g, 3, 2).kernelSize(3).padding(1).optSeed(22).build();
            assertEquals(lift.outType(), conv.inType());
            try (NDManager m = manager.newSubManager()) {
                lift.initialize(m, DataType.FLOAT32, new Shape(2, 2, 13, 13));
                conv.initialize(m, DataType.FLOAT32, new Shape(2, 3, g.order(), 13, 13));
                randomizeBias(lift, m, 23);
                randomizeBias(conv, m, 24);
                NDArray x = TestSupport.gaussian(m, new Shape(2, 2, 13, 13), DataType.FLOAT32, 25);
                assertTrue(Equivariance.check(lift, x).passes(TOL), g + " typed lifting");
                NDArray h = TestSupport.gaussian(m, new Shape(2, 3 * g.order(), 13, 13), DataType.FLOAT32, 26);
                Equivariance.Report r = Equivariance.check(conv, h);
                assertTrue(r.passes(TOL), g + " typed group conv: " + r);
                ParameterStore ps = new ParameterStore(m, false);
                NDArray typed = conv.apply(ps, GeometricTensor.of(h, conv.inType()), false).tensor();
                NDArray exported = conv.export().forward(ps, new NDList(h), false).singletonOrThrow();
                assertTrue(typed.sub(exported).abs().max().getFloat() < 1e-5, "export gives the same outputs");
            }
        }
    }

    @Test
    void rotationDirectionIsPinnedOnAKnownAsymmetricImage() {
        // explicit rot90 on an asymmetric 2×3 image: out[i][j] = in[j][W−1−i] (counter-clockwise, y up)
        try (NDManager m = manager.newSubManager()) {
            NDArray img = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
            assertArrayEquals(new float[] {3, 6, 2, 5, 1, 4}, ImageActions.rot90(img, 1).toFloatArray());
            assertEquals(new Shape(3, 2), ImageActions.rot90(img, 1).getShape());
            assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4}, ImageActions.flipX(img).toFloatArray());
            assertArrayEquals(ImageActions.rot90(img, 3).toFloatArray(), ImageActions.rot90(img, -1).toFloatArray());
            // the element r of C4 (rotation by +π/2) acts as rot90
            CyclicGroup c4 = Groups.cyclic(4);
            assertArrayEquals(ImageActions.rot90(img, 1).toFloatArray(), ImageActions.spatial(c4, c4.element(1), img).toFloatArray());
            DihedralGroup d4 = Groups.dihedral(4);
            assertArrayEquals(ImageActions.rot90(ImageActions.flipX(img), 1).toFloatArray(),
                    ImageActions.spatial(d4, d4.element(1, 1), img).toFloatArray(), "r f = rotate after flipping");

            // a lifting layer with a delta kernel right of the centre (x = 1, y = 0) on an image with one bright pixel
            LiftingConv2d lift = LiftingConv2d.builder(c4, 1, 1).kernelSize(3).padding(1).optBias(false).build();
            lift.initialize(m, DataType.FLOAT32, new Shape(1, 1, 5, 5));
            float[] w = new float[9];
            w[1 * 3 + 2] = 1;
            lift.weight().getArray().set(w);
            float[] f = new float[25];
            f[2 * 5 + 2] = 1; // the centre
            NDArray y = fn(lift, m, false).apply(m.create(f, new Shape(1, 1, 5, 5)));
            float[] out = y.toFloatArray(); // [1, 1, 4, 5, 5]
            // correlation: F(x, h) = Σ_u (L_h κ)(u) f(x + u); h = e: κ = δ at u = (1, 0) → F ≠ 0 at x = (−1, 0): pixel (2, 1)
            assertEquals(1f, out[0 * 25 + 2 * 5 + 1]);
            // h = r: L_r κ = δ at u = (0, 1) (rotated counter-clockwise) → x = (0, −1): pixel (3, 2)
            assertEquals(1f, out[1 * 25 + 3 * 5 + 2]);
            // h = r²: δ at (−1, 0) → x = (1, 0): pixel (2, 3); h = r³: δ at (0, −1) → x = (0, 1): pixel (1, 2)
            assertEquals(1f, out[2 * 25 + 2 * 5 + 3]);
            assertEquals(1f, out[3 * 25 + 1 * 5 + 2]);
            assertEquals(4f, y.sum().getFloat());
        }
    }

    @Test
    void poolingBatchNormAndAStackAreEquivariantOrInvariant() {
        DihedralGroup d4 = Groups.dihedral(4);
        CyclicGroup c8 = Groups.cyclic(8);
        try (NDManager m = manager.newSubManager()) {
            Equivariance.Action<DihedralElement> act = ImageActions.onGroupFeatureMaps(d4);
            List<DihedralElement> els = d4.elements();
            NDArray x = TestSupport.gaussian(m, new Shape(2, 3, 8, 17, 17), DataType.FLOAT32, 31);
            for (Block pool : new Block[] {GroupSpatialPool2d.max(8, 3, 2, 1), GroupSpatialPool2d.avg(8, 3, 2, 1),
                    GroupSpatialPool2d.max(8, 3, 1, 1)}) {
                pool.initialize(m, DataType.FLOAT32, x.getShape());
                Equivariance.Report r = Equivariance.check(fn(pool, m, false), act, act, els, x);
                System.out.println(pool + ": " + r);
                assertTrue(r.passes(TOL), pool + ": " + r);
            }
            assertEquals(new Shape(2, 3, 8, 9, 9), GroupSpatialPool2d.max(8, 3, 2, 1).getOutputShapes(new Shape[] {x.getShape()})[0]);
            GlobalInvariantPooling head = GlobalInvariantPooling.maxThenMean(8);
            Equivariance.Report rh = Equivariance.check(fn(head, m, false), act, Equivariance.invariant(), els, x);
            assertTrue(rh.passes(TOL), "head: " + rh);
            assertEquals(new Shape(2, 3), head.getOutputShapes(new Shape[] {x.getShape()})[0]);

            GroupBatchNorm bn = GroupBatchNorm.builder(3, 8).build();
            bn.initialize(m, DataType.FLOAT32, x.getShape());
            NDArray shifted = x.mul(2.5f).add(1.5f);
            for (boolean training : new boolean[] {true, false}) {
                Equivariance.Report r = Equivariance.check(fn(bn, m, training), act, act, els, shifted);
                System.out.println("GroupBatchNorm training=" + training + ": " + r);
                assertTrue(r.passes(TOL), "batch norm training=" + training + ": " + r);
            }
            // training normalises per channel over (batch, |H|, space)
            NDArray y = fn(bn, m, true).apply(shifted);
            float[] mean = y.swapAxes(0, 1).reshape(3, -1).mean(new int[] {1}).toFloatArray();
            for (float v : mean) {
                assertEquals(0f, v, 1e-5f);
            }
            assertTrue(bn.runningMean().getArray().sum().getFloat() > 0.1f, "running mean updated");
            assertThrows(IllegalArgumentException.class, () -> fn(bn, m, false).apply(m.zeros(new Shape(2, 3, 4, 5, 5))));

            // stack: lifting → batch norm → relu → spatial pool → group conv → group pooling + global pooling
            for (FiniteGroup<?> g : new FiniteGroup<?>[] {d4, c8}) {
                stackIsInvariant(g, m);
            }
        }
    }

    private static <E extends GroupElement> void stackIsInvariant(FiniteGroup<E> g, NDManager m) {
        int n = g.order();
        SequentialBlock net = new SequentialBlock()
                .add(LiftingConv2d.builder(g, 2, 4).kernelSize(5).padding(2).optSeed(41).build())
                .add(GroupBatchNorm.builder(4, n).build())
                .add(Activation.reluBlock())
                .add(GroupSpatialPool2d.max(n, 3, 2, 1))
                .add(GroupConv2d.builder(g, 4, 5).kernelSize(3).padding(1).optSeed(42).build())
                .add(GlobalInvariantPooling.maxThenMean(n));
        Shape in = new Shape(2, 2, 17, 17);
        net.initialize(m, DataType.FLOAT32, in);
        NDArray x = TestSupport.gaussian(m, in, DataType.FLOAT32, 43);
        for (boolean training : new boolean[] {true, false}) {
            Equivariance.Report r = Equivariance.check(fn(net, m, training), ImageActions.onImages(g), Equivariance.invariant(),
                    ImageActions.gridElements(g), x);
            System.out.println("stack " + g + " training=" + training + ": " + r);
            assertTrue(r.passes(TOL), g + " stack: " + r);
        }
        assertEquals(new Shape(2, 5), net.getOutputShapes(new Shape[] {in})[0]);
    }

    // ---------------------------------------------------------------- 45° (off-grid) equivariance of C8

    /** Sum of Gaussian blobs (σ in pixels) at the given centres (x, y), sampled on an s×s grid: [1, 1, s, s]. */
    static double[] blobs(int s, double[][] centres, double sigma) {
        double c = (s - 1) / 2.0;
        double[] v = new double[s * s];
        for (int i = 0; i < s; i++) {
            for (int j = 0; j < s; j++) {
                double x = j - c;
                double y = c - i;
                for (int b = 0; b < centres.length; b++) {
                    double dx = x - centres[b][0];
                    double dy = y - centres[b][1];
                    v[i * s + j] += (b + 1) * Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
                }
            }
        }
        return v;
    }

    /** (L_g F)(x, h) = F(g⁻¹x, g⁻¹h) for the C8 generator power p, bicubic (Keys) resampling of each plane. */
    static double[] rotateC8(double[] f, int channels, int s, int p) {
        double theta = 2 * Math.PI * p / 8;
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        double c = (s - 1) / 2.0;
        double[] out = new double[f.length];
        for (int ch = 0; ch < channels; ch++) {
            for (int h = 0; h < 8; h++) {
                int src = Math.floorMod(h - p, 8);
                int base = (ch * 8 + src) * s * s;
                for (int i = 0; i < s; i++) {
                    for (int j = 0; j < s; j++) {
                        double x = j - c;
                        double y = c - i;
                        double u = cos * x + sin * y; // g⁻¹x
                        double v = -sin * x + cos * y;
                        double col = u + c;
                        double row = c - v;
                        int r0 = (int) Math.floor(row);
                        int c0 = (int) Math.floor(col);
                        double acc = 0;
                        for (int a = r0 - 1; a <= r0 + 2; a++) {
                            for (int b = c0 - 1; b <= c0 + 2; b++) {
                                if (a >= 0 && a < s && b >= 0 && b < s) {
                                    acc += keys(row - a) * keys(col - b) * f[base + a * s + b];
                                }
                            }
                        }
                        out[(ch * 8 + h) * s * s + i * s + j] = acc;
                    }
                }
            }
        }
        return out;
    }

    static double keys(double t) {
        double s = Math.abs(t);
        return s < 1 ? (1.5 * s - 2.5) * s * s + 1 : s < 2 ? ((-0.5 * s + 2.5) * s - 4) * s + 2 : 0;
    }

    /** ‖a − b‖ / ‖b‖ over the pixels within {@code radius} of the centre. */
    static double discError(double[] a, double[] b, int planes, int s, double radius) {
        double c = (s - 1) / 2.0;
        double num = 0;
        double den = 0;
        for (int pl = 0; pl < planes; pl++) {
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < s; j++) {
                    if ((i - c) * (i - c) + (j - c) * (j - c) <= radius * radius) {
                        int q = pl * s * s + i * s + j;
                        num += (a[q] - b[q]) * (a[q] - b[q]);
                        den += b[q] * b[q];
                    }
                }
            }
        }
        return Math.sqrt(num / den);
    }

    /** [lifting error, lifting+group conv error] at 45° (relative L2 on the central disc), and the same at 90°. */
    static double[] measure45(KernelInterpolation interp) {
        return measure45(interp, null);
    }

    static double[] measure45(KernelInterpolation interp, Double maskRadius) {
        CyclicGroup c8 = Groups.cyclic(8);
        int s = 41;
        double sigma = 2.0;
        double[][] centres = {{4, 1}, {-3, 5}, {-2, -4}};
        double[][] rotated = new double[3][];
        double t = Math.PI / 4;
        for (int b = 0; b < 3; b++) {
            rotated[b] = new double[] {Math.cos(t) * centres[b][0] - Math.sin(t) * centres[b][1],
                Math.sin(t) * centres[b][0] + Math.cos(t) * centres[b][1]};
        }
        LiftingConv2d.Builder lb = LiftingConv2d.builder(c8, 1, 3).kernelSize(5).padding(2).interpolation(interp).optSeed(51);
        GroupConv2d.Builder gb = GroupConv2d.builder(c8, 3, 3).kernelSize(5).padding(2).interpolation(interp).optSeed(52);
        if (maskRadius != null) {
            lb.maskRadius(maskRadius);
            gb.maskRadius(maskRadius);
        }
        LiftingConv2d lift = lb.build();
        GroupConv2d conv = gb.build();
        try (NDManager m = manager.newSubManager()) {
            Shape in = new Shape(1, 1, s, s);
            lift.initialize(m, DataType.FLOAT32, in);
            conv.initialize(m, DataType.FLOAT32, new Shape(1, 3, 8, s, s));
            UnaryOperator<NDArray> f1 = fn(lift, m, false);
            UnaryOperator<NDArray> f2 = fn(conv, m, false);
            NDArray x = m.create(toFloat(blobs(s, centres, sigma)), in);
            NDArray xr = m.create(toFloat(blobs(s, rotated, sigma)), in);
            double[] y1 = toDouble(f1.apply(x).toFloatArray());
            double[] y1r = toDouble(f1.apply(xr).toFloatArray());
            double[] y2 = toDouble(f2.apply(f1.apply(x)).toFloatArray());
            double[] y2r = toDouble(f2.apply(f1.apply(xr)).toFloatArray());
            double radius = 14;
            double e1 = discError(y1r, rotateC8(y1, 3, s, 1), 24, s, radius);
            double e2 = discError(y2r, rotateC8(y2, 3, s, 1), 24, s, radius);
            // the same pipeline at 90° (input rotated exactly): only round-off
            NDArray x90 = ImageActions.rot90(x, 1);
            double[] y2q = toDouble(f2.apply(f1.apply(x90)).toFloatArray());
            double e90 = discError(y2q, rotateC8(y2, 3, s, 2), 24, s, radius);
            // the floor of the measurement: resampling the output by 45° twice against once by 90°
            double floor = discError(rotateC8(rotateC8(y2, 3, s, 1), 3, s, 1), rotateC8(y2, 3, s, 2), 24, s, radius - 3);
            return new double[] {e1, e2, e90, floor};
        }
    }

    static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Test
    void c8At45DegreesIsApproximatelyEquivariantOnSmoothInputs() {
        for (KernelInterpolation interp : KernelInterpolation.values()) {
            double[] e = measure45(interp);
            System.out.printf("C8 45° %-8s relative L2 error on the central disc: lifting %.4f, lifting+group conv %.4f;"
                    + " at 90° %.2e; output-resampling floor %.4f%n", interp, e[0], e[1], e[2], e[3]);
            assertTrue(e[2] < TOL, "90° stays exact: " + e[2]);
            // measured (default disc r = 2.5): bilinear 0.158 / 0.215, bicubic 0.073 / 0.099, sinc 0.079 / 0.072;
            // with r = (k−1)/2 = 2 instead: 0.46 / 0.64, 0.48 / 0.73, 0.58 / 0.94 (see KernelTransforms)
            double[] bound = switch (interp) {
                case BILINEAR -> new double[] {0.19, 0.26};
                case BICUBIC -> new double[] {0.09, 0.12};
                case SINC -> new double[] {0.10, 0.09};
            };
            assertTrue(e[0] < bound[0] && e[1] < bound[1], interp + ": " + e[0] + ", " + e[1]);
            assertTrue(e[3] < 0.02, "the output resampling adds little: " + e[3]);
            assertTrue(e[0] > 1e-4, "45° is not exact");
        }
    }

    // ---------------------------------------------------------------- gradients, cache, persistence, errors

    @Test
    void gradientsReachTheWeightsAndMatchFiniteDifferencesInFloat64() {
        CyclicGroup c8 = Groups.cyclic(8);
        GroupConv2d conv = GroupConv2d.builder(c8, 2, 2).kernelSize(3).padding(1).optSeed(61).build();
        Shape in = new Shape(1, 2, 8, 6, 6);
        try (NDManager m = manager.newSubManager()) {
            conv.initialize(m, DataType.FLOAT64, in);
            randomizeBias(conv, m, 62);
            NDArray x = TestSupport.gaussian(m, in, DataType.FLOAT64, 63);
            NDArray r = TestSupport.gaussian(m, new Shape(1, 2, 8, 6, 6), DataType.FLOAT64, 64);
            NDArray w = conv.weight().getArray();
            NDArray b = conv.bias().getArray();
            JniUtils.zeroGrad((PtNDArray) w);
            JniUtils.zeroGrad((PtNDArray) b);
            ParameterStore ps = new ParameterStore(m, false);
            double[] gw;
            double[] gb;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(GradientChecks.loss(conv, ps, x, r));
                gw = w.getGradient().toDoubleArray();
                gb = b.getGradient().toDoubleArray();
            }
            boolean[] mask = conv.transforms().mask();
            double max = 0;
            for (int i = 0; i < gw.length; i++) {
                if (!mask[i % 9]) {
                    assertEquals(0.0, gw[i], 0.0, "weights outside the disc mask get no gradient");
                }
                max = Math.max(max, Math.abs(gw[i]));
            }
            assertTrue(max > 0.1, "gradient reaches the weights: " + max);
            SplittableRandom rng = new SplittableRandom(65);
            for (int t = 0; t < 8; t++) {
                int idx = rng.nextInt(gw.length);
                GradientChecks.assertGradient("d loss / d w", conv, ps, x, r, w, gw[idx], idx);
            }
            GradientChecks.assertGradient("d loss / d b", conv, ps, x, r, b, gb[1], 1);
        }
    }

    @Test
    void gradientsFlowInFloat32ThroughLifting() {
        DihedralGroup d4 = Groups.dihedral(4);
        LiftingConv2d lift = LiftingConv2d.builder(d4, 3, 4).kernelSize(5).padding(2).build();
        try (NDManager m = manager.newSubManager()) {
            Shape in = new Shape(2, 3, 9, 9);
            lift.initialize(m, DataType.FLOAT32, in);
            NDArray w = lift.weight().getArray();
            JniUtils.zeroGrad((PtNDArray) w);
            ParameterStore ps = new ParameterStore(m, false);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = lift.forward(ps, new NDList(TestSupport.gaussian(m, in, DataType.FLOAT32, 71)), true).singletonOrThrow();
                gc.backward(y.square().sum());
                assertTrue(w.getGradient().abs().min().getFloat() > 0, "every weight gets a gradient (no mask for D4)");
                assertTrue(lift.bias().getArray().getGradient().abs().sum().getFloat() > 0);
            }
        }
    }

    @Test
    void inferenceCacheMatchesTrainingAndRefreshesWhenParametersChange() {
        CyclicGroup c8 = Groups.cyclic(8);
        GroupConv2d conv = GroupConv2d.builder(c8, 2, 3).kernelSize(5).padding(2).optSeed(81).build();
        Shape in = new Shape(2, 2, 8, 11, 11);
        try (NDManager m = manager.newSubManager()) {
            conv.initialize(m, DataType.FLOAT32, in);
            randomizeBias(conv, m, 82);
            NDArray x = TestSupport.gaussian(m, in, DataType.FLOAT32, 83);
            UnaryOperator<NDArray> eval = fn(conv, m, false);
            UnaryOperator<NDArray> train = fn(conv, m, true);
            NDArray e1 = eval.apply(x);
            assertEquals(0f, e1.sub(train.apply(x)).abs().max().getFloat(), 0f, "eval = training output");
            assertEquals(0f, e1.sub(eval.apply(x)).abs().max().getFloat(), 0f, "cached eval is stable");
            // in-place change of the weight between inference calls (no training forward in between)
            conv.weight().getArray().muli(2f);
            NDArray e2 = eval.apply(x);
            assertTrue(e2.sub(e1).abs().max().getFloat() > 1e-3, "cache refreshed after an in-place change");
            assertEquals(0f, e2.sub(train.apply(x)).abs().max().getFloat(), 0f);
            // in-place change of the bias
            conv.bias().getArray().addi(1f);
            NDArray e3 = eval.apply(x);
            assertEquals(0f, e3.sub(train.apply(x)).abs().max().getFloat(), 0f);
            // a training forward, an in-place update (as an optimizer does), then inference
            train.apply(x);
            conv.weight().getArray().subi(0.01f);
            NDArray e4 = eval.apply(x);
            assertEquals(0f, e4.sub(train.apply(x)).abs().max().getFloat(), 0f);
            // explicit invalidation
            conv.invalidateCache();
            assertEquals(0f, e4.sub(eval.apply(x)).abs().max().getFloat(), 0f);
            // the expanded kernel as exported
            NDArray k = conv.expandedKernel(m);
            assertEquals(new Shape(24, 16, 5, 5), k.getShape());
        }
    }

    @Test
    void saveLoadRoundTripIsExact() throws Exception {
        DihedralGroup d4 = Groups.dihedral(4);
        Shape in = new Shape(1, 2, 8, 9, 9);
        GroupConv2d original = GroupConv2d.builder(d4, 2, 3).kernelSize(3).padding(1).optSeed(91).build();
        try (NDManager m = manager.newSubManager()) {
            original.initialize(m, DataType.FLOAT32, in);
            randomizeBias(original, m, 92);
            NDArray x = TestSupport.gaussian(m, in, DataType.FLOAT32, 93);
            NDArray y = fn(original, m, false).apply(x);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            original.saveParameters(new DataOutputStream(bytes));
            GroupConv2d copy = GroupConv2d.builder(d4, 2, 3).kernelSize(3).padding(1).optSeed(1).build();
            copy.initialize(m, DataType.FLOAT32, in);
            NDArray before = fn(copy, m, false).apply(x);
            assertNotEquals(0f, before.sub(y).abs().max().getFloat());
            copy.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertEquals(0f, fn(copy, m, false).apply(x).sub(y).abs().max().getFloat(), 0f, "inference after load");
            assertEquals(0f, fn(copy, m, true).apply(x).sub(y).abs().max().getFloat(), 0f, "training after load");
            assertEquals(2, copy.getParameters().size(), "weight and bias only: constants are not saved");
            GroupConv2d other = GroupConv2d.builder(d4, 2, 4).kernelSize(3).padding(1).build();
            other.initialize(m, DataType.FLOAT32, in);
            assertThrows(MalformedModelException.class,
                    () -> other.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
        }
    }

    @Test
    void initialisationKeepsTheScale() {
        CyclicGroup c4 = Groups.cyclic(4);
        try (NDManager m = manager.newSubManager()) {
            GroupConv2d conv = GroupConv2d.builder(c4, 16, 16).kernelSize(3).padding(1).optSeed(101).build();
            Shape in = new Shape(4, 16, 4, 16, 16);
            conv.initialize(m, DataType.FLOAT32, in);
            assertEquals(Math.sqrt(2.0 / (16 * 4 * 9)), conv.initStd(), 1e-12);
            NDArray y = fn(conv, m, false).apply(TestSupport.gaussian(m, in, DataType.FLOAT32, 102));
            // interior pixels: Var = fan_in · 2/fan_in · 1 = 2 (He), so E[relu(y)²] = 1
            NDArray interior = y.get(":, :, :, 1:15, 1:15");
            double var = interior.square().mean().getFloat();
            assertEquals(2.0, var, 0.3, "output variance");
            LiftingConv2d lift = LiftingConv2d.builder(Groups.cyclic(8), 3, 4).kernelSize(5).build();
            assertEquals(Math.sqrt(2.0 / (3 * 21)), lift.initStd(), 1e-12, "fan-in counts the 21 pixels of the disc");
        }
    }

    @Test
    void badInputsAreRefusedWithShapes() {
        CyclicGroup c4 = Groups.cyclic(4);
        try (NDManager m = manager.newSubManager()) {
            GroupConv2d conv = GroupConv2d.builder(c4, 2, 3).kernelSize(3).padding(1).build();
            conv.initialize(m, DataType.FLOAT32, new Shape(1, 2, 4, 7, 7));
            UnaryOperator<NDArray> f = fn(conv, m, false);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.apply(m.zeros(new Shape(1, 3, 4, 7, 7))));
            assertTrue(e.getMessage().contains("(batch, 2, 4, height, width)") && e.getMessage().contains("(1, 3, 4, 7, 7)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> f.apply(m.zeros(new Shape(1, 2, 8, 7, 7))));
            assertTrue(e.getMessage().contains("(1, 2, 8, 7, 7)") && e.getMessage().contains("|C4| = 4"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> f.apply(m.zeros(new Shape(1, 8, 7, 7))));
            assertTrue(e.getMessage().contains("(1, 8, 7, 7)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> f.apply(m.zeros(new Shape(1, 2, 4, 7, 7), DataType.FLOAT64)));
            assertTrue(e.getMessage().contains("float64") || e.getMessage().contains("FLOAT64"), e.getMessage());

            LiftingConv2d lift = LiftingConv2d.builder(c4, 3, 2).kernelSize(5).build();
            lift.initialize(m, DataType.FLOAT32, new Shape(1, 3, 7, 7));
            UnaryOperator<NDArray> g = fn(lift, m, false);
            e = assertThrows(IllegalArgumentException.class, () -> g.apply(m.zeros(new Shape(1, 1, 7, 7))));
            assertTrue(e.getMessage().contains("(batch, 3, height, width)") && e.getMessage().contains("(1, 1, 7, 7)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> g.apply(m.zeros(new Shape(1, 3, 4, 7, 7))));
            e = assertThrows(IllegalArgumentException.class, () -> lift.getOutputShapes(new Shape[] {new Shape(1, 3, 3, 3)}));
            assertTrue(e.getMessage().contains("too small"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Groups.cyclic(0));
        assertThrows(IllegalArgumentException.class, () -> Groups.dihedral(-1));
        assertThrows(IllegalArgumentException.class, () -> LiftingConv2d.builder(c4, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> LiftingConv2d.builder(c4, 1, 2).kernelSize(0));
        assertThrows(IllegalArgumentException.class, () -> GroupConv2d.builder(Groups.octahedral(), 1, 2));
        assertEquals(2, LiftingConv2d.builder(c4, 1, 2).build().outChannels());
        assertEquals(c4, GroupConv2d.builder(c4, 1, 2).build().group());
    }
}

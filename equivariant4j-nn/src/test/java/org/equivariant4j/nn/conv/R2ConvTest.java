package org.equivariant4j.nn.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.nn.TestSupport;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.field.GSpaces;
import org.equivariant4j.nn.field.GeometricTensor;
import org.equivariant4j.nn.field.Subgroup;
import org.equivariant4j.nn.ops.DeviceConstants;
import org.equivariant4j.nn.testing.Equivariance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class R2ConvTest {
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** Builds, initialises (float32 or float64) and randomises the bias, then checks all grid elements. */
    static Equivariance.Report check(SteerableConvolution conv, int size, DataType dt, long seed) {
        try (NDManager m = manager.newSubManager()) {
            Shape in = new Shape(2, conv.inType().size(), size, size);
            conv.initialize(m, dt, in);
            if (conv.hasBias()) {
                NDArray b = conv.bias().getArray();
                b.addi(TestSupport.gaussian(m, b.getShape(), b.getDataType(), seed + 1));
            }
            NDArray x = TestSupport.gaussian(m, in, dt, seed + 2);
            Equivariance.Report r = Equivariance.check(conv, x);
            System.out.printf("%s %s: %s%n", conv, dt, r);
            return r;
        }
    }

    @Test
    void exactlyEquivariantForGridSymmetriesOfEveryPlanarGSpace() {
        List<GSpace> spaces = List.of(GSpaces.rot2dOnR2(4), GSpaces.rot2dOnR2(8), GSpaces.flipRot2dOnR2(4),
                GSpaces.flipRot2dOnR2(8), GSpaces.rot2dOnR2(-1, 3), GSpaces.flipRot2dOnR2(-1, 3, Math.PI / 2),
                GSpaces.flip2dOnR2(), GSpaces.flip2dOnR2(0.0), GSpaces.flip2dOnR2(Math.PI / 4), GSpaces.trivialOnR2(),
                GSpaces.rot2dOnR2(3));
        long seed = 10;
        for (GSpace g : spaces) {
            FieldType trivial = FieldType.of(g, 2, g.trivialRepr());
            FieldType hidden = hiddenType(g);
            for (int k : new int[] {3, 5}) {
                R2Conv lift = R2Conv.builder(trivial, hidden).kernelSize(k).padding(k / 2).optSeed(seed++).build();
                assertTrue(check(lift, 13, DataType.FLOAT32, seed++).passes(1e-5), g + " lift k=" + k);
                R2Conv conv = R2Conv.builder(hidden, hidden).kernelSize(k).padding(k / 2).optSeed(seed++).build();
                assertTrue(check(conv, 13, DataType.FLOAT32, seed++).passes(1e-5), g + " hidden k=" + k);
                R2Conv down = R2Conv.builder(hidden, trivial).kernelSize(k).stride(2).padding(k / 2).optSeed(seed++).build();
                assertTrue(check(down, 13, DataType.FLOAT64, seed++).passes(1e-9), g + " stride 2 k=" + k);
            }
        }
    }

    /** Regular fields for finite groups, irreps up to 2 for the continuous ones, mixed with a scalar field. */
    static FieldType hiddenType(GSpace g) {
        if (g.fibreGroup().isFinite()) {
            return FieldType.of(g, List.of(g.regularRepr(), g.trivialRepr(), g.regularRepr()));
        }
        return FieldType.of(g, 2, g.bandLimitedRegularRepr(2)).plus(FieldType.of(g, List.of(g.irreps().get(1))));
    }

    /**
     * A smooth image: white noise blurred with a Gaussian of width {@code sigma} pixels, times a soft disc so that
     * rotations keep it on the grid.
     */
    static NDArray smoothImage(NDManager m, int channels, int size, double sigma, long seed) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        double c = (size - 1) / 2.0;
        double[] v = new double[channels * size * size];
        int blobs = 40;
        for (int ch = 0; ch < channels; ch++) {
            for (int b = 0; b < blobs; b++) {
                double cx = (rng.nextDouble() - 0.5) * size * 0.6;
                double cy = (rng.nextDouble() - 0.5) * size * 0.6;
                double a = rng.nextGaussian();
                for (int i = 0; i < size; i++) {
                    for (int j = 0; j < size; j++) {
                        double x = j - c - cx;
                        double y = c - i - cy;
                        v[(ch * size + i) * size + j] += a * Math.exp(-(x * x + y * y) / (2 * sigma * sigma));
                    }
                }
            }
        }
        return m.create(v, new Shape(1, channels, size, size));
    }

    /** Relative L2 error of f(g·x) against g·f(x) on the central disc of radius r. */
    static double offGridError(SteerableConvolution conv, GroupElement g, NDArray x, double radius) {
        ParameterStore ps = new ParameterStore(x.getManager(), false);
        GeometricTensor in = GeometricTensor.of(x, conv.inType());
        GeometricTensor rotatedThenConv = conv.apply(ps, in.transform(g), false);
        GeometricTensor convThenRotated = conv.apply(ps, in, false).transform(g);
        double[] a = rotatedThenConv.tensor().toDoubleArray();
        double[] b = convThenRotated.tensor().toDoubleArray();
        long size = rotatedThenConv.shape().get(3);
        long channels = rotatedThenConv.shape().get(1);
        double c = (size - 1) / 2.0;
        double num = 0;
        double den = 0;
        for (int ch = 0; ch < channels; ch++) {
            for (int i = 0; i < size; i++) {
                for (int j = 0; j < size; j++) {
                    double x2 = (j - c) * (j - c) + (i - c) * (i - c);
                    if (x2 <= radius * radius) {
                        int at = (int) ((ch * size + i) * size + j);
                        num += (a[at] - b[at]) * (a[at] - b[at]);
                        den += b[at] * b[at];
                    }
                }
            }
        }
        return Math.sqrt(num / den);
    }

    /**
     * Rotations that do not map the grid to itself are approximate. Measured on smooth inputs (relative L2 error on the
     * central disc, float64): every layer stays below 5%; ring by ring, the error falls as the ring (and so the kernel)
     * grows, except for the outermost ring, which the square grid cuts and which dominates a layer's error.
     */
    @Test
    void offGridRotationsAreApproximateAndTheErrorFallsWithTheRingRadius() {
        GSpace so2 = GSpaces.rot2dOnR2(-1, 3);
        GSpace c8 = GSpaces.rot2dOnR2(8);
        GroupElement angle = so2.fibreGroup().random(new java.util.SplittableRandom(300));
        FieldType in = FieldType.of(so2, 1, so2.trivialRepr());
        FieldType out = FieldType.of(so2, 2, so2.bandLimitedRegularRepr(2));
        try (NDManager m = manager.newSubManager()) {
            NDArray x = smoothImage(m, 1, 49, 2.5, 7);
            for (int k : new int[] {3, 5, 7, 9}) {
                R2Conv conv = R2Conv.builder(in, out).kernelSize(k).padding(k / 2).optSeed(40 + k).build();
                conv.initialize(m, DataType.FLOAT64, x.getShape());
                double err = offGridError(conv, angle, x, 14);
                R2Conv c8conv = R2Conv.builder(FieldType.of(c8, 1, c8.trivialRepr()), FieldType.of(c8, 1, c8.regularRepr()))
                        .kernelSize(k).padding(k / 2).optSeed(50 + k).build();
                c8conv.initialize(m, DataType.FLOAT64, x.getShape());
                double err45 = offGridError(c8conv, org.equivariant4j.group.Groups.cyclic(8).element(1), x, 14);
                System.out.printf("off-grid equivariance error, smooth 49x49 input, k = %d: SO(2) at %.2f rad %.4f, C8 at 45°"
                        + " %.4f%n", k, ((org.equivariant4j.group.SO2Element) angle).angle(), err, err45);
                assertTrue(err < 0.05 && err45 < 0.05, "k = " + k + ": " + err + ", " + err45);
            }
            double[] perRing = new double[6];
            for (int ring = 1; ring <= 5; ring++) {
                int r = ring;
                R2Conv conv = R2Conv.builder(in, out).kernelSize(11).padding(5).optSeed(60).basisFilter(a -> a.ring() == r)
                        .build();
                conv.initialize(m, DataType.FLOAT64, x.getShape());
                perRing[ring] = offGridError(conv, angle, x, 14);
            }
            System.out.printf("off-grid error per ring of an 11x11 kernel (radius 1..5): %s%n",
                    java.util.Arrays.toString(java.util.Arrays.copyOfRange(perRing, 1, 6)));
            assertTrue(perRing[1] > perRing[3] && perRing[3] < perRing[5], "interior rings improve with the radius, the"
                    + " outermost ring is cut by the square: " + java.util.Arrays.toString(perRing));
        }
    }

    /** Dilation and the transposed convolution (upsampling by 2 with the centre kept: 7 → 13) are exact too. */
    @Test
    void dilatedAndTransposedConvolutionsAreEquivariant() {
        for (GSpace g : List.of(GSpaces.rot2dOnR2(8), GSpaces.flipRot2dOnR2(4), GSpaces.rot2dOnR2(-1, 2))) {
            FieldType hidden = hiddenType(g);
            FieldType out = FieldType.of(g, List.of(g.trivialRepr(), g.irreps().get(1)));
            R2Conv dilated = R2Conv.builder(hidden, out).kernelSize(3).dilation(2).padding(2).optSeed(70).build();
            assertTrue(check(dilated, 11, DataType.FLOAT64, 71).passes(1e-9), g + " dilated");
            R2ConvTransposed up = R2ConvTransposed.builder(hidden, out).kernelSize(3).stride(2).padding(1).optSeed(72).build();
            try (NDManager m = manager.newSubManager()) {
                up.initialize(m, DataType.FLOAT64, new Shape(2, hidden.size(), 7, 7));
                NDArray x = TestSupport.gaussian(m, new Shape(2, hidden.size(), 7, 7), DataType.FLOAT64, 73);
                up.bias().getArray().addi(0.7);
                Equivariance.Report r = Equivariance.check(up, x);
                System.out.printf("%s %s: %s%n", up, DataType.FLOAT64, r);
                assertTrue(r.passes(1e-9), g + " transposed: " + r);
                ParameterStore ps = new ParameterStore(m, false);
                NDArray y = up.forward(ps, new NDList(x), false).singletonOrThrow();
                assertEquals(new Shape(2, out.size(), 13, 13), y.getShape());
                NDArray z = up.export().forward(ps, new NDList(x), false).singletonOrThrow();
                assertEquals(0.0, y.sub(z).abs().max().getDouble(), 1e-12, "export");
            }
        }
    }

    @Test
    void typedApplyRefusesTheWrongTypeAndComposes() {
        GSpace g = GSpaces.rot2dOnR2(4);
        FieldType in = FieldType.of(g, 1, g.trivialRepr());
        FieldType out = FieldType.of(g, 3, g.regularRepr());
        R2Conv conv = R2Conv.builder(in, out).kernelSize(3).padding(1).build();
        try (NDManager m = manager.newSubManager()) {
            conv.initialize(m, DataType.FLOAT32, new Shape(1, 1, 9, 9));
            GeometricTensor x = GeometricTensor.of(m.ones(new Shape(1, 1, 9, 9)), in);
            GeometricTensor y = conv.apply(x);
            assertEquals(out, y.type());
            assertEquals(new Shape(1, 12, 9, 9), y.shape());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> conv.apply(y));
            assertTrue(e.getMessage().contains(in.toString()) && e.getMessage().contains(out.toString()), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> GeometricTensor.of(m.ones(new Shape(1, 2, 9, 9)), in));
        }
    }

    @Test
    void exportGivesAPlainConvolutionWithTheSameOutputs() {
        GSpace g = GSpaces.flipRot2dOnR2(4);
        FieldType in = FieldType.of(g, List.of(g.trivialRepr(), g.irrep(1, 1)));
        FieldType out = FieldType.of(g, List.of(g.regularRepr(), g.trivialRepr()));
        R2Conv conv = R2Conv.builder(in, out).kernelSize(5).padding(2).stride(2).optSeed(3).build();
        try (NDManager m = manager.newSubManager()) {
            conv.initialize(m, DataType.FLOAT64, new Shape(2, 3, 11, 11));
            conv.bias().getArray().addi(1.5);
            NDArray x = TestSupport.gaussian(m, new Shape(2, 3, 11, 11), DataType.FLOAT64, 4);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray y = conv.forward(ps, new NDList(x), false).singletonOrThrow();
            Block plain = conv.export();
            NDArray z = plain.forward(ps, new NDList(x), false).singletonOrThrow();
            assertEquals(0.0, y.sub(z).abs().max().getDouble(), 1e-12);
            NDArray yTrain = conv.forward(ps, new NDList(x), true).singletonOrThrow();
            assertEquals(0.0, y.sub(yTrain).abs().max().getDouble(), 1e-12, "training and inference paths agree");
        }
    }

    @Test
    void layersOfTheSameTypesShareOneEngineCopyOfTheirBasis() {
        GSpace g = GSpaces.rot2dOnR2(8);
        FieldType t = FieldType.of(g, 2, g.regularRepr());
        R2Conv a = R2Conv.builder(t, t).kernelSize(5).padding(2).optSeed(1).build();
        R2Conv b = R2Conv.builder(t, t).kernelSize(5).padding(2).optSeed(2).build();
        DeviceConstants shared = g.engineBasis(g.regularRepr(), g.regularRepr(), g.defaultKernelSpec(5, 1));
        assertTrue(shared == g.engineBasis(g.regularRepr(), g.regularRepr(), g.defaultKernelSpec(5, 1)));
        assertEquals(null, g.engineBasis(g.regularRepr(), g.regularRepr(), new GSpace.KernelSpec(5, 1,
                g.defaultKernelSpec(5, 1).rings(), g.defaultKernelSpec(5, 1).cutoff(), attr -> true)), "filtered bases are not memoised");
        Shape shape = new Shape(1, 16, 9, 9);
        try (NDManager mb = manager.newSubManager()) {
            NDArray x = TestSupport.gaussian(mb, shape, DataType.FLOAT32, 5);
            ParameterStore ps = new ParameterStore(mb, false);
            NDArray before;
            try (NDManager ma = manager.newSubManager()) {
                a.initialize(ma, DataType.FLOAT32, shape);
                b.initialize(mb, DataType.FLOAT32, shape);
                NDArray basisA = shared.get(ma.getDevice(), DataType.FLOAT32, ma).get(0);
                assertTrue(basisA == shared.get(mb.getDevice(), DataType.FLOAT32, mb).get(0), "one engine copy for both layers");
                a.forward(new ParameterStore(ma, false), new NDList(x), false);
                before = b.forward(ps, new NDList(x), true).singletonOrThrow();
            }
            // the manager the shared copy was built under is closed: the other layer rebuilds it under its own
            NDArray after = b.forward(ps, new NDList(x), true).singletonOrThrow();
            assertEquals(0.0, before.sub(after).abs().max().getFloat(), 0.0f);
        }
    }

    @Test
    void noEquivariantKernelIsRefusedWithBothTypes() {
        GSpace g = GSpaces.flipRot2dOnR2(-1, 3, Math.PI / 2);
        FieldType in = FieldType.of(g, 1, g.trivialRepr());
        FieldType out = FieldType.of(g, 1, g.irrep(1, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> R2Conv.builder(in, out).kernelSize(5).build());
        assertTrue(e.getMessage().contains("no equivariant kernel"), e.getMessage());
        FieldType other = FieldType.of(GSpaces.rot2dOnR2(4), 1, GSpaces.rot2dOnR2(4).trivialRepr());
        assertThrows(IllegalArgumentException.class, () -> R2Conv.builder(in, other));
        assertThrows(IllegalArgumentException.class, () -> FieldType.of(g, 1, GSpaces.rot2dOnR2(4).trivialRepr()));
    }

    @Test
    void restrictionKeepsEquivarianceForTheSubgroup() {
        GSpace d8 = GSpaces.flipRot2dOnR2(8);
        FieldType reg = FieldType.of(d8, 2, d8.regularRepr());
        FieldType restricted = reg.restrict(Subgroup.rotations(4));
        assertEquals(reg.size(), restricted.size());
        assertEquals("c4", restricted.gspace().id());
        R2Conv conv = R2Conv.builder(restricted, restricted).kernelSize(3).padding(1).optSeed(5).build();
        assertTrue(check(conv, 9, DataType.FLOAT32, 6).passes(1e-5));
        List<GroupElement> elements = restricted.gspace().gridElements();
        assertEquals(4, elements.size());
    }
}

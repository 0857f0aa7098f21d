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
import java.util.SplittableRandom;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.SO3Element;
import org.equivariant4j.kernel.KernelInterpolation;
import org.equivariant4j.nn.TestSupport;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.field.GSpaces;
import org.equivariant4j.nn.field.GeometricTensor;
import org.equivariant4j.nn.field.PlanarTransform;
import org.equivariant4j.nn.field.VolumetricTransform;
import org.equivariant4j.nn.testing.Equivariance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class R3ConvTest {
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** Every GSpace on R³ the library ships. */
    static List<GSpace> spaces() {
        return List.of(GSpaces.rot3dOnR3(2), GSpaces.flipRot3dOnR3(2), GSpaces.octaOnR3(), GSpaces.fullOctaOnR3(),
                GSpaces.icoOnR3(), GSpaces.conicalOnR3(-1), GSpaces.conicalOnR3(4), GSpaces.cylindricalOnR3(),
                GSpaces.rot2dOnR3(-1), GSpaces.rot2dOnR3(4), GSpaces.dihedralOnR3(-1), GSpaces.mirOnR3(), GSpaces.invOnR3(),
                GSpaces.trivialOnR3());
    }

    /** Regular fields for the small finite groups, irreps for the icosahedral group, band-limited regular ones otherwise. */
    static FieldType hiddenType(GSpace g) {
        if (g.fibreGroup().isFinite() && g.fibreGroup().order() <= 48) {
            return FieldType.of(g, List.of(g.regularRepr(), g.trivialRepr()));
        }
        if (g.fibreGroup().isFinite()) {
            return FieldType.of(g, g.irreps().stream().map(r -> (org.equivariant4j.repr.Representation<?>) r).toList());
        }
        return FieldType.of(g, 1, g.bandLimitedRegularRepr(1)).plus(FieldType.of(g, List.of(g.irreps().get(1))));
    }

    static Equivariance.Report check(SteerableConvolution conv, int size, DataType dt, long seed) {
        try (NDManager m = manager.newSubManager()) {
            Shape in = new Shape(2, conv.inType().size(), size, size, size);
            conv.initialize(m, dt, in);
            if (conv.hasBias()) {
                NDArray b = conv.bias().getArray();
                b.addi(TestSupport.gaussian(m, b.getShape(), b.getDataType(), seed + 1));
            }
            NDArray x = TestSupport.gaussian(m, in, dt, seed + 2);
            return Equivariance.check(conv, x);
        }
    }

    @Test
    void exactlyEquivariantForTheCubeSymmetriesOfEveryGSpaceOnR3() {
        long seed = 100;
        for (GSpace g : spaces()) {
            FieldType scalar = FieldType.of(g, 1, g.trivialRepr());
            FieldType hidden = hiddenType(g);
            int elements = g.gridElements().size();
            R3Conv lift = R3Conv.builder(scalar, hidden).kernelSize(3).padding(1).optSeed(seed++).build();
            Equivariance.Report r1 = check(lift, 5, DataType.FLOAT32, seed++);
            // regular fields of the larger groups: a 3x3x3 kernel (their dense bases grow as |G|² k³)
            int k = g.fibreGroup().isFinite() && g.fibreGroup().order() >= 24 ? 3 : 5;
            R3Conv conv = R3Conv.builder(hidden, hidden).kernelSize(k).padding(k / 2).optSeed(seed++).build();
            Equivariance.Report r2 = check(conv, 5, DataType.FLOAT32, seed++);
            R3Conv down = R3Conv.builder(hidden, scalar).kernelSize(3).stride(2).padding(1).optSeed(seed++).build();
            Equivariance.Report r3 = check(down, 7, DataType.FLOAT64, seed++);
            System.out.printf("%s (%d grid symmetries): lift %.2e, hidden k%d %.2e (float32), stride 2 %.2e (float64);"
                    + " coefficients %d, %d, %d%n", g, elements, r1.maxRelativeError(), k, r2.maxRelativeError(),
                    r3.maxRelativeError(), lift.numCoefficients(), conv.numCoefficients(), down.numCoefficients());
            assertTrue(r1.passes(1e-5) && r2.passes(1e-5), g + ": " + r1 + "; " + r2);
            assertTrue(r3.passes(1e-9), g + ": " + r3);
        }
        assertEquals(24, GSpaces.rot3dOnR3().gridElements().size());
        assertEquals(48, GSpaces.flipRot3dOnR3().gridElements().size());
        assertEquals(48, GSpaces.fullOctaOnR3().gridElements().size());
        assertEquals(12, GSpaces.icoOnR3().gridElements().size(), "the tetrahedral rotations of I");
        assertEquals(8, GSpaces.conicalOnR3(-1).gridElements().size());
        assertEquals(8, GSpaces.cylindricalOnR3().gridElements().size());
        assertEquals(2, GSpaces.mirOnR3().gridElements().size());
    }

    /**
     * The convention pinned: the rotation by +90° about z turns every depth slice counter-clockwise like the planar
     * rot90; every cube symmetry applied exactly (flips and a transpose) equals the resampling matrix built from the
     * coordinates; the action is a homomorphism.
     */
    @Test
    void voxelActionsFollowTheCoordinatesOfKernelGrid() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = TestSupport.gaussian(m, new Shape(2, 3, 5, 4, 6), DataType.FLOAT64, 1);
            double[][] rz = {{0, -1, 0}, {1, 0, 0}, {0, 0, 1}};
            NDArray viaVolume = VolumetricTransform.apply(rz, x, KernelInterpolation.BILINEAR);
            assertEquals(0.0, viaVolume.sub(PlanarTransform.rot90(x, 1)).abs().max().getDouble());
            // z points against the depth axis: the half turn about x reverses depth and rows
            double[][] rx = {{1, 0, 0}, {0, -1, 0}, {0, 0, -1}};
            assertEquals(0.0, VolumetricTransform.apply(rx, x, KernelInterpolation.BILINEAR).sub(x.flip(2, 3)).abs().max()
                    .getDouble());
            NDArray cube = TestSupport.gaussian(m, new Shape(1, 2, 5, 5, 5), DataType.FLOAT64, 2);
            GSpace o3 = GSpaces.flipRot3dOnR3();
            for (GroupElement g : o3.gridElements()) {
                double[][] a = o3.baseAction(g);
                NDArray exact = VolumetricTransform.apply(a, cube, KernelInterpolation.BILINEAR);
                org.equivariant4j.linalg.SparseMatrix s = org.equivariant4j.kernel.GridResampling.volumeMatrix(5, 5, 5, a,
                        KernelInterpolation.BILINEAR);
                double[] in = cube.toDoubleArray();
                double[] out = new double[in.length];
                for (int c = 0; c < 2; c++) {
                    double[] vol = java.util.Arrays.copyOfRange(in, c * 125, (c + 1) * 125);
                    System.arraycopy(s.apply(vol), 0, out, c * 125, 125);
                }
                assertEquals(0.0, exact.sub(m.create(out, cube.getShape())).abs().max().getDouble(), g.toString());
                for (GroupElement h : o3.gridElements().subList(0, 6)) {
                    NDArray gh = VolumetricTransform.apply(o3.baseAction(o3Compose(g, h)), cube, KernelInterpolation.BILINEAR);
                    NDArray gThenH = VolumetricTransform.apply(a, VolumetricTransform.apply(o3.baseAction(h), cube,
                            KernelInterpolation.BILINEAR), KernelInterpolation.BILINEAR);
                    assertEquals(0.0, gh.sub(gThenH).abs().max().getDouble());
                }
            }
        }
    }

    private static GroupElement o3Compose(GroupElement g, GroupElement h) {
        return Groups.o3().compose((org.equivariant4j.group.O3Element) g, (org.equivariant4j.group.O3Element) h);
    }

    /** A smooth volume: Gaussian blobs of width {@code sigma} voxels inside the central ball, so rotations keep it on the grid. */
    static NDArray smoothVolume(NDManager m, int channels, int size, double sigma, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double c = (size - 1) / 2.0;
        double[] v = new double[channels * size * size * size];
        for (int ch = 0; ch < channels; ch++) {
            for (int b = 0; b < 12; b++) {
                double[] p = {(rng.nextDouble() - 0.5) * size * 0.4, (rng.nextDouble() - 0.5) * size * 0.4,
                    (rng.nextDouble() - 0.5) * size * 0.4};
                double amp = rng.nextGaussian();
                for (int i = 0; i < size; i++) {
                    for (int j = 0; j < size; j++) {
                        for (int k = 0; k < size; k++) {
                            double dx = k - c - p[0];
                            double dy = c - j - p[1];
                            double dz = c - i - p[2];
                            v[((ch * size + i) * size + j) * size + k] += amp * Math.exp(-(dx * dx + dy * dy + dz * dz)
                                    / (2 * sigma * sigma));
                        }
                    }
                }
            }
        }
        return m.create(v, new Shape(1, channels, size, size, size));
    }

    /** Relative L2 error of f(g·x) against g·f(x) inside the central ball of radius r (float64, tricubic resampling). */
    static double offGridError(Block block, FieldType in, FieldType out, GroupElement g, NDArray x, double radius) {
        ParameterStore ps = new ParameterStore(x.getManager(), false);
        java.util.function.UnaryOperator<NDArray> f = a -> block.forward(ps, new NDList(a), false).singletonOrThrow();
        NDArray a = f.apply(GeometricTensor.of(x, in).transform(g).tensor());
        NDArray b = GeometricTensor.of(f.apply(x), out).transform(g).tensor();
        double[] av = a.toDoubleArray();
        double[] bv = b.toDoubleArray();
        int size = (int) a.getShape().get(4);
        int channels = (int) a.getShape().get(1);
        double c = (size - 1) / 2.0;
        double num = 0;
        double den = 0;
        for (int ch = 0; ch < channels; ch++) {
            for (int i = 0; i < size; i++) {
                for (int j = 0; j < size; j++) {
                    for (int k = 0; k < size; k++) {
                        if ((i - c) * (i - c) + (j - c) * (j - c) + (k - c) * (k - c) <= radius * radius) {
                            int at = ((ch * size + i) * size + j) * size + k;
                            num += (av[at] - bv[at]) * (av[at] - bv[at]);
                            den += bv[at] * bv[at];
                        }
                    }
                }
            }
        }
        return Math.sqrt(num / den);
    }

    /**
     * Rotations that do not map the voxel grid to itself are approximate: measured on smooth volumes (relative L2 error in
     * the central ball, float64, tricubic resampling) for SO(3) layers at random rotations, k = 3, 5, 7.
     */
    @Test
    void offGridRotationsAreApproximate() {
        GSpace so3 = GSpaces.rot3dOnR3();
        FieldType in = FieldType.of(so3, 1, so3.trivialRepr());
        FieldType out = FieldType.of(so3, List.of(so3.trivialRepr(), so3.irrep("psi[1]"), so3.irrep("psi[2]")));
        SplittableRandom rng = new SplittableRandom(5);
        try (NDManager m = manager.newSubManager()) {
            NDArray x = smoothVolume(m, 1, 21, 2.0, 3);
            NDArray identity = GeometricTensor.of(x, in).transform(Groups.so3().random(rng)).tensor();
            double resampling = 0;
            for (int k : new int[] {3, 5, 7}) {
                R3Conv conv = R3Conv.builder(in, out).kernelSize(k).padding(k / 2).optSeed(k).build();
                conv.initialize(m, DataType.FLOAT64, x.getShape());
                double worst = 0;
                for (int t = 0; t < 2; t++) {
                    SO3Element g = Groups.so3().random(rng);
                    worst = Math.max(worst, offGridError(conv, in, out, g, x, 6));
                }
                System.out.printf("R3Conv off-grid equivariance error, smooth 21^3 volume, k = %d: %.4f (worst of 2 random"
                        + " rotations)%n", k, worst);
                assertTrue(worst < 0.05, "k = " + k + ": " + worst);
            }
            assertTrue(identity.getShape().equals(x.getShape()));
        }
    }

    @Test
    void exportGivesAPlainConvolutionAndTransposedConvolutionsAreEquivariant() {
        GSpace g = GSpaces.flipRot3dOnR3();
        FieldType in = FieldType.of(g, List.of(g.trivialRepr(), g.irrep("1o")));
        FieldType out = FieldType.of(g, List.of(g.irrep("0e"), g.irrep("2e"), g.irrep("1e")));
        R3Conv conv = R3Conv.builder(in, out).kernelSize(3).padding(1).stride(2).optSeed(3).build();
        try (NDManager m = manager.newSubManager()) {
            Shape shape = new Shape(2, 4, 7, 7, 7);
            conv.initialize(m, DataType.FLOAT64, shape);
            conv.bias().getArray().addi(1.5);
            NDArray x = TestSupport.gaussian(m, shape, DataType.FLOAT64, 4);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray y = conv.forward(ps, new NDList(x), false).singletonOrThrow();
            assertEquals(new Shape(2, 9, 4, 4, 4), y.getShape());
            Block plain = conv.export();
            NDArray z = plain.forward(ps, new NDList(x), false).singletonOrThrow();
            assertEquals(0.0, y.sub(z).abs().max().getDouble(), 1e-12);
            NDArray yTrain = conv.forward(ps, new NDList(x), true).singletonOrThrow();
            assertEquals(0.0, y.sub(yTrain).abs().max().getDouble(), 1e-12, "training and inference paths agree");
        }
        for (GSpace s : List.of(GSpaces.rot3dOnR3(), GSpaces.fullOctaOnR3())) {
            FieldType h = hiddenType(s);
            R3ConvTransposed up = R3ConvTransposed.builder(h, FieldType.of(s, 2, s.trivialRepr())).kernelSize(3).stride(2)
                    .padding(1).optSeed(9).build();
            Equivariance.Report r = check(up, 4, DataType.FLOAT32, 10);
            System.out.println(up + ": " + r);
            assertTrue(r.passes(1e-5), r.toString());
        }
    }

    @Test
    void badInputsAreRefusedNamingBothSides() {
        GSpace so3 = GSpaces.rot3dOnR3();
        FieldType in = FieldType.of(so3, 1, so3.trivialRepr());
        FieldType l1 = FieldType.of(so3, 1, so3.irrep("psi[1]"));
        FieldType l3 = FieldType.of(so3, 1, so3.irrep("psi[3]"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> R3Conv.builder(in, l3).kernelSize(5).build());
        assertTrue(e.getMessage().contains("no equivariant kernel") && e.getMessage().contains("5x5x5")
                && e.getMessage().contains("up to frequency 2"), e.getMessage());
        GSpace c4 = GSpaces.rot2dOnR2(4);
        e = assertThrows(IllegalArgumentException.class, () -> R3Conv.builder(FieldType.of(c4, 1, c4.trivialRepr()),
                FieldType.of(c4, 1, c4.regularRepr())));
        assertTrue(e.getMessage().contains("in space") && e.getMessage().contains("2-dimensional"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> R2Conv.builder(in, l1));
        assertTrue(e.getMessage().contains("on the plane") && e.getMessage().contains("3-dimensional"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> R3Conv.builder(in, FieldType.of(GSpaces.octaOnR3(), 1,
                GSpaces.octaOnR3().trivialRepr())));
        R3Conv conv = R3Conv.builder(in, l1).kernelSize(3).padding(1).build();
        try (NDManager m = manager.newSubManager()) {
            conv.initialize(m, DataType.FLOAT32, new Shape(1, 1, 5, 5, 5));
            e = assertThrows(IllegalArgumentException.class,
                    () -> conv.forward(new ParameterStore(m, false), new NDList(m.ones(new Shape(1, 1, 5, 5))), false));
            assertTrue(e.getMessage().contains("depth, height, width") && e.getMessage().contains("(1, 1, 5, 5)"),
                    e.getMessage());
        }
        e = assertThrows(IllegalArgumentException.class, () -> so3.irrep("psi[x]"));
        assertTrue(e.getMessage().contains("psi[0]"), e.getMessage());
    }
}

package org.equivariant4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.equivariant4j.group.SO3Element;
import org.equivariant4j.harmonics.fourier.RotationQuadrature;
import org.equivariant4j.harmonics.WignerD;
import org.equivariant4j.linalg.Matrices;
import org.equivariant4j.nn.activation.FourierPointwise;
import org.equivariant4j.nn.activation.GatedNonlinearity;
import org.equivariant4j.nn.activation.NormNonlinearity;
import org.equivariant4j.nn.activation.PointwiseNonlinearity;
import org.equivariant4j.nn.activation.ScalarActivation;
import org.equivariant4j.nn.field.EquivariantBlock;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.field.GSpaces;
import org.equivariant4j.nn.norm.GNormBatchNorm;
import org.equivariant4j.nn.norm.IIDBatchNorm;
import org.equivariant4j.nn.norm.InnerBatchNorm;
import org.equivariant4j.nn.norm.NormBatchNorm;
import org.equivariant4j.nn.pool.AntialiasedPool3d;
import org.equivariant4j.nn.pool.GlobalSpatialPooling;
import org.equivariant4j.nn.pool.InvariantFieldPooling;
import org.equivariant4j.nn.pool.PointwisePool3d;
import org.equivariant4j.nn.pool.PoolingWindow;
import org.equivariant4j.nn.pool.R3Upsampling;
import org.equivariant4j.nn.pool.ReplicationPadding;
import org.equivariant4j.nn.testing.Equivariance;
import org.equivariant4j.nn.testing.FieldBlockChecks;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.Representation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The field blocks on volumes: nonlinearities, batch norms, pooling, upsampling and invariant maps, for every GSpace on
 * R³, exactly equivariant (float32, below 1e-5) for the cube symmetries each GSpace contains.
 */
class VolumetricBlocksTest {
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    static List<GSpace> spaces() {
        return List.of(GSpaces.rot3dOnR3(2), GSpaces.flipRot3dOnR3(2), GSpaces.octaOnR3(), GSpaces.fullOctaOnR3(),
                GSpaces.icoOnR3(), GSpaces.conicalOnR3(-1), GSpaces.conicalOnR3(4), GSpaces.cylindricalOnR3(),
                GSpaces.rot2dOnR3(-1), GSpaces.rot2dOnR3(4), GSpaces.dihedralOnR3(-1), GSpaces.mirOnR3(), GSpaces.invOnR3(),
                GSpaces.trivialOnR3());
    }

    /** Fields whose representations permute channels: regular fields of the finite groups (up to 48), scalars otherwise. */
    static FieldType permutationType(GSpace g) {
        if (g.fibreGroup().isFinite() && g.fibreGroup().order() <= 48) {
            return FieldType.of(g, List.of(g.regularRepr(), g.trivialRepr()));
        }
        return FieldType.of(g, 2, g.trivialRepr());
    }

    /** A scalar and the next two irreps (what exists). */
    static FieldType irrepType(GSpace g) {
        List<Representation<?>> reps = new ArrayList<>();
        List<? extends Irrep<?>> irreps = g.irreps();
        for (int i = 0; i < Math.min(3, irreps.size()); i++) {
            reps.add(irreps.get(i));
        }
        return FieldType.of(g, reps);
    }

    /** Two trivial gates for two gated fields (the last irreps of {@link #irrepType}). */
    static FieldType gatedType(GSpace g) {
        List<? extends Irrep<?>> irreps = g.irreps();
        Representation<?> gated = irreps.get(Math.min(1, irreps.size() - 1));
        Representation<?> other = irreps.get(Math.min(2, irreps.size() - 1));
        return FieldType.of(g, List.of(g.trivialRepr(), g.trivialRepr(), gated, other));
    }

    private static void assertExact(Supplier<? extends EquivariantBlock> factory, int size, boolean training, long seed) {
        try (NDManager m = manager.newSubManager()) {
            EquivariantBlock block = factory.get();
            NDArray x = FieldBlockChecks.input(block.inType(), m, DataType.FLOAT32, size, seed);
            FieldBlockChecks.initializeRandomly(block, x, seed + 1);
            for (boolean mode : training ? new boolean[] {false, true} : new boolean[] {false}) {
                Equivariance.Report r = FieldBlockChecks.check(block, x, mode);
                assertTrue(r.passes(FieldBlockChecks.FLOAT32_TOLERANCE), block + (mode ? " training" : "") + ": " + r);
            }
        }
    }

    @Test
    void everyFieldBlockIsExactForTheCubeSymmetriesOfEveryGSpaceOnR3() {
        long seed = 1;
        PoolingWindow window = new PoolingWindow(3, 2, 1);
        for (GSpace g : spaces()) {
            FieldType perm = permutationType(g);
            FieldType irr = irrepType(g);
            FieldType gated = gatedType(g);
            List<Supplier<? extends EquivariantBlock>> blocks = List.of(
                    () -> PointwiseNonlinearity.of(perm, ScalarActivation.elu(1)),
                    () -> NormNonlinearity.relu(irr),
                    () -> GatedNonlinearity.of(gated),
                    () -> AntialiasedPool3d.average(irr, 0.6, 2),
                    () -> AntialiasedPool3d.max(perm, window),
                    () -> PointwisePool3d.avg(irr, window),
                    () -> PointwisePool3d.max(perm, window),
                    () -> R3Upsampling.of(irr, R3Upsampling.Mode.TRILINEAR, 2),
                    () -> R3Upsampling.ofSize(irr, R3Upsampling.Mode.TRILINEAR_ALIGN_CORNERS, 8, 8, 8),
                    () -> R3Upsampling.of(perm, R3Upsampling.Mode.NEAREST, 2),
                    () -> ReplicationPadding.of(irr, 2),
                    () -> GlobalSpatialPooling.mean(irr),
                    () -> GlobalSpatialPooling.max(perm),
                    () -> InvariantFieldPooling.norm(irr),
                    () -> InvariantFieldPooling.groupMax(perm));
            for (Supplier<? extends EquivariantBlock> b : blocks) {
                assertExact(b, 5, false, seed++);
            }
            List<Supplier<? extends EquivariantBlock>> norms = new ArrayList<>(List.of(() -> InnerBatchNorm.of(perm),
                    () -> IIDBatchNorm.of(irr), () -> GNormBatchNorm.of(irr)));
            Irrep<?> last = g.irreps().get(g.irreps().size() - 1);
            if (!last.equals(g.trivialRepr())) {
                // NormBatchNorm takes fields without the trivial irrep (the trivial group has none)
                norms.add(() -> NormBatchNorm.of(FieldType.of(g, 2, last)));
            }
            for (Supplier<? extends EquivariantBlock> b : norms) {
                assertExact(b, 5, true, seed++);
            }
            System.out.printf("%s: %d blocks exact for its %d grid symmetries (float32, 1e-5)%n", g, blocks.size() + norms.size(),
                    g.gridElements().size());
        }
    }

    @Test
    void fourierNonlinearitiesOnSo3AndO3AreExactForTheCubeAndInvertOnBandLimitedFields() {
        for (GSpace g : List.of(GSpaces.rot3dOnR3(), GSpaces.flipRot3dOnR3())) {
            for (int l : new int[] {1, 2}) {
                FieldType type = FieldType.of(g, 2, g.bandLimitedRegularRepr(l));
                FieldBlockChecks.assertEquivariant(() -> FourierPointwise.of(type, ScalarActivation.elu(1)), manager, 3, false,
                        10 + l);
                FourierPointwise block = FourierPointwise.of(type, ScalarActivation.relu());
                assertEquals((l == 1 ? 24 : 120) * (g.fibreGroup().name().equals("O(3)") ? 2 : 1), block.samples());
                try (NDManager m = manager.newSubManager()) {
                    // relu(t) − relu(−t) = t: the quadrature makes AᵀWA = I, so y(x) − y(−x) = x
                    NDArray x = FieldBlockChecks.input(type, m, DataType.FLOAT64, 3, 4);
                    var f = FieldBlockChecks.function(block, m, false);
                    assertEquals(0, f.apply(x).sub(f.apply(x.neg())).sub(x).abs().max().getDouble(), 1e-12, g + " L = " + l);
                    FieldBlockChecks.assertExportMatches(block, x, 1e-12);
                }
            }
        }
        for (GSpace g : List.of(GSpaces.rot3dOnR3(), GSpaces.flipRot3dOnR3())) {
            // a denser cube-symmetric grid: still exact for the cube symmetries and the identity without f
            FieldType type = FieldType.of(g, 2, g.bandLimitedRegularRepr(1));
            RotationQuadrature grid = RotationQuadrature.cubeSymmetric(2);
            FieldBlockChecks.assertEquivariant(() -> FourierPointwise.of(type, ScalarActivation.elu(1), grid), manager, 3, false,
                    30);
            FourierPointwise block = FourierPointwise.of(type, ScalarActivation.relu(), grid);
            assertEquals(240 * (g.fibreGroup().name().equals("O(3)") ? 2 : 1), block.samples());
            try (NDManager m = manager.newSubManager()) {
                NDArray x = FieldBlockChecks.input(type, m, DataType.FLOAT64, 3, 5);
                var f = FieldBlockChecks.function(block, m, false);
                assertEquals(0, f.apply(x).sub(f.apply(x.neg())).sub(x).abs().max().getDouble(), 1e-12, g + " on 240 nodes");
            }
            FieldType l3 = FieldType.of(g, 1, g.bandLimitedRegularRepr(3));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FourierPointwise.of(l3, ScalarActivation.relu(), grid));
            assertTrue(e.getMessage().contains("degree 2L = 6") && e.getMessage().contains("exact to degree 5"), e.getMessage());
        }
        for (GSpace g : List.of(GSpaces.rot2dOnR3(-1), GSpaces.conicalOnR3(-1))) {
            FieldType type = FieldType.of(g, 2, g.bandLimitedRegularRepr(2));
            FieldBlockChecks.assertEquivariant(() -> FourierPointwise.of(type, ScalarActivation.relu()), manager, 3, false, 20);
        }
        GSpace octa = GSpaces.octaOnR3();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FourierPointwise.of(FieldType.of(octa, 1, octa.regularRepr()), ScalarActivation.relu()));
        assertTrue(e.getMessage().contains("PointwiseNonlinearity"), e.getMessage());
        GSpace so3 = GSpaces.rot3dOnR3();
        e = assertThrows(IllegalArgumentException.class,
                () -> FourierPointwise.of(FieldType.of(so3, 1, so3.bandLimitedRegularRepr(1)), ScalarActivation.relu(), 8));
        assertTrue(e.getMessage().contains("SO(2) and O(2) only"), e.getMessage());
        GSpace so2 = GSpaces.rot2dOnR2(-1, 2);
        e = assertThrows(IllegalArgumentException.class, () -> FourierPointwise.of(FieldType.of(so2, 1,
                so2.bandLimitedRegularRepr(1)), ScalarActivation.relu(), RotationQuadrature.cubeSymmetric(1)));
        assertTrue(e.getMessage().contains("SO(3) and O(3) only"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> FourierPointwise.of(FieldType.of(so3, 1, so3.irrep("psi[1]")), ScalarActivation.relu()));
        assertTrue(e.getMessage().contains("band-limited regular"), e.getMessage());
    }

    /** Σ_i w_i D^l(g_i) = δ_l0 I up to the quadrature's degree, and the cube grids are permuted by the cube rotations. */
    @Test
    void rotationQuadraturesAreExactToTheirDegree() {
        for (int degree : new int[] {2, 3, 4, 5, 6, 8}) {
            RotationQuadrature q = RotationQuadrature.exact(degree);
            assertTrue(q.maxDegree() >= degree);
            double[] w = q.weights();
            assertEquals(1.0, java.util.Arrays.stream(w).sum(), 1e-12);
            for (int l = 1; l <= q.maxDegree(); l++) {
                double[][] sum = new double[2 * l + 1][2 * l + 1];
                for (int i = 0; i < q.size(); i++) {
                    SO3Element g = q.elements().get(i);
                    sum = Matrices.addScaled(sum, w[i], WignerD.fromQuaternion(l, g.rotation()));
                }
                assertTrue(Matrices.maxAbs(sum) < 1e-12, "degree " + l + " of the quadrature for " + degree + ": "
                        + Matrices.maxAbs(sum));
            }
            // and it is not exact one degree further (the grids are the smallest of their kind)
            if (degree == 3 || degree == 5) {
                int l = q.maxDegree() + 1;
                double[][] sum = new double[2 * l + 1][2 * l + 1];
                for (int i = 0; i < q.size(); i++) {
                    sum = Matrices.addScaled(sum, w[i], WignerD.fromQuaternion(l, q.elements().get(i).rotation()));
                }
                assertTrue(Matrices.maxAbs(sum) > 0.1, "degree " + l + " is not integrated by " + q.size() + " nodes");
            }
            assertEquals(degree <= 5, q.isCubeSymmetric(), "degree " + degree);
            System.out.printf("rotation quadrature of degree %d: %d nodes, exact to degree %d, cube-symmetric %b%n", degree,
                    q.size(), q.maxDegree(), q.isCubeSymmetric());
        }
        assertEquals(24, RotationQuadrature.exact(3).size());
        assertEquals(120, RotationQuadrature.exact(5).size());
    }

    /**
     * The denser cube-symmetric grids: 120K distinct nodes, exact to degree 5, permuted by the cube rotations, with a
     * covering radius (the largest distance from a rotation to its nearest node, over a fixed random sample) that shrinks
     * as K grows.
     */
    @Test
    void cubeSymmetricRotationGridsAreExactPermutedAndDenser() {
        assertEquals(RotationQuadrature.exact(5).elements(), RotationQuadrature.cubeSymmetric(1).elements());
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        List<SO3Element> probes = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            probes.add(org.equivariant4j.group.Groups.so3().random(rng));
        }
        double previous = Double.POSITIVE_INFINITY;
        for (int k : new int[] {1, 2, 4}) {
            RotationQuadrature q = RotationQuadrature.cubeSymmetric(k);
            assertEquals(120 * k, q.size());
            assertEquals(5, q.maxDegree());
            assertTrue(q.isCubeSymmetric(), "K = " + k);
            for (int i = 0; i < q.size(); i++) {
                for (int j = 0; j < i; j++) {
                    assertTrue(q.elements().get(i).distance(q.elements().get(j)) > 1e-6, "nodes " + i + " and " + j + " coincide");
                }
            }
            for (int l = 1; l <= 5; l++) {
                double[][] sum = new double[2 * l + 1][2 * l + 1];
                for (SO3Element g : q.elements()) {
                    sum = Matrices.addScaled(sum, 1.0 / q.size(), WignerD.fromQuaternion(l, g.rotation()));
                }
                assertTrue(Matrices.maxAbs(sum) < 1e-12, "K = " + k + ", degree " + l + ": " + Matrices.maxAbs(sum));
            }
            double radius = 0;
            for (SO3Element p : probes) {
                double nearest = Double.POSITIVE_INFINITY;
                for (SO3Element g : q.elements()) {
                    nearest = Math.min(nearest, p.distance(g));
                }
                radius = Math.max(radius, nearest);
            }
            assertTrue(radius < previous, "K = " + k + ": covering radius " + radius + " after " + previous);
            System.out.printf("cube-symmetric rotation grid K = %d: %d nodes, covering radius %.3f (chordal)%n", k, q.size(),
                    radius);
            previous = radius;
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RotationQuadrature.cubeSymmetric(0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
    }

    @Test
    void volumetricBlocksRefusePlanarTypesAndExportToPlainBlocks() {
        GSpace c4 = GSpaces.rot2dOnR2(4);
        FieldType planar = FieldType.of(c4, 1, c4.regularRepr());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AntialiasedPool3d.average(planar, 0.6, 2));
        assertTrue(e.getMessage().contains("volumes") && e.getMessage().contains("2-dimensional"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> R3Upsampling.of(planar, R3Upsampling.Mode.TRILINEAR, 2));
        assertThrows(IllegalArgumentException.class, () -> PointwisePool3d.avg(planar, PoolingWindow.of(2)));
        GSpace so3 = GSpaces.rot3dOnR3();
        FieldType irr = irrepType(so3);
        e = assertThrows(IllegalArgumentException.class, () -> PointwisePool3d.max(irr, PoolingWindow.of(2)));
        assertTrue(e.getMessage().contains("permute"), e.getMessage());
        try (NDManager m = manager.newSubManager()) {
            NDArray x = FieldBlockChecks.input(irr, m, DataType.FLOAT64, 5, 3);
            for (EquivariantBlock b : List.of(IIDBatchNorm.of(irr), GNormBatchNorm.of(irr), PointwisePool3d.avg(irr,
                    PoolingWindow.of(2)), AntialiasedPool3d.average(irr, 0.6, 2), R3Upsampling.of(irr,
                    R3Upsampling.Mode.TRILINEAR, 2))) {
                FieldBlockChecks.initializeRandomly(b, x, 5);
                FieldBlockChecks.assertExportMatches(b, x, 1e-12);
            }
            NDArray wrong = m.ones(new Shape(2, irr.size(), 5, 5));
            e = assertThrows(IllegalArgumentException.class, () -> FieldBlockChecks.function(IIDBatchNorm.of(irr), m, false)
                    .apply(wrong));
            assertTrue(e.getMessage().contains("depth, height, width"), e.getMessage());
        }
    }
}

package org.equivariant4j.nn.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.equivariant4j.nn.TestSupport;
import org.equivariant4j.nn.field.EquivariantBlock;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.field.GSpaces;
import org.equivariant4j.nn.field.Subgroup;
import org.equivariant4j.nn.testing.FieldBlockChecks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FieldPoolingTest {
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    static final GSpace C8 = GSpaces.rot2dOnR2(8);
    static final GSpace D4 = GSpaces.flipRot2dOnR2(4);
    static final GSpace SO2 = GSpaces.rot2dOnR2(-1, 3);
    static final GSpace O2 = GSpaces.flipRot2dOnR2(-1, 3, Math.PI / 2);

    /** Permutation fields (3 regular C8 fields: 24 channels, where the engine's own float32 conv was wrong). */
    static List<FieldType> permutationTypes() {
        return List.of(FieldType.of(C8, 3, C8.regularRepr()),
                FieldType.of(D4, List.of(D4.regularRepr(), D4.trivialRepr(), D4.quotientRepr(Subgroup.flip()))));
    }

    static List<FieldType> orthogonalTypes() {
        return List.of(FieldType.of(SO2, List.of(SO2.irrep(1), SO2.bandLimitedRegularRepr(2), SO2.irrep(3))),
                FieldType.of(O2, List.of(O2.irrep(1, 1), O2.irrep(1, 0), O2.irrep(1, 2))),
                FieldType.of(D4, List.of(D4.irrep(1, 1), D4.regularRepr())));
    }

    /** Symmetric windows: 8×8 with 2×2 stride 2, 9×9 with 3×3 stride 2 padding 1. */
    static final List<int[]> SIZES_AND_WINDOWS = List.of(new int[] {8, 2, 2, 0}, new int[] {9, 3, 2, 1});

    @Test
    void pointwiseMaxAndAveragePoolingAreExactOnTheGrid() {
        long seed = 1;
        for (int[] sw : SIZES_AND_WINDOWS) {
            PoolingWindow w = new PoolingWindow(sw[1], sw[2], sw[3]);
            for (FieldType t : permutationTypes()) {
                FieldBlockChecks.assertEquivariant(() -> PointwisePool2d.max(t, w), manager, sw[0], false, seed++);
            }
            for (FieldType t : orthogonalTypes()) {
                FieldBlockChecks.assertEquivariant(() -> PointwisePool2d.avg(t, w), manager, sw[0], false, seed++);
            }
        }
        try (NDManager m = manager.newSubManager()) {
            FieldType t = permutationTypes().get(0);
            NDArray x = FieldBlockChecks.input(t, m, DataType.FLOAT32, 9, 3);
            FieldBlockChecks.assertExportMatches(PointwisePool2d.max(t, new PoolingWindow(3, 2, 1)), x, 0);
            FieldBlockChecks.assertExportMatches(PointwisePool2d.avg(t, new PoolingWindow(3, 2, 1)), x, 0);
            assertEquals(new Shape(2, 24, 4, 4), PointwisePool2d.max(t, PoolingWindow.of(2)).getOutputShapes(
                    new Shape[] {new Shape(2, 24, 9, 9)})[0]);
        }
        FieldType vectors = orthogonalTypes().get(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PointwisePool2d.max(vectors, PoolingWindow.of(2)));
        assertTrue(e.getMessage().contains(vectors.toString()), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PoolingWindow(2, 2, 2));
    }

    @Test
    void antialiasedPoolsBlurWithEscnnsFilterAndAreExactOnTheGrid() {
        FieldType reg = permutationTypes().get(0);
        FieldBlockChecks.assertEquivariant(() -> AntialiasedPool2d.max(reg, PoolingWindow.of(2)), manager, 8, false, 10);
        FieldBlockChecks.assertEquivariant(() -> AntialiasedPool2d.max(permutationTypes().get(1), new PoolingWindow(3, 2, 1)),
                manager, 9, false, 11);
        for (FieldType t : orthogonalTypes()) {
            FieldBlockChecks.assertEquivariant(() -> AntialiasedPool2d.average(t, 0.6, 2), manager, 9, false, 12);
        }
        FieldBlockChecks.assertEquivariant(() -> AntialiasedPool2d.average(reg, 1.0, 3), manager, 13, false, 13);
        assertEquals(5, AntialiasedPool2d.average(reg, 0.6, 2).filterSize(), "2 round(3 sigma) + 1");
        assertEquals(5, AntialiasedPool2d.max(reg, PoolingWindow.of(2)).filterSize(), "2 round(4 sigma) + 1");
        assertEquals(9, AntialiasedPool2d.max(reg, PoolingWindow.of(2), 1.0).filterSize());
        try (NDManager m = manager.newSubManager()) {
            FieldType single = FieldType.of(C8, 1, C8.trivialRepr());
            NDArray impulse = m.zeros(new Shape(1, 1, 9, 9));
            impulse.set(new ai.djl.ndarray.index.NDIndex("0, 0, 4, 4"), 1f);
            AntialiasedPool2d blur = AntialiasedPool2d.average(single, 0.6, 1);
            NDArray y = FieldBlockChecks.function(blur, m, false).apply(impulse);
            assertEquals(1.0, y.sum().getFloat(), 1e-6, "the filter sums to 1");
            double expectedRatio = Math.exp(-1 / (2 * 0.36));
            assertEquals(expectedRatio, y.getFloat(0, 0, 4, 5) / y.getFloat(0, 0, 4, 4), 1e-6, "Gaussian of sigma 0.6");
            NDArray x = FieldBlockChecks.input(reg, m, DataType.FLOAT32, 9, 14);
            FieldBlockChecks.assertExportMatches(AntialiasedPool2d.max(reg, PoolingWindow.of(2)), x, 0);
            NDArray x64 = x.toType(DataType.FLOAT64, false);
            NDArray y32 = FieldBlockChecks.function(AntialiasedPool2d.average(reg, 0.6, 2), m, false).apply(x);
            NDArray y64 = FieldBlockChecks.function(AntialiasedPool2d.average(reg, 0.6, 2), m, false).apply(x64);
            assertEquals(0, y32.toType(DataType.FLOAT64, false).sub(y64).abs().max().getDouble(), 1e-6,
                    "the float32 depthwise blur of 24 channels agrees with float64");
        }
        assertThrows(IllegalArgumentException.class, () -> AntialiasedPool2d.max(orthogonalTypes().get(0), PoolingWindow.of(2)));
        assertThrows(IllegalArgumentException.class, () -> AntialiasedPool2d.average(reg, 0, 2));
    }

    @Test
    void normMaxPoolKeepsTheLongestVectorOfEachWindow() {
        long seed = 20;
        for (int[] sw : SIZES_AND_WINDOWS) {
            PoolingWindow w = new PoolingWindow(sw[1], sw[2], sw[3]);
            for (FieldType t : orthogonalTypes()) {
                FieldBlockChecks.assertEquivariant(() -> NormMaxPool2d.of(t, w), manager, sw[0], false, seed++);
            }
        }
        FieldType t = FieldType.of(SO2, List.of(SO2.irrep(1), SO2.irrep(0)));
        try (NDManager m = manager.newSubManager()) {
            NDArray x = TestSupport.gaussian(m, new Shape(1, 3, 4, 4), DataType.FLOAT64, 21);
            NormMaxPool2d pool = NormMaxPool2d.of(t, PoolingWindow.of(2));
            double[] in = x.toDoubleArray();
            double[] out = FieldBlockChecks.function(pool, m, false).apply(x).toDoubleArray();
            for (int oi = 0; oi < 2; oi++) {
                for (int oj = 0; oj < 2; oj++) {
                    int best = -1;
                    double bestNorm = -1;
                    for (int di = 0; di < 2; di++) {
                        for (int dj = 0; dj < 2; dj++) {
                            int p = (2 * oi + di) * 4 + 2 * oj + dj;
                            double norm = Math.hypot(in[p], in[16 + p]);
                            if (norm > bestNorm) {
                                bestNorm = norm;
                                best = p;
                            }
                        }
                    }
                    int q = oi * 2 + oj;
                    assertArrayEquals(new double[] {in[best], in[16 + best]}, new double[] {out[q], out[4 + q]}, 0.0);
                    double scalarBest = Math.max(Math.max(Math.abs(in[32 + 2 * oi * 4 + 2 * oj]), Math.abs(in[32 + 2 * oi * 4 + 2 * oj + 1])),
                            Math.max(Math.abs(in[32 + (2 * oi + 1) * 4 + 2 * oj]), Math.abs(in[32 + (2 * oi + 1) * 4 + 2 * oj + 1])));
                    assertEquals(scalarBest, Math.abs(out[8 + q]), 0.0, "a scalar field keeps its largest |value|");
                }
            }
            FieldBlockChecks.assertExportMatches(pool, x, 0);
        }
    }

    @Test
    void groupAndNormPoolingGiveInvariantFields() {
        long seed = 30;
        for (FieldType t : permutationTypes()) {
            FieldBlockChecks.assertEquivariant(() -> InvariantFieldPooling.groupMax(t), manager, 7, false, seed++);
            assertTrue(InvariantFieldPooling.groupMax(t).outType().isTrivial());
        }
        for (FieldType t : orthogonalTypes()) {
            FieldBlockChecks.assertEquivariant(() -> InvariantFieldPooling.norm(t), manager, 7, false, seed++);
            assertEquals(t.fields(), InvariantFieldPooling.norm(t).outType().size());
        }
        try (NDManager m = manager.newSubManager()) {
            FieldType t = FieldType.of(D4, List.of(D4.trivialRepr(), D4.regularRepr()));
            NDArray x = TestSupport.gaussian(m, new Shape(1, 9, 1, 1), DataType.FLOAT64, 31);
            double[] in = x.toDoubleArray();
            double[] max = FieldBlockChecks.function(InvariantFieldPooling.groupMax(t), m, false).apply(x).toDoubleArray();
            double[] norm = FieldBlockChecks.function(InvariantFieldPooling.norm(t), m, false).apply(x).toDoubleArray();
            double m8 = Double.NEGATIVE_INFINITY;
            double n8 = 0;
            for (int c = 1; c < 9; c++) {
                m8 = Math.max(m8, in[c]);
                n8 += in[c] * in[c];
            }
            assertArrayEquals(new double[] {in[0], m8}, max, 0.0);
            assertArrayEquals(new double[] {Math.abs(in[0]), Math.sqrt(n8)}, norm, 1e-15);
            FieldBlockChecks.assertExportMatches(InvariantFieldPooling.groupMax(t), x, 0);
            FieldBlockChecks.assertExportMatches(InvariantFieldPooling.norm(t), x, 0);
        }
        assertThrows(IllegalArgumentException.class, () -> InvariantFieldPooling.groupMax(orthogonalTypes().get(2)));
    }

    @Test
    void globalPoolingMapsImagesToVectorsOfTheSameRepresentations() {
        long seed = 40;
        for (FieldType t : orthogonalTypes()) {
            GlobalSpatialPooling pool = GlobalSpatialPooling.mean(t);
            assertEquals(0, pool.outType().gspace().dimension());
            assertEquals(t.representations(), pool.outType().representations());
            FieldBlockChecks.assertEquivariant(() -> GlobalSpatialPooling.mean(t), manager, 6, false, seed++);
        }
        for (FieldType t : permutationTypes()) {
            FieldBlockChecks.assertEquivariant(() -> GlobalSpatialPooling.max(t), manager, 6, false, seed++);
        }
        try (NDManager m = manager.newSubManager()) {
            FieldType t = permutationTypes().get(1);
            NDArray x = FieldBlockChecks.input(t, m, DataType.FLOAT32, 5, 41);
            NDArray y = FieldBlockChecks.function(GlobalSpatialPooling.mean(t), m, false).apply(x);
            assertEquals(new Shape(2, t.size()), y.getShape());
            assertEquals(x.get("1, 3").mean().getFloat(), y.getFloat(1, 3), 1e-6);
            FieldBlockChecks.assertExportMatches(GlobalSpatialPooling.max(t), x, 0);
        }
        assertThrows(IllegalArgumentException.class, () -> GlobalSpatialPooling.max(orthogonalTypes().get(0)));
    }

    @Test
    void upsamplingFollowsPyTorchsRulesAndIsExactWhereTheSamplesAreSymmetric() {
        FieldType t = FieldType.of(O2, List.of(O2.irrep(1, 1), O2.trivialRepr()));
        long seed = 50;
        for (R2Upsampling.Mode mode : R2Upsampling.Mode.values()) {
            for (int factor : new int[] {2, 3}) {
                FieldBlockChecks.assertEquivariant(() -> R2Upsampling.of(t, mode, factor), manager, 5, false, seed++);
            }
        }
        FieldBlockChecks.assertEquivariant(() -> R2Upsampling.ofSize(t, R2Upsampling.Mode.BILINEAR, 11, 11), manager, 5, false,
                seed++);
        FieldBlockChecks.assertEquivariant(() -> R2Upsampling.ofSize(t, R2Upsampling.Mode.BILINEAR_ALIGN_CORNERS, 8, 8), manager,
                5, false, seed++);
        try (NDManager m = manager.newSubManager()) {
            NDArray x = FieldBlockChecks.input(t, m, DataType.FLOAT64, 5, seed);
            R2Upsampling nearest = R2Upsampling.ofSize(t, R2Upsampling.Mode.NEAREST, 11, 11);
            double err = FieldBlockChecks.check(nearest, x, false).maxRelativeError();
            System.out.println("R2Upsampling nearest 5x5 -> 11x11, grid elements: max rel error " + err);
            assertTrue(err > 0.1, "nearest to a size that is not a multiple rounds positions down: not equivariant");
            FieldType one = FieldType.of(O2, 1, O2.trivialRepr());
            NDArray ramp = m.create(new double[] {0, 1, 0, 1}, new Shape(1, 1, 2, 2));
            double[] row = FieldBlockChecks.function(R2Upsampling.of(one, R2Upsampling.Mode.BILINEAR, 2), m, false).apply(ramp)
                    .get("0, 0, 0").toDoubleArray();
            assertArrayEquals(new double[] {0, 0.25, 0.75, 1}, row, 1e-15, "F.interpolate(scale 2, bilinear)");
            row = FieldBlockChecks.function(R2Upsampling.of(one, R2Upsampling.Mode.BILINEAR_ALIGN_CORNERS, 2), m, false)
                    .apply(ramp).get("0, 0, 0").toDoubleArray();
            assertArrayEquals(new double[] {0, 1 / 3.0, 2 / 3.0, 1}, row, 1e-15, "align_corners=True");
            row = FieldBlockChecks.function(R2Upsampling.of(one, R2Upsampling.Mode.NEAREST, 2), m, false).apply(ramp)
                    .get("0, 0, 3").toDoubleArray();
            assertArrayEquals(new double[] {0, 0, 1, 1}, row, 0.0);
            FieldBlockChecks.assertExportMatches(R2Upsampling.of(t, R2Upsampling.Mode.BILINEAR, 2), x, 0);
        }
        assertThrows(IllegalArgumentException.class, () -> R2Upsampling.of(t, R2Upsampling.Mode.NEAREST, 0));
        EquivariantBlock linear = R2Upsampling.of(t, R2Upsampling.Mode.NEAREST, 2);
        assertEquals(t, linear.outType());
    }

    @Test
    void replicationPaddingCopiesTheNearestBorderPixelAndIsExactOnTheGrid() {
        long seed = 70;
        for (FieldType t : orthogonalTypes()) {
            FieldBlockChecks.assertEquivariant(() -> ReplicationPadding.of(t, 3), manager, 5, false, seed++);
        }
        for (FieldType t : permutationTypes()) {
            FieldBlockChecks.assertEquivariant(() -> ReplicationPadding.of(t, 1), manager, 4, false, seed++);
        }
        try (NDManager m = manager.newSubManager()) {
            FieldType one = FieldType.of(O2, 1, O2.trivialRepr());
            NDArray x = m.create(new double[] {1, 2, 3, 4, 5, 6}, new Shape(1, 1, 2, 3));
            NDArray y = FieldBlockChecks.function(ReplicationPadding.of(one, 2), m, false).apply(x);
            assertEquals(new Shape(1, 1, 6, 7), y.getShape());
            double[] v = y.toDoubleArray();
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 7; j++) {
                    int r = Math.min(Math.max(i - 2, 0), 1);
                    int c = Math.min(Math.max(j - 2, 0), 2);
                    assertEquals(1 + 3 * r + c, v[7 * i + j], 0.0, "pixel " + i + ", " + j);
                }
            }
            FieldType t = orthogonalTypes().get(0);
            FieldBlockChecks.assertExportMatches(ReplicationPadding.of(t, 2), FieldBlockChecks.input(t, m, DataType.FLOAT32, 5,
                    seed), 0);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReplicationPadding.of(FieldType.of(O2, 1, O2.trivialRepr()), 0));
        assertTrue(e.getMessage().contains("at least 1 pixel of padding, got 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReplicationPadding.of(FieldType.of(O2.withoutBaseSpace(), 1,
                O2.trivialRepr()), 1));
    }
}

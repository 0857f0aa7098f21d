package org.equivariant4j.nn.norm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.nio.file.Path;
import java.util.List;
import org.equivariant4j.group.Groups;
import org.equivariant4j.nn.TestSupport;
import org.equivariant4j.nn.conv.PlainConvolution;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.field.GSpaces;
import org.equivariant4j.nn.field.Subgroup;
import org.equivariant4j.nn.testing.FieldBlockChecks;
import org.equivariant4j.nn.testing.SaveLoadChecks;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.Representation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FieldBatchNormTest {
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    static List<FieldType> permutationTypes() {
        GSpace c4 = GSpaces.rot2dOnR2(4);
        GSpace d4 = GSpaces.flipRot2dOnR2(4);
        GSpace d3 = GSpaces.noBaseSpace(Groups.dihedral(3));
        return List.of(FieldType.of(c4, List.of(c4.regularRepr(), c4.trivialRepr(), c4.quotientRepr(Subgroup.rotations(2)))),
                FieldType.of(d4, 2, d4.regularRepr()), FieldType.of(GSpaces.flip2dOnR2(), 2, GSpaces.flip2dOnR2().regularRepr()),
                FieldType.of(d3, 2, d3.regularRepr()));
    }

    static List<FieldType> generalTypes() {
        GSpace so2 = GSpaces.rot2dOnR2(-1, 3);
        GSpace o2 = GSpaces.flipRot2dOnR2(-1, 3, Math.PI / 2);
        GSpace c8 = GSpaces.rot2dOnR2(8);
        GSpace d4 = GSpaces.flipRot2dOnR2(4);
        GSpace point = GSpaces.noBaseSpace(Groups.so2());
        return List.of(FieldType.of(so2, List.of(so2.bandLimitedRegularRepr(2), so2.irrep(1), so2.trivialRepr())),
                FieldType.of(o2, List.of(o2.irrep(1, 1), o2.bandLimitedRegularRepr(1), o2.irrep(1, 0))),
                FieldType.of(c8, List.of(c8.regularRepr(), c8.irrep(2), c8.irrep(4))),
                FieldType.of(d4, List.of(d4.standardRepr(), d4.regularRepr())),
                FieldType.of(point, List.of(point.bandLimitedRegularRepr(1), point.irrep(2))));
    }

    static List<FieldType> traceless() {
        GSpace so2 = GSpaces.rot2dOnR2(-1, 3);
        GSpace o2 = GSpaces.flipRot2dOnR2(-1, 3, Math.PI / 2);
        GSpace c8 = GSpaces.rot2dOnR2(8);
        GSpace point = GSpaces.noBaseSpace(Groups.o2());
        return List.of(FieldType.of(so2, List.of(so2.irrep(1), so2.irrep(2), so2.irrep(1))),
                FieldType.of(o2, List.of(o2.irrep(1, 0), o2.irrep(1, 1))), FieldType.of(c8, List.of(c8.irrep(1), c8.irrep(4))),
                FieldType.of(point, 2, point.irrep(1, 2)));
    }

    @Test
    void everyBatchNormIsEquivariantInTrainingAndInference() {
        long seed = 1;
        for (FieldType t : permutationTypes()) {
            FieldBlockChecks.assertEquivariant(() -> InnerBatchNorm.of(t), manager, 7, true, seed++);
        }
        for (FieldType t : generalTypes()) {
            FieldBlockChecks.assertEquivariant(() -> IIDBatchNorm.of(t), manager, 7, true, seed++);
            FieldBlockChecks.assertEquivariant(() -> GNormBatchNorm.of(t), manager, 7, true, seed++);
        }
        for (FieldType t : traceless()) {
            FieldBlockChecks.assertEquivariant(() -> NormBatchNorm.of(t), manager, 7, true, seed++);
        }
    }

    /**
     * Training output statistics in each field's irrep basis: per irrep block, the mean squared value over the batch,
     * space and the block's coordinates, and per trivial irrep the mean.
     */
    private record IrrepStats(double[] meanSquare, double[] trivialMean, int[] field) {}

    private static IrrepStats statistics(FieldType type, double[] y, int batch, int positions) {
        List<Double> squares = new java.util.ArrayList<>();
        List<Double> means = new java.util.ArrayList<>();
        List<Integer> fields = new java.util.ArrayList<>();
        for (int f = 0; f < type.fields(); f++) {
            Representation<?> r = type.representations().get(f);
            double[][] q = r.changeOfBasis();
            int d = r.dimension();
            int offset = 0;
            for (Irrep<?> psi : r.irreps()) {
                double sq = 0;
                double mean = 0;
                for (int n = 0; n < batch; n++) {
                    for (int p = 0; p < positions; p++) {
                        for (int i = offset; i < offset + psi.dimension(); i++) {
                            double v = 0;
                            for (int c = 0; c < d; c++) {
                                v += q[c][i] * y[(n * type.size() + type.fieldStart(f) + c) * positions + p];
                            }
                            sq += v * v;
                            mean += v;
                        }
                    }
                }
                squares.add(sq / (batch * positions * psi.dimension()));
                fields.add(f);
                if (psi.equals(r.group().trivialIrrep())) {
                    means.add(mean / (batch * positions));
                }
                offset += psi.dimension();
            }
        }
        return new IrrepStats(squares.stream().mapToDouble(Double::doubleValue).toArray(),
                means.stream().mapToDouble(Double::doubleValue).toArray(), fields.stream().mapToInt(Integer::intValue).toArray());
    }

    @Test
    void trainingOutputsHaveUnitVarianceAndZeroInvariantMean() {
        GSpace d4 = GSpaces.flipRot2dOnR2(4);
        FieldType type = FieldType.of(d4, List.of(d4.regularRepr(), d4.irrep(1, 1), d4.trivialRepr(), d4.regularRepr()));
        FieldType noTrivial = FieldType.of(d4, List.of(d4.irrep(1, 1), d4.irrep(1, 0), d4.standardRepr()));
        try (NDManager m = manager.newSubManager()) {
            for (FieldBatchNorm bn : List.of(IIDBatchNorm.of(type), GNormBatchNorm.of(type), NormBatchNorm.of(noTrivial),
                    InnerBatchNorm.of(FieldType.of(d4, List.of(d4.regularRepr(), d4.trivialRepr(), d4.quotientRepr(Subgroup.flip())))))) {
                FieldType t = bn.inType();
                Shape s = new Shape(3, t.size(), 5, 5);
                // shifted and scaled per channel, so that the statistics have something to remove
                NDArray x = TestSupport.gaussian(m, s, DataType.FLOAT64, 7).mul(TestSupport.gaussian(m, new Shape(1, t.size(), 1, 1),
                        DataType.FLOAT64, 8).add(2)).add(TestSupport.gaussian(m, new Shape(1, t.size(), 1, 1), DataType.FLOAT64, 9));
                bn.initialize(m, DataType.FLOAT64, s);
                double[] y = FieldBlockChecks.function(bn, m, true).apply(x).toDoubleArray();
                IrrepStats stats = statistics(t, y, 3, 25);
                for (double mean : stats.trivialMean()) {
                    if (!(bn instanceof NormBatchNorm)) {
                        assertEquals(0, mean, 1e-12, bn + ": invariant means removed");
                    }
                }
                double[] perGroup = bn instanceof GNormBatchNorm ? stats.meanSquare() : perField(t, stats);
                for (double v : perGroup) {
                    assertEquals(1, v, 1e-3, bn + ": unit mean square per variance group");
                }
            }
        }
    }

    /** The mean square per field from the per-irrep values (weighted by the irreps' dimensions). */
    private static double[] perField(FieldType type, IrrepStats stats) {
        double[] out = new double[type.fields()];
        int k = 0;
        for (int f = 0; f < type.fields(); f++) {
            Representation<?> r = type.representations().get(f);
            for (Irrep<?> psi : r.irreps()) {
                out[f] += stats.meanSquare()[k++] * psi.dimension() / r.dimension();
            }
        }
        return out;
    }

    @Test
    void runningStatisticsFollowTheBatchAndExportMatches() {
        FieldBatchNorm.Options momentum0 = FieldBatchNorm.Options.defaults().withMomentum(0);
        for (FieldBatchNorm.Options o : List.of(momentum0, momentum0.withAffine(false))) {
            for (FieldType type : List.of(generalTypes().get(3), generalTypes().get(4), permutationTypes().get(0))) {
                for (FieldBatchNorm bn : List.of(IIDBatchNorm.of(type, o), GNormBatchNorm.of(type, o))) {
                    try (NDManager m = manager.newSubManager()) {
                        NDArray x = FieldBlockChecks.input(type, m, DataType.FLOAT64, 6, 11).add(0.7);
                        FieldBlockChecks.initializeRandomly(bn, x, 12);
                        FieldBlockChecks.function(bn, m, true).apply(x);
                        // momentum 0: the running statistics are the batch's, the variance unbiased over its n values
                        long positions = x.getShape().size() / type.size() / x.getShape().get(0);
                        int batch = (int) x.getShape().get(0);
                        IrrepStats raw = statistics(type, x.toDoubleArray(), batch, (int) positions);
                        assertArrayEquals(raw.trivialMean(), bn.runningMean().getArray().toDoubleArray(), 1e-12, bn + " mean");
                        assertArrayEquals(unbiasedVariances(type, raw, bn instanceof GNormBatchNorm, batch * positions),
                                bn.runningVar().getArray().toDoubleArray(), 1e-12, bn + " variance");
                        FieldBlockChecks.initializeRandomly(bn, x, 13);
                        FieldBlockChecks.assertExportMatches(bn, x, 1e-12);
                        NDArray x32 = x.toType(DataType.FLOAT32, false);
                        FieldBatchNorm copy = bn instanceof IIDBatchNorm ? IIDBatchNorm.of(type, o) : GNormBatchNorm.of(type, o);
                        FieldBlockChecks.initializeRandomly(copy, x32, 14);
                        FieldBlockChecks.assertExportMatches(copy, x32, 1e-5);
                    }
                }
            }
        }
    }

    /** Per irrep (GNorm) or per field (IID): the centred mean square times n/(n − 1), n the number of values. */
    private static double[] unbiasedVariances(FieldType type, IrrepStats raw, boolean perIrrep, long samples) {
        List<Double> out = new java.util.ArrayList<>();
        int k = 0;
        int t = 0;
        for (int f = 0; f < type.fields(); f++) {
            Representation<?> r = type.representations().get(f);
            double fieldSum = 0;
            for (Irrep<?> psi : r.irreps()) {
                double var = raw.meanSquare()[k++];
                if (psi.equals(r.group().trivialIrrep())) {
                    var -= raw.trivialMean()[t] * raw.trivialMean()[t];
                    t++;
                }
                double n = (double) samples * psi.dimension();
                if (perIrrep) {
                    out.add(var * n / (n - 1));
                }
                fieldSum += var * psi.dimension();
            }
            double n = (double) samples * r.dimension();
            if (!perIrrep) {
                out.add(fieldSum / r.dimension() * n / (n - 1));
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Test
    void fusedInnerBatchNormAgreesWithTheGeneralComputation() {
        FieldType uniform = permutationTypes().get(1);
        InnerBatchNorm fused = InnerBatchNorm.of(uniform);
        InnerBatchNorm general = InnerBatchNorm.of(uniform, FieldBatchNorm.Options.defaults().withAffine(false));
        try (NDManager m = manager.newSubManager()) {
            NDArray x = FieldBlockChecks.input(uniform, m, DataType.FLOAT64, 5, 15).mul(1.5).add(0.3);
            fused.initialize(m, DataType.FLOAT64, x.getShape());
            general.initialize(m, DataType.FLOAT64, x.getShape());
            for (boolean training : new boolean[] {true, true, false}) {
                NDArray a = FieldBlockChecks.function(fused, m, training).apply(x);
                NDArray b = FieldBlockChecks.function(general, m, training).apply(x);
                assertEquals(0, a.sub(b).abs().max().getDouble(), 1e-12, training ? "training" : "inference");
            }
            assertEquals(0, fused.runningMean().getArray().sub(general.runningMean().getArray()).abs().max().getDouble(), 1e-14);
            assertEquals(0, fused.runningVar().getArray().sub(general.runningVar().getArray()).abs().max().getDouble(), 1e-14);
        }
    }

    @Test
    void exportIsABatchNormUnlessTheBasisMixesChannels() {
        GSpace c4 = GSpaces.rot2dOnR2(4);
        FieldType regular = FieldType.of(c4, 2, c4.regularRepr());
        try (NDManager m = manager.newSubManager()) {
            NDArray x = FieldBlockChecks.input(regular, m, DataType.FLOAT32, 5, 20);
            InnerBatchNorm inner = InnerBatchNorm.of(regular);
            FieldBlockChecks.initializeRandomly(inner, x, 21);
            Block plain = inner.export();
            assertInstanceOf(ai.djl.nn.norm.BatchNorm.class, plain);
            FieldBlockChecks.assertExportMatches(inner, x, 1e-6);
            GNormBatchNorm gnorm = GNormBatchNorm.of(regular);
            FieldBlockChecks.initializeRandomly(gnorm, x, 22);
            assertInstanceOf(PlainConvolution.class, gnorm.export());
            assertEquals(2 * 3, gnorm.varianceGroups(), "C4's regular representation has three irreps");
            assertEquals(2, gnorm.meanDirections());
            FieldType d3 = permutationTypes().get(3);
            NDArray v = FieldBlockChecks.input(d3, m, DataType.FLOAT64, 0, 23);
            GNormBatchNorm vectors = GNormBatchNorm.of(d3);
            FieldBlockChecks.initializeRandomly(vectors, v, 24);
            assertInstanceOf(ai.djl.nn.core.Linear.class, vectors.export(), "no base space: a Linear");
            FieldBlockChecks.assertExportMatches(vectors, v, 1e-12);
            for (FieldType t : traceless()) {
                NormBatchNorm norm = NormBatchNorm.of(t);
                NDArray z = FieldBlockChecks.input(t, m, DataType.FLOAT64, 4, 25);
                FieldBlockChecks.initializeRandomly(norm, z, 26);
                FieldBlockChecks.assertExportMatches(norm, z, 1e-12);
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesThroughTheBatchStatistics() {
        for (FieldBatchNorm bn : List.of(IIDBatchNorm.of(generalTypes().get(3)), GNormBatchNorm.of(generalTypes().get(0)),
                NormBatchNorm.of(traceless().get(1)), InnerBatchNorm.of(permutationTypes().get(0)),
                InnerBatchNorm.of(permutationTypes().get(1)))) {
            try (NDManager m = manager.newSubManager()) {
                NDArray x = FieldBlockChecks.input(bn.inType(), m, DataType.FLOAT64, 3, 30);
                FieldBlockChecks.initializeRandomly(bn, x, 31);
                FieldBlockChecks.assertParameterGradients(bn, x, 32);
            }
        }
    }

    @Test
    void parametersAndRunningStatisticsSaveAndLoadBitExactly(@TempDir Path dir) throws Exception {
        FieldType type = generalTypes().get(3);
        try (NDManager m = manager.newSubManager()) {
            NDArray x = FieldBlockChecks.input(type, m, DataType.FLOAT32, 5, 40);
            GNormBatchNorm original = GNormBatchNorm.of(type);
            FieldBlockChecks.initializeRandomly(original, x, 41);
            FieldBlockChecks.function(original, m, true).apply(x);
            assertEquals(4, original.getParameters().size(), "weight, bias and the two running statistics");
            byte[] bytes = SaveLoadChecks.assertRoundTripsExact(original, GNormBatchNorm.of(type), GNormBatchNorm.of(type), x,
                    manager, dir, "gnorm");
            IIDBatchNorm other = IIDBatchNorm.of(type);
            other.initialize(m, DataType.FLOAT32, x.getShape());
            MalformedModelException e = assertThrows(MalformedModelException.class, () -> SaveLoadChecks.load(other, m, bytes));
            assertTrue(e.getMessage().contains("IIDBatchNorm"), e.getMessage());
        }
    }

    @Test
    void badTypesAndInputsAreRefused() {
        GSpace c8 = GSpaces.rot2dOnR2(8);
        FieldType irreps = FieldType.of(c8, List.of(c8.regularRepr(), c8.irrep(1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InnerBatchNorm.of(irreps));
        assertTrue(e.getMessage().contains(irreps.toString()) && e.getMessage().contains("psi[1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NormBatchNorm.of(irreps));
        assertTrue(e.getMessage().contains("trivial irrep") && e.getMessage().contains("regular"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FieldBatchNorm.Options.defaults().withEpsilon(0));
        assertThrows(IllegalArgumentException.class, () -> FieldBatchNorm.Options.defaults().withMomentum(1.5));
        IIDBatchNorm bn = IIDBatchNorm.of(irreps);
        try (NDManager m = manager.newSubManager()) {
            bn.initialize(m, DataType.FLOAT64, new Shape(2, 10, 3, 3));
            NDArray wrongType = m.zeros(new Shape(2, 10, 3, 3), DataType.FLOAT32);
            e = assertThrows(IllegalArgumentException.class, () -> FieldBlockChecks.function(bn, m, false).apply(wrongType));
            assertTrue(e.getMessage().contains("float64") || e.getMessage().contains("FLOAT64"), e.getMessage());
            NDArray wrongShape = m.zeros(new Shape(2, 9, 3, 3), DataType.FLOAT64);
            e = assertThrows(IllegalArgumentException.class, () -> FieldBlockChecks.function(bn, m, false).apply(wrongShape));
            assertTrue(e.getMessage().contains("(2, 9, 3, 3)") && e.getMessage().contains(irreps.toString()), e.getMessage());
            NDArray single = m.zeros(new Shape(1, 10, 1, 1), DataType.FLOAT64);
            assertThrows(IllegalArgumentException.class, () -> FieldBlockChecks.function(bn, m, true).apply(single));
        }
    }
}

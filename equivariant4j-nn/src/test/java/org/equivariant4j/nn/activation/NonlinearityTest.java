package org.equivariant4j.nn.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.List;
import org.equivariant4j.group.Groups;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.field.GSpaces;
import org.equivariant4j.nn.field.Subgroup;
import org.equivariant4j.nn.testing.FieldBlockChecks;
import org.equivariant4j.nn.testing.SaveLoadChecks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NonlinearityTest {
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** Trivial, regular and quotient fields of finite groups. */
    static List<FieldType> permutationTypes() {
        GSpace c4 = GSpaces.rot2dOnR2(4);
        GSpace d4 = GSpaces.flipRot2dOnR2(4);
        GSpace flip = GSpaces.flip2dOnR2();
        return List.of(FieldType.of(c4, List.of(c4.regularRepr(), c4.trivialRepr(), c4.quotientRepr(Subgroup.rotations(2)))),
                FieldType.of(d4, List.of(d4.regularRepr(), d4.quotientRepr(Subgroup.flip()), d4.trivialRepr())),
                FieldType.of(flip, 2, flip.regularRepr()), FieldType.of(GSpaces.trivialOnR2(), 3, GSpaces.trivialOnR2().trivialRepr()),
                FieldType.of(GSpaces.noBaseSpace(Groups.dihedral(3)), 2, GSpaces.noBaseSpace(Groups.dihedral(3)).regularRepr()));
    }

    /** Irreps and band-limited regular fields of the continuous groups, irreps of finite ones. */
    static List<FieldType> orthogonalTypes() {
        GSpace so2 = GSpaces.rot2dOnR2(-1, 3);
        GSpace o2 = GSpaces.flipRot2dOnR2(-1, 3, Math.PI / 2);
        GSpace c8 = GSpaces.rot2dOnR2(8);
        GSpace d4 = GSpaces.flipRot2dOnR2(4);
        return List.of(FieldType.of(so2, List.of(so2.irrep(1), so2.bandLimitedRegularRepr(2), so2.irrep(0), so2.irrep(3))),
                FieldType.of(o2, List.of(o2.irrep(1, 1), o2.irrep(1, 0), o2.bandLimitedRegularRepr(1))),
                FieldType.of(c8, List.of(c8.irrep(2), c8.irrep(2), c8.regularRepr())),
                FieldType.of(d4, List.of(d4.irrep(1, 1), d4.standardRepr())),
                FieldType.of(GSpaces.noBaseSpace(Groups.so2()), 2, Groups.so2().irrep(2)));
    }

    @Test
    void pointwiseFunctionsAreExactlyEquivariantOnPermutationFields() {
        List<ScalarActivation> functions = List.of(ScalarActivation.relu(), ScalarActivation.elu(0.7),
                ScalarActivation.leakyRelu(0.1), ScalarActivation.sigmoid(), ScalarActivation.tanh());
        int i = 0;
        for (FieldType type : permutationTypes()) {
            ScalarActivation f = functions.get(i++ % functions.size());
            FieldBlockChecks.assertEquivariant(() -> PointwiseNonlinearity.of(type, f), manager, 9, false, i);
        }
    }

    @Test
    void pointwiseExportsDjlActivationsAndRefusesIrreps() {
        GSpace d4 = GSpaces.flipRot2dOnR2(4);
        FieldType type = FieldType.of(d4, 3, d4.regularRepr());
        try (NDManager m = manager.newSubManager()) {
            NDArray x = FieldBlockChecks.input(type, m, DataType.FLOAT32, 5, 1);
            for (ScalarActivation f : List.of(ScalarActivation.relu(), ScalarActivation.elu(1.3), ScalarActivation.leakyRelu(0.2),
                    ScalarActivation.sigmoid(), ScalarActivation.tanh())) {
                FieldBlockChecks.assertExportMatches(PointwiseNonlinearity.of(type, f), x, 0);
            }
        }
        FieldType vectors = FieldType.of(d4, List.of(d4.regularRepr(), d4.irrep(1, 1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PointwiseNonlinearity.relu(vectors));
        assertTrue(e.getMessage().contains(vectors.toString()) && e.getMessage().contains("psi[1,1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ScalarActivation.elu(Double.NaN));
    }

    @Test
    void normNonlinearitiesAreEquivariantForOrthogonalFields() {
        int seed = 20;
        for (FieldType type : orthogonalTypes()) {
            FieldBlockChecks.assertEquivariant(() -> NormNonlinearity.relu(type), manager, 9, false, seed++);
            FieldBlockChecks.assertEquivariant(() -> NormNonlinearity.sigmoid(type), manager, 9, false, seed++);
            FieldBlockChecks.assertEquivariant(() -> NormNonlinearity.squash(type), manager, 9, false, seed++);
        }
        assertThrows(IllegalArgumentException.class,
                () -> NormNonlinearity.of(orthogonalTypes().get(0), NormNonlinearity.Function.SQUASH, true));
    }

    @Test
    void normReluMatchesItsFormulaAndHasFiniteDifferenceGradients() {
        GSpace so2 = GSpaces.rot2dOnR2(-1, 3);
        FieldType type = FieldType.of(so2, List.of(so2.irrep(1), so2.irrep(0), so2.irrep(2)));
        try (NDManager m = manager.newSubManager()) {
            NormNonlinearity block = NormNonlinearity.relu(type);
            NDArray x = FieldBlockChecks.input(type, m, DataType.FLOAT64, 3, 5);
            FieldBlockChecks.initializeRandomly(block, x, 6);
            double[] b = block.logBias().getArray().exp().toDoubleArray();
            double[] in = x.toDoubleArray();
            double[] out = FieldBlockChecks.function(block, m, false).apply(x).toDoubleArray();
            int[] start = {0, 2, 3};
            int[] size = {2, 1, 2};
            for (int n = 0; n < 2; n++) {
                for (int p = 0; p < 9; p++) {
                    for (int f = 0; f < 3; f++) {
                        double norm = 0;
                        for (int c = 0; c < size[f]; c++) {
                            double v = in[(n * 5 + start[f] + c) * 9 + p];
                            norm += v * v;
                        }
                        norm = Math.sqrt(norm);
                        for (int c = 0; c < size[f]; c++) {
                            int at = (n * 5 + start[f] + c) * 9 + p;
                            assertEquals(Math.max(norm - b[f], 0) * in[at] / norm, out[at], 1e-12);
                        }
                    }
                }
            }
            FieldBlockChecks.assertParameterGradients(block, x, 7);
            FieldBlockChecks.assertExportMatches(block, x, 1e-12);
        }
    }

    @Test
    void gatedNonlinearityIsEquivariantAndKeepsOrDropsItsGates() {
        GSpace o2 = GSpaces.flipRot2dOnR2(-1, 3, Math.PI / 2);
        FieldType mixed = FieldType.of(o2, List.of(o2.trivialRepr(), o2.irrep(1, 1), o2.irrep(1, 2), o2.trivialRepr(),
                o2.bandLimitedRegularRepr(1), o2.trivialRepr()));
        int[] gates = {0, 3, 5};
        FieldBlockChecks.assertEquivariant(() -> GatedNonlinearity.of(mixed, gates, true), manager, 9, false, 40);
        FieldBlockChecks.assertEquivariant(() -> GatedNonlinearity.of(mixed, gates, false), manager, 9, false, 41);
        GSpace c8 = GSpaces.rot2dOnR2(8);
        FieldType half = FieldType.of(c8, 2, c8.trivialRepr()).plus(FieldType.of(c8, List.of(c8.irrep(1), c8.regularRepr())));
        FieldBlockChecks.assertEquivariant(() -> GatedNonlinearity.of(half), manager, 9, false, 42);
        GatedNonlinearity dropped = GatedNonlinearity.of(mixed, gates, true);
        assertEquals(FieldType.of(o2, List.of(o2.irrep(1, 1), o2.irrep(1, 2), o2.bandLimitedRegularRepr(1))), dropped.outType());
        try (NDManager m = manager.newSubManager()) {
            GatedNonlinearity kept = GatedNonlinearity.of(mixed, gates, false);
            NDArray x = FieldBlockChecks.input(mixed, m, DataType.FLOAT64, 4, 43);
            FieldBlockChecks.initializeRandomly(kept, x, 44);
            double[] b = kept.bias().getArray().toDoubleArray();
            double[] in = x.toDoubleArray();
            double[] out = FieldBlockChecks.function(kept, m, false).apply(x).toDoubleArray();
            int c = mixed.size();
            // channel 1 (field 1, first gated) is multiplied by σ(x_0 − b_0); channel 5 (field 3) becomes σ(x_5 − b_1)
            double g0 = 1 / (1 + Math.exp(-(in[0] - b[0])));
            assertEquals(in[16] * g0, out[16], 1e-12);
            assertEquals(1 / (1 + Math.exp(-(in[5 * 16] - b[1]))), out[5 * 16], 1e-12);
            assertEquals(c * 16 * 2, out.length);
            FieldBlockChecks.assertParameterGradients(kept, x, 45);
            FieldBlockChecks.assertExportMatches(kept, x, 1e-12);
            FieldBlockChecks.initializeRandomly(dropped, x, 46);
            FieldBlockChecks.assertExportMatches(dropped, x, 1e-12);
        }
    }

    @Test
    void gatedNonlinearityRefusesBadGates() {
        GSpace c4 = GSpaces.rot2dOnR2(4);
        FieldType type = FieldType.of(c4, List.of(c4.irrep(1), c4.trivialRepr()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GatedNonlinearity.of(type));
        assertTrue(e.getMessage().contains("trivial field") && e.getMessage().contains(type.toString()), e.getMessage());
        FieldType odd = FieldType.of(c4, List.of(c4.trivialRepr(), c4.irrep(1), c4.irrep(1)));
        e = assertThrows(IllegalArgumentException.class, () -> GatedNonlinearity.of(odd, new int[] {0}, true));
        assertTrue(e.getMessage().contains("1 gates and 2 gated fields"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GatedNonlinearity.of(odd, new int[] {0, 0}, true));
    }

    @Test
    void normAndGatedParametersSaveAndLoadBitExactly(@TempDir Path dir) throws Exception {
        GSpace so2 = GSpaces.rot2dOnR2(-1, 3);
        FieldType type = FieldType.of(so2, List.of(so2.irrep(0), so2.irrep(1), so2.irrep(0), so2.irrep(2)));
        try (NDManager m = manager.newSubManager()) {
            NDArray x = FieldBlockChecks.input(type, m, DataType.FLOAT32, 5, 50);
            NormNonlinearity norm = NormNonlinearity.relu(type);
            FieldBlockChecks.initializeRandomly(norm, x, 51);
            SaveLoadChecks.assertRoundTripsExact(norm, NormNonlinearity.relu(type), NormNonlinearity.relu(type), x, manager,
                    dir.resolve("norm"), "norm");
            GatedNonlinearity gated = GatedNonlinearity.of(type, new int[] {0, 2}, false);
            FieldBlockChecks.initializeRandomly(gated, x, 52);
            byte[] bytes = SaveLoadChecks.assertRoundTripsExact(gated, GatedNonlinearity.of(type, new int[] {0, 2}, false),
                    GatedNonlinearity.of(type, new int[] {0, 2}, false), x, manager, dir.resolve("gated"), "gated");
            GatedNonlinearity other = GatedNonlinearity.of(type, new int[] {0, 2}, true);
            other.initialize(m, DataType.FLOAT32, x.getShape());
            assertThrows(ai.djl.MalformedModelException.class, () -> SaveLoadChecks.load(other, m, bytes));
        }
    }
}

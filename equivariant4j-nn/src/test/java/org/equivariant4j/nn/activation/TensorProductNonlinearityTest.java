package org.equivariant4j.nn.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.equivariant4j.group.Groups;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.field.GSpaces;
import org.equivariant4j.nn.testing.FieldBlockChecks;
import org.equivariant4j.repr.Representation;
import org.junit.jupiter.api.Test;

class TensorProductNonlinearityTest {
    /** Pairs (0e, 1o), (1o, 1o), (2e, 1o), (1o, 2e), (2e, 2e) of a GSpace with O(3) irreps. */
    static FieldType polarPairs(GSpace g) {
        List<String> names = List.of("0e", "1o", "2e", "1o", "2e", "1o", "1o", "1o", "2e", "2e");
        return FieldType.of(g, names.stream().<Representation<?>>map(g::irrep).toList());
    }

    @Test
    void exactForTheCubeSymmetriesAndForRandomRotationsAndReflections() {
        try (NDManager manager = NDManager.newBaseManager()) {
            exactFor(manager);
        }
    }

    private static void exactFor(NDManager manager) {
        // the 48 cube symmetries on volumes, float32 and float64
        FieldBlockChecks.assertEquivariant(() -> TensorProductNonlinearity.of(polarPairs(GSpaces.flipRot3dOnR3(2)), 2), manager,
                5, false, 3);
        // Haar-random elements of O(3), SO(3) and O(2) on the fibres alone
        FieldBlockChecks.assertEquivariant(() -> TensorProductNonlinearity.of(polarPairs(GSpaces.noBaseSpace(Groups.o3())), 3),
                manager, 0, false, 4);
        GSpace so3 = GSpaces.noBaseSpace(Groups.so3());
        FieldBlockChecks.assertEquivariant(() -> TensorProductNonlinearity.of(FieldType.of(so3, List.of(so3.irrep(1), so3.irrep(2),
                so3.irrep(2), so3.irrep(1))), 2), manager, 0, false, 5);
        GSpace o2 = GSpaces.noBaseSpace(Groups.o2());
        FieldBlockChecks.assertEquivariant(() -> TensorProductNonlinearity.of(FieldType.of(o2, List.of(o2.irrep(1, 1), o2.irrep(1, 2),
                o2.irrep(1, 1), o2.irrep(1, 1))), 3), manager, 0, false, 6);
        // and a finite group, whose Clebsch-Gordan coefficients are computed numerically
        GSpace d4 = GSpaces.flipRot2dOnR2(4);
        FieldBlockChecks.assertEquivariant(() -> TensorProductNonlinearity.of(FieldType.of(d4, List.of(d4.irrep(1, 1),
                d4.irrep(1, 1))), 2), manager, 9, false, 7);
    }

    @Test
    void outputsTheClebschGordanComponentsPairByPair() {
        GSpace g = GSpaces.noBaseSpace(Groups.o3());
        FieldType vectors = FieldType.of(g, List.of(g.irrep("1o"), g.irrep("1o")));
        TensorProductNonlinearity all = TensorProductNonlinearity.of(vectors, 2);
        assertEquals(List.of(g.irrep("0e"), g.irrep("1e"), g.irrep("2e")), all.outType().representations());
        TensorProductNonlinearity low = TensorProductNonlinearity.of(vectors, 1);
        assertEquals(List.of(g.irrep("0e"), g.irrep("1e")), low.outType().representations());
        assertEquals(List.of(g.irrep("1o"), g.irrep("0e"), g.irrep("1e")),
                TensorProductNonlinearity.of(polarPairs(g), 1).outType().representations().subList(0, 3),
                "pair by pair: (0e, 1o) gives 1o, then (1o, 1o) gives 0e and 1e");

        try (NDManager m = NDManager.newBaseManager()) {
            double[] a = {0.3, -1.2, 2.0};
            double[] b = {1.5, 0.4, -0.7};
            NDArray x = m.create(new double[] {a[0], a[1], a[2], b[0], b[1], b[2]}, new Shape(1, 6));
            ParameterStore ps = new ParameterStore(m, false);
            all.initialize(m, DataType.FLOAT64, x.getShape());
            low.initialize(m, DataType.FLOAT64, x.getShape());
            double[] y = all.forward(ps, new NDList(x), false).singletonOrThrow().toDoubleArray();
            double dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
            double[] cross = {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
            // the 0e path is a·b/√3, the 1e path the cross product /√2 (up to the sign of the path), all paths keep the norm
            assertEquals(Math.abs(dot) / Math.sqrt(3), Math.abs(y[0]), 1e-12);
            for (int i = 0; i < 3; i++) {
                assertEquals(Math.abs(cross[i]) / Math.sqrt(2), Math.abs(y[1 + i]), 1e-12, "cross product component " + i);
            }
            double norm2 = 0;
            for (double v : y) {
                norm2 += v * v;
            }
            assertEquals((a[0] * a[0] + a[1] * a[1] + a[2] * a[2]) * (b[0] * b[0] + b[1] * b[1] + b[2] * b[2]), norm2, 1e-12);
            double[] z = low.forward(ps, new NDList(x), false).singletonOrThrow().toDoubleArray();
            assertEquals(4, z.length);
            for (int i = 0; i < 4; i++) {
                assertEquals(y[i], z[i], 0, "L = 1 keeps the first paths unchanged");
            }
        }
    }

    @Test
    void exportGivesTheSameOutput() {
        try (NDManager m = NDManager.newBaseManager()) {
            TensorProductNonlinearity tp = TensorProductNonlinearity.of(polarPairs(GSpaces.flipRot3dOnR3(2)), 2);
            NDArray x = FieldBlockChecks.input(tp.inType(), m, DataType.FLOAT32, 3, 11);
            tp.initialize(m, DataType.FLOAT32, x.getShape());
            FieldBlockChecks.assertExportMatches(tp, x, 1e-6);
        }
    }

    @Test
    void refusesWhatItCannotMultiply() {
        GSpace g = GSpaces.flipRot3dOnR3(2);
        String odd = assertThrows(IllegalArgumentException.class,
                () -> TensorProductNonlinearity.of(FieldType.of(g, List.of(g.irrep("1o"), g.irrep("1o"), g.irrep("0e"))), 2))
                .getMessage();
        assertTrue(odd.contains("even number of fields") && odd.contains("has 3"), odd);
        String reducible = assertThrows(IllegalArgumentException.class,
                () -> TensorProductNonlinearity.of(FieldType.of(g, List.of(g.irrep("1o"), g.bandLimitedRegularRepr(1))), 2))
                .getMessage();
        assertTrue(reducible.contains("irreducible fields") && reducible.contains("field 1"), reducible);
        String empty = assertThrows(IllegalArgumentException.class,
                () -> TensorProductNonlinearity.of(FieldType.of(g, List.of(g.irrep("1o"), g.irrep("2e"))), 0)).getMessage();
        assertTrue(empty.contains("no component of frequency <= 0"), empty);
        String negative = assertThrows(IllegalArgumentException.class,
                () -> TensorProductNonlinearity.of(FieldType.of(g, List.of(g.irrep("1o"), g.irrep("1o"))), -1)).getMessage();
        assertTrue(negative.contains("got -1"), negative);
    }
}

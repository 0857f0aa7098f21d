package org.equivariant4j.nn.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import org.equivariant4j.group.Groups;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.field.GSpaces;
import org.equivariant4j.nn.testing.Equivariance;
import org.equivariant4j.nn.testing.FieldBlockChecks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FourierPointwiseTest {
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
    void exactForTheGridSymmetriesOfSo2AndO2() {
        GSpace so2 = GSpaces.rot2dOnR2(-1, 3);
        GSpace o2 = GSpaces.flipRot2dOnR2(-1, 3, Math.PI / 2);
        FieldType a = FieldType.of(so2, 3, so2.bandLimitedRegularRepr(2));
        FieldType b = FieldType.of(o2, 2, o2.bandLimitedRegularRepr(1));
        FieldBlockChecks.assertEquivariant(() -> FourierPointwise.of(a, ScalarActivation.relu()), manager, 7, false, 1);
        FieldBlockChecks.assertEquivariant(() -> FourierPointwise.of(a, ScalarActivation.elu(1), 12), manager, 7, false, 2);
        FieldBlockChecks.assertEquivariant(() -> FourierPointwise.of(b, ScalarActivation.elu(1)), manager, 7, false, 3);
        assertEquals(16, FourierPointwise.of(a, ScalarActivation.relu()).samples(), "default: 16 rotations for L = 2");
        assertEquals(16, FourierPointwise.of(b, ScalarActivation.relu()).samples(), "8 rotations and 8 reflections for L = 1");
    }

    @Test
    void samplingAndProjectionInvertEachOther() {
        // relu(t) − relu(−t) = t, so y(x) − y(−x) = (1/M) AᵀA x = x exactly for band-limited fields
        for (GSpace g : List.of(GSpaces.rot2dOnR2(-1, 3), GSpaces.flipRot2dOnR2(-1, 3, Math.PI / 2))) {
            FieldType type = FieldType.of(g, 2, g.bandLimitedRegularRepr(3));
            FourierPointwise block = FourierPointwise.of(type, ScalarActivation.relu());
            try (NDManager m = manager.newSubManager()) {
                NDArray x = FieldBlockChecks.input(type, m, DataType.FLOAT64, 5, 4);
                var f = FieldBlockChecks.function(block, m, false);
                double err = f.apply(x).sub(f.apply(x.neg())).sub(x).abs().max().getDouble();
                assertEquals(0, err, 1e-12, g.toString());
                FieldBlockChecks.assertExportMatches(block, x, 1e-12);
            }
        }
    }

    @Test
    void randomRotationsAreApproximateAndImproveWithMoreSamples() {
        for (GSpace g : List.of(GSpaces.noBaseSpace(Groups.so2()), GSpaces.noBaseSpace(Groups.o2()))) {
            FieldType type = FieldType.of(g, 4, g.bandLimitedRegularRepr(2));
            double previous = Double.POSITIVE_INFINITY;
            for (int n : new int[] {8, 16, 32, 64}) {
                try (NDManager m = manager.newSubManager()) {
                    FourierPointwise block = FourierPointwise.of(type, ScalarActivation.elu(1), n);
                    NDArray x = FieldBlockChecks.input(type, m, DataType.FLOAT64, 0, 5 + n);
                    Equivariance.Report r = Equivariance.check(block, x);
                    System.out.printf("FourierPointwise ELU %s L = 2, N = %d: random elements %s%n", g, n, r);
                    assertTrue(r.maxRelativeError() < previous, "the error falls as N grows: " + r);
                    assertTrue(r.maxRelativeError() < 0.2, r.toString());
                    previous = r.maxRelativeError();
                }
            }
        }
    }

    @Test
    void refusesFieldsItCannotSample() {
        GSpace c8 = GSpaces.rot2dOnR2(8);
        FieldType regular = FieldType.of(c8, 2, c8.regularRepr());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FourierPointwise.of(regular, ScalarActivation.relu()));
        assertTrue(e.getMessage().contains("PointwiseNonlinearity") && e.getMessage().contains(regular.toString()), e.getMessage());
        GSpace so2 = GSpaces.rot2dOnR2(-1, 3);
        FieldType mixed = FieldType.of(so2, List.of(so2.bandLimitedRegularRepr(2), so2.bandLimitedRegularRepr(1)));
        e = assertThrows(IllegalArgumentException.class, () -> FourierPointwise.of(mixed, ScalarActivation.relu()));
        assertTrue(e.getMessage().contains("band-limited") && e.getMessage().contains(mixed.toString()), e.getMessage());
        FieldType irreps = FieldType.of(so2, 2, so2.irrep(1));
        assertThrows(IllegalArgumentException.class, () -> FourierPointwise.of(irreps, ScalarActivation.relu()));
        FieldType l3 = FieldType.of(so2, 1, so2.bandLimitedRegularRepr(3));
        e = assertThrows(IllegalArgumentException.class, () -> FourierPointwise.of(l3, ScalarActivation.relu(), 6));
        assertTrue(e.getMessage().contains("N >= 2L + 1 = 7"), e.getMessage());
    }
}

package org.equivariant4j.nn.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.List;
import org.equivariant4j.nn.activation.GatedNonlinearity;
import org.equivariant4j.nn.activation.PointwiseNonlinearity;
import org.equivariant4j.nn.norm.IIDBatchNorm;
import org.equivariant4j.nn.testing.FieldBlockChecks;
import org.equivariant4j.nn.testing.SaveLoadChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectSumTest {
    private static final GSpace D4 = GSpaces.flipRot2dOnR2(4);
    /** Three invariant scalars. */
    private static final FieldType SCALARS = FieldType.of(D4, 3, D4.trivialRepr());
    /** Two gates, then two sign fields (the flips negate them) and a frequency-1 field. */
    private static final FieldType GATED = FieldType.of(D4, 3, D4.trivialRepr()).plus(FieldType.of(D4,
            List.of(D4.irrep(1, 0), D4.irrep(1, 0), D4.irrep(1, 1))));

    /** ELU on the scalars beside a gate on the sign and frequency-1 fields: neither nonlinearity alone takes both. */
    static DirectSum eluAndGate() {
        return DirectSum.of(PointwiseNonlinearity.elu(SCALARS, 1), GatedNonlinearity.of(GATED, new int[] {0, 1, 2}, true));
    }

    @Test
    void eachPartActsOnItsOwnChannelsAndTheSumIsEquivariant() {
        DirectSum sum = eluAndGate();
        assertEquals(SCALARS.plus(GATED), sum.inType());
        assertEquals(SCALARS.plus(GatedNonlinearity.of(GATED, new int[] {0, 1, 2}, true).outType()), sum.outType());
        try (NDManager m = NDManager.newBaseManager()) {
            FieldBlockChecks.assertEquivariant(DirectSumTest::eluAndGate, m, 7, true, 3);
            NDArray x = FieldBlockChecks.input(sum.inType(), m, DataType.FLOAT64, 5, 4);
            FieldBlockChecks.initializeRandomly(sum, x, 5);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray y = sum.forward(ps, new NDList(x), false).singletonOrThrow();
            assertEquals(new Shape(2, sum.outType().size(), 5, 5), y.getShape());
            // the first three channels are the ELU of the first three inputs, the rest the gate's output on the others
            NDArray first = sum.parts().get(0).forward(ps, new NDList(x.get(":, 0:3")), false).singletonOrThrow();
            NDArray second = sum.parts().get(1).forward(ps, new NDList(x.get(":, 3:")), false).singletonOrThrow();
            assertEquals(0.0, y.get(":, 0:3").sub(first).abs().max().getDouble());
            assertEquals(0.0, y.get(":, 3:").sub(second).abs().max().getDouble());
            FieldBlockChecks.assertExportMatches(sum, x, 1e-12);
            FieldBlockChecks.assertParameterGradients(sum, x, 6);
        }
    }

    @Test
    void savesAndLoadsThePartsParameters(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            DirectSum original = DirectSum.of(IIDBatchNorm.of(SCALARS), IIDBatchNorm.of(GATED));
            NDArray x = FieldBlockChecks.input(original.inType(), m, DataType.FLOAT32, 6, 8);
            FieldBlockChecks.initializeRandomly(original, x, 9);
            SaveLoadChecks.assertRoundTripsExact(original, DirectSum.of(IIDBatchNorm.of(SCALARS), IIDBatchNorm.of(GATED)),
                    DirectSum.of(IIDBatchNorm.of(SCALARS), IIDBatchNorm.of(GATED)), x, m, dir, "sum");
        }
    }

    @Test
    void badPartsAreRefusedNamingWhatCame() {
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> DirectSum.of(PointwiseNonlinearity.elu(SCALARS, 1)));
        assertTrue(one.getMessage().contains("at least two") && one.getMessage().contains("got 1"), one.getMessage());
        GSpace c4 = GSpaces.rot2dOnR2(4);
        IllegalArgumentException two = assertThrows(IllegalArgumentException.class, () -> DirectSum.of(
                PointwiseNonlinearity.elu(SCALARS, 1), PointwiseNonlinearity.elu(FieldType.of(c4, 1, c4.trivialRepr()), 1)));
        assertTrue(two.getMessage().contains(c4.toString()) && two.getMessage().contains(D4.toString()), two.getMessage());
        try (NDManager m = NDManager.newBaseManager()) {
            DirectSum sum = eluAndGate();
            NDArray wrong = m.zeros(new Shape(2, SCALARS.size(), 4, 4));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> sum.forward(new ParameterStore(m, false), new NDList(wrong), false));
            assertTrue(e.getMessage().contains("(2, 3, 4, 4)"), e.getMessage());
        }
    }
}

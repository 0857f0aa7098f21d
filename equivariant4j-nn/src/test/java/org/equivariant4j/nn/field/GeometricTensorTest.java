package org.equivariant4j.nn.field;

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
import org.junit.jupiter.api.Test;

class GeometricTensorTest {
    private static final GSpace D4 = GSpaces.flipRot2dOnR2(4);

    /** split cuts at field indices: each part holds exactly the channels and the type of fields(from, to). */
    @Test
    void splitGivesTheFieldsBetweenTheBreaks() {
        FieldType type = FieldType.of(D4, 2, D4.trivialRepr()).plus(FieldType.of(D4, 1, D4.regularRepr()))
                .plus(FieldType.of(D4, 3, D4.trivialRepr()));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = TestSupport.gaussian(m, new Shape(2, type.size(), 3, 3), DataType.FLOAT64, 1);
            GeometricTensor t = GeometricTensor.of(x, type);
            List<GeometricTensor> parts = t.split(2, 3);
            int[][] ranges = {{0, 2}, {2, 3}, {3, 6}};
            assertEquals(3, parts.size());
            for (int i = 0; i < 3; i++) {
                GeometricTensor want = t.fields(ranges[i][0], ranges[i][1]);
                assertEquals(want.type(), parts.get(i).type());
                assertArrayEquals(want.tensor().toDoubleArray(), parts.get(i).tensor().toDoubleArray(), 0.0);
            }
            assertEquals(new Shape(2, 8, 3, 3), parts.get(1).tensor().getShape());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.split(3, 2));
            assertTrue(e.getMessage().contains("split points must increase strictly inside (0, 6), got [3, 2]"),
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> t.split(6));
        }
    }
}

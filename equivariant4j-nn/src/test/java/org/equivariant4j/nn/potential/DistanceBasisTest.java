package org.equivariant4j.nn.potential;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.o3.RadialBasis;
import org.junit.jupiter.api.Test;

class DistanceBasisTest {
    @Test
    void gaussiansOfEachEdgesLength() {
        try (NDManager m = NDManager.newBaseManager()) {
            // a 3-atom molecule with distances 1.5 (0-1), 2.0 (0-2) and 2.5 (1-2)
            NDArray x = m.create(new double[] {0, 0, 0, 1.5, 0, 0, 0, 2.0, 0}, new Shape(3, 3));
            GraphBatch b = GraphBatch.fullyConnected(3, 1).positions(x).build();
            DistanceBasis basis = new DistanceBasis(5, 4.0);
            NDArray a = basis.of(b);
            assertEquals(new Shape(b.topology().numEdges(), 5), a.getShape());
            double[] lengths = b.edgeVectors().norm(new int[] {1}).toDoubleArray();
            double[] expected = RadialBasis.GAUSSIAN.softOneHotLinspace(m.create(lengths), 0, 4.0, 5, false).toDoubleArray();
            assertArrayEquals(expected, a.toDoubleArray(), 1e-15);
            for (double l : lengths) {
                assertTrue(Math.abs(l - 1.5) < 1e-12 || Math.abs(l - 2.0) < 1e-12 || Math.abs(l - 2.5) < 1e-12, "edge length " + l);
            }
            assertEquals(DataType.FLOAT64, a.getDataType());
        }
    }

    @Test
    void refusesTooFewGaussiansOrABadEnd() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DistanceBasis(1, 5.0));
        assertTrue(e.getMessage().contains("K >= 2") && e.getMessage().contains("K = 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DistanceBasis(8, 0));
        assertTrue(e.getMessage().contains("r_K = 0.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DistanceBasis(8, Double.POSITIVE_INFINITY));
    }
}

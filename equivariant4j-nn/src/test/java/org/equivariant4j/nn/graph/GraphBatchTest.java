package org.equivariant4j.nn.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class GraphBatchTest {

    @Test
    void rejectsMismatchedShapesAndNonFinitePositions() {
        try (NDManager m = NDManager.newBaseManager()) {
            GraphTopology t = GraphTopology.fullyConnected(3, 2);
            NDArray x = m.zeros(new Shape(6, 3));
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> GraphBatch.builder(t).positions(x).nodeFeatures(m.zeros(new Shape(5, 1))).build());
            assertTrue(ex.getMessage().contains("(5, 1)") && ex.getMessage().contains("(6, 3)"), ex.getMessage());
            ex = assertThrows(IllegalArgumentException.class,
                    () -> GraphBatch.builder(t).positions(x).velocities(m.zeros(new Shape(6, 2))).build());
            assertTrue(ex.getMessage().contains("(6, 2)") && ex.getMessage().contains("(6, 3)"), ex.getMessage());
            ex = assertThrows(IllegalArgumentException.class,
                    () -> GraphBatch.builder(t).positions(m.zeros(new Shape(7, 3))).build());
            assertTrue(ex.getMessage().contains("(7, 3)") && ex.getMessage().contains("N = 6"), ex.getMessage());
            ex = assertThrows(IllegalArgumentException.class,
                    () -> GraphBatch.builder(t).positions(x).edgeAttributes(m.zeros(new Shape(11, 2))).build());
            assertTrue(ex.getMessage().contains("(11, 2)") && ex.getMessage().contains("E = 12"), ex.getMessage());
            NDArray bad = m.create(new float[] {0, 0, 0, 1, 1, 1, 2, Float.POSITIVE_INFINITY, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5},
                    new Shape(6, 3));
            ex = assertThrows(IllegalArgumentException.class, () -> GraphBatch.builder(t).positions(bad).build());
            assertTrue(ex.getMessage().contains("node 2"), ex.getMessage());
            ex = assertThrows(IllegalArgumentException.class,
                    () -> GraphBatch.builder(t).positions(x).velocities(m.zeros(new Shape(6, 3), DataType.FLOAT64)).build());
            assertTrue(ex.getMessage().contains("float64"), ex.getMessage());
        }
    }

    @Test
    void ndListRoundTripKeepsEverything() {
        try (NDManager m = NDManager.newBaseManager()) {
            GraphTopology t = GraphTopology.fullyConnected(4, 3);
            GraphBatch g = GraphBatch.builder(t).positions(m.randomNormal(new Shape(12, 3)))
                    .velocities(m.randomNormal(new Shape(12, 3))).nodeFeatures(m.ones(new Shape(12, 2)))
                    .edgeAttributes(m.ones(new Shape(36, 1))).build();
            NDList list = g.toNDList();
            assertEquals(GraphBatch.NDLIST_SIZE, list.size());
            GraphBatch back = GraphBatch.fromNDList(list);
            assertEquals(4, back.topology().uniformFullyConnectedSize());
            assertArrayEquals(t.receivers(), back.topology().receivers());
            assertArrayEquals(t.senders(), back.topology().senders());
            assertEquals(3, back.numGraphs());
            assertTrue(back.velocities().isPresent() && back.edgeAttributes().isPresent());
            GraphBatch bare = GraphBatch.fromNDList(GraphBatch.builder(t).positions(g.positions()).build().toNDList());
            assertFalse(bare.velocities().isPresent());
            assertFalse(bare.nodeFeatures().isPresent());
            assertFalse(bare.edgeAttributes().isPresent());
        }
    }

    @Test
    void radiusGraphBuilderFromNDArray() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new double[] {0, 0, 0, 0.5, 0, 0, 3, 0, 0}, new Shape(3, 3));
            GraphBatch g = GraphBatch.radiusGraph(x, 1.0, null).build();
            assertEquals(2, g.numEdges());
            assertArrayEquals(new long[] {0, 1}, g.receiverIndex().toLongArray());
            assertArrayEquals(new long[] {1, 0}, g.senderIndex().toLongArray());
        }
    }
}

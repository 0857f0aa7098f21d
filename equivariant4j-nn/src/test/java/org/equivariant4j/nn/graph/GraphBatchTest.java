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

    /** Edge (receiver i, sender j) points from i to j: x_j − x_i, row by row in the topology's edge order. */
    @Test
    void edgeVectorsPointFromReceiverToSender() {
        try (NDManager m = NDManager.newBaseManager()) {
            double[] x = {0, 0, 0, 1, 2, 3, -1, 0.5, 4};
            GraphBatch b = GraphBatch.fullyConnected(3, 1).positions(m.create(x, new Shape(3, 3))).build();
            long[] recv = b.receiverIndex().toLongArray();
            long[] send = b.senderIndex().toLongArray();
            double[] v = b.edgeVectors().toDoubleArray();
            assertEquals(3 * recv.length, v.length);
            for (int e = 0; e < recv.length; e++) {
                for (int k = 0; k < 3; k++) {
                    assertEquals(x[(int) send[e] * 3 + k] - x[(int) recv[e] * 3 + k], v[3 * e + k], 0.0, "edge " + e);
                }
            }
        }
    }

    @Test
    void rejectsMismatchedShapesAndNonFinitePositions() {
        try (NDManager m = NDManager.newBaseManager()) {
            GraphTopology t = GraphTopology.fullyConnected(3, 2);
            NDArray x = m.zeros(new Shape(6, 3));
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> GraphBatch.builder(t).positions(x).nodeFeatures(m.zeros(new Shape(5, 1))).build());
            assertTrue(ex.getMessage().contains("(5, 1)") && ex.getMessage().contains("(6, 3)"), ex.getMessage());
            ex = assertThrows(IllegalArgumentException.class,
                    () -> GraphBatch.builder(t).positions(x).vectors(m.zeros(new Shape(6, 2))).build());
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
                    () -> GraphBatch.builder(t).positions(x).vectors(m.zeros(new Shape(6, 3), DataType.FLOAT64)).build());
            assertTrue(ex.getMessage().contains("float64"), ex.getMessage());
        }
    }

    /** Every float array of a batch is checked for NaN and infinity where it enters; the message names array and entry. */
    @Test
    void rejectsNonFiniteFeaturesVectorsAndEdgeAttributes() {
        try (NDManager m = NDManager.newBaseManager()) {
            GraphTopology t = GraphTopology.fullyConnected(3, 2);
            NDArray x = m.zeros(new Shape(6, 3));
            NDArray h = m.zeros(new Shape(6, 2));
            h.set(new ai.djl.ndarray.index.NDIndex("4, 1"), Float.NaN);
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> GraphBatch.builder(t).positions(x).nodeFeatures(h).build());
            assertTrue(ex.getMessage().contains("node features must be finite, but entry [4, 1] is NaN"), ex.getMessage());
            NDArray v = m.zeros(new Shape(6, 3));
            v.set(new ai.djl.ndarray.index.NDIndex("0, 2"), Float.NEGATIVE_INFINITY);
            ex = assertThrows(IllegalArgumentException.class, () -> GraphBatch.builder(t).positions(x).vectors(v).build());
            assertTrue(ex.getMessage().contains("vectors must be finite, but entry [0, 2] is -Infinity"), ex.getMessage());
            NDArray a = m.zeros(new Shape(12, 2));
            a.set(new ai.djl.ndarray.index.NDIndex("11, 0"), Float.NaN);
            GraphBatch ok = GraphBatch.builder(t).positions(x).build();
            ex = assertThrows(IllegalArgumentException.class, () -> ok.withEdgeAttributes(a));
            assertTrue(ex.getMessage().contains("edge attributes must be finite, but entry [11, 0] is NaN"), ex.getMessage());
            ex = assertThrows(IllegalArgumentException.class, () -> ok.withNodeFeatures(h));
            assertTrue(ex.getMessage().contains("[4, 1] is NaN"), ex.getMessage());
        }
    }

    /** Pair tensors [B, n, n, A] become edge values in the order of the fully connected topology. */
    @Test
    void denseOffDiagonalFollowsTheFullyConnectedEdgeOrder() {
        try (NDManager m = NDManager.newBaseManager()) {
            int b = 2;
            int n = 4;
            float[] dense = new float[b * n * n * 2];
            for (int g = 0; g < b; g++) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        int k = ((g * n + i) * n + j) * 2;
                        dense[k] = g * n + i; // receiver node
                        dense[k + 1] = g * n + j; // sender node
                    }
                }
            }
            NDArray edges = DenseGraphs.offDiagonal(m.create(dense, new Shape(b, n, n, 2)));
            GraphTopology t = GraphTopology.fullyConnected(n, b);
            assertEquals(new Shape(t.numEdges(), 2), edges.getShape());
            float[] e = edges.toFloatArray();
            long[] r = t.receivers();
            long[] s = t.senders();
            for (int k = 0; k < t.numEdges(); k++) {
                assertEquals(r[k], (long) e[2 * k], "receiver of edge " + k);
                assertEquals(s[k], (long) e[2 * k + 1], "sender of edge " + k);
            }
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> DenseGraphs.offDiagonal(m.zeros(new Shape(2, 3, 4, 1))));
            assertTrue(ex.getMessage().contains("(2, 3, 4, 1)"), ex.getMessage());
        }
    }

    @Test
    void ndListRoundTripKeepsEverything() {
        try (NDManager m = NDManager.newBaseManager()) {
            GraphTopology t = GraphTopology.fullyConnected(4, 3);
            GraphBatch g = GraphBatch.builder(t).positions(m.randomNormal(new Shape(12, 3)))
                    .vectors(m.randomNormal(new Shape(12, 3))).nodeFeatures(m.ones(new Shape(12, 2)))
                    .edgeAttributes(m.ones(new Shape(36, 1))).build();
            NDList list = g.toNDList();
            assertEquals(GraphBatch.NDLIST_SIZE, list.size());
            GraphBatch back = GraphBatch.fromNDList(list);
            assertEquals(4, back.topology().uniformFullyConnectedSize());
            assertArrayEquals(t.receivers(), back.topology().receivers());
            assertArrayEquals(t.senders(), back.topology().senders());
            assertEquals(3, back.numGraphs());
            assertTrue(back.vectors().isPresent() && back.edgeAttributes().isPresent());
            GraphBatch bare = GraphBatch.fromNDList(GraphBatch.builder(t).positions(g.positions()).build().toNDList());
            assertFalse(bare.vectors().isPresent());
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

package org.equivariant4j.nn.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Optional;
import org.equivariant4j.nn.ops.SegmentSum;

/**
 * A batch of geometric graphs, the generic input of the graph networks: optional node features {@code h [N, F]},
 * positions {@code x [N, 3]}, optional vectors {@code v [N, 3]} (one 3-vector per node that rotates with the
 * positions but does not translate, e.g. a velocity), optional edge attributes {@code [E, A]}, and the
 * {@link GraphTopology} (edge list with the EGNN convention: edge (i, j), message from sender j to receiver i,
 * aggregated at i; graph index per node). What the features mean is the caller's business (a task's input layout).
 *
 * <p>Immutable. At construction it validates shapes and dtypes, and that every float array is finite (a NaN or
 * infinite entry is an {@link IllegalArgumentException} naming the array and the first bad entry), and it
 * builds the int64 index arrays and the receiver {@link SegmentSum} on the positions' manager, so a
 * batch built outside an {@code NDScope} can be reused across training steps, and a batch built
 * inside one is freed with it.
 *
 * <p>To pass a batch through the generic {@code Block.forward(ParameterStore, NDList, …)} use
 * {@link #toNDList()} and {@link #fromNDList(NDList)}.
 */
public final class GraphBatch {
    /** Number of entries of {@link #toNDList()}. */
    public static final int NDLIST_SIZE = 7;

    private final GraphTopology topology;
    private final NDArray nodeFeatures; // nullable
    private final NDArray positions;
    private final NDArray vectors; // nullable
    private final NDArray edgeAttributes; // nullable
    private final NDArray receiverIndex;
    private final NDArray senderIndex;
    private final SegmentSum receiverAggregation;

    private GraphBatch(GraphTopology topology, NDArray h, NDArray x, NDArray v, NDArray a, NDArray rIdx,
            NDArray sIdx, SegmentSum agg) {
        this.topology = topology;
        this.nodeFeatures = h;
        this.positions = x;
        this.vectors = v;
        this.edgeAttributes = a;
        this.receiverIndex = rIdx;
        this.senderIndex = sIdx;
        this.receiverAggregation = agg;
    }

    /** A builder for the given topology. */
    public static Builder builder(GraphTopology topology) {
        return new Builder(topology);
    }

    /** A builder for {@link GraphTopology#fullyConnected(int, int)}. */
    public static Builder fullyConnected(int nodesPerGraph, int graphs) {
        return new Builder(GraphTopology.fullyConnected(nodesPerGraph, graphs));
    }

    /**
     * A builder for the radius graph of the given positions ([N, 3], FLOAT32 or FLOAT64), with the
     * positions already set. See {@link GraphTopology#radiusGraph(double[], double, long[])}.
     */
    public static Builder radiusGraph(NDArray positions, double cutoff, long[] graphIndex) {
        checkPositionsShape(positions);
        return new Builder(GraphTopology.radiusGraph(toDoubles(positions), cutoff, graphIndex)).positions(positions);
    }

    /** A builder for {@link GraphTopology#radiusGraph(double[][], double, long[])}. */
    public static Builder radiusGraph(double[][] positions, double cutoff, long[] graphIndex) {
        return new Builder(GraphTopology.radiusGraph(positions, cutoff, graphIndex));
    }

    public GraphTopology topology() {
        return topology;
    }

    public int numNodes() {
        return topology.numNodes();
    }

    public int numEdges() {
        return topology.numEdges();
    }

    public int numGraphs() {
        return topology.numGraphs();
    }

    /** Node features h [N, F], if present. */
    public Optional<NDArray> nodeFeatures() {
        return Optional.ofNullable(nodeFeatures);
    }

    /** Positions x [N, 3]. */
    public NDArray positions() {
        return positions;
    }

    /** Vectors v [N, 3], if present. */
    public Optional<NDArray> vectors() {
        return Optional.ofNullable(vectors);
    }

    /** Edge attributes [E, A], if present. */
    public Optional<NDArray> edgeAttributes() {
        return Optional.ofNullable(edgeAttributes);
    }

    /** The positions' dtype (FLOAT32 or FLOAT64); all float arrays of the batch share it. */
    public DataType dataType() {
        return positions.getDataType();
    }

    /** Receivers i of all edges, int64 [E] (on the positions' manager). */
    public NDArray receiverIndex() {
        return receiverIndex;
    }

    /** Senders j of all edges, int64 [E] (on the positions' manager). */
    public NDArray senderIndex() {
        return senderIndex;
    }

    /**
     * The edge vectors x_j − x_i [E, 3] (receiver i, sender j), computed from the positions on every call, so that they
     * are differentiable in positions that require gradients (forces, and their training through the second derivative).
     */
    public NDArray edgeVectors() {
        return positions.get(new NDIndex("{}", senderIndex)).sub(positions.get(new NDIndex("{}", receiverIndex)));
    }

    /** Segment sum/mean of per-edge values at their receivers. */
    public SegmentSum receiverAggregation() {
        return receiverAggregation;
    }

    /** A batch with the same topology and index arrays and other node features (validated). */
    public GraphBatch withNodeFeatures(NDArray h) {
        checkRows("node features", h, positions);
        checkFloat("node features", h, positions.getDataType());
        checkFinite("node features", h);
        return new GraphBatch(topology, h, positions, vectors, edgeAttributes, receiverIndex, senderIndex,
                receiverAggregation);
    }

    /** A batch with the same topology and index arrays and other edge attributes [E, A] (validated). */
    public GraphBatch withEdgeAttributes(NDArray a) {
        checkEdgeAttributes(a, topology.numEdges(), positions.getDataType());
        checkFinite("edge attributes", a);
        return new GraphBatch(topology, nodeFeatures, positions, vectors, a, receiverIndex, senderIndex,
                receiverAggregation);
    }

    /**
     * The batch as 7 arrays for {@code Block.forward}: [h, x, v, edge index int64 [2, E] (row 0:
     * receivers, row 1: senders), edge attributes, graph index int64 [N], numGraphs int64 [1]]. Absent
     * optional entries are empty 1-D arrays. The index arrays are new, on the positions' manager.
     */
    public NDList toNDList() {
        NDManager m = positions.getManager();
        DataType dt = positions.getDataType();
        NDArray edgeIndex = NDArrays.stack(new NDList(receiverIndex, senderIndex));
        return new NDList(
                nodeFeatures == null ? m.zeros(new Shape(0), dt) : nodeFeatures,
                positions,
                vectors == null ? m.zeros(new Shape(0), dt) : vectors,
                edgeIndex,
                edgeAttributes == null ? m.zeros(new Shape(0), dt) : edgeAttributes,
                m.create(topology.graphIndexView(), new Shape(topology.numNodes())),
                m.create(new long[] {topology.numGraphs()}));
    }

    /** Rebuilds (and re-validates) a batch from {@link #toNDList()}. */
    public static GraphBatch fromNDList(NDList list) {
        if (list.size() != NDLIST_SIZE) {
            throw new IllegalArgumentException("a GraphBatch NDList has " + NDLIST_SIZE
                    + " entries [h, x, v, edgeIndex, edgeAttr, graphIndex, numGraphs], got " + list.size());
        }
        NDArray edgeIndex = list.get(3);
        Shape es = edgeIndex.getShape();
        if (es.dimension() != 2 || es.get(0) != 2 || edgeIndex.getDataType() != DataType.INT64) {
            throw new IllegalArgumentException("edge index must be INT64 [2, E], got " + edgeIndex.getDataType()
                    + " " + es);
        }
        long[] flat = edgeIndex.toLongArray();
        int e = (int) es.get(1);
        long[] r = java.util.Arrays.copyOfRange(flat, 0, e);
        long[] s = java.util.Arrays.copyOfRange(flat, e, 2 * e);
        NDArray x = list.get(1);
        checkPositionsShape(x);
        long[] g = list.get(5).toLongArray();
        int numGraphs = (int) list.get(6).toLongArray()[0];
        GraphTopology t = GraphTopology.of((int) x.getShape().get(0), r, s, g, numGraphs);
        Builder b = builder(t).positions(x);
        if (!absent(list.get(0))) {
            b.nodeFeatures(list.get(0));
        }
        if (!absent(list.get(2))) {
            b.vectors(list.get(2));
        }
        if (!absent(list.get(4))) {
            b.edgeAttributes(list.get(4));
        }
        return b.build();
    }

    private static boolean absent(NDArray a) {
        return a.getShape().dimension() == 1 && a.getShape().get(0) == 0;
    }

    static double[] toDoubles(NDArray a) {
        if (a.getDataType() == DataType.FLOAT64) {
            return a.toDoubleArray();
        }
        if (a.getDataType() == DataType.FLOAT32) {
            float[] f = a.toFloatArray();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            return d;
        }
        throw new IllegalArgumentException("expected a FLOAT32 or FLOAT64 array, got " + a.getDataType());
    }

    /** Rejects the first NaN or infinite entry of a [rows, columns] float array, naming it. */
    private static void checkFinite(String what, NDArray a) {
        double[] d = toDoubles(a);
        long cols = a.getShape().dimension() < 2 ? 1 : a.getShape().get(1);
        for (int i = 0; i < d.length; i++) {
            if (!Double.isFinite(d[i])) {
                throw new IllegalArgumentException(what + " must be finite, but entry [" + i / cols + ", " + i % cols + "] is "
                        + d[i] + (what.equals("positions") ? " (node " + i / cols + ")" : ""));
            }
        }
    }

    private static void checkPositionsShape(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 2 || s.get(1) != 3) {
            throw new IllegalArgumentException("positions must have shape [N, 3], got " + s);
        }
        checkFloat("positions", x, null);
    }

    private static void checkFloat(String what, NDArray a, DataType expected) {
        DataType dt = a.getDataType();
        if (dt != DataType.FLOAT32 && dt != DataType.FLOAT64) {
            throw new IllegalArgumentException(what + " must be FLOAT32 or FLOAT64, got " + dt);
        }
        if (expected != null && dt != expected) {
            throw new IllegalArgumentException(what + " have dtype " + dt + " but positions have " + expected);
        }
    }

    private static void checkRows(String what, NDArray a, NDArray x) {
        Shape s = a.getShape();
        if (s.dimension() != 2 || s.get(0) != x.getShape().get(0)) {
            throw new IllegalArgumentException(what + " have shape " + s + " but positions have shape "
                    + x.getShape() + ": expected [" + x.getShape().get(0) + ", F], one row per node");
        }
    }

    private static void checkEdgeAttributes(NDArray a, int numEdges, DataType dt) {
        Shape s = a.getShape();
        if (s.dimension() != 2 || s.get(0) != numEdges) {
            throw new IllegalArgumentException("edge attributes have shape " + s + " but the topology has E = "
                    + numEdges + " edges: expected [" + numEdges + ", A]");
        }
        checkFloat("edge attributes", a, dt);
    }

    /** Builder; {@link #positions(NDArray)} is required, everything else optional. */
    public static final class Builder {
        private final GraphTopology topology;
        private NDArray h;
        private NDArray x;
        private NDArray v;
        private NDArray a;

        private Builder(GraphTopology topology) {
            this.topology = topology;
        }

        /** Node features h [N, F]. */
        public Builder nodeFeatures(NDArray h) {
            this.h = h;
            return this;
        }

        /** Positions x [N, 3], FLOAT32 or FLOAT64, finite. */
        public Builder positions(NDArray x) {
            this.x = x;
            return this;
        }

        /** Vectors v [N, 3] (rotate with the positions, do not translate). */
        public Builder vectors(NDArray v) {
            this.v = v;
            return this;
        }

        /** Edge attributes [E, A]. */
        public Builder edgeAttributes(NDArray a) {
            this.a = a;
            return this;
        }

        /** Validates and builds. */
        public GraphBatch build() {
            if (x == null) {
                throw new IllegalArgumentException("positions [N, 3] are required");
            }
            checkPositionsShape(x);
            int n = topology.numNodes();
            if (x.getShape().get(0) != n) {
                throw new IllegalArgumentException("positions have shape " + x.getShape() + " but the topology has N = "
                        + n + " nodes: expected [" + n + ", 3]");
            }
            DataType dt = x.getDataType();
            checkFinite("positions", x);
            if (v != null) {
                if (!v.getShape().equals(x.getShape())) {
                    throw new IllegalArgumentException("vectors have shape " + v.getShape()
                            + " but positions have shape " + x.getShape() + ": they must match");
                }
                checkFloat("vectors", v, dt);
                checkFinite("vectors", v);
            }
            if (h != null) {
                checkRows("node features", h, x);
                checkFloat("node features", h, dt);
                checkFinite("node features", h);
            }
            if (a != null) {
                checkEdgeAttributes(a, topology.numEdges(), dt);
                checkFinite("edge attributes", a);
            }
            NDManager m = x.getManager();
            int e = topology.numEdges();
            long[] both = new long[2 * e];
            System.arraycopy(topology.receiversView(), 0, both, 0, e);
            System.arraycopy(topology.sendersView(), 0, both, e, e);
            NDArray edgeIndex;
            try (NDArray javaBacked = m.create(both, new Shape(2, e))) {
                edgeIndex = javaBacked.duplicate(); // natively owned copy, safe to keep in views
            }
            NDArray rIdx = edgeIndex.get(0);
            NDArray sIdx = edgeIndex.get(1);
            SegmentSum agg = SegmentSum.of(rIdx, topology.receiversView(), n, dt);
            return new GraphBatch(topology, h, x, v, a, rIdx, sIdx, agg);
        }
    }
}

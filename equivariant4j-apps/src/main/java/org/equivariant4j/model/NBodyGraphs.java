package org.equivariant4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import org.equivariant4j.nn.graph.DenseGraphs;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.graph.GraphTopology;

/**
 * The graph inputs of the charged N-body models, exactly as the EGNN reference code builds them: B fully connected
 * systems of n particles (i-major edge order, {@link GraphTopology#fullyConnected}), edge attribute q_iq_j, and
 * <ul>
 *   <li>for EGNN: node feature ‖v_i‖, vectors v (the velocities), edge attributes [q_iq_j, ‖x_i − x_j‖²] of the input
 *       frame — all invariant, so the model is E(3)-equivariant;</li>
 *   <li>for the GNN baseline: node features [x_i, v_i] (6 numbers, not invariant: the baseline cannot be
 *       equivariant), edge attribute q_iq_j;</li>
 *   <li>for SEGNN (as its reference code, with the centroid fixed): node features [x_i − x̄, v_i, ‖v_i‖] (irreps
 *       {@code 2x1o+1x0e}, x̄ the system's centroid), vectors v, edge attribute q_iq_j; the model adds the harmonics of
 *       the relative positions and of v, and ‖x_j − x_i‖, itself. The reference subtracts the mean of each particle's
 *       three coordinates instead of the centroid (its issue #12), which breaks rotation equivariance;
 *       {@link #segnnReference} builds that input, to reproduce the published runs.</li>
 *   <li>for the lifted network (PONITA): node features [q_i, v_i] as irreps 1x0e+1x1o, positions, nothing else.</li>
 * </ul>
 * Arrays: positions x and velocities v [B·n, 3], charges q [B·n] or [B·n, 1], all float32 or all float64.
 */
public final class NBodyGraphs {
    /** Node features of the EGNN input: the speed ‖v‖. */
    public static final int EGNN_NODE_FEATURES = 1;
    /** Edge attributes of the EGNN input: q_iq_j and ‖x_i − x_j‖². */
    public static final int EGNN_EDGE_ATTRIBUTES = 2;
    /** Node features of the GNN input: [x, v]. */
    public static final int GNN_NODE_FEATURES = 6;
    /** Edge attributes of the GNN input: q_iq_j. */
    public static final int GNN_EDGE_ATTRIBUTES = 1;
    /** Node features of the SEGNN input: x − x̄, v, ‖v‖. */
    public static final org.equivariant4j.o3.Irreps SEGNN_NODE_FEATURES = org.equivariant4j.o3.Irreps.parse("2x1o+1x0e");
    /** Edge scalars of the SEGNN input (besides the distance the model computes): q_iq_j. */
    public static final int SEGNN_EDGE_SCALARS = 1;
    /** Node features of the lifted (PONITA) input: the charge and the velocity. */
    public static final String PONITA_NODE_IRREPS = "1x0e+1x1o";

    private NBodyGraphs() {}

    /** EGNN input of B = nodes / n systems of {@code topology} (n = its uniform graph size). */
    public static GraphBatch egnn(GraphTopology topology, NDArray x, NDArray v, NDArray charges) {
        int n = nodesPerGraph(topology);
        long b = topology.numGraphs();
        NDArray q = charges(charges, topology).reshape(b, n, 1);
        NDArray x3 = x.reshape(b, n, 3);
        // dense [B, n, n, 2] by broadcasting, then the off-diagonal entries: no per-edge gathers
        NDArray dist = x3.expandDims(2).sub(x3.expandDims(1)).square().sum(new int[] {3}, true);
        NDArray qq = q.expandDims(2).mul(q.expandDims(1));
        return GraphBatch.builder(topology).positions(x).vectors(v).nodeFeatures(v.norm(new int[] {1}, true))
                .edgeAttributes(DenseGraphs.offDiagonal(qq.concat(dist, 3))).build();
    }

    /**
     * Lifted (PONITA) input, as the reference code builds it: node features [q_i, v_i] (irreps "1x0e+1x1o": the charge
     * and the velocity), positions x, no edge attributes (the model computes its pair invariants itself).
     */
    public static GraphBatch ponita(GraphTopology topology, NDArray x, NDArray v, NDArray charges) {
        nodesPerGraph(topology);
        NDArray q = charges(charges, topology).reshape(topology.numNodes(), 1);
        return GraphBatch.builder(topology).positions(x).nodeFeatures(q.concat(v, 1)).build();
    }

    /** GNN input: node features [x, v], edge attribute q_iq_j. */
    public static GraphBatch gnn(GraphTopology topology, NDArray x, NDArray v, NDArray charges) {
        int n = nodesPerGraph(topology);
        long b = topology.numGraphs();
        NDArray q = charges(charges, topology).reshape(b, n, 1);
        NDArray qq = q.expandDims(2).mul(q.expandDims(1));
        return GraphBatch.builder(topology).positions(x).vectors(v).nodeFeatures(x.concat(v, 1))
                .edgeAttributes(DenseGraphs.offDiagonal(qq)).build();
    }

    /** SEGNN input: node features [x − x̄, v, ‖v‖], vectors v, edge attribute q_iq_j. */
    public static GraphBatch segnn(GraphTopology topology, NDArray x, NDArray v, NDArray charges) {
        int n = nodesPerGraph(topology);
        NDArray x3 = x.reshape(topology.numGraphs(), n, 3);
        return segnn(topology, n, x3.sub(x3.mean(new int[] {1}, true)).reshape(topology.numNodes(), 3), x, v, charges);
    }

    /**
     * SEGNN input as its reference code builds it ({@code pos - pos.mean(1)}): node features [x_i − m_i·(1, 1, 1), v_i,
     * ‖v_i‖] with m_i = (x_i + y_i + z_i)/3 the mean of particle i's own coordinates, otherwise as {@link #segnn}. Not
     * equivariant: m_i changes under rotations and under translations off the (1, 1, 1) axis. The published SEGNN
     * numbers were measured with it.
     */
    public static GraphBatch segnnReference(GraphTopology topology, NDArray x, NDArray v, NDArray charges) {
        return segnn(topology, nodesPerGraph(topology), x.sub(x.mean(new int[] {1}, true)), x, v, charges);
    }

    /** The SEGNN layout around the given position input, n = the validated particles per system. */
    private static GraphBatch segnn(GraphTopology topology, int n, NDArray centred, NDArray x, NDArray v, NDArray charges) {
        NDArray q = charges(charges, topology).reshape(topology.numGraphs(), n, 1);
        NDArray qq = q.expandDims(2).mul(q.expandDims(1));
        return GraphBatch.builder(topology).positions(x).vectors(v)
                .nodeFeatures(NDArrays.concat(new NDList(centred, v, v.norm(new int[] {1}, true)), 1))
                .edgeAttributes(DenseGraphs.offDiagonal(qq)).build();
    }

    private static int nodesPerGraph(GraphTopology topology) {
        int n = topology.uniformFullyConnectedSize();
        if (n < 2) {
            throw new IllegalArgumentException("N-body graphs are fully connected systems of n >= 2 particles"
                    + " (GraphTopology.fullyConnected(n, B)), got " + topology);
        }
        return n;
    }

    private static NDArray charges(NDArray charges, GraphTopology topology) {
        long n = topology.numNodes();
        Shape s = charges.getShape();
        if (s.size() != n || s.dimension() > 2) {
            throw new IllegalArgumentException("charges must have shape [" + n + "] or [" + n + ", 1], got " + s);
        }
        return charges;
    }
}

package org.equivariant4j.nn.graph;

import ai.djl.ndarray.NDArray;

/**
 * Builds the graph inputs of the charged N-body experiments exactly as the EGNN reference code does:
 * fully connected graphs of n particles (i-major edge order), edge attribute q_iq_j, and for EGNN
 * additionally ‖x_i − x_j‖² of the input frame and node feature ‖v_i‖.
 */
public final class NBodyGraphs {

    private NBodyGraphs() {}


    /**
     * EGNN input: node features ‖v_i‖ [N, 1], edge attributes [q_iq_j, ‖x_i − x_j‖²] [E, 2].
     *
     * @param topology usually {@code GraphTopology.fullyConnected(5, batch)} (build it once, reuse it)
     * @param x positions [N, 3]
     * @param v velocities [N, 3]
     * @param charges [N] or [N, 1]
     */
    public static GraphBatch egnn(GraphTopology topology, NDArray x, NDArray v, NDArray charges) {
        GraphBatch g = GraphBatch.builder(topology).positions(x).velocities(v)
                .nodeFeatures(v.norm(new int[] {1}, true)).build();
        NDArray q = charges(charges, topology);
        int n = topology.uniformFullyConnectedSize();
        if (n > 0) {
            // dense [B, n, n, 2] then the off-diagonal entries: no per-edge gathers
            long b = topology.numGraphs();
            NDArray x3 = x.reshape(b, n, 3);
            NDArray q3 = q.reshape(b, n, 1);
            NDArray dist = x3.expandDims(2).sub(x3.expandDims(1)).square().sum(new int[] {3}, true);
            NDArray qq = q3.expandDims(2).mul(q3.expandDims(1));
            return g.withEdgeAttributes(DenseGraphs.offDiagonal(qq.concat(dist, 3)));
        }
        NDArray rows = g.receiverIndex();
        NDArray cols = g.senderIndex();
        NDArray qq = EgnnLayer.gather(q, rows).mul(EgnnLayer.gather(q, cols));
        NDArray dist = EgnnLayer.gather(x, rows).sub(EgnnLayer.gather(x, cols)).square().sum(new int[] {1}, true);
        return g.withEdgeAttributes(qq.concat(dist, 1));
    }

    /** GNN input: edge attributes q_iq_j [E, 1] (the GNN baseline builds its node input from x and v). */
    public static GraphBatch gnn(GraphTopology topology, NDArray x, NDArray v, NDArray charges) {
        GraphBatch g = GraphBatch.builder(topology).positions(x).velocities(v).build();
        NDArray q = charges(charges, topology);
        NDArray qq = EgnnLayer.gather(q, g.receiverIndex()).mul(EgnnLayer.gather(q, g.senderIndex()));
        return g.withEdgeAttributes(qq);
    }

    private static NDArray charges(NDArray charges, GraphTopology topology) {
        long n = topology.numNodes();
        if (charges.getShape().size() != n || charges.getShape().dimension() > 2) {
            throw new IllegalArgumentException("charges must have shape [" + n + "] or [" + n + ", 1], got "
                    + charges.getShape());
        }
        return charges.reshape(n, 1);
    }
}

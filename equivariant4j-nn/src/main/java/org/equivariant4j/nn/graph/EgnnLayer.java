package org.equivariant4j.nn.graph;

import static org.equivariant4j.nn.graph.Ops.concatLast;
import static org.equivariant4j.nn.graph.Ops.silu;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/**
 * One EGNN layer, exactly as {@code E_GCL_vel} of the EGNN reference code (edges (i, j), message from j to i;
 * v⁰ is each node's input vector, for N-body its velocity):
 *
 * <pre>
 * d_ij = x_i − x_j,  r_ij = ‖d_ij‖²
 * m_ij = φ_e([h_i, h_j, r_ij, a_ij])                 φ_e = Linear(2H+1+A, H) → SiLU → Linear(H, H) → SiLU
 * x_i += mean_j clamp(d_ij · φ_x(m_ij), −100, 100)   φ_x = Linear(H, H) → SiLU → Linear(H, 1, no bias; xavier gain 0.001)
 * x_i += φ_v(h_i) · v⁰_i                             φ_v = Linear(H, H) → SiLU → Linear(H, 1)   (h before the update)
 * h_i += φ_h([h_i, Σ_j m_ij])                        φ_h = Linear(2H, H) → SiLU → Linear(H, H)
 * </pre>
 *
 * The mean divides by max(number of neighbours, 1). Children are named after the PyTorch modules
 * ({@code edge_mlp_0}, {@code edge_mlp_2}, {@code node_mlp_0}, …, {@code coord_mlp_vel_2}).
 *
 * <p>{@code forwardScatter} runs it on any {@link GraphBatch} (gathers and sparse segment sums); for fully
 * connected batches {@link EgnnModel}'s FUSED path runs the same layer inside one TorchScript call
 * ({@link EgnnScript}) on this layer's parameters.
 */
public final class EgnnLayer extends AbstractBlock {
    private static final byte VERSION = 1;

    private final int hidden;
    private final int edgeAttributes;
    private final TorchLinear edge0;
    private final TorchLinear edge2;
    private final TorchLinear node0;
    private final TorchLinear node2;
    private final TorchLinear coord0;
    private final TorchLinear coord2;
    private final TorchLinear vel0;
    private final TorchLinear vel2;

    /**
     * @param hidden H, the width of h and of all MLPs
     * @param edgeAttributes A, the number of edge attributes (2 for N-body: q_iq_j and ‖x⁰_i − x⁰_j‖²)
     */
    public EgnnLayer(int hidden, int edgeAttributes) {
        super(VERSION);
        if (hidden < 1 || edgeAttributes < 0) {
            throw new IllegalArgumentException("hidden must be >= 1 and edgeAttributes >= 0, got " + hidden + " and "
                    + edgeAttributes);
        }
        this.hidden = hidden;
        this.edgeAttributes = edgeAttributes;
        edge0 = addChildBlock("edge_mlp_0", new TorchLinear(2 * hidden + 1 + edgeAttributes, hidden, true));
        edge2 = addChildBlock("edge_mlp_2", new TorchLinear(hidden, hidden, true));
        node0 = addChildBlock("node_mlp_0", new TorchLinear(2 * hidden, hidden, true));
        node2 = addChildBlock("node_mlp_2", new TorchLinear(hidden, hidden, true));
        coord0 = addChildBlock("coord_mlp_0", new TorchLinear(hidden, hidden, true));
        coord2 = addChildBlock("coord_mlp_2", TorchLinear.xavierUniform(hidden, 1, false, 0.001));
        vel0 = addChildBlock("coord_mlp_vel_0", new TorchLinear(hidden, hidden, true));
        vel2 = addChildBlock("coord_mlp_vel_2", new TorchLinear(hidden, 1, true));
    }

    public int hidden() {
        return hidden;
    }

    /** Names of the parameters in the order {@link #scriptParameters} returns them (see {@link EgnnScript}). */
    static final String[] SCRIPT_PARAMETERS = {"e0w", "e0b", "e2w", "e2b", "n0w", "n0b", "n2w", "n2b", "c0w", "c0b",
        "c2w", "v0w", "v0b", "v2w", "v2b"};

    /**
     * This layer's parameter arrays as seen by this forward pass, in the order of {@link #SCRIPT_PARAMETERS}:
     * φ_e (two linears), φ_h (two), φ_x (two, the second without bias), φ_v (two).
     */
    void scriptParameters(ParameterStore ps, ai.djl.Device device, boolean training, List<NDArray> out) {
        for (TorchLinear l : new TorchLinear[] {edge0, edge2, node0, node2, coord0, coord2, vel0, vel2}) {
            out.add(l.weight(ps, device, training));
            if (l.hasBias()) {
                out.add(l.bias(ps, device, training));
            }
        }
    }

    public int edgeAttributes() {
        return edgeAttributes;
    }

    /**
     * Per-forward constants, created once per model call instead of per layer (creating an array from
     * Java costs tens of microseconds in DJL): the clamp bounds.
     */
    record Constants(NDArray lower, NDArray upper) {
        static Constants create(NDManager m, DataType dt) {
            NDArray c = org.equivariant4j.nn.ops.SegmentSum.create(m, new double[] {-100, 100}, new Shape(2), dt);
            return new Constants(c.get(0), c.get(1));
        }
    }

    /** clamp(t, −100, 100) with precomputed bounds. */
    private static NDArray clamp(NDArray t, Constants c) {
        return t.maximum(c.lower()).minimum(c.upper());
    }

    private NDArray mlp2(ParameterStore ps, TorchLinear a, TorchLinear b, NDArray in, boolean training) {
        return b.apply(ps, silu(a.apply(ps, in, training)), training);
    }

    /**
     * Scatter formulation for any graph.
     *
     * @param h node features [N, H]
     * @param x positions [N, 3]
     * @param v0 input vectors [N, 3]
     * @param edgeAttr edge attributes [E, A] (null when A = 0)
     * @param g the graph (its receiver/sender index and aggregation are used)
     * @param c per-forward constants
     * @return [h', x']
     */
    NDList forwardScatter(ParameterStore ps, NDArray h, NDArray x, NDArray v0, NDArray edgeAttr, GraphBatch g,
            Constants c, boolean training) {
        NDArray rows = g.receiverIndex();
        NDArray cols = g.senderIndex();
        NDArray diff = gather(x, rows).sub(gather(x, cols)); // [E, 3]
        NDArray radial = diff.square().sum(new int[] {1}, true); // [E, 1]
        NDArray[] p = firstEdgeLayerParts(ps, h, radial, edgeAttr, training);
        NDArray pre = gather(p[0], rows).add(gather(p[1], cols)).add(p[2]);
        NDArray m = silu(edge2.apply(ps, silu(pre), training)); // [E, H]
        NDArray trans = clamp(diff.mul(mlp2(ps, coord0, coord2, m, training)), c);
        NDArray xNew = x.add(g.receiverAggregation().mean(trans));
        xNew = xNew.add(mlp2(ps, vel0, vel2, h, training).mul(v0));
        NDArray agg = g.receiverAggregation().sum(m);
        NDArray hNew = h.add(mlp2(ps, node0, node2, concatLast(h, agg), training));
        return new NDList(hNew, xNew);
    }

    /** Rows of a [N, F] array at int64 indices [E] (index_select via embedding: cheaper backward than NDIndex). */
    static NDArray gather(NDArray table, NDArray index) {
        return Embedding.embedding(index, table, SparseFormat.DENSE).head();
    }

    /**
     * The first edge Linear on [h_i, h_j, r_ij, a_ij] split by input blocks, so that the h parts are
     * computed per node (N·H·H work) instead of per edge: returns {@code [h W_iᵀ + b, h W_jᵀ,
     * [r, a] W_raᵀ]}; the pre-activation of edge (i, j) is {@code p0[i] + p1[j] + p2[ij]}.
     */
    private NDArray[] firstEdgeLayerParts(ParameterStore ps, NDArray h, NDArray radial, NDArray edgeAttr,
            boolean training) {
        NDArray w = edge0.weight(ps, h.getDevice(), training); // [H, 2H + 1 + A]
        NDArray bias = edge0.bias(ps, h.getDevice(), training);
        NDList parts = w.split(new long[] {hidden, 2L * hidden}, 1); // W_i, W_j, W_ra (views)
        NDArray pi = Linear.linear(h, parts.get(0), bias).head();
        NDArray pj = Linear.linear(h, parts.get(1)).head();
        NDArray ra = edgeAttr == null ? radial : concatLast(radial, edgeAttr);
        NDArray pra = Linear.linear(ra, parts.get(2)).head();
        return new NDArray[] {pi, pj, pra};
    }

    /**
     * Runs the scatter formulation on a {@link GraphBatch#toNDList()}: node features are h [N, H],
     * vectors are v⁰. Returns [h', x'].
     */
    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        GraphBatch g = GraphBatch.fromNDList(inputs);
        NDArray h = g.nodeFeatures().orElseThrow(() -> new IllegalArgumentException("EgnnLayer needs node features [N, "
                + hidden + "]"));
        if (h.getShape().get(1) != hidden) {
            throw new IllegalArgumentException("EgnnLayer expects node features [N, " + hidden + "], got " + h.getShape());
        }
        NDArray v = g.vectors().orElseThrow(() -> new IllegalArgumentException("EgnnLayer needs vectors v [N, 3]"));
        Constants c = Constants.create(g.positions().getManager(), g.dataType());
        return forwardScatter(ps, h, g.positions(), v, EgnnModel.checkedEdgeAttributes(g, edgeAttributes), g, c, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0], inputShapes[1]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (ai.djl.nn.Block child : getChildren().values()) {
            TorchLinear l = (TorchLinear) child;
            child.initialize(manager, dataType, new Shape(1, l.inFeatures()));
        }
    }
}

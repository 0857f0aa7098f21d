package org.equivariant4j.nn.graph;

import static org.equivariant4j.nn.graph.Ops.concatLast;
import static org.equivariant4j.nn.graph.Ops.silu;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A plain (not equivariant) message-passing layer, the {@code GCL} of the EGNN reference code with
 * {@code recurrent=True}, no attention:
 *
 * <pre>
 * m_ij = φ_e([h_i, h_j, a_ij])      φ_e = Linear(2H+A, H) → SiLU → Linear(H, H) → SiLU
 * h_i += φ_h([h_i, Σ_j m_ij])       φ_h = Linear(2H, H) → SiLU → Linear(H, H)
 * </pre>
 */
public final class GnnLayer extends AbstractBlock {
    private static final byte VERSION = 1;

    private final int hidden;
    private final int edgeAttributes;
    private final TorchLinear edge0;
    private final TorchLinear edge2;
    private final TorchLinear node0;
    private final TorchLinear node2;

    public GnnLayer(int hidden, int edgeAttributes) {
        super(VERSION);
        if (hidden < 1 || edgeAttributes < 0) {
            throw new IllegalArgumentException("hidden must be >= 1 and edgeAttributes >= 0, got " + hidden + " and "
                    + edgeAttributes);
        }
        this.hidden = hidden;
        this.edgeAttributes = edgeAttributes;
        edge0 = addChildBlock("edge_mlp_0", new TorchLinear(2 * hidden + edgeAttributes, hidden, true));
        edge2 = addChildBlock("edge_mlp_2", new TorchLinear(hidden, hidden, true));
        node0 = addChildBlock("node_mlp_0", new TorchLinear(2 * hidden, hidden, true));
        node2 = addChildBlock("node_mlp_2", new TorchLinear(hidden, hidden, true));
    }

    /**
     * @param h node features [N, H]
     * @param edgeAttr [E, A] or null when A = 0
     * @return h' [N, H]
     */
    public NDArray forward(ParameterStore ps, NDArray h, NDArray edgeAttr, GraphBatch g, boolean training) {
        NDArray hi = EgnnLayer.gather(h, g.receiverIndex());
        NDArray hj = EgnnLayer.gather(h, g.senderIndex());
        NDArray in = edgeAttr == null ? concatLast(hi, hj) : concatLast(hi, hj, edgeAttr);
        NDArray m = silu(edge2.apply(ps, silu(edge0.apply(ps, in, training)), training));
        NDArray agg = g.receiverAggregation().sum(m);
        return h.add(node2.apply(ps, silu(node0.apply(ps, concatLast(h, agg), training)), training));
    }

    /** On a {@link GraphBatch#toNDList()} whose node features are h [N, H]; returns [h']. */
    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        GraphBatch g = GraphBatch.fromNDList(inputs);
        NDArray h = g.nodeFeatures().orElseThrow(() -> new IllegalArgumentException("GnnLayer needs node features [N, "
                + hidden + "]"));
        return new NDList(forward(ps, h, EgnnModel.checkedEdgeAttributes(g, edgeAttributes), g, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (ai.djl.nn.Block child : getChildren().values()) {
            child.initialize(manager, dataType, new Shape(1, ((TorchLinear) child).inFeatures()));
        }
    }
}

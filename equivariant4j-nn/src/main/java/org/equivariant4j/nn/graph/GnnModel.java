package org.equivariant4j.nn.graph;

import org.equivariant4j.nn.ops.ParameterCounts;
import static org.equivariant4j.nn.graph.Ops.silu;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The non-equivariant GNN baseline of the EGNN N-body experiments ({@code GNN} in the reference code):
 * {@code h⁰ = Linear(6, H)([x, v])}, L {@link GnnLayer}s (sum aggregation, residual, SiLU) with edge
 * attributes [E, A] (A = 1: q_iq_j for N-body), and a decoder {@code Linear(H, H) → SiLU →
 * Linear(H, 3)} producing absolute positions [N, 3]. All Linears use PyTorch's default initialisation.
 */
public final class GnnModel extends AbstractBlock {
    private static final byte VERSION = 1;

    private final int hidden;
    private final int edgeAttributes;
    private final TorchLinear embedding;
    private final List<GnnLayer> layers = new ArrayList<>();
    private final TorchLinear decoder0;
    private final TorchLinear decoder2;

    /**
     * @param hidden H (64 in the paper)
     * @param numLayers L (4)
     * @param edgeAttributes A (1: q_iq_j)
     */
    public GnnModel(int hidden, int numLayers, int edgeAttributes) {
        super(VERSION);
        if (hidden < 1 || numLayers < 1 || edgeAttributes < 0) {
            throw new IllegalArgumentException("need hidden >= 1, numLayers >= 1, edgeAttributes >= 0; got " + hidden
                    + ", " + numLayers + ", " + edgeAttributes);
        }
        this.hidden = hidden;
        this.edgeAttributes = edgeAttributes;
        embedding = addChildBlock("embedding", new TorchLinear(6, hidden, true));
        for (int i = 0; i < numLayers; i++) {
            layers.add(addChildBlock("gcl_" + i, new GnnLayer(hidden, edgeAttributes)));
        }
        decoder0 = addChildBlock("decoder_0", new TorchLinear(hidden, hidden, true));
        decoder2 = addChildBlock("decoder_2", new TorchLinear(hidden, 3, true));
    }

    /** The N-body configuration: H = 64, 4 layers, 1 edge attribute. */
    public static GnnModel nbody() {
        return new GnnModel(64, 4, 1);
    }

    public long parameterCount() {
        return ParameterCounts.learnable(this);
    }

    /** Predicted positions [N, 3] from the batch's positions, velocities and edge attributes. */
    public NDArray forward(ParameterStore ps, GraphBatch g, boolean training) {
        NDArray v = g.velocities().orElseThrow(() -> new IllegalArgumentException("GnnModel needs velocities [N, 3]"));
        NDArray attr = EgnnModel.checkedEdgeAttributes(g, edgeAttributes);
        if (!isInitialized()) {
            initialize(ps.getManager(), g.dataType(), g.positions().getShape());
        }
        Ops.checkDataType(this, g);
        NDArray h = embedding.apply(ps, Ops.concatLast(g.positions(), v), training);
        for (GnnLayer layer : layers) {
            h = layer.forward(ps, h, attr, g, training);
        }
        return decoder2.apply(ps, silu(decoder0.apply(ps, h, training)), training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, GraphBatch.fromNDList(inputs), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[1]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        embedding.initialize(manager, dataType, new Shape(1, 6));
        for (GnnLayer l : layers) {
            l.initialize(manager, dataType, new Shape(1, hidden));
        }
        decoder0.initialize(manager, dataType, new Shape(1, hidden));
        decoder2.initialize(manager, dataType, new Shape(1, hidden));
    }
}

package org.equivariant4j.nn.graph;

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
import org.equivariant4j.nn.ops.ParameterCounts;

/**
 * A plain (not equivariant) message-passing network, the {@code GNN} baseline of the EGNN reference code:
 * {@code h⁰ = Linear(F, H)(node features)}, L {@link GnnLayer}s (sum aggregation, residual, SiLU) with edge
 * attributes [E, A], and a decoder {@code Linear(H, H) → SiLU → Linear(H, O)} giving [N, O] per node. All Linears
 * use PyTorch's default initialisation. (The N-body task feeds it [x, v] as node features and reads positions,
 * O = 3, so rotating the input does not rotate the output: the baseline that shows what equivariance buys.)
 */
public final class GnnModel extends AbstractBlock {
    private static final byte VERSION = 1;

    private final int nodeFeatures;
    private final int hidden;
    private final int edgeAttributes;
    private final TorchLinear embedding;
    private final List<GnnLayer> layers = new ArrayList<>();
    private final TorchLinear decoder0;
    private final TorchLinear decoder2;

    /**
     * @param nodeFeatures   F, the width of the input node features
     * @param hidden         H (64 in the paper)
     * @param numLayers      L (4)
     * @param edgeAttributes A (0 for none)
     * @param outputs        O, the width of the per-node output
     */
    public GnnModel(int nodeFeatures, int hidden, int numLayers, int edgeAttributes, int outputs) {
        super(VERSION);
        if (nodeFeatures < 1 || hidden < 1 || numLayers < 1 || edgeAttributes < 0 || outputs < 1) {
            throw new IllegalArgumentException("need nodeFeatures >= 1, hidden >= 1, numLayers >= 1, edgeAttributes >= 0,"
                    + " outputs >= 1; got " + nodeFeatures + ", " + hidden + ", " + numLayers + ", " + edgeAttributes + ", "
                    + outputs);
        }
        this.nodeFeatures = nodeFeatures;
        this.hidden = hidden;
        this.edgeAttributes = edgeAttributes;
        embedding = addChildBlock("embedding", new TorchLinear(nodeFeatures, hidden, true));
        for (int i = 0; i < numLayers; i++) {
            layers.add(addChildBlock("gcl_" + i, new GnnLayer(hidden, edgeAttributes)));
        }
        decoder0 = addChildBlock("decoder_0", new TorchLinear(hidden, hidden, true));
        decoder2 = addChildBlock("decoder_2", new TorchLinear(hidden, outputs, true));
    }

    public long parameterCount() {
        return ParameterCounts.learnable(this);
    }

    /** The per-node output [N, O] from the batch's node features and edge attributes. */
    public NDArray forward(ParameterStore ps, GraphBatch g, boolean training) {
        NDArray hIn = g.nodeFeatures().orElseThrow(() -> new IllegalArgumentException(
                "GnnModel needs node features [N, " + nodeFeatures + "]"));
        if (hIn.getShape().get(1) != nodeFeatures) {
            throw new IllegalArgumentException("GnnModel expects node features [N, " + nodeFeatures + "], got " + hIn.getShape());
        }
        NDArray attr = EgnnModel.checkedEdgeAttributes(g, edgeAttributes);
        if (!isInitialized()) {
            initialize(ps.getManager(), g.dataType(), hIn.getShape());
        }
        Ops.checkDataType(this, g);
        NDArray h = embedding.apply(ps, hIn, training);
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
        return new Shape[] {new Shape(inputShapes[1].get(0), decoder2.outFeatures())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        embedding.initialize(manager, dataType, new Shape(1, nodeFeatures));
        for (GnnLayer l : layers) {
            l.initialize(manager, dataType, new Shape(1, hidden));
        }
        decoder0.initialize(manager, dataType, new Shape(1, hidden));
        decoder2.initialize(manager, dataType, new Shape(1, hidden));
    }
}

package org.equivariant4j.nn.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Objects;
import org.equivariant4j.nn.o3.BatchNorm;
import org.equivariant4j.nn.o3.GatedSteerableLinear;
import org.equivariant4j.nn.o3.SteerableLinear;
import org.equivariant4j.nn.o3.TensorProductRoute;
import org.equivariant4j.nn.ops.TorchGenerator;
import org.equivariant4j.o3.Irrep;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.PathNormalization;

/**
 * One message-passing layer of SEGNN (steerable E(3)-equivariant graph network, Brandstetter et al. 2022). For edge
 * (i, j), message from sender j to receiver i, with edge attribute a_ij (spherical harmonics of x_j − x_i), node
 * attribute a_i and invariant edge scalars e_ij:
 *
 * <pre>
 *   m_ij = φ_m2(φ_m1([h_i, h_j, e_ij]; a_ij); a_ij)        two gated steerable layers steered by the edge attribute
 *   m_i  = Σ_j m_ij
 *   h_i ← h_i + φ_u2(φ_u1([h_i, m_i]; a_i); a_i)            a gated and a linear steerable layer steered by a_i
 * </pre>
 * with optional normalisation: {@link SegnnModel.Norm#BATCH} (e3nn's batch norm of the messages and of the updated
 * features) or {@link SegnnModel.Norm#INSTANCE} (SEGNN's per-graph norm of the updated features). The concatenations are
 * laid out as SEGNN's ({@code (2·hidden + scalars).simplify()}, {@code (hidden + hidden).simplify()}), so the layer's
 * weights are the reference's.
 */
public final class SegnnLayer extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Irreps hidden;
    private final Irreps edgeAttributes;
    private final Irreps nodeAttributes;
    private final int edgeScalars;
    private final SegnnModel.Norm norm;
    private final GatedSteerableLinear message1;
    private final GatedSteerableLinear message2;
    private final GatedSteerableLinear update1;
    private final SteerableLinear update2;
    private final BatchNorm messageBatchNorm;
    private final BatchNorm featureBatchNorm;
    private final InstanceNorm featureInstanceNorm;

    /**
     * @param hidden the node features' irreps
     * @param edgeAttributes the edge attributes' irreps
     * @param nodeAttributes the node attributes' irreps
     * @param edgeScalars invariant scalars per edge appended to the message input
     * @param norm normalisation
     * @param route the tensor-product route of the steerable layers
     * @param paths how the steerable layers normalise their paths (see {@link SteerableLinear})
     * @param seed seeds the initial weights
     */
    public SegnnLayer(Irreps hidden, Irreps edgeAttributes, Irreps nodeAttributes, int edgeScalars, SegnnModel.Norm norm,
            TensorProductRoute route, PathNormalization paths, long seed) {
        super(VERSION);
        this.hidden = Objects.requireNonNull(hidden, "hidden");
        this.edgeAttributes = Objects.requireNonNull(edgeAttributes, "edgeAttributes");
        this.nodeAttributes = Objects.requireNonNull(nodeAttributes, "nodeAttributes");
        if (edgeScalars < 0) {
            throw new IllegalArgumentException("edgeScalars must be >= 0, got " + edgeScalars);
        }
        this.edgeScalars = edgeScalars;
        this.norm = Objects.requireNonNull(norm, "norm");
        Irreps messageIn = hidden.plus(hidden).plus(edgeScalars == 0 ? Irreps.empty() : Irreps.of(edgeScalars, Irrep.SCALAR))
                .simplify();
        Irreps updateIn = hidden.plus(hidden).simplify();
        this.message1 = addChildBlock("message1", GatedSteerableLinear.of(messageIn, edgeAttributes, hidden, route, paths,
                seed));
        this.message2 = addChildBlock("message2", GatedSteerableLinear.of(hidden, edgeAttributes, hidden, route, paths,
                seed + 2));
        this.update1 = addChildBlock("update1", GatedSteerableLinear.of(updateIn, nodeAttributes, hidden, route, paths,
                seed + 4));
        this.update2 = addChildBlock("update2", SteerableLinear.of(hidden, nodeAttributes, hidden, route, paths, seed + 6));
        this.messageBatchNorm = norm == SegnnModel.Norm.BATCH ? addChildBlock("message_norm", BatchNorm.of(hidden)) : null;
        this.featureBatchNorm = norm == SegnnModel.Norm.BATCH ? addChildBlock("feature_norm", BatchNorm.of(hidden)) : null;
        this.featureInstanceNorm = norm == SegnnModel.Norm.INSTANCE ? addChildBlock("feature_norm", new InstanceNorm(hidden))
                : null;
    }

    public Irreps hidden() {
        return hidden;
    }

    /**
     * The updated node features.
     *
     * @param h node features [N, hidden.dim]
     * @param graph the batch (edges, receiver aggregation)
     * @param edgeAttributes a_ij [E, edgeAttributes.dim]
     * @param nodeAttributes a_i [N, nodeAttributes.dim]
     * @param edgeScalars e_ij [E, edgeScalars], or null when there are none
     * @param pooling the batch's graphs (for instance norm; may be null otherwise)
     */
    public NDArray apply(ParameterStore ps, NDArray h, GraphBatch graph, NDArray edgeAttributes, NDArray nodeAttributes,
            NDArray edgeScalars, GraphPooling pooling, boolean training) {
        NDArray hi = h.get(new NDIndex("{}", graph.receiverIndex()));
        NDArray hj = h.get(new NDIndex("{}", graph.senderIndex()));
        NDList parts = new NDList(hi, hj);
        if (this.edgeScalars > 0) {
            parts.add(edgeScalars);
        }
        NDArray m = message1.apply(ps, NDArrays.concat(parts, 1), edgeAttributes, training);
        m = message2.apply(ps, m, edgeAttributes, training);
        if (messageBatchNorm != null) {
            m = messageBatchNorm.forward(ps, new NDList(m), training).singletonOrThrow();
        }
        NDArray agg = graph.receiverAggregation().sum(m);
        NDArray u = update1.apply(ps, h.concat(agg, 1), nodeAttributes, training);
        u = update2.apply(ps, u, nodeAttributes, training);
        NDArray out = h.add(u);
        if (featureBatchNorm != null) {
            out = featureBatchNorm.forward(ps, new NDList(out), training).singletonOrThrow();
        } else if (featureInstanceNorm != null) {
            out = featureInstanceNorm.apply(ps, out, pooling, training);
        }
        return out;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException(this + " runs inside a SegnnModel: call apply(...)");
    }

    /**
     * Redraws the initial weights as SEGNN's reference layer draws them from PyTorch's generator: message 1, message 2,
     * update 1, update 2 (see {@link SteerableLinear#drawLikeReference}); the norms have no random parameters.
     */
    void drawLikeReference(TorchGenerator generator) {
        message1.linear().drawLikeReference(generator);
        message2.linear().drawLikeReference(generator);
        update1.linear().drawLikeReference(generator);
        update2.drawLikeReference(generator);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        message1.initialize(manager, dataType, new Shape(1, message1.irrepsIn().dim()), new Shape(1, edgeAttributes.dim()));
        message2.initialize(manager, dataType, new Shape(1, hidden.dim()), new Shape(1, edgeAttributes.dim()));
        update1.initialize(manager, dataType, new Shape(1, update1.irrepsIn().dim()), new Shape(1, nodeAttributes.dim()));
        update2.initialize(manager, dataType, new Shape(1, hidden.dim()), new Shape(1, nodeAttributes.dim()));
        for (AbstractBlock b : new AbstractBlock[] {messageBatchNorm, featureBatchNorm, featureInstanceNorm}) {
            if (b != null) {
                b.initialize(manager, dataType, new Shape(1, hidden.dim()));
            }
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public String toString() {
        return "SegnnLayer(" + hidden + ", edge attributes " + edgeAttributes + ", node attributes " + nodeAttributes
                + ", " + edgeScalars + " edge scalars, norm " + norm + ")";
    }
}

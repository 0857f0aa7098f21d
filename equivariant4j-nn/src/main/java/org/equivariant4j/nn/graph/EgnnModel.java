package org.equivariant4j.nn.graph;

import org.equivariant4j.nn.ops.ParameterCounts;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.equivariant4j.nn.ops.ScriptModule;

/**
 * The EGNN model of Satorras et al. as {@code EGNN_vel} of their reference code: an embedding
 * {@code h⁰ = Linear(F, H)(node features)}, then L {@link EgnnLayer}s without weight sharing, each updating
 * positions and h, with each node's vector v⁰ (for N-body its velocity) entering every layer through
 * φ_v(h)·v⁰; the output is the final positions [N, 3] (absolute, not a displacement).
 *
 * <p>Input: a {@link GraphBatch} with node features [N, F], positions x [N, 3], vectors v⁰ [N, 3] and edge
 * attributes [E, A] (A = 0 allowed). It is E(3)-equivariant in x and v⁰ (rotations, reflections, and
 * translations of x) when the node features and edge attributes are invariant, and permutation-equivariant in
 * the nodes. The task decides what F and A hold (the N-body task: speed ‖v‖ and [q_iq_j, ‖x_i − x_j‖²]).
 *
 * <p>Two formulations compute the same function ({@link Path}): {@link Path#SCATTER}, the reference for any
 * graph (gathers over the edge list, sparse segment sums), and {@link Path#FUSED} for fully connected batches of
 * equal-size graphs as {@link GraphTopology#fullyConnected} builds them (the i-major edge list viewed as
 * [B, n, n−1, ·], the whole forward as one TorchScript call, {@link EgnnScript}). {@link Path#AUTO}, the
 * default, takes FUSED whenever the batch allows it, else SCATTER. Measured by {@code EgnnEpochBench}: FUSED
 * trains an N-body epoch 1.6× faster than SCATTER.
 */
public final class EgnnModel extends AbstractBlock {
    private static final byte VERSION = 1;

    /** Which formulation of the message passing to run; both give the same function. */
    public enum Path {
        /** FUSED when the batch is uniformly fully connected with n ≥ 2, else SCATTER. */
        AUTO,
        /** The general reference: gathers over the edge list and sparse segment sums; any graph. */
        SCATTER,
        /**
         * For fully connected batches of equal-size graphs of n ≥ 2 nodes (i-major edge order): the edge list
         * viewed as [B, n, n−1, ·], receiver terms by broadcasting, aggregation by sums over the n − 1 neighbours,
         * one sender gather per layer, all as one TorchScript call per forward ({@link EgnnScript}, run through
         * {@link ScriptModule}); the same parameters, a few hundred fewer engine calls per step.
         */
        FUSED
    }

    private final int nodeFeatures;
    private final int hidden;
    private final int edgeAttributes;
    private final TorchLinear embedding;
    private final List<EgnnLayer> layers;
    private volatile Path path;
    private volatile ScriptModule script;

    private EgnnModel(Builder b) {
        super(VERSION);
        this.nodeFeatures = b.nodeFeatures;
        this.hidden = b.hidden;
        this.edgeAttributes = b.edgeAttributes;
        this.path = b.path;
        this.embedding = addChildBlock("embedding", new TorchLinear(nodeFeatures, hidden, true));
        List<EgnnLayer> ls = new ArrayList<>();
        for (int i = 0; i < b.layers; i++) {
            ls.add(addChildBlock("gcl_" + i, new EgnnLayer(hidden, edgeAttributes)));
        }
        this.layers = Collections.unmodifiableList(ls);
    }

    /**
     * A builder for F node features and A edge attributes per edge; defaults as the EGNN paper: H = 64, 4 layers,
     * path AUTO.
     */
    public static Builder builder(int nodeFeatures, int edgeAttributes) {
        return new Builder(nodeFeatures, edgeAttributes);
    }

    public int nodeFeatures() {
        return nodeFeatures;
    }

    public int edgeAttributes() {
        return edgeAttributes;
    }

    public int hidden() {
        return hidden;
    }

    public int numLayers() {
        return layers.size();
    }

    public List<EgnnLayer> layers() {
        return layers;
    }

    /** Number of scalar parameters (from the shapes; valid before initialisation). */
    public long parameterCount() {
        return ParameterCounts.learnable(this);
    }

    /** The path used by {@link #forward(ParameterStore, GraphBatch, boolean)} and by {@code Block.forward}. */
    public Path getPath() {
        return path;
    }

    public void setPath(Path path) {
        this.path = java.util.Objects.requireNonNull(path);
    }

    /** Output positions [N, 3] with the configured {@link #getPath() path}. */
    public NDArray forward(ParameterStore ps, GraphBatch g, boolean training) {
        return forward(ps, g, training, path);
    }

    /**
     * Output positions [N, 3], on the positions' manager. Initialises the block in the batch's dtype
     * on first use if needed.
     *
     * @throws IllegalArgumentException when the batch lacks node features or vectors, their widths
     *     differ from the configuration, or FUSED is asked for a batch that is not uniformly fully connected
     */
    public NDArray forward(ParameterStore ps, GraphBatch g, boolean training, Path which) {
        NDArray[] in = checkedInputs(ps, g, null);
        NDArray hIn = in[0];
        NDArray v0 = in[1];
        NDArray attr = in[2];
        int n = g.topology().uniformFullyConnectedSize();
        Path resolved = which != Path.AUTO ? which : (n >= 2 ? Path.FUSED : Path.SCATTER);
        if (resolved == Path.FUSED) {
            if (n < 2) {
                throw new IllegalArgumentException("the FUSED path needs a fully connected batch of equal-size graphs of"
                        + " n >= 2 nodes in i-major edge order (GraphTopology.fullyConnected), got " + g.topology());
            }
            NDArray x = g.positions();
            List<NDArray> args = new ArrayList<>();
            args.add(x.reshape(x.getShape().get(0) / n, n, 3));
            args.add(hIn);
            args.add(v0);
            if (attr != null) {
                args.add(attr);
            }
            return callScript(ps, x.getDevice(), training, args);
        }
        return scatter(ps, g, hIn, v0, attr, training).get(1);
    }

    /** The general formulation: [h, x] after the last layer. */
    private NDList scatter(ParameterStore ps, GraphBatch g, NDArray hIn, NDArray v0, NDArray attr, boolean training) {
        NDArray h = embedding.apply(ps, hIn, training);
        NDArray x = g.positions();
        EgnnLayer.Constants c = EgnnLayer.Constants.create(x.getManager(), g.dataType());
        for (EgnnLayer layer : layers) {
            NDList out = layer.forwardScatter(ps, h, x, v0, attr, g, c, training);
            h = out.get(0);
            x = out.get(1);
        }
        return new NDList(h, x);
    }

    /**
     * The final node features and positions [h [N, H], x [N, 3]] by the general (scatter) formulation: what energy
     * heads read out (h is E(3)-invariant, x equivariant).
     */
    public NDList forwardNodes(ParameterStore ps, GraphBatch g, boolean training) {
        NDArray[] in = checkedInputs(ps, g, null);
        return scatter(ps, g, in[0], in[1], in[2], training);
    }

    /** As {@link #forwardNodes(ParameterStore, GraphBatch, boolean)} with the vectors v⁰ [N, 3] given (e.g. zeros). */
    public NDList forwardNodes(ParameterStore ps, GraphBatch g, NDArray vectors, boolean training) {
        NDArray[] in = checkedInputs(ps, g, java.util.Objects.requireNonNull(vectors, "vectors"));
        return scatter(ps, g, in[0], in[1], in[2], training);
    }

    /**
     * Node features, vectors ({@code vectors}, or the batch's when null) and edge attributes (null when A = 0) of a
     * batch, checked; initialises on first use.
     */
    private NDArray[] checkedInputs(ParameterStore ps, GraphBatch g, NDArray vectors) {
        NDArray hIn = g.nodeFeatures().orElseThrow(() -> new IllegalArgumentException(
                "EgnnModel needs node features [N, " + nodeFeatures + "]"));
        if (hIn.getShape().get(1) != nodeFeatures) {
            throw new IllegalArgumentException("EgnnModel expects node features [N, " + nodeFeatures + "], got "
                    + hIn.getShape());
        }
        NDArray v0 = vectors != null ? vectors
                : g.vectors().orElseThrow(() -> new IllegalArgumentException("EgnnModel needs vectors v [N, 3]"));
        if (!v0.getShape().equals(g.positions().getShape())) {
            throw new IllegalArgumentException("EgnnModel expects vectors " + g.positions().getShape() + ", got "
                    + v0.getShape());
        }
        NDArray attr = checkedEdgeAttributes(g, edgeAttributes);
        if (!isInitialized()) {
            initialize(ps.getManager(), g.dataType(), hIn.getShape(), g.positions().getShape());
        }
        Ops.checkDataType(this, g);
        return new NDArray[] {hIn, v0, attr};
    }

    /** Runs the script's forward with the parameters appended to {@code args}. */
    private NDArray callScript(ParameterStore ps, ai.djl.Device device, boolean training, List<NDArray> args) {
        args.add(embedding.weight(ps, device, training));
        args.add(embedding.bias(ps, device, training));
        for (EgnnLayer layer : layers) {
            layer.scriptParameters(ps, device, training, args);
        }
        // like DJL's PtSymbolBlock: training records autograd (under a GradientCollector), inference runs under no-grad
        // compiled on the manager of the block's own parameters, not of the arrays of this call (a data-parallel
        // replica's, which are freed with the replicas)
        NDManager owner = embedding.getParameters().get(0).getValue().getArray().getManager();
        return script(owner).call("forward", training, args.toArray(new NDArray[0])).singletonOrThrow();
    }

    /** The compiled script, created on first use on the manager of the parameters. */
    private ScriptModule script(NDManager parameterManager) {
        ScriptModule s = script;
        if (s == null) {
            synchronized (this) {
                s = script;
                if (s == null) {
                    s = ScriptModule.compile(parameterManager, EgnnScript.source(layers.size(), edgeAttributes));
                    script = s;
                }
            }
        }
        return s;
    }

    static NDArray checkedEdgeAttributes(GraphBatch g, int expected) {
        NDArray a = g.edgeAttributes().orElse(null);
        long got = a == null ? 0 : a.getShape().get(1);
        if (got != expected) {
            throw new IllegalArgumentException("expected " + expected + " edge attributes per edge, got "
                    + (a == null ? "none" : a.getShape().toString()));
        }
        return expected == 0 ? null : a;
    }

    /** Runs on a {@link GraphBatch#toNDList()}; returns [positions [N, 3]]. */
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
        embedding.initialize(manager, dataType, new Shape(1, nodeFeatures));
        for (EgnnLayer layer : layers) {
            layer.initialize(manager, dataType, new Shape(1, hidden), new Shape(1, 3));
        }
    }

    /** Builder: F and A given, H = 64 and 4 layers by default. */
    public static final class Builder {
        private final int nodeFeatures;
        private int hidden = 64;
        private int layers = 4;
        private final int edgeAttributes;
        private Path path = Path.AUTO;

        private Builder(int nodeFeatures, int edgeAttributes) {
            this.nodeFeatures = nodeFeatures;
            this.edgeAttributes = edgeAttributes;
        }

        public Builder hidden(int h) {
            this.hidden = h;
            return this;
        }

        public Builder layers(int l) {
            this.layers = l;
            return this;
        }

        public Builder path(Path p) {
            this.path = java.util.Objects.requireNonNull(p);
            return this;
        }

        public EgnnModel build() {
            if (nodeFeatures < 1 || hidden < 1 || layers < 1 || edgeAttributes < 0) {
                throw new IllegalArgumentException("need nodeFeatures >= 1, hidden >= 1, layers >= 1, edgeAttributes >= 0;"
                        + " got " + nodeFeatures + ", " + hidden + ", " + layers + ", " + edgeAttributes);
            }
            return new EgnnModel(this);
        }
    }
}

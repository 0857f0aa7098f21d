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
 * The EGNN N-body model exactly as {@code EGNN_vel} of the EGNN reference code: an embedding
 * {@code h⁰ = Linear(F, H)(node features)} (F = 1, the speed ‖v‖, for N-body), then L
 * {@link EgnnLayer}s without weight sharing, each updating positions and h; the output is the final
 * positions [N, 3] (absolute, not a displacement). With H = 64, L = 4, F = 1, A = 2 it has
 * {@value #NBODY_PARAMETERS} parameters.
 *
 * <p>Inputs come as a {@link GraphBatch}: node features [N, F], positions x [N, 3], velocities v⁰
 * [N, 3] (reused in every layer), edge attributes [E, A] (for N-body [q_iq_j, ‖x⁰_i − x⁰_j‖²]; see
 * {@link NBodyGraphs}). It is E(3)-equivariant in x and v and permutation-equivariant in the nodes.
 *
 * <p>Four formulations give the same function: {@link Path#SCATTER} (any graph), and for fully
 * connected batches of equal-size graphs as built by {@link GraphTopology#fullyConnected}
 * {@link Path#DENSE} ([B, n, n, ·] tensors, no gather or scatter), {@link Path#PACKED} ([B, n, n−1, ·],
 * no scatter) and {@link Path#FUSED} (PACKED as one TorchScript call). {@link Path#AUTO} picks FUSED
 * whenever the batch allows it, else SCATTER. {@link #forwardNBody} takes N-body systems as plain
 * arrays (no {@link GraphBatch}, no index arrays built per call), also through {@code Block.forward}
 * and DJL's {@code Trainer} with {@link #nbodyInput}.
 */
public final class EgnnModel extends AbstractBlock {
    /** Parameter count of the N-body configuration (H = 64, 4 layers, F = 1, A = 2). */
    public static final long NBODY_PARAMETERS = 134_020L;

    private static final byte VERSION = 1;

    /** Which formulation of the message passing to run; all give the same function. */
    public enum Path {
        /** PACKED when the batch is uniformly fully connected with n ≥ 2, else SCATTER. */
        AUTO,
        /** Gathers over the edge list and sparse segment sums; any graph. */
        SCATTER,
        /**
         * [B, n, n, ·] pair tensors for fully connected batches of equal-size graphs: no gathers or
         * scatters; the diagonal is computed and masked out.
         */
        DENSE,
        /**
         * For fully connected batches of equal-size graphs: the i-major edge list viewed as [B, n, n−1, ·];
         * receiver terms by broadcasting, aggregation by reshape-sums, one sender gather per layer; no
         * scatter and no diagonal.
         */
        PACKED,
        /**
         * The PACKED formulation (same batches) as one TorchScript call per forward ({@link EgnnScript},
         * run through {@link ScriptModule}): the same function and parameters, a few hundred fewer engine
         * calls per step. The fastest path for N-body (see EgnnEpochBench).
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

    /** N-body defaults: H = 64, 4 layers, 1 node feature, 2 edge attributes, path AUTO. */
    public static Builder builder() {
        return new Builder();
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
     * @throws IllegalArgumentException when the batch lacks node features or velocities, their widths
     *     differ from the configuration, or DENSE is asked for a batch that is not uniformly fully connected
     */
    public NDArray forward(ParameterStore ps, GraphBatch g, boolean training, Path which) {
        NDArray hIn = g.nodeFeatures().orElseThrow(() -> new IllegalArgumentException(
                "EgnnModel needs node features [N, " + nodeFeatures + "] (for N-body the speed ‖v‖)"));
        if (hIn.getShape().get(1) != nodeFeatures) {
            throw new IllegalArgumentException("EgnnModel expects node features [N, " + nodeFeatures + "], got "
                    + hIn.getShape());
        }
        NDArray v0 = g.velocities().orElseThrow(() -> new IllegalArgumentException("EgnnModel needs velocities [N, 3]"));
        NDArray attr = checkedEdgeAttributes(g, edgeAttributes);
        if (!isInitialized()) {
            initialize(ps.getManager(), g.dataType(), hIn.getShape(), g.positions().getShape());
        }
        Ops.checkDataType(this, g);
        int n = g.topology().uniformFullyConnectedSize();
        Path resolved = which != Path.AUTO ? which : (n >= 2 ? AUTO_FULLY_CONNECTED : Path.SCATTER);
        if ((resolved == Path.DENSE || resolved == Path.PACKED || resolved == Path.FUSED) && n < 2) {
            throw new IllegalArgumentException("the " + resolved + " path needs a fully connected batch of equal-size"
                    + " graphs of n >= 2 nodes in i-major edge order (GraphTopology.fullyConnected), got " + g.topology());
        }
        if (resolved == Path.FUSED) {
            NDArray x = g.positions();
            List<NDArray> args = new ArrayList<>();
            args.add(x.reshape(x.getShape().get(0) / n, n, 3));
            args.add(hIn);
            args.add(v0);
            if (attr != null) {
                args.add(attr);
            }
            return callScript("forward", ps, x.getDevice(), training, args);
        }
        NDArray h = embedding.apply(ps, hIn, training);
        NDArray x = g.positions();
        if (resolved == Path.SCATTER) {
            EgnnLayer.Constants c = EgnnLayer.Constants.create(x.getManager(), g.dataType(), 0);
            for (EgnnLayer layer : layers) {
                NDList out = layer.forwardScatter(ps, h, x, v0, attr, g, c, training);
                h = out.get(0);
                x = out.get(1);
            }
            return x;
        }
        if (resolved == Path.PACKED) {
            EgnnLayer.Constants c = EgnnLayer.Constants.create(x.getManager(), g.dataType(), n);
            for (EgnnLayer layer : layers) {
                NDList out = layer.forwardPacked(ps, h, x, v0, attr, g, n, c, training);
                h = out.get(0);
                x = out.get(1);
            }
            return x;
        }
        long b = g.numGraphs();
        NDManager m = x.getManager();
        h = h.reshape(b, n, hidden);
        x = x.reshape(b, n, 3);
        NDArray v = v0.reshape(b, n, 3);
        NDArray attrDense = attr == null ? null : DenseGraphs.toDense(attr, n, (int) b);
        EgnnLayer.Constants c = EgnnLayer.Constants.create(m, g.dataType(), n);
        for (EgnnLayer layer : layers) {
            NDList out = layer.forwardDense(ps, h, x, v, attrDense, c, training);
            h = out.get(0);
            x = out.get(1);
        }
        return x.reshape(b * n, 3);
    }

    /** The path AUTO takes for uniformly fully connected batches (n ≥ 2). */
    static final Path AUTO_FULLY_CONNECTED = Path.FUSED;

    /**
     * The N-body model on plain arrays, without a {@link GraphBatch}: B fully connected systems of n ≥ 2
     * bodies; the node feature ‖v‖ and the edge attributes [q_iq_j, ‖x_i − x_j‖²] are computed inside,
     * exactly as {@link NBodyGraphs#egnn} does. Equal to {@code forward(ps, NBodyGraphs.egnn(
     * GraphTopology.fullyConnected(n, B), x, v, q), training)} with x, v, q reshaped to [B·n, ·].
     * Only for the N-body configuration (1 node feature, 2 edge attributes).
     *
     * @param x positions [B, n, 3]
     * @param v velocities [B, n, 3]
     * @param charges [B, n] or [B, n, 1]
     * @return output positions [B·n, 3]
     */
    public NDArray forwardNBody(ParameterStore ps, NDArray x, NDArray v, NDArray charges, boolean training) {
        Shape xs = x.getShape();
        if (xs.dimension() != 3 || xs.get(2) != 3 || xs.get(1) < 2) {
            throw new IllegalArgumentException("N-body positions must have shape [B, n, 3] with n >= 2, got " + xs);
        }
        if (!v.getShape().equals(xs)) {
            throw new IllegalArgumentException("N-body velocities must have the positions' shape " + xs + ", got "
                    + v.getShape());
        }
        long b = xs.get(0);
        int n = Math.toIntExact(xs.get(1));
        Shape qs = charges.getShape();
        if (qs.size() != b * n || qs.dimension() < 2 || qs.dimension() > 3 || qs.get(0) != b || qs.get(1) != n) {
            throw new IllegalArgumentException("N-body charges must have shape [" + b + ", " + n + "] or [" + b + ", " + n
                    + ", 1], got " + qs);
        }
        if (nodeFeatures != 1 || edgeAttributes != 2) {
            throw new IllegalArgumentException("forwardNBody needs the N-body configuration (1 node feature, 2 edge"
                    + " attributes), this model has " + nodeFeatures + " and " + edgeAttributes);
        }
        DataType dt = x.getDataType();
        if (v.getDataType() != dt || charges.getDataType() != dt || (dt != DataType.FLOAT32 && dt != DataType.FLOAT64)) {
            throw new IllegalArgumentException("x, v and charges must all be float32 or all float64, got "
                    + dt + ", " + v.getDataType() + ", " + charges.getDataType());
        }
        if (!isInitialized()) {
            initialize(ps.getManager(), dt, new Shape(b * n, 1), new Shape(b * n, 3));
        }
        DataType pt = Ops.parameterType(this);
        if (pt != null && pt != dt) {
            throw new IllegalArgumentException("EgnnModel was initialised in " + pt + " but the N-body input is " + dt);
        }
        Path resolved = path == Path.AUTO ? AUTO_FULLY_CONNECTED : path;
        if (resolved == Path.FUSED) {
            List<NDArray> args = new ArrayList<>();
            args.add(x);
            args.add(v);
            args.add(qs.dimension() == 3 ? charges : charges.reshape(b, n, 1));
            return callScript("nbody", ps, x.getDevice(), training, args);
        }
        GraphBatch g = NBodyGraphs.egnn(GraphTopology.fullyConnected(n, Math.toIntExact(b)), x.reshape(b * n, 3),
                v.reshape(b * n, 3), charges.reshape(b * n));
        return forward(ps, g, training, resolved);
    }

    /**
     * The input of {@link #forwardNBody} as an NDList [x, v, charges] for {@code Block.forward} and DJL's
     * {@code Trainer}: the model reads a 3-entry list as N-body input (a {@link GraphBatch#toNDList()} has 7).
     */
    public static NDList nbodyInput(NDArray x, NDArray v, NDArray charges) {
        return new NDList(x, v, charges);
    }

    /** Runs a method of this model's script with the parameters appended to {@code args}. */
    private NDArray callScript(String method, ParameterStore ps, ai.djl.Device device, boolean training, List<NDArray> args) {
        args.add(embedding.weight(ps, device, training));
        args.add(embedding.bias(ps, device, training));
        for (EgnnLayer layer : layers) {
            layer.scriptParameters(ps, device, training, args);
        }
        // like DJL's PtSymbolBlock: training records autograd (under a GradientCollector), inference runs under no-grad
        return script(args.get(args.size() - 1).getManager()).call(method, training, args.toArray(new NDArray[0]))
                .singletonOrThrow();
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

    /**
     * Runs on a {@link GraphBatch#toNDList()} (7 arrays) or on {@link #nbodyInput} (3 arrays); returns
     * [positions [N, 3]].
     */
    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() == 3) {
            return new NDList(forwardNBody(ps, inputs.get(0), inputs.get(1), inputs.get(2), training));
        }
        return new NDList(forward(ps, GraphBatch.fromNDList(inputs), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        if (inputShapes.length == 3) {
            return new Shape[] {new Shape(inputShapes[0].get(0) * inputShapes[0].get(1), 3)};
        }
        return new Shape[] {inputShapes[1]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        embedding.initialize(manager, dataType, new Shape(1, nodeFeatures));
        for (EgnnLayer layer : layers) {
            layer.initialize(manager, dataType, new Shape(1, hidden), new Shape(1, 3));
        }
    }

    /** Builder with the N-body defaults. */
    public static final class Builder {
        private int nodeFeatures = 1;
        private int hidden = 64;
        private int layers = 4;
        private int edgeAttributes = 2;
        private Path path = Path.AUTO;

        private Builder() {}

        public Builder nodeFeatures(int f) {
            this.nodeFeatures = f;
            return this;
        }

        public Builder hidden(int h) {
            this.hidden = h;
            return this;
        }

        public Builder layers(int l) {
            this.layers = l;
            return this;
        }

        public Builder edgeAttributes(int a) {
            this.edgeAttributes = a;
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

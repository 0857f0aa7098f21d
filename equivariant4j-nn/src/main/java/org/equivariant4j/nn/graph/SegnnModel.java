package org.equivariant4j.nn.graph;

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
import java.util.Objects;
import org.equivariant4j.harmonics.Normalization;
import org.equivariant4j.nn.o3.GatedSteerableLinear;
import org.equivariant4j.nn.o3.SphericalHarmonics;
import org.equivariant4j.nn.o3.SteerableLinear;
import org.equivariant4j.nn.o3.TensorProductRoute;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.nn.ops.TorchGenerator;
import org.equivariant4j.o3.Irrep;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.PathNormalization;

/**
 * SEGNN, the steerable E(3)-equivariant graph network of Brandstetter, Hesselink, van der Pol, Bekkers and Welling
 * (ICLR 2022), as their reference code builds it, on a generic {@link GraphBatch}. The geometric attributes steer every
 * layer (SEGNN_{G+P}):
 *
 * <pre>
 *   a_ij = Y(x_j − x_i)                     spherical harmonics l ≤ L of the relative position (normalised vectors)
 *   a_i  = mean_j a_ij (+ Y(v_i))           the node attribute (with the node vectors, e.g. velocities, if enabled),
 *                                           its l = 0 component set to 1
 *   e_ij = [‖x_j − x_i‖ (if enabled), edge attributes of the batch]   invariant scalars added to every message
 *   h    = W_{a_i} f_i                      embedding of the node features f ({@link SteerableLinear})
 *   h    ← {@link SegnnLayer}(h) × layers
 *   y_i  = W'_{a_i} σ(W_{a_i} h_i)           node output; or, for graph tasks, pooled (mean or sum) over each graph
 *                                           and mapped by σ(W) and W without attributes
 * </pre>
 * σ is SEGNN's gate ({@link GatedSteerableLinear}). Equivariant under rotations and reflections of positions and vectors
 * (with the node features transforming by their irreps), invariant under translations, and permutation-equivariant in
 * the nodes, whenever the batch's edge attributes are invariant scalars.
 *
 * <p>Input: the batch with node features [N, in.dim], positions, vectors (if the node vectors enter the attributes) and
 * edge attributes [E, edgeScalars] (if any). Output [N, out.dim] (node task) or [numGraphs, out.dim] (graph task).
 * Differentiable in the positions to any order (forces of an energy, and their gradients).
 */
public final class SegnnModel extends AbstractBlock {
    private static final byte VERSION = 1;

    /** Node or graph outputs. */
    public enum Task {
        /** One output per node. */
        NODE,
        /** One output per graph (pooled over its nodes). */
        GRAPH
    }

    /** How node outputs are pooled for graph tasks. */
    public enum Pool {
        MEAN,
        SUM
    }

    /** Normalisation inside the layers. */
    public enum Norm {
        NONE,
        /** SEGNN's per-graph instance norm of the node features. */
        INSTANCE,
        /** e3nn's batch norm of the messages and the node features (running statistics). */
        BATCH
    }

    private final Irreps in;
    private final Irreps hidden;
    private final Irreps out;
    private final Irreps attributes;
    private final Task task;
    private final Pool pool;
    private final Norm norm;
    private final int edgeScalars;
    private final boolean distance;
    private final boolean vectorAttributes;
    private final Normalization attributeNormalization;
    private final PathNormalization paths;
    private final SphericalHarmonics harmonics;
    private final SteerableLinear embedding;
    private final List<SegnnLayer> layers;
    private final GatedSteerableLinear prePool1;
    private final SteerableLinear prePool2;
    private final GatedSteerableLinear postPool1;
    private final SteerableLinear postPool2;
    private final TorchGenerator referenceDraws; // null: Java draws from the builder's seed
    private final double[] attributeMask; // 0 at component 0, 1 elsewhere

    private SegnnModel(Builder b) {
        super(VERSION);
        this.in = b.in;
        this.hidden = b.hidden;
        this.out = b.out;
        this.attributes = Irreps.sphericalHarmonics(b.lmaxAttributes);
        this.task = b.task;
        this.pool = b.pool;
        this.norm = b.norm;
        this.edgeScalars = b.edgeScalars;
        this.distance = b.distance;
        this.vectorAttributes = b.vectorAttributes;
        this.attributeNormalization = b.attributeNormalization;
        this.harmonics = SphericalHarmonics.of(b.lmaxAttributes, true, attributeNormalization);
        long seed = b.seed;
        this.referenceDraws = b.referenceDraws;
        this.paths = b.paths;
        this.embedding = addChildBlock("embedding", SteerableLinear.of(in, attributes, hidden, b.route, b.paths, seed));
        int scalars = edgeScalars + (distance ? 1 : 0);
        List<SegnnLayer> ls = new ArrayList<>();
        for (int k = 0; k < b.layers; k++) {
            ls.add(addChildBlock("layer" + k, new SegnnLayer(hidden, attributes, attributes, scalars, norm, b.route, b.paths,
                    seed + 100 * (k + 1))));
        }
        this.layers = Collections.unmodifiableList(ls);
        this.prePool1 = addChildBlock("pre_pool1", GatedSteerableLinear.of(hidden, attributes, hidden, b.route, b.paths,
                seed + 10));
        if (task == Task.NODE) {
            this.prePool2 = addChildBlock("pre_pool2", SteerableLinear.of(hidden, attributes, out, b.route, b.paths,
                    seed + 12));
            this.postPool1 = null;
            this.postPool2 = null;
        } else {
            Irreps pooled = Irreps.empty();
            for (int k = 0; k < hidden.numIrreps(); k++) {
                pooled = pooled.plus(out);
            }
            pooled = pooled.simplify().sort().irreps();
            this.prePool2 = addChildBlock("pre_pool2", SteerableLinear.of(hidden, attributes, pooled, b.route, b.paths,
                    seed + 12));
            this.postPool1 = addChildBlock("post_pool1", GatedSteerableLinear.of(pooled, pooled, b.paths, seed + 14));
            this.postPool2 = addChildBlock("post_pool2", SteerableLinear.of(pooled, out, b.paths, seed + 16));
        }
        this.attributeMask = new double[attributes.dim()];
        java.util.Arrays.fill(attributeMask, 1, attributeMask.length, 1.0);
    }

    /** A builder for node features {@code in}, hidden features {@code hidden} and outputs {@code out}. */
    public static Builder builder(Irreps in, Irreps hidden, Irreps out) {
        return new Builder(in, hidden, out);
    }

    public Irreps irrepsIn() {
        return in;
    }

    public Irreps irrepsHidden() {
        return hidden;
    }

    public Irreps irrepsOut() {
        return out;
    }

    /** The edge and node attributes' irreps: spherical harmonics up to L. */
    public Irreps irrepsAttributes() {
        return attributes;
    }

    /** How its steerable layers normalise their paths. */
    public PathNormalization pathNormalization() {
        return paths;
    }

    public Task task() {
        return task;
    }

    public List<SegnnLayer> layers() {
        return layers;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, GraphBatch.fromNDList(inputs), training));
    }

    /**
     * The outputs for a batch: [N, out.dim] for a node task, [numGraphs, out.dim] for a graph task, on the positions'
     * manager.
     *
     * @throws IllegalArgumentException when the batch lacks node features, vectors or edge scalars the model needs, or
     *     their widths differ from its configuration
     */
    public NDArray forward(ParameterStore ps, GraphBatch g, boolean training) {
        NDArray f = g.nodeFeatures().orElseThrow(() -> new IllegalArgumentException(this + " needs node features [N, "
                + in.dim() + "] (\"" + in + "\")"));
        if (f.getShape().get(1) != in.dim()) {
            throw new IllegalArgumentException(this + " expects node features [N, " + in.dim() + "] (\"" + in + "\"), got "
                    + f.getShape());
        }
        NDArray edgeAttr = g.edgeAttributes().orElse(null);
        long gotScalars = edgeAttr == null ? 0 : edgeAttr.getShape().get(1);
        if (gotScalars != edgeScalars) {
            throw new IllegalArgumentException(this + " expects " + edgeScalars + " invariant edge scalars per edge (the"
                    + " batch's edge attributes), got " + (edgeAttr == null ? "none" : edgeAttr.getShape().toString()));
        }
        NDArray v = null;
        if (vectorAttributes) {
            v = g.vectors().orElseThrow(() -> new IllegalArgumentException(this
                    + " adds the harmonics of the node vectors to the node attributes and needs vectors [N, 3]"));
        }
        if (!isInitialized()) {
            initialize(ps.getManager(), g.dataType(), f.getShape());
        }
        NDArray x = g.positions();
        NDArray rel = g.edgeVectors();
        NDArray edgeAttributes = harmonics.apply(rel);
        NDArray nodeAttributes = g.receiverAggregation().mean(edgeAttributes);
        if (v != null) {
            nodeAttributes = nodeAttributes.add(harmonics.apply(v));
        }
        NDArray mask = Tensors.fromFlat(x.getManager(), attributeMask, new Shape(attributes.dim()), x.getDataType());
        NDArray first = Tensors.fromFlat(x.getManager(), firstComponent(), new Shape(attributes.dim()), x.getDataType());
        nodeAttributes = nodeAttributes.mul(mask).add(first);
        NDArray scalars = null;
        if (distance || edgeScalars > 0) {
            NDList parts = new NDList();
            if (distance) {
                parts.add(rel.norm(new int[] {1}, true));
            }
            if (edgeScalars > 0) {
                parts.add(edgeAttr);
            }
            scalars = parts.size() == 1 ? parts.get(0) : ai.djl.ndarray.NDArrays.concat(parts, 1);
        }
        GraphPooling pooling = norm == Norm.INSTANCE || task == Task.GRAPH ? GraphPooling.of(g) : null;
        NDArray h = embedding.apply(ps, f, nodeAttributes, training);
        for (SegnnLayer layer : layers) {
            h = layer.apply(ps, h, g, edgeAttributes, nodeAttributes, scalars, pooling, training);
        }
        h = prePool1.apply(ps, h, nodeAttributes, training);
        h = prePool2.apply(ps, h, nodeAttributes, training);
        if (task == Task.NODE) {
            return h;
        }
        NDArray pooled = pool == Pool.MEAN ? pooling.mean(h) : pooling.sum(h);
        pooled = postPool1.apply(ps, pooled, null, training);
        return postPool2.apply(ps, pooled, null, training);
    }

    private double[] firstComponent() {
        double[] e = new double[attributes.dim()];
        e[0] = 1;
        return e;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape attr = new Shape(1, attributes.dim());
        embedding.initialize(manager, dataType, new Shape(1, in.dim()), attr);
        for (SegnnLayer layer : layers) {
            layer.initialize(manager, dataType, new Shape(1, hidden.dim()));
        }
        prePool1.initialize(manager, dataType, new Shape(1, hidden.dim()), attr);
        prePool2.initialize(manager, dataType, new Shape(1, hidden.dim()), attr);
        if (postPool1 != null) {
            postPool1.initialize(manager, dataType, new Shape(1, postPool1.irrepsIn().dim()));
            postPool2.initialize(manager, dataType, new Shape(1, postPool2.irrepsIn().dim()));
        }
        if (referenceDraws != null) {
            // the reference's construction order: embedding, layers, pre-pool 1 and 2, post-pool 1 and 2
            TorchGenerator g = referenceDraws.copy();
            embedding.drawLikeReference(g);
            for (SegnnLayer layer : layers) {
                layer.drawLikeReference(g);
            }
            prePool1.linear().drawLikeReference(g);
            prePool2.drawLikeReference(g);
            if (postPool1 != null) {
                postPool1.linear().drawLikeReference(g);
                postPool2.drawLikeReference(g);
            }
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), out.dim())};
    }

    @Override
    public String toString() {
        return "SegnnModel(" + in + " -> " + hidden + " x " + layers.size() + " -> " + out + ", attributes " + attributes
                + ", " + task + ")";
    }

    /** Builder of a {@link SegnnModel}; defaults as the reference's N-body run where it has one. */
    public static final class Builder {
        private final Irreps in;
        private final Irreps hidden;
        private final Irreps out;
        private int lmaxAttributes = 1;
        private int layers = 4;
        private Task task = Task.NODE;
        private Pool pool = Pool.MEAN;
        private Norm norm = Norm.NONE;
        private int edgeScalars;
        private boolean distance;
        private boolean vectorAttributes;
        private Normalization attributeNormalization = Normalization.INTEGRAL;
        private TensorProductRoute route = TensorProductRoute.AUTO;
        private PathNormalization paths = PathNormalization.ELEMENT;
        private long seed;
        private TorchGenerator referenceDraws;

        private Builder(Irreps in, Irreps hidden, Irreps out) {
            this.in = Objects.requireNonNull(in, "in");
            this.hidden = Objects.requireNonNull(hidden, "hidden");
            this.out = Objects.requireNonNull(out, "out");
            if (hidden.isEmpty() || !hidden.get(0).irrep().equals(Irrep.SCALAR)) {
                throw new IllegalArgumentException("SEGNN's hidden irreps start with scalars (0e), got \"" + hidden + "\"");
            }
        }

        /** Degree L of the attributes' spherical harmonics (default 1). */
        public Builder lmaxAttributes(int lmax) {
            if (lmax < 0) {
                throw new IllegalArgumentException("lmaxAttributes must be >= 0, got " + lmax);
            }
            this.lmaxAttributes = lmax;
            return this;
        }

        /** Message-passing layers (default 4). */
        public Builder layers(int layers) {
            if (layers < 0) {
                throw new IllegalArgumentException("layers must be >= 0, got " + layers);
            }
            this.layers = layers;
            return this;
        }

        /** Node or graph outputs, and how graphs pool (default NODE; MEAN). */
        public Builder task(Task task, Pool pool) {
            this.task = Objects.requireNonNull(task, "task");
            this.pool = Objects.requireNonNull(pool, "pool");
            return this;
        }

        /** Normalisation (default NONE). */
        public Builder norm(Norm norm) {
            this.norm = Objects.requireNonNull(norm, "norm");
            return this;
        }

        /** Invariant scalars per edge that the batch's edge attributes hold (default 0). */
        public Builder edgeScalars(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("edgeScalars must be >= 0, got " + count);
            }
            this.edgeScalars = count;
            return this;
        }

        /** Whether ‖x_j − x_i‖ joins the edge scalars, first (default false). */
        public Builder distance(boolean distance) {
            this.distance = distance;
            return this;
        }

        /** Whether the harmonics of the node vectors join the node attributes (default false). */
        public Builder vectorAttributes(boolean vectorAttributes) {
            this.vectorAttributes = vectorAttributes;
            return this;
        }

        /** Normalisation of the attribute harmonics (default INTEGRAL, as SEGNN's N-body run). */
        public Builder attributeNormalization(Normalization normalization) {
            this.attributeNormalization = Objects.requireNonNull(normalization, "normalization");
            return this;
        }

        /** The tensor-product route of the steerable layers (default AUTO). */
        public Builder route(TensorProductRoute route) {
            this.route = Objects.requireNonNull(route, "route");
            return this;
        }

        /**
         * How the steerable layers normalise their paths (default ELEMENT): ELEMENT as SEGNN computes with e3nn ≥ 0.4
         * (its {@code environment.yml} pins 0.4.1), PATH as with e3nn ≤ 0.3.5, which its paper's runs used (e3nn 0.4.0
         * came out on 2021-10-05, the week of the preprint; the repository's {@code environment2.yml} pins 0.3.5).
         * Under PATH every path into an output weighs the same: in the N-body message layer the two extra edge scalars
         * (distance, charge product) enter 3.6× as strongly as under ELEMENT (√(130/10)), each 32-copy path 0.90×
         * (√(130/160)). See {@link SteerableLinear}.
         *
         * @throws IllegalArgumentException for NONE
         */
        public Builder pathNormalization(PathNormalization paths) {
            if (Objects.requireNonNull(paths, "paths") == PathNormalization.NONE) {
                throw new IllegalArgumentException("SEGNN's steerable layers normalise their paths as e3nn >= 0.4 (ELEMENT)"
                        + " or e3nn <= 0.3.5 (PATH), got " + paths);
            }
            this.paths = paths;
            return this;
        }

        /** Seeds the initial weights (Java generator; default 0); replaces {@link #referenceDraws}. */
        public Builder seed(long seed) {
            this.seed = seed;
            this.referenceDraws = null;
            return this;
        }

        /**
         * Draws the initial weights as SEGNN's reference code does, value for value, from PyTorch's generator in the
         * state it has when the reference builds the model (after {@code torch.manual_seed} and, when the hidden irreps
         * were weight-balanced, the draws of {@link SegnnIrreps#weightBalanced(int, Irreps, int, TorchGenerator)}):
         * float32 draws, layer after layer in the reference's construction order (see
         * {@link SteerableLinear#drawLikeReference}). A model that starts where a run of the reference started. The
         * generator is copied; it is not advanced.
         */
        public Builder referenceDraws(TorchGenerator generator) {
            this.referenceDraws = generator.copy();
            return this;
        }

        public SegnnModel build() {
            return new SegnnModel(this);
        }
    }
}

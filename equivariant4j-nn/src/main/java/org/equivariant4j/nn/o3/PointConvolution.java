package org.equivariant4j.nn.o3;

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
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.TensorProductSpec;

/**
 * The Tensor-Field-Network / NequIP point convolution, as e3nn's {@code gate_points_2101.Convolution} with the edge
 * embedding of its {@code Network}, on a generic {@link GraphBatch} (edge (i, j): message from sender j to receiver i):
 *
 * <pre>
 *   r_ij   = x_j − x_i,  Y_ij = Y(r̂_ij)·c(|r_ij|/r_max)        spherical harmonics (component) times a smooth cutoff
 *   w_ij   = MLP(√B · gaussians(|r_ij|; 0..r_max, B))           per-edge weights of the uvu product (radial network)
 *   s_i    = FCTP(h_i, a_i → out)                               self-connection with the node attributes a
 *   h'_i   = FCTP(h_i, a_i → in)
 *   m_i    = Σ_j TP_uvu(h'_j, Y_ij; w_ij) / √(numNeighbors)     every coupled path into its own output entry
 *   out_i  = sin(π/8)·s_i + cos(π/8)·FCTP(m_i, a_i → out)       (cos(π/8) → 1 where the self-connection is zero)
 * </pre>
 * c(u) = (1 − cos(π·2(u − 1)))/2 for u in [1/2, 1], 1 below, 0 above. Equivariant under rotations, reflections,
 * translations and node permutations. The product with the harmonics is an {@link EdgeTensorProduct} (its routes:
 * harmonics first, or each edge in its own frame). Inputs: the graph (positions [N, 3], edges), node features h [N, in.dim] and
 * node attributes a [N, attr.dim] (e.g. one-hot species, {@code "Sx0e"}). Sub-blocks keep e3nn's parameter layouts.
 */
public final class PointConvolution extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Irreps in;
    private final Irreps nodeAttributes;
    private final Irreps edgeAttributes;
    private final Irreps out;
    private final int numBasis;
    private final double maxRadius;
    private final double numNeighbors;
    private final TensorProduct selfConnection;
    private final TensorProduct linear1;
    private final EdgeTensorProduct convolution;
    private final FullyConnectedNet radial;
    private final TensorProduct linear2;
    private final double[] mixX; // per output component: cos(π/8) where the self-connection reaches, else 1

    private PointConvolution(Builder b) {
        super(VERSION);
        this.in = b.in;
        this.nodeAttributes = b.nodeAttributes;
        this.edgeAttributes = Irreps.sphericalHarmonics(b.lmax);
        this.out = b.out;
        this.numBasis = b.numBasis;
        this.maxRadius = b.maxRadius;
        this.numNeighbors = b.numNeighbors;
        long seed = b.seed;
        this.selfConnection = addChildBlock("sc", TensorProduct.builder(TensorProductSpec.fullyConnected(in, nodeAttributes,
                out)).optSeed(seed).build());
        this.linear1 = addChildBlock("lin1", TensorProduct.builder(TensorProductSpec.fullyConnected(in, nodeAttributes,
                in)).optSeed(seed + 1).build());
        TensorProductSpec conv = TensorProductSpec.convolution(in, edgeAttributes, out);
        this.convolution = new EdgeTensorProduct(conv, b.route);
        int[] sizes = new int[b.radialLayers + 2];
        sizes[0] = numBasis;
        for (int k = 1; k <= b.radialLayers; k++) {
            sizes[k] = b.radialNeurons;
        }
        sizes[sizes.length - 1] = conv.weightNumel();
        this.radial = addChildBlock("fc", new FullyConnectedNet(sizes, Activation.SILU, 1, 1, false, seed + 2));
        this.linear2 = addChildBlock("lin2", TensorProduct.builder(TensorProductSpec.fullyConnected(conv.out(),
                nodeAttributes, out)).optSeed(seed + 3).build());
        boolean[] mask = selfConnection.spec().outputMask();
        this.mixX = new double[out.dim()];
        for (int c = 0; c < out.size(); c++) {
            for (int d = out.offset(c); d < out.offset(c + 1); d++) {
                mixX[d] = mask[c] ? Math.cos(Math.PI / 8) : 1;
            }
        }
    }

    /** A builder for node features {@code in} with node attributes {@code nodeAttributes}, output {@code out}. */
    public static Builder builder(Irreps in, Irreps nodeAttributes, Irreps out) {
        return new Builder(in, nodeAttributes, out);
    }

    /** The node features' irreps. */
    public Irreps irrepsIn() {
        return in;
    }

    /** The output irreps. */
    public Irreps irrepsOut() {
        return out;
    }

    /** The uvu product of neighbour features with the edges' spherical harmonics. */
    public EdgeTensorProduct convolution() {
        return convolution;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() != GraphBatch.NDLIST_SIZE + 2) {
            throw new IllegalArgumentException(this + " expects the graph's " + GraphBatch.NDLIST_SIZE
                    + " arrays (GraphBatch.toNDList()) followed by node features and node attributes, got " + inputs.size());
        }
        GraphBatch g = GraphBatch.fromNDList(new NDList(inputs.subList(0, GraphBatch.NDLIST_SIZE)));
        return new NDList(apply(ps, g, inputs.get(GraphBatch.NDLIST_SIZE), inputs.get(GraphBatch.NDLIST_SIZE + 1), training));
    }

    /**
     * The convolution of node features h [N, in.dim] with attributes a [N, attr.dim] over the graph's edges.
     */
    public NDArray apply(ParameterStore ps, GraphBatch graph, NDArray h, NDArray a, boolean training) {
        Objects.requireNonNull(graph, "graph");
        int n = graph.numNodes();
        requireRows("node features", h, n, in);
        requireRows("node attributes", a, n, nodeAttributes);
        NDArray sender = graph.senderIndex();
        NDArray vec = graph.edgeVectors();
        NDArray length = vec.norm(new int[] {1});
        NDArray cutoff = smoothCutoff(length.div(Tensors.scalar(length, maxRadius)));
        NDArray embedding = RadialBasis.GAUSSIAN.softOneHotLinspace(length, 0, maxRadius, numBasis, false)
                .mul(Tensors.scalar(length, Math.sqrt(numBasis)));
        NDArray w = radial.forward(ps, new NDList(embedding), training).singletonOrThrow();
        NDArray s = selfConnection.forward(ps, new NDList(h, a), training).singletonOrThrow();
        NDArray x = linear1.forward(ps, new NDList(h, a), training).singletonOrThrow();
        NDArray edges = convolution.apply(x.get(new NDIndex("{}", sender)), vec, cutoff, w);
        NDArray m = graph.receiverAggregation().sum(edges).div(Tensors.scalar(edges, Math.sqrt(numNeighbors)));
        NDArray y = linear2.forward(ps, new NDList(m, a), training).singletonOrThrow();
        NDManager mgr = h.getManager();
        NDArray mix = Tensors.fromFlat(mgr, mixX, new Shape(out.dim()), h.getDataType());
        return s.mul(Tensors.scalar(s, Math.sin(Math.PI / 8))).add(y.mul(mix));
    }

    /** e3nn's smooth cutoff: 1 up to u = 1/2, (1 − cos(2π(u − 1)))/2 up to 1, 0 beyond. */
    static NDArray smoothCutoff(NDArray u) {
        NDArray t = u.sub(1).mul(Tensors.scalar(u, 2));
        NDArray y = t.mul(Tensors.scalar(t, Math.PI)).cos().neg().add(1).mul(Tensors.scalar(t, 0.5));
        y = NDArrays.where(t.gt(0), y.zerosLike(), y);
        return NDArrays.where(t.lt(-1), y.onesLike(), y);
    }

    private void requireRows(String what, NDArray x, int n, Irreps irreps) {
        Shape s = x.getShape();
        if (s.dimension() != 2 || s.get(0) != n || s.get(1) != irreps.dim()) {
            throw new IllegalArgumentException(this + ": " + what + " must have shape (" + n + ", " + irreps.dim()
                    + ") (one row of \"" + irreps + "\" per node), got " + s);
        }
        if (x.getDataType() != DataType.FLOAT32 && x.getDataType() != DataType.FLOAT64) {
            throw new IllegalArgumentException(this + ": " + what + " must be FLOAT32 or FLOAT64, got " + x.getDataType());
        }
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        selfConnection.initialize(manager, dataType, new Shape(1, in.dim()), new Shape(1, nodeAttributes.dim()));
        linear1.initialize(manager, dataType, new Shape(1, in.dim()), new Shape(1, nodeAttributes.dim()));
        radial.initialize(manager, dataType, new Shape(1, numBasis));
        linear2.initialize(manager, dataType, new Shape(1, convolution.spec().out().dim()),
                new Shape(1, nodeAttributes.dim()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape h = inputShapes[GraphBatch.NDLIST_SIZE];
        return new Shape[] {new Shape(h.get(0), out.dim())};
    }

    @Override
    public String toString() {
        return "PointConvolution(" + in + " (x) " + edgeAttributes + " -> " + out + ", attributes " + nodeAttributes + ")";
    }

    /** Builder of a {@link PointConvolution} (defaults: e3nn's example values). */
    public static final class Builder {
        private final Irreps in;
        private final Irreps nodeAttributes;
        private final Irreps out;
        private int lmax = 2;
        private int numBasis = 10;
        private int radialLayers = 1;
        private int radialNeurons = 64;
        private double maxRadius = 2.5;
        private double numNeighbors = 8;
        private EdgeTensorProduct.Route route = EdgeTensorProduct.Route.AUTO;
        private long seed = 0;

        private Builder(Irreps in, Irreps nodeAttributes, Irreps out) {
            this.in = Objects.requireNonNull(in, "in");
            this.nodeAttributes = Objects.requireNonNull(nodeAttributes, "nodeAttributes");
            this.out = Objects.requireNonNull(out, "out");
        }

        /** Degree of the edges' spherical harmonics (default 2). */
        public Builder lmax(int lmax) {
            this.lmax = lmax;
            return this;
        }

        /** Cutoff radius r_max (default 2.5). */
        public Builder maxRadius(double maxRadius) {
            if (!(maxRadius > 0)) {
                throw new IllegalArgumentException("maxRadius must be > 0, got " + maxRadius);
            }
            this.maxRadius = maxRadius;
            return this;
        }

        /** Number B of gaussians embedding the distance (default 10). */
        public Builder numBasis(int numBasis) {
            this.numBasis = numBasis;
            return this;
        }

        /** Hidden layers and their width in the radial network (default 1 × 64). */
        public Builder radial(int layers, int neurons) {
            this.radialLayers = layers;
            this.radialNeurons = neurons;
            return this;
        }

        /** The typical number of neighbours the sum is divided by (√ of it; default 8). */
        public Builder numNeighbors(double numNeighbors) {
            this.numNeighbors = numNeighbors;
            return this;
        }

        /** How the product with the edge harmonics is computed (default AUTO). */
        public Builder route(EdgeTensorProduct.Route route) {
            this.route = route;
            return this;
        }

        /** Seeds the initial weights (Java generator). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public PointConvolution build() {
            return new PointConvolution(this);
        }
    }
}

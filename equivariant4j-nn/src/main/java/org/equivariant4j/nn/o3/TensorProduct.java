package org.equivariant4j.nn.o3;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Collection;
import java.util.Objects;
import org.equivariant4j.nn.ops.Initializers;
import org.equivariant4j.nn.ops.ScriptKernel;
import org.equivariant4j.o3.Irrep;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.TensorProductSpec;

/**
 * The Clebsch–Gordan tensor product of two O(3) feature vectors, as e3nn's {@code o3.TensorProduct}: what it computes
 * (paths, connection modes, normalisation, weight layout) is the {@link TensorProductSpec}; this block runs it on
 * tensors, float32 or float64, differentiable to any order.
 *
 * <h2>Inputs</h2>
 * {@code x1 [..., in1.dim]} and {@code x2 [..., in2.dim]} with equal leading axes (nothing is broadcast), plus the
 * weights when they are external: {@code w [numel]} ({@link Weights#SHARED}) or {@code w [..., numel]}
 * ({@link Weights#PER_SAMPLE}, one set per sample, as convolutions feed them from a radial network). A
 * {@linkplain #square tensor square} takes {@code x} alone (and uses it for both inputs). The output is
 * {@code [..., out.dim]}.
 *
 * <h2>Weights</h2>
 * With {@link Weights#INTERNAL} (the default when the spec has weights) the block learns one flat parameter
 * {@code "weight" [numel]}, initialised N(0, 1) — the normalisation is in the path constants, as in e3nn — laid out
 * exactly as e3nn's {@code TensorProduct.weight} (see {@link TensorProductSpec}), so e3nn's trained values load as
 * they are.
 *
 * <h2>Routes</h2>
 * {@link TensorProductRoute#DENSE} (e3nn's einsums) works for every spec; {@link TensorProductRoute#FUSED} (sparse
 * Clebsch–Gordan entries, all paths in one batched matmul) for products with spherical harmonics; {@code AUTO} picks.
 */
public final class TensorProduct extends AbstractBlock {
    private static final byte VERSION = 1;

    /** Where the weights come from. */
    public enum Weights {
        /** A learned parameter of the block, shared by all samples. */
        INTERNAL,
        /** An extra input {@code w [numel]}, shared by all samples. */
        SHARED,
        /** An extra input {@code w [..., numel]}, one set per sample. */
        PER_SAMPLE
    }

    private record KernelKey(TensorProductSpec spec, TensorProductRoute route, boolean perSample, int chunkRows) {}

    private final TensorProductSpec spec;
    private final Weights weights;
    private final TensorProductRoute route;
    private final boolean square;
    private final Parameter weight;
    private final ScriptKernel kernel;

    private TensorProduct(Builder b) {
        super(VERSION);
        this.spec = b.spec;
        this.square = b.square;
        this.weights = b.weights != null ? b.weights : spec.hasWeights() ? Weights.INTERNAL : Weights.SHARED;
        if (!spec.hasWeights() && weights != Weights.SHARED) {
            throw new IllegalArgumentException("the tensor product " + spec + " has no weights; "
                    + weights + " weights make no sense for it");
        }
        if (square && !spec.in1().equals(spec.in2())) {
            throw new IllegalArgumentException("a tensor square needs equal inputs, got " + spec);
        }
        TensorProductRoute r = b.route == TensorProductRoute.AUTO ? TensorProductRoute.choose(spec) : b.route;
        if (r == TensorProductRoute.FUSED) {
            String why = FusedProductScript.unsupported(spec);
            if (why != null) {
                throw new IllegalArgumentException("the fused route cannot compute " + spec + ": " + why);
            }
        }
        this.route = r;
        boolean perSample = weights == Weights.PER_SAMPLE;
        this.kernel = ScriptKernel.shared(new KernelKey(spec, r, perSample, b.chunkRows), k -> k.route == TensorProductRoute.FUSED
                ? FusedProductScript.kernel(k.spec, k.perSample, k.chunkRows) : DenseProductScript.kernel(k.spec, k.perSample));
        this.weight = weights == Weights.INTERNAL
                ? addParameter(Parameter.builder()
                        .setName("weight")
                        .setType(Parameter.Type.WEIGHT)
                        .optShape(new Shape(spec.weightNumel()))
                        .optInitializer(Initializers.gaussian(b.seed, 1.0))
                        .build())
                : null;
    }

    /** A builder for a product described by {@code spec}. */
    public static Builder builder(TensorProductSpec spec) {
        return new Builder(spec);
    }

    /** e3nn's {@code FullyConnectedTensorProduct} with internal weights. */
    public static TensorProduct fullyConnected(Irreps in1, Irreps in2, Irreps out) {
        return builder(TensorProductSpec.fullyConnected(in1, in2, out)).build();
    }

    /** e3nn's {@code FullTensorProduct} (no weights); {@code filter} keeps only those output irreps (null: all). */
    public static TensorProduct full(Irreps in1, Irreps in2, Collection<Irrep> filter) {
        return builder(TensorProductSpec.full(in1, in2, filter)).build();
    }

    /** e3nn's {@code ElementwiseTensorProduct} (no weights); {@code filter} keeps only those output irreps (null: all). */
    public static TensorProduct elementwise(Irreps in1, Irreps in2, Collection<Irrep> filter) {
        return builder(TensorProductSpec.elementwise(in1, in2, filter)).build();
    }

    /** e3nn's {@code TensorSquare} of x without weights (input [x]); {@code filter} as for {@link #full}. */
    public static TensorProduct square(Irreps in, Collection<Irrep> filter) {
        return builder(TensorProductSpec.square(in, filter)).square().build();
    }

    /** e3nn's {@code TensorSquare} of x into {@code out}, fully connected, with internal weights (input [x]). */
    public static TensorProduct square(Irreps in, Irreps out) {
        return builder(TensorProductSpec.square(in, out)).square().build();
    }

    /** What is computed. */
    public TensorProductSpec spec() {
        return spec;
    }

    /** Where the weights come from. */
    public Weights weights() {
        return weights;
    }

    /** The route in use (DENSE or FUSED). */
    public TensorProductRoute route() {
        return route;
    }

    /** Whether the block takes one input x and computes x ⊗ x. */
    public boolean isSquare() {
        return square;
    }

    /** The flat weight parameter (internal weights), or null. */
    public Parameter weight() {
        return weight;
    }

    /** The generated TorchScript (for inspection). */
    public String source() {
        return kernel.source();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        int expected = (square ? 1 : 2) + (weights == Weights.INTERNAL ? 0 : spec.hasWeights() ? 1 : 0);
        if (inputs.size() != expected) {
            throw new IllegalArgumentException(this + " expects " + expected + " input arrays " + inputNames() + ", got "
                    + inputs.size());
        }
        NDArray x1 = inputs.get(0);
        NDArray x2 = square ? x1 : inputs.get(1);
        NDArray w = null;
        if (weights == Weights.INTERNAL) {
            w = ps.getValue(weight, x1.getDevice(), training);
        } else if (spec.hasWeights()) {
            w = inputs.get(square ? 1 : 2);
        }
        return new NDList(apply(x1, x2, w));
    }

    /**
     * The product of x1 and x2 with weights w (the parameter's value for internal weights, the given array otherwise,
     * ignored without weights).
     */
    public NDArray apply(NDArray x1, NDArray x2, NDArray w) {
        Shape lead = checkInputs(x1.getShape(), x2.getShape(), w == null ? null : w.getShape());
        if (x1.getDataType() != x2.getDataType() || (w != null && w.getDataType() != x1.getDataType())) {
            throw new IllegalArgumentException(this + ": inputs must share one dtype, got " + x1.getDataType() + ", "
                    + x2.getDataType() + (w == null ? "" : ", " + w.getDataType()));
        }
        long z = lead.size();
        NDArray a = x1.reshape(z, spec.in1().dim());
        NDArray b = x2.reshape(z, spec.in2().dim());
        NDArray ww = w == null ? a : weights == Weights.PER_SAMPLE ? w.reshape(z, spec.weightNumel()) : w;
        NDArray out = kernel.call("tp", a, b, ww).singletonOrThrow();
        return out.reshape(lead.addAll(new Shape(spec.out().dim())));
    }

    private String inputNames() {
        String w = weights == Weights.INTERNAL || !spec.hasWeights() ? ""
                : weights == Weights.SHARED ? ", w [" + spec.weightNumel() + "]" : ", w [..., " + spec.weightNumel() + "]";
        return square ? "[x [..., " + spec.in1().dim() + "]" + w + "]"
                : "[x1 [..., " + spec.in1().dim() + "], x2 [..., " + spec.in2().dim() + "]" + w + "]";
    }

    /** Validates shapes and returns the leading shape. */
    private Shape checkInputs(Shape s1, Shape s2, Shape sw) {
        O3Inputs.requireLastAxis(this, square ? "x" : "x1", s1, spec.in1());
        O3Inputs.requireLastAxis(this, "x2", s2, spec.in2());
        Shape lead = s1.slice(0, s1.dimension() - 1);
        Shape lead2 = s2.slice(0, s2.dimension() - 1);
        if (!lead.equals(lead2)) {
            throw new IllegalArgumentException(this + ": x1 " + s1 + " and x2 " + s2
                    + " must have the same leading axes (nothing is broadcast)");
        }
        if (spec.hasWeights() && weights != Weights.INTERNAL) {
            Shape want = weights == Weights.SHARED ? new Shape(spec.weightNumel())
                    : lead.addAll(new Shape(spec.weightNumel()));
            if (sw == null || !sw.equals(want)) {
                throw new IllegalArgumentException(this + ": expected " + (weights == Weights.SHARED ? "shared" : "per-sample")
                        + " weights of shape " + want + ", got " + sw);
            }
        }
        return lead;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        O3Inputs.requireLastAxis(this, square ? "x" : "x1", s, spec.in1());
        return new Shape[] {s.slice(0, s.dimension() - 1).addAll(new Shape(spec.out().dim()))};
    }

    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        super.saveMetadata(os);
        os.writeInt(spec.weightNumel());
        os.writeUTF(spec.toString());
    }

    @Override
    protected void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        super.loadMetadata(loadVersion, is);
        int numel = is.readInt();
        String saved = is.readUTF();
        if (numel != spec.weightNumel() || !saved.equals(spec.toString())) {
            throw new MalformedModelException("TensorProduct parameters were saved for " + saved + " but this block is "
                    + spec);
        }
    }

    @Override
    public String toString() {
        return (square ? "TensorSquare(" : "TensorProduct(") + spec + ")";
    }

    /** Builder of a {@link TensorProduct}. */
    public static final class Builder {
        private final TensorProductSpec spec;
        private Weights weights;
        private TensorProductRoute route = TensorProductRoute.AUTO;
        private boolean square;
        private Long seed;
        private int chunkRows;

        private Builder(TensorProductSpec spec) {
            this.spec = Objects.requireNonNull(spec, "spec");
        }

        /** Where the weights come from (default INTERNAL when the spec has weights). */
        public Builder weights(Weights weights) {
            this.weights = Objects.requireNonNull(weights, "weights");
            return this;
        }

        /** How to compute (default AUTO). */
        public Builder route(TensorProductRoute route) {
            this.route = Objects.requireNonNull(route, "route");
            return this;
        }

        /** Take one input x and compute x ⊗ x (the spec's inputs must be equal). */
        public Builder square() {
            this.square = true;
            return this;
        }

        /** Draw the internal weights from a Java generator with this seed instead of the engine's. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The fused route's batch chunk (tests use small chunks to exercise the loop); 0 chooses from the sizes. */
        Builder chunkRows(int rows) {
            this.chunkRows = rows;
            return this;
        }

        /** Builds the block. */
        public TensorProduct build() {
            return new TensorProduct(this);
        }
    }
}

package org.equivariant4j.nn.o3;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.equivariant4j.nn.ops.BlockInputs;
import org.equivariant4j.nn.ops.Initializers;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.o3.Irrep;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.PathNormalization;
import org.equivariant4j.o3.TensorProductSpec;

/**
 * e3nn's {@code o3.Linear}: the most general equivariant linear map between O(3) feature vectors. Every pair of an
 * input and an output entry with the same irrep gets a weight matrix W [mul_in, mul_out] mixing the copies, scaled by
 * 1/√(fan-in) (the total input multiplicity reaching that output, "element" normalisation; or "path"), so unit-variance
 * inputs and N(0, 1) weights give unit-variance outputs. Optional biases on the 0e outputs (zero-initialised).
 *
 * <p>It is the tensor product with the constant scalar 1 ({@code x ⊗ 1e0 → out}, uvw paths), so its parameter
 * {@code "weight" [numel]} is laid out as e3nn's {@code Linear.weight}: pairs in the order (input entry, output entry),
 * each W row-major. {@code "bias"} holds the 0e outputs' biases in output order, as e3nn's {@code Linear.bias}.
 */
public final class Linear extends AbstractBlock {
    private static final byte VERSION = 1;
    private static final Irreps ONE = Irreps.of(1, Irrep.SCALAR);

    private final Irreps in;
    private final Irreps out;
    private final TensorProduct product;
    private final Parameter weight;
    private final Parameter bias;
    private final double[] biasScatter; // [numBias, out.dim]: which component each bias goes to
    private final int numBias;

    private Linear(Irreps in, Irreps out, boolean biases, PathNormalization normalization, Long seed) {
        super(VERSION);
        this.in = in;
        this.out = out;
        TensorProductSpec spec = TensorProductSpec.fullyConnectedBuilder(in, ONE, out).pathNormalization(normalization)
                .build();
        this.product = TensorProduct.builder(spec).weights(TensorProduct.Weights.SHARED).route(TensorProductRoute.DENSE)
                .build();
        this.weight = spec.weightNumel() == 0 ? null : addParameter(Parameter.builder().setName("weight")
                .setType(Parameter.Type.WEIGHT).optShape(new Shape(spec.weightNumel()))
                .optInitializer(Initializers.gaussian(seed, 1.0)).build());
        int nb = 0;
        if (biases) {
            for (int c = 0; c < out.size(); c++) {
                if (out.get(c).irrep().isScalar()) {
                    nb += out.get(c).mul();
                }
            }
        }
        this.numBias = nb;
        this.biasScatter = new double[nb * out.dim()];
        int b = 0;
        for (int c = 0; c < out.size() && biases; c++) {
            if (out.get(c).irrep().isScalar()) {
                for (int u = 0; u < out.get(c).mul(); u++) {
                    biasScatter[b * out.dim() + out.offset(c) + u] = 1;
                    b++;
                }
            }
        }
        this.bias = nb == 0 ? null : addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(nb)).optInitializer(Initializer.ZEROS).build());
    }

    /** The linear map in → out without biases, e3nn's defaults. */
    public static Linear of(Irreps in, Irreps out) {
        return builder(in, out).build();
    }

    /** A builder. */
    public static Builder builder(Irreps in, Irreps out) {
        return new Builder(in, out);
    }

    public Irreps irrepsIn() {
        return in;
    }

    public Irreps irrepsOut() {
        return out;
    }

    /** The weight parameter (null when no irrep is shared). */
    public Parameter weight() {
        return weight;
    }

    /** The bias parameter of the 0e outputs, or null. */
    public Parameter bias() {
        return bias;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = BlockInputs.single(this, inputs);
        O3Inputs.requireLastAxis(this, "input", x.getShape(), in);
        Shape lead = x.getShape().slice(0, x.getShape().dimension() - 1);
        NDArray ones = x.getManager().ones(lead.addAll(new Shape(1)), x.getDataType());
        NDArray w = weight == null ? ones : ps.getValue(weight, x.getDevice(), training);
        NDArray y = product.apply(x, ones, weight == null ? null : w);
        if (bias != null) {
            NDArray b = ps.getValue(bias, x.getDevice(), training);
            NDArray scatter = Tensors.fromFlat(x.getManager(), biasScatter, new Shape(numBias, out.dim()), x.getDataType());
            y = y.add(b.matMul(scatter));
        }
        return new NDList(y);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).addAll(new Shape(out.dim()))};
    }

    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        super.saveMetadata(os);
        os.writeUTF(toString());
    }

    @Override
    protected void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        super.loadMetadata(loadVersion, is);
        String saved = is.readUTF();
        if (!saved.equals(toString())) {
            throw new MalformedModelException("Linear parameters were saved for " + saved + " but this block is " + this);
        }
    }

    @Override
    public String toString() {
        return "Linear(" + in + " -> " + out + (numBias > 0 ? ", " + numBias + " biases" : "") + ")";
    }

    /** Builder of a {@link Linear}. */
    public static final class Builder {
        private final Irreps in;
        private final Irreps out;
        private boolean biases;
        private PathNormalization normalization = PathNormalization.ELEMENT;
        private Long seed;

        private Builder(Irreps in, Irreps out) {
            this.in = in;
            this.out = out;
        }

        /** Biases on the 0e outputs (default false). */
        public Builder biases(boolean biases) {
            this.biases = biases;
            return this;
        }

        /** ELEMENT (default) or PATH. */
        public Builder pathNormalization(PathNormalization normalization) {
            if (normalization == PathNormalization.NONE) {
                throw new IllegalArgumentException("Linear normalises by ELEMENT or PATH, got NONE");
            }
            this.normalization = normalization;
            return this;
        }

        /** Draw the initial weights from a Java generator with this seed. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public Linear build() {
            return new Linear(in, out, biases, normalization, seed);
        }
    }
}

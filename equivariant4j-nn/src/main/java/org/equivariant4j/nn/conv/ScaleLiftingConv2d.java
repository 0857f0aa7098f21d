package org.equivariant4j.nn.conv;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import org.equivariant4j.kernel.ScaleKernelBasis;

/**
 * Lifting correlation from the plane to the scale–translation group: R² → R² ⋊ H, H = {s_i = 2^{i/n}, i = 0 … S−1}.
 *
 * <h2>Definition</h2>
 * For an input f with C_in channels on the pixel grid,
 * <pre>
 *   y[o, i](x) = b_o + Σ_c Σ_y f_c(x + y) K_{o,c,i}(y),     K_{o,c,i} = Σ_b w[o, c, b] ψ_{b, s_i}
 * </pre>
 * with ψ_{b,s}(y) = s⁻² ψ_b(y/s) the dilated Hermite–Gaussian basis of {@link ScaleKernelBasis} (pixel coordinates of
 * DESIGN.md: x to the right, y up). Only the C_out·C_in·numBasis coefficients w (parameter "weight") and the bias
 * (C_out, shared over scales, parameter "bias") are learned and saved; the basis is a constant rebuilt from the
 * configuration, on {@link #initialize} or on first use after loading.
 *
 * <h2>Equivariance</h2>
 * Translations: exact (integer shifts, away from the zero-padded border). Scalings: with the s⁻² normalisation the
 * continuous correlation satisfies y_{f(2·)}[i](x) = y_f[i + n](2x): shrinking the image by 2 shifts the scale axis by
 * n (one octave) and the plane by a factor 2. On the pixel grid this holds approximately (sampling of ψ at the small
 * scales, truncation of ψ at the largest scale by the k×k support, the input's own band limit); the scale indices
 * i ≥ S − n of the shrunk image have no partner in the sampled H (the scale axis is truncated, nothing wraps around).
 *
 * <h2>Shapes and forward</h2>
 * Input [B, C_in, H, W], output [B, C_out, S, H, W] (zero padding (k−1)/2: the output keeps H×W), the layout of
 * {@link org.equivariant4j.nn.pool.GroupPooling} (so {@code GroupPooling.max(S)} gives scale-pooled features). The
 * forward pass expands all S kernels with one matMul, weight [C_out·C_in, nb] × basis [nb, S·k·k], and runs one
 * conv2d with the S scales stacked along the output channels ([C_out·S, C_in, k, k]).
 *
 * <h2>Initialisation</h2>
 * w ~ N(0, 2 / (C_in·nb)) (He; the basis is orthonormal in L², so at scale 1 a white-noise input of unit variance gives
 * outputs of variance ≈ 2; at scale s the variance falls like s⁻², the price of the equivariant normalisation). Bias 0.
 */
public final class ScaleLiftingConv2d extends AbstractBlock {
    private static final byte VERSION = 1;

    private final int inChannels;
    private final int outChannels;
    private final ScaleKernelBasis basis;
    private final double initStd;
    private final Parameter weight;
    private final Parameter bias;
    private final ScaleConvSupport.BasisConstants constants;

    private ScaleLiftingConv2d(Builder b, ScaleKernelBasis basis) {
        super(VERSION);
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.basis = basis;
        this.initStd = Math.sqrt(2.0 / (inChannels * basis.numBasis()));
        this.weight = addParameter(Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(outChannels, inChannels, basis.numBasis()))
                .optInitializer(ScaleConvSupport.gaussianInitializer(b.seed, initStd))
                .build());
        this.bias = b.bias ? addParameter(Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(outChannels))
                .optInitializer(Initializer.ZEROS)
                .build()) : null;
        this.constants = new ScaleConvSupport.BasisConstants("ScaleLiftingConv2d", basis, basis.numScales());
    }

    /** Starts a builder for a lifting layer with the given channel counts. */
    public static Builder builder(int inChannels, int outChannels) {
        return new Builder(inChannels, outChannels);
    }

    /** C_in. */
    public int inChannels() {
        return inChannels;
    }

    /** C_out. */
    public int outChannels() {
        return outChannels;
    }

    /** S, the size of the output's scale axis. */
    public int numScales() {
        return basis.numScales();
    }

    /** n, scales per octave. */
    public int scalesPerOctave() {
        return basis.scalesPerOctave();
    }

    /** k. */
    public int kernelSize() {
        return basis.kernelSize();
    }

    /** The spatial basis (its scales, size, width and truncation). */
    public ScaleKernelBasis basis() {
        return basis;
    }

    /** The learned coefficients [C_out, C_in, numBasis]. */
    public Parameter weight() {
        return weight;
    }

    /** The bias [C_out], or null without bias. */
    public Parameter bias() {
        return bias;
    }

    /** σ of the default initialisation of the weight. */
    public double initStd() {
        return initStd;
    }

    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        super.initialize(manager, dataType, inputShapes);
        constants.rebuild(manager, weight.getArray().getDataType());
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        checkInputShapes(inputShapes);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() != 1) {
            throw new IllegalArgumentException(this + " expects exactly one input array, got " + inputs.size());
        }
        NDArray x = inputs.get(0);
        checkInputShape(x.getShape());
        Device device = x.getDevice();
        NDArray w = parameterStore.getValue(weight, device, training);
        if (x.getDataType() != w.getDataType()) {
            throw new IllegalArgumentException(this + " has " + w.getDataType() + " parameters but got a "
                    + x.getDataType() + " input of shape " + x.getShape()
                    + " (choose the dtype at initialize(manager, dataType, shape))");
        }
        int s = basis.numScales();
        int k = basis.kernelSize();
        int nb = basis.numBasis();
        NDArray psi = constants.get(device, w.getDataType(), w.getManager());
        // K[o, c, i, :, :] = Σ_b w[o, c, b] ψ_{b, s_i}: one matMul, parameter first, then onto the batch's manager
        NDArray kernel = w.reshape(outChannels * inChannels, nb).matMul(psi);
        kernel.attach(x.getManager());
        kernel = kernel.reshape(outChannels, inChannels, s, k, k)
                .transpose(0, 2, 1, 3, 4)
                .reshape((long) outChannels * s, inChannels, k, k);
        int pad = (k - 1) / 2;
        NDArray y = Conv2d.conv2d(x, kernel, null, new Shape(1, 1), new Shape(pad, pad), new Shape(1, 1), 1)
                .singletonOrThrow();
        Shape xs = x.getShape();
        y = y.reshape(xs.get(0), outChannels, s, xs.get(2), xs.get(3));
        if (bias != null) {
            NDArray b = parameterStore.getValue(bias, device, training);
            y = y.add(b.reshape(1, outChannels, 1, 1, 1));
        }
        return new NDList(y);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        checkInputShapes(inputShapes);
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), outChannels, basis.numScales(), s.get(2), s.get(3))};
    }

    private void checkInputShapes(Shape[] inputShapes) {
        if (inputShapes.length != 1) {
            throw new IllegalArgumentException(this + " expects exactly one input shape, got " + inputShapes.length);
        }
        checkInputShape(inputShapes[0]);
    }

    private void checkInputShape(Shape s) {
        if (s.dimension() != 4 || s.get(1) != inChannels || s.get(2) < 1 || s.get(3) < 1) {
            throw new IllegalArgumentException(this + " expects an input of shape (batch, " + inChannels
                    + ", height, width), got " + s);
        }
    }

    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        super.saveMetadata(os);
        for (int v : configuration()) {
            os.writeInt(v);
        }
        os.writeDouble(basis.sigma());
    }

    @Override
    protected void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        super.loadMetadata(loadVersion, is);
        int[] mine = configuration();
        int[] saved = new int[mine.length];
        for (int i = 0; i < saved.length; i++) {
            saved[i] = is.readInt();
        }
        double sigma = is.readDouble();
        if (!Arrays.equals(saved, mine) || Double.compare(sigma, basis.sigma()) != 0) {
            throw new MalformedModelException("ScaleLiftingConv2d parameters were saved for (in, out, S, n, k, basis, bias) = "
                    + Arrays.toString(saved) + ", sigma " + sigma + " but this block is " + Arrays.toString(mine)
                    + ", sigma " + basis.sigma());
        }
    }

    private int[] configuration() {
        return new int[] {inChannels, outChannels, basis.numScales(), basis.scalesPerOctave(), basis.kernelSize(),
            basis.numBasis(), bias == null ? 0 : 1};
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ScaleLiftingConv2d(%d -> %d x %d scales 2^(i/%d), k = %d, %d basis functions, sigma = %s)",
                inChannels, outChannels, basis.numScales(), basis.scalesPerOctave(), basis.kernelSize(), basis.numBasis(),
                basis.sigma());
    }

    /** Builder for {@link ScaleLiftingConv2d}. */
    public static final class Builder {
        private final int inChannels;
        private final int outChannels;
        private int numScales = -1;
        private int scalesPerOctave = -1;
        private Integer kernelSize;
        private Integer basisSize;
        private Double sigma;
        private Double maxTruncation;
        private boolean bias = true;
        private Long seed;

        private Builder(int inChannels, int outChannels) {
            ScaleConvSupport.checkChannels("ScaleLiftingConv2d inChannels", inChannels);
            ScaleConvSupport.checkChannels("ScaleLiftingConv2d outChannels", outChannels);
            this.inChannels = inChannels;
            this.outChannels = outChannels;
        }

        /** S scales s_i = 2^{i/n}, i = 0 … S−1 (required). */
        public Builder scales(int numScales, int scalesPerOctave) {
            ScaleKernelBasis.scales(numScales, scalesPerOctave); // validates
            this.numScales = numScales;
            this.scalesPerOctave = scalesPerOctave;
            return this;
        }

        /** Odd kernel size k (default: the smallest admissible for the largest scale, see {@link ScaleKernelBasis}). */
        public Builder kernelSize(int k) {
            this.kernelSize = k;
            return this;
        }

        /** Number of Hermite–Gaussian basis functions, in graded order (default 6 = order ≤ 2). */
        public Builder basisSize(int numBasis) {
            this.basisSize = numBasis;
            return this;
        }

        /** All Hermite–Gaussian functions of total order ≤ M. */
        public Builder basisOrder(int maxOrder) {
            this.basisSize = ScaleKernelBasis.sizeForOrder(maxOrder);
            return this;
        }

        /** Envelope width in pixels at scale 1 (default 1). */
        public Builder sigma(double sigma) {
            this.sigma = sigma;
            return this;
        }

        /** Largest fraction of a basis function's L¹ mass the k×k support may cut off (default 1e-2, see {@link ScaleKernelBasis}). */
        public Builder maxTruncation(double maxTruncation) {
            this.maxTruncation = maxTruncation;
            return this;
        }

        /** Whether to learn a bias per output channel, shared over scales (default true). */
        public Builder optBias(boolean bias) {
            this.bias = bias;
            return this;
        }

        /** Draw the initial weights from a Java generator with this seed instead of the engine's generator. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Builds the layer and its basis.
         *
         * @throws IllegalArgumentException when the scales are not set or the kernel is too small for the largest scale
         */
        public ScaleLiftingConv2d build() {
            ScaleKernelBasis basis = ScaleConvSupport.buildBasis("ScaleLiftingConv2d", numScales, scalesPerOctave, kernelSize, basisSize,
                    sigma, maxTruncation);
            return new ScaleLiftingConv2d(this, basis);
        }
    }
}

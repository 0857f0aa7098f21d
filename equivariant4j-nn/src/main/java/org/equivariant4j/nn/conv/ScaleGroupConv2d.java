package org.equivariant4j.nn.conv;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
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
 * Group correlation on the scale–translation group: R² ⋊ H → R² ⋊ H, H = {s_i = 2^{i/n}, i = 0 … S−1}.
 *
 * <h2>Definition</h2>
 * The kernel is short along the scale axis: L taps (the "scale kernel size"). For an input f [C_in, S, H, W],
 * <pre>
 *   y[o, i](x) = b_o + Σ_c Σ_{l=0}^{L−1} Σ_y f_c[i + l](x + y) K_{o,c,l,i}(y),     K_{o,c,l,i} = Σ_b w[o, c, l, b] ψ_{b, s_i}
 * </pre>
 * with ψ_{b,s}(y) = s⁻² ψ_b(y/s) the dilated basis of {@link ScaleKernelBasis}: the output at scale i reads the input
 * scales i … i+L−1 with the spatial kernel dilated by s_i. This is the group correlation
 * ∫ f(x', s') k((x, s)⁻¹(x', s')) over R² ⋊ R⁺ with (x, s)⁻¹(x', s') = ((x' − x)/s, s'/s), sampled log-uniformly on
 * the scale axis, and it is equivariant: if f'[i](x) = f[i + n](2x) (the features of an image shrunk by 2), then
 * y'[i](x) = y[i + n](2x), exactly in the continuum and approximately on the pixel grid.
 *
 * <h2>Boundary of the scale axis</h2>
 * H is a truncation of the (semi)group {2^{i/n}}; the output scales i with i + L − 1 &gt; S − 1 read input scales that
 * were not computed. Two treatments, chosen by {@link Builder#boundary}:
 * <ul>
 *   <li>{@link Boundary#ZERO} (default): the missing input scales are zero; the output keeps all S scales, and the top
 *       L − 1 of them are not equivariant (they see fewer scale taps than their partners). Layers stay stackable with a
 *       fixed S; measure or pool only over the scales that are far enough from the top.</li>
 *   <li>{@link Boundary#TRUNCATE}: only the S − L + 1 output scales whose inputs all exist are computed; the scale axis
 *       shrinks by L − 1 per layer, every output is an honest sample of the group correlation, and the next layer is
 *       built with {@code scales(S − L + 1, n)}.</li>
 * </ul>
 * Nothing wraps around: the scale axis is not periodic.
 *
 * <h2>Shapes and forward</h2>
 * Input [B, C_in, S, H, W], output [B, C_out, S_out, H, W] (S_out = S, or S − L + 1 with {@code TRUNCATE}); zero
 * padding (k−1)/2 keeps H×W. Forward: one matMul expands all kernels, weight [C_out·C_in·L, nb] × basis
 * [nb, S_out·k·k]; the input's scale windows [i, i+L) are stacked along the channels ([B, S_out·C_in·L, H, W], an
 * L-fold copy of the input) and a single grouped conv2d with S_out groups (weight [S_out·C_out, C_in·L, k, k]) computes
 * every output scale with exactly the multiply–adds it needs (S_out·C_out·C_in·L·k²·H·W), no block-diagonal zeros.
 * The bias is per output channel, shared over scales.
 *
 * <h2>Initialisation</h2>
 * w ~ N(0, 2 / (C_in·L·nb)) (He), bias 0.
 */
public final class ScaleGroupConv2d extends AbstractBlock {
    private static final byte VERSION = 1;

    /** How output scales whose scale window leaves the sampled H are treated (see the class doc). */
    public enum Boundary {
        /** Input scales beyond S − 1 are zero; the output keeps S scales. */
        ZERO,
        /** Only the S − L + 1 output scales with a complete window are computed. */
        TRUNCATE
    }

    private final int inChannels;
    private final int outChannels;
    private final int numScales;
    private final int scaleKernelSize;
    private final Boundary boundary;
    /** The spatial basis, for the S_out output scales. */
    private final ScaleKernelBasis basis;
    private final double initStd;
    private final Parameter weight;
    private final Parameter bias;
    private final ScaleConvSupport.BasisConstants constants;

    private ScaleGroupConv2d(Builder b, ScaleKernelBasis basis) {
        super(VERSION);
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.numScales = b.numScales;
        this.scaleKernelSize = b.scaleKernelSize;
        this.boundary = b.boundary;
        this.basis = basis;
        this.initStd = Math.sqrt(2.0 / (inChannels * scaleKernelSize * basis.numBasis()));
        this.weight = addParameter(Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(outChannels, inChannels, scaleKernelSize, basis.numBasis()))
                .optInitializer(ScaleConvSupport.gaussianInitializer(b.seed, initStd))
                .build());
        this.bias = b.bias ? addParameter(Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(outChannels))
                .optInitializer(Initializer.ZEROS)
                .build()) : null;
        this.constants = new ScaleConvSupport.BasisConstants("ScaleGroupConv2d", basis, basis.numScales());
    }

    /** Starts a builder for a group convolution with the given channel counts. */
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

    /** S, the size of the input's scale axis. */
    public int numScales() {
        return numScales;
    }

    /** S_out, the size of the output's scale axis (S, or S − L + 1 with {@link Boundary#TRUNCATE}). */
    public int numScalesOut() {
        return basis.numScales();
    }

    /** n, scales per octave. */
    public int scalesPerOctave() {
        return basis.scalesPerOctave();
    }

    /** L, the number of taps along the scale axis. */
    public int scaleKernelSize() {
        return scaleKernelSize;
    }

    /** How the top of the scale axis is treated. */
    public Boundary boundary() {
        return boundary;
    }

    /** k. */
    public int kernelSize() {
        return basis.kernelSize();
    }

    /** The spatial basis for the output scales. */
    public ScaleKernelBasis basis() {
        return basis;
    }

    /** The learned coefficients [C_out, C_in, L, numBasis]. */
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
        Shape xs = x.getShape();
        checkInputShape(xs);
        Device device = x.getDevice();
        NDArray w = parameterStore.getValue(weight, device, training);
        if (x.getDataType() != w.getDataType()) {
            throw new IllegalArgumentException(this + " has " + w.getDataType() + " parameters but got a "
                    + x.getDataType() + " input of shape " + xs + " (choose the dtype at initialize(manager, dataType, shape))");
        }
        long batch = xs.get(0);
        long height = xs.get(3);
        long width = xs.get(4);
        int sOut = basis.numScales();
        int k = basis.kernelSize();
        int nb = basis.numBasis();
        int taps = scaleKernelSize;
        NDArray psi = constants.get(device, w.getDataType(), w.getManager());
        // K[o, c, l, i, :, :] = Σ_b w[o, c, l, b] ψ_{b, s_i}; parameter-first, so move onto the batch's manager
        NDArray kernel = w.reshape((long) outChannels * inChannels * taps, nb).matMul(psi);
        kernel.attach(x.getManager());
        kernel = kernel.reshape(outChannels, inChannels, taps, sOut, k, k)
                .transpose(3, 0, 1, 2, 4, 5)
                .reshape((long) sOut * outChannels, (long) inChannels * taps, k, k);

        // scale windows: window i = input scales i … i+L−1 (zeros past S−1 for ZERO)
        NDArray padded = x;
        if (boundary == Boundary.ZERO && taps > 1) {
            NDArray zeros = x.getManager().zeros(new Shape(batch, inChannels, taps - 1, height, width), x.getDataType(), device);
            padded = NDArrays.concat(new NDList(x, zeros), 2);
        }
        NDArray stacked;
        if (taps == 1) {
            stacked = padded.transpose(0, 2, 1, 3, 4); // [B, S, C, H, W]
        } else {
            NDList windows = new NDList(taps);
            for (int l = 0; l < taps; l++) {
                windows.add(padded.get(":, :, " + l + ":" + (l + sOut)));
            }
            stacked = NDArrays.stack(windows, 3).transpose(0, 2, 1, 3, 4, 5); // [B, S_out, C, L, H, W]
        }
        stacked = stacked.reshape(batch, (long) sOut * inChannels * taps, height, width);
        int pad = (k - 1) / 2;
        NDArray y = Conv2d.conv2d(stacked, kernel, null, new Shape(1, 1), new Shape(pad, pad), new Shape(1, 1), sOut)
                .singletonOrThrow();
        y = y.reshape(batch, sOut, outChannels, height, width).transpose(0, 2, 1, 3, 4);
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
        return new Shape[] {new Shape(s.get(0), outChannels, basis.numScales(), s.get(3), s.get(4))};
    }

    private void checkInputShapes(Shape[] inputShapes) {
        if (inputShapes.length != 1) {
            throw new IllegalArgumentException(this + " expects exactly one input shape, got " + inputShapes.length);
        }
        checkInputShape(inputShapes[0]);
    }

    private void checkInputShape(Shape s) {
        if (s.dimension() != 5 || s.get(1) != inChannels || s.get(2) != numScales || s.get(3) < 1 || s.get(4) < 1) {
            throw new IllegalArgumentException(this + " expects an input of shape (batch, " + inChannels + ", "
                    + numScales + ", height, width) (channels, scales at axis 2), got " + s);
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
            throw new MalformedModelException("ScaleGroupConv2d parameters were saved for "
                    + "(in, out, S, n, L, boundary, k, basis, bias) = " + Arrays.toString(saved) + ", sigma " + sigma
                    + " but this block is " + Arrays.toString(mine) + ", sigma " + basis.sigma());
        }
    }

    private int[] configuration() {
        return new int[] {inChannels, outChannels, numScales, basis.scalesPerOctave(), scaleKernelSize, boundary.ordinal(),
            basis.kernelSize(), basis.numBasis(), bias == null ? 0 : 1};
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "ScaleGroupConv2d(%d x %d scales -> %d x %d scales 2^(i/%d), L = %d, %s, k = %d, %d basis functions, sigma = %s)",
                inChannels, numScales, outChannels, basis.numScales(), basis.scalesPerOctave(), scaleKernelSize,
                boundary.name().toLowerCase(Locale.ROOT), basis.kernelSize(), basis.numBasis(), basis.sigma());
    }

    /** Builder for {@link ScaleGroupConv2d}. */
    public static final class Builder {
        private final int inChannels;
        private final int outChannels;
        private int numScales = -1;
        private int scalesPerOctave = -1;
        private int scaleKernelSize = 1;
        private Boundary boundary = Boundary.ZERO;
        private Integer kernelSize;
        private Integer basisSize;
        private Double sigma;
        private Double maxTruncation;
        private boolean bias = true;
        private Long seed;

        private Builder(int inChannels, int outChannels) {
            ScaleConvSupport.checkChannels("ScaleGroupConv2d inChannels", inChannels);
            ScaleConvSupport.checkChannels("ScaleGroupConv2d outChannels", outChannels);
            this.inChannels = inChannels;
            this.outChannels = outChannels;
        }

        /** The input's S scales s_i = 2^{i/n}, i = 0 … S−1 (required). */
        public Builder scales(int numScales, int scalesPerOctave) {
            ScaleKernelBasis.scales(numScales, scalesPerOctave); // validates
            this.numScales = numScales;
            this.scalesPerOctave = scalesPerOctave;
            return this;
        }

        /** L, the number of scale taps, 1 ≤ L ≤ S (default 1: no mixing across scales). */
        public Builder scaleKernelSize(int taps) {
            if (taps < 1) {
                throw new IllegalArgumentException("the scale kernel size L must be >= 1, got " + taps);
            }
            this.scaleKernelSize = taps;
            return this;
        }

        /** How output scales whose window leaves H are treated (default {@link Boundary#ZERO}). */
        public Builder boundary(Boundary boundary) {
            this.boundary = java.util.Objects.requireNonNull(boundary, "boundary");
            return this;
        }

        /** Odd kernel size k (default: the smallest admissible for the largest output scale). */
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
         * @throws IllegalArgumentException when the scales are not set, L &gt; S, or the kernel is too small for the
         *     largest output scale
         */
        public ScaleGroupConv2d build() {
            if (numScales < 0) {
                throw new IllegalArgumentException("ScaleGroupConv2d: the scales are not set, call scales(S, n) on the builder");
            }
            if (scaleKernelSize > numScales) {
                throw new IllegalArgumentException("ScaleGroupConv2d: the scale kernel size L must be <= the number of scales S = "
                        + numScales + ", got L = " + scaleKernelSize);
            }
            int sOut = boundary == Boundary.ZERO ? numScales : numScales - scaleKernelSize + 1;
            ScaleKernelBasis basis = ScaleConvSupport.buildBasis("ScaleGroupConv2d", sOut, scalesPerOctave, kernelSize,
                    basisSize, sigma, maxTruncation);
            return new ScaleGroupConv2d(this, basis);
        }
    }
}

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
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.equivariant4j.kernel.SampledKernelBasis;
import org.equivariant4j.kernel.ScaleKernelBasis;
import org.equivariant4j.nn.ops.BlockInputs;
import org.equivariant4j.nn.ops.BasisExpansion;
import org.equivariant4j.nn.ops.Initializers;
import org.equivariant4j.nn.ops.Tensors;

/**
 * What the scale convolutions {@link ScaleLiftingConv2d} and {@link ScaleGroupConv2d} share: the learned coefficients
 * w [C_out, C_in, (L,) numBasis] on the dilated basis of {@link ScaleKernelBasis}, the per-channel bias shared over
 * scales, the kernel expansion, and the saved configuration.
 *
 * <p>The expansion is the library's {@link BasisExpansion}: C_in·L input fields of one channel, C_out output fields of
 * S_out channels (one per output scale), one block whose basis element b is ψ_{b,s} on the k×k grid for each output
 * scale s. It gives W [C_out·S_out, C_in·L, k·k] in one matMul; the bias direction of an output field is (1, …, 1).
 * The basis is a constant, never saved and rebuilt from the configuration.
 */
abstract sealed class ScaleConv2d extends AbstractBlock permits ScaleLiftingConv2d, ScaleGroupConv2d {
    private static final byte VERSION = 1;

    private final String kind;
    final int inChannels;
    final int outChannels;
    /** The spatial basis, for the S_out output scales. */
    final ScaleKernelBasis basis;
    private final double initStd;
    private final Parameter weight;
    private final Parameter bias;
    private final BasisExpansion expansion;

    /**
     * @param kind the class name, for messages
     * @param weightShape [C_out, C_in, (L,) numBasis]; He initialisation with fan-in C_in·(L·)numBasis
     */
    ScaleConv2d(String kind, Builder<?> b, ScaleKernelBasis basis, Shape weightShape) {
        super(VERSION);
        this.kind = kind;
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.basis = basis;
        this.initStd = Math.sqrt(2.0 / (weightShape.size() / outChannels));
        this.weight = addParameter(Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(weightShape)
                .optInitializer(Initializers.gaussian(b.seed, initStd))
                .build());
        this.bias = b.bias ? addParameter(Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(outChannels))
                .optInitializer(Initializer.ZEROS)
                .build()) : null;
        int taps = weightShape.dimension() == 4 ? (int) weightShape.get(2) : 1;
        this.expansion = expansion(basis, b.inChannels * taps, b.outChannels, b.bias);
    }

    /** The expansion for {@code inFields} = C_in·L one-channel inputs and C_out outputs of S_out scales (class doc). */
    private static BasisExpansion expansion(ScaleKernelBasis basis, int inFields, int outChannels, boolean bias) {
        int numScales = basis.numScales();
        int nb = basis.numBasis();
        int kk = basis.kernelSize() * basis.kernelSize();
        double[] flat = basis.flat(); // [S, nb, k, k]
        double[] values = new double[nb * numScales * kk]; // [nb][S][1][k·k]
        for (int i = 0; i < numScales; i++) {
            for (int b = 0; b < nb; b++) {
                System.arraycopy(flat, (i * nb + b) * kk, values, (b * numScales + i) * kk, kk);
            }
        }
        SampledKernelBasis sampled = SampledKernelBasis.ofValues(numScales, 1, kk, values);
        BasisExpansion.Fields in = new BasisExpansion.Fields(new int[inFields], new int[] {1});
        BasisExpansion.Fields out = new BasisExpansion.Fields(new int[outChannels], new int[] {numScales});
        if (!bias) {
            return BasisExpansion.of(in, out, (o, i) -> sampled, kk);
        }
        double[] ones = new double[numScales];
        Arrays.fill(ones, 1.0);
        return BasisExpansion.withBias(in, out, (o, i) -> sampled, kk, java.util.Collections.singletonList(new double[][] {ones}));
    }

    /** C_in. */
    public int inChannels() {
        return inChannels;
    }

    /** C_out. */
    public int outChannels() {
        return outChannels;
    }

    /** n, scales per octave. */
    public int scalesPerOctave() {
        return basis.scalesPerOctave();
    }

    /** k. */
    public int kernelSize() {
        return basis.kernelSize();
    }

    /** The spatial basis for the output scales (their number, size, width and truncation). */
    public ScaleKernelBasis basis() {
        return basis;
    }

    /** The learned coefficients [C_out, C_in, numBasis] (lifting) or [C_out, C_in, L, numBasis] (group convolution). */
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

    /** Checks one input shape; the message names the expected layout. */
    abstract void checkInputShape(Shape s);

    /**
     * The output [B, C_out, S_out, H, W] of the input {@code x} with the expanded kernels W [C_out·S_out, C_in·L, k·k]
     * (W[(o, i), (c, l), :] = Σ_b w[o, c, l, b] ψ_{b, s_i}) and bias [C_out·S_out] or null, on the batch's manager.
     */
    abstract NDArray correlate(NDArray x, NDArray kernel, NDArray bias);

    /** The configuration saved with the parameters and checked on load. */
    abstract int[] configuration();

    /** The names of {@link #configuration()}'s entries, e.g. "(in, out, S, n, k, basis, bias)". */
    abstract String configurationNames();

    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        super.initialize(manager, dataType, inputShapes);
        expansion.rebuildConstants(manager, weight.getArray().getDataType());
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        checkInputShape(BlockInputs.singleShape(this, inputShapes));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = BlockInputs.single(this, inputs);
        checkInputShape(x.getShape());
        Device device = x.getDevice();
        NDArray w = parameterStore.getValue(weight, device, training);
        BlockInputs.requireParameterDataType(this, x, w);
        NDArray kernel = expansion.expand(w.reshape(expansion.numCoefficients()), x.getManager());
        NDArray b = bias == null ? null : expansion.expandBias(parameterStore.getValue(bias, device, training), x.getManager());
        NDArray y = correlate(x, kernel, b);
        return new NDList(y);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = BlockInputs.singleShape(this, inputShapes);
        checkInputShape(s);
        int d = s.dimension();
        return new Shape[] {new Shape(s.get(0), outChannels, basis.numScales(), s.get(d - 2), s.get(d - 1))};
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
            throw new MalformedModelException(kind + " parameters were saved for " + configurationNames() + " = "
                    + Arrays.toString(saved) + ", sigma " + sigma + " but this block is " + Arrays.toString(mine)
                    + ", sigma " + basis.sigma());
        }
    }

    /**
     * The options both scale convolutions take.
     *
     * @param <B> the concrete builder
     */
    abstract static class Builder<B extends Builder<B>> {
        final String kind;
        final int inChannels;
        final int outChannels;
        int numScales = -1;
        int scalesPerOctave = -1;
        private Integer kernelSize;
        private Integer basisSize;
        private Double sigma;
        private Double maxTruncation;
        private boolean bias = true;
        private Long seed;

        Builder(String kind, int inChannels, int outChannels) {
            checkChannels(kind + " inChannels", inChannels);
            checkChannels(kind + " outChannels", outChannels);
            this.kind = kind;
            this.inChannels = inChannels;
            this.outChannels = outChannels;
        }

        private static void checkChannels(String what, int channels) {
            if (channels < 1) {
                throw new IllegalArgumentException(what + " must be >= 1, got " + channels);
            }
        }

        abstract B self();

        /** The S scales s_i = 2^{i/n}, i = 0 … S−1, of the lifting layer's output or the group convolution's input (required). */
        public B scales(int numScales, int scalesPerOctave) {
            ScaleKernelBasis.scales(numScales, scalesPerOctave); // validates
            this.numScales = numScales;
            this.scalesPerOctave = scalesPerOctave;
            return self();
        }

        /** Odd kernel size k (default: the smallest admissible for the largest output scale, see {@link ScaleKernelBasis}). */
        public B kernelSize(int k) {
            this.kernelSize = k;
            return self();
        }

        /** Number of Hermite–Gaussian basis functions, in graded order (default 6 = order ≤ 2). */
        public B basisSize(int numBasis) {
            this.basisSize = numBasis;
            return self();
        }

        /** All Hermite–Gaussian functions of total order ≤ M. */
        public B basisOrder(int maxOrder) {
            this.basisSize = ScaleKernelBasis.sizeForOrder(maxOrder);
            return self();
        }

        /** Envelope width in pixels at scale 1 (default 1). */
        public B sigma(double sigma) {
            this.sigma = sigma;
            return self();
        }

        /** Largest fraction of a basis function's L¹ mass the k×k support may cut off (default 1e-2, see {@link ScaleKernelBasis}). */
        public B maxTruncation(double maxTruncation) {
            this.maxTruncation = maxTruncation;
            return self();
        }

        /** Whether to learn a bias per output channel, shared over scales (default true). */
        public B optBias(boolean bias) {
            this.bias = bias;
            return self();
        }

        /** Draw the initial weights from a Java generator with this seed instead of the engine's generator. */
        public B optSeed(long seed) {
            this.seed = seed;
            return self();
        }

        /** Refuses to build before {@link #scales} was called. */
        void requireScales() {
            if (numScales < 0) {
                throw new IllegalArgumentException(kind + ": the scales are not set, call scales(S, n) on the builder");
            }
        }

        /** The basis of these settings for the first {@code numScalesOut} scales; null settings take the basis defaults. */
        ScaleKernelBasis buildBasis(int numScalesOut) {
            requireScales();
            ScaleKernelBasis.Builder b = ScaleKernelBasis.builder(numScalesOut, scalesPerOctave);
            if (basisSize != null) {
                b.basisSize(basisSize);
            }
            if (sigma != null) {
                b.sigma(sigma);
            }
            if (maxTruncation != null) {
                b.maxTruncation(maxTruncation);
            }
            if (kernelSize != null) {
                b.kernelSize(kernelSize);
            }
            return b.build();
        }
    }
}

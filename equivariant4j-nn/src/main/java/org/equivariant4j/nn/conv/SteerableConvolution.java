package org.equivariant4j.nn.conv;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.equivariant4j.kernel.BasisAttributes;
import org.equivariant4j.kernel.FrequencyCutoff;
import org.equivariant4j.kernel.GaussianRadialProfile;
import org.equivariant4j.kernel.SampledKernelBasis;
import org.equivariant4j.nn.field.AbstractEquivariantBlock;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.ops.BasisExpansion;
import org.equivariant4j.nn.ops.DeviceConstants;
import org.equivariant4j.nn.ops.BlockInputs;
import org.equivariant4j.nn.ops.Convolution;
import org.equivariant4j.nn.ops.InferenceCache;
import org.equivariant4j.nn.ops.Initializers;
import org.equivariant4j.repr.Representation;

/**
 * What the steerable convolutions ({@link R2Conv}, {@link R2ConvTransposed} on the plane, {@link R3Conv},
 * {@link R3ConvTransposed} in space) share: a kernel κ: R^d → R^{C_out×C_in}
 * with κ(gx) = ρ_out(g) κ(x) ρ_in(g)⁻¹, expanded from learned coefficients in the GSpace's steerable basis
 * ({@link BasisExpansion}), then one convolution ({@link Convolution}).
 *
 * <h2>Parameters</h2>
 * "weights": one coefficient per basis element and field pair ({@link #numCoefficients()}); "bias" (optional): one per
 * invariant direction of each output field, so only fields containing the trivial irrep get a bias (a bias elsewhere
 * would break equivariance). Bases, bias directions and index arrays are constants rebuilt from the configuration and
 * never saved; the saved parameters are the same in training and inference.
 *
 * <h2>Initialisation</h2>
 * Coefficients are N(0, σ_b²) with σ_b per output field type such that, for inputs with i.i.d. unit-variance channels,
 * the expected squared output averaged over each output field's channels equals the gain (default 1: the variance is
 * preserved); see {@link BasisExpansion#coefficientStd}. Bias starts at zero.
 *
 * <h2>Inference</h2>
 * With {@code training = false} the expanded kernel and bias are cached ({@link InferenceCache}) and recomputed only when
 * the parameters change, so inference costs one convolution.
 */
public abstract sealed class SteerableConvolution extends AbstractEquivariantBlock
        permits R2Conv, R2ConvTransposed, R3Conv, R3ConvTransposed {
    final FieldType inType;
    final FieldType outType;
    final int kernelSize;
    final int stride;
    final int padding;
    final int dilation;
    final GSpace.KernelSpec kernelSpec;
    final BasisExpansion expansion;
    final Convolution convolution;
    final Parameter weights;
    final Parameter bias;
    private final InferenceCache cache;

    SteerableConvolution(Builder<?> b, Convolution.Spec spec) {
        super(b.inType, b.outType);
        this.inType = b.inType;
        this.outType = b.outType;
        this.kernelSize = b.kernelSize;
        this.stride = b.stride;
        this.padding = b.padding;
        this.dilation = b.dilation;
        GSpace gspace = inType.gspace();
        GSpace.KernelSpec defaults = gspace.defaultKernelSpec(b.kernelSize, b.dilation);
        GaussianRadialProfile rings = b.rings != null ? b.rings : defaults.rings();
        FrequencyCutoff cutoff = b.cutoff != null ? b.cutoff : defaults.cutoff();
        this.kernelSpec = new GSpace.KernelSpec(b.kernelSize, b.dilation, rings, cutoff, b.filter);
        List<Representation<?>> ins = inType.distinctRepresentations();
        List<Representation<?>> outs = outType.distinctRepresentations();
        BasisExpansion.BlockBases bases = new BasisExpansion.BlockBases() {
            @Override
            public SampledKernelBasis basis(int o, int i) {
                return gspace.kernelBasis(ins.get(i), outs.get(o), kernelSpec);
            }

            @Override
            public DeviceConstants sharedConstants(int o, int i) {
                return gspace.engineBasis(ins.get(i), outs.get(o), kernelSpec);
            }
        };
        List<double[][]> invariants = new ArrayList<>();
        for (Representation<?> r : outs) {
            invariants.add(b.bias ? gspace.invariantVectors(r) : new double[0][]);
        }
        int points = (int) Math.pow(kernelSize, gspace.dimension());
        this.expansion = BasisExpansion.withBias(inType.types(), outType.types(), bases, points, invariants);
        if (expansion.numCoefficients() == 0) {
            String grid = gspace.dimension() == 3 ? kernelSize + "x" + kernelSize + "x" + kernelSize : kernelSize + "x" + kernelSize;
            throw new IllegalArgumentException(kindOf(spec) + ": no equivariant kernel of size " + kernelSize + " exists from " + inType
                    + " to " + outType + " (their irreps meet no harmonic the " + grid + " rings allow, up to frequency "
                    + cutoff.maxFrequency(rings) + "; try a larger kernel or other field types)");
        }
        this.convolution = Convolution.of(spec);
        this.weights = addParameter(Parameter.builder()
                .setName("weights")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(expansion.numCoefficients()))
                .optInitializer(Initializers.gaussian(b.seed, expansion.coefficientStd(b.gain)))
                .build());
        this.bias = expansion.numBiasCoefficients() == 0 ? null : addParameter(Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(expansion.numBiasCoefficients()))
                .optInitializer(Initializer.ZEROS)
                .build());
        this.cache = new InferenceCache(kindOf(spec) + " inference cache");
    }

    /** The layer's escnn name, from its convolution: R2Conv, R3Conv, R2ConvTransposed or R3ConvTransposed. */
    final String kind() {
        return kindOf(convolution.spec());
    }

    private static String kindOf(Convolution.Spec spec) {
        return "R" + spec.spatialDims() + "Conv" + (spec.transposed() ? "Transposed" : "");
    }

    /**
     * [C_out, C_in, k…] expanded kernel → the weight layout of the convolution op: the kernel itself, or for a transposed
     * convolution W[i, o](q) = κ[o, i](−q) ([C_in, C_out, k…], reflected through the kernel's centre).
     */
    final NDArray toConvolutionWeight(NDArray kernel) {
        if (!convolution.spec().transposed()) {
            return kernel;
        }
        int d = convolution.spec().spatialDims();
        int[] axes = new int[d + 2];
        int[] spatial = new int[d];
        axes[0] = 1;
        axes[1] = 0;
        for (int k = 0; k < d; k++) {
            axes[k + 2] = k + 2;
            spatial[k] = k + 2;
        }
        return kernel.transpose(axes).flip(spatial);
    }

    /** k. */
    public int kernelSize() {
        return kernelSize;
    }

    /** Stride. */
    public int stride() {
        return stride;
    }

    /** Zero padding on each side. */
    public int padding() {
        return padding;
    }

    /** Dilation. */
    public int dilation() {
        return dilation;
    }

    /** The basis settings (grid, rings, cut-off, filter). */
    public GSpace.KernelSpec kernelSpec() {
        return kernelSpec;
    }

    /** The number of learned kernel coefficients. */
    public int numCoefficients() {
        return expansion.numCoefficients();
    }

    /** The number of learned bias coefficients (0 without a bias). */
    public int numBiasCoefficients() {
        return bias == null ? 0 : expansion.numBiasCoefficients();
    }

    /** Whether the layer has a bias. */
    public boolean hasBias() {
        return bias != null;
    }

    /** The coefficient parameter. */
    public Parameter weights() {
        return weights;
    }

    /** The bias coefficients, or null. */
    public Parameter bias() {
        return bias;
    }

    /** The sampled basis between an input and an output representation of this layer (null when empty). */
    public SampledKernelBasis basis(Representation<?> in, Representation<?> out) {
        return inType.gspace().kernelBasis(in, out, kernelSpec);
    }

    /** Drops the cached inference kernel. */
    public void invalidateCache() {
        cache.invalidate();
    }

    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        super.initialize(manager, dataType, inputShapes);
        expansion.rebuildConstants(manager, weights.getArray().getDataType());
        cache.invalidate();
    }

    /** The expanded kernel [C_out, C_in, k…] (differentiable in the coefficients), attached to {@code target}. */
    NDArray expandKernel(NDArray w, NDManager target) {
        NDArray k = expansion.expand(w, target);
        long[] shape = new long[2 + inType.gspace().dimension()];
        shape[0] = outType.size();
        shape[1] = inType.size();
        Arrays.fill(shape, 2, shape.length, kernelSize);
        return k.reshape(new Shape(shape));
    }

    /** The current expanded kernel [C_out, C_in, k…] (a new array on {@code manager}, no gradient). */
    public NDArray expandedKernel(NDManager manager) {
        NDArray w = requireInitialized();
        return expandKernel(w, manager).stopGradient();
    }

    /** The current expanded bias [C_out] (zeros without a bias), a new array on {@code manager}. */
    public NDArray expandedBias(NDManager manager) {
        NDArray w = requireInitialized();
        if (bias == null) {
            return manager.zeros(new Shape(outType.size()), w.getDataType(), w.getDevice());
        }
        return expansion.expandBias(bias.getArray(), manager).stopGradient();
    }

    private NDArray requireInitialized() {
        if (!weights.isInitialized()) {
            throw new IllegalStateException(this + " is not initialized: call initialize(manager, dataType, inputShape) or load"
                    + " parameters first");
        }
        return weights.getArray();
    }

    @Override
    protected NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDArray w = ps.getValue(weights, x.getDevice(), training);
        BlockInputs.requireParameterDataType(this, x, w);
        NDArray b = bias == null ? null : ps.getValue(bias, x.getDevice(), training);
        NDArray kernel;
        NDArray expandedBias;
        if (training) {
            cache.invalidate();
            NDManager batch = x.getManager();
            kernel = toConvolutionWeight(expandKernel(w, batch));
            expandedBias = b == null ? null : expansion.expandBias(b, batch);
        } else {
            NDList cached = cache.get(b == null ? List.of(w) : List.of(w, b), m -> {
                NDList l = new NDList(toConvolutionWeight(expandKernel(w, m)));
                if (b != null) {
                    l.add(expansion.expandBias(b, m));
                }
                return l;
            });
            kernel = cached.get(0);
            expandedBias = b == null ? null : cached.get(1);
        }
        return convolution.apply(x, kernel, expandedBias);
    }

    @Override
    protected Shape outputShape(Shape input) {
        return convolution.outputShape(input, convolutionWeightShape());
    }

    /** The shape of {@link #toConvolutionWeight}'s result. */
    private Shape convolutionWeightShape() {
        long[] dims = new long[2 + convolution.spec().spatialDims()];
        Arrays.fill(dims, kernelSize);
        boolean t = convolution.spec().transposed();
        dims[0] = t ? inType.size() : outType.size();
        dims[1] = t ? outType.size() : inType.size();
        return new Shape(dims);
    }

    /** A {@link PlainConvolution} with the current expanded kernel and bias (copies). */
    @Override
    public Block export() {
        NDArray w = requireInitialized();
        PlainConvolution plain = new PlainConvolution(convolution.spec(), inType.size(), outType.size(), kernelSize, bias != null);
        NDManager m = w.getManager();
        long[] dims = new long[2 + inType.gspace().dimension()];
        Arrays.fill(dims, kernelSize);
        dims[0] = 1;
        dims[1] = inType.size();
        plain.initialize(m, w.getDataType(), new Shape(dims));
        try (NDManager tmp = m.newSubManager()) {
            plain.weight().getArray().set(new NDIndex(":"), toConvolutionWeight(expandedKernel(tmp)));
            if (bias != null) {
                plain.bias().getArray().set(new NDIndex(":"), expandedBias(tmp));
            }
        }
        return plain;
    }

    @Override
    protected void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        super.loadMetadata(loadVersion, is);
        cache.invalidate();
    }

    /** (C_in, C_out, k, coefficients, bias coefficients): what saved parameters must agree with. */
    @Override
    protected int[] config() {
        return new int[] {inType.size(), outType.size(), kernelSize, expansion.numCoefficients(), numBiasCoefficients()};
    }

    @Override
    public String toString() {
        return kind() + "(" + inType + " -> " + outType + ", k = " + kernelSize + ", stride " + stride + ", padding " + padding
                + ", dilation " + dilation + ", " + expansion.numCoefficients() + " coefficients)";
    }

    /**
     * Options shared by the steerable convolutions; defaults are escnn's.
     *
     * @param <B> the concrete builder
     */
    public abstract static class Builder<B extends Builder<B>> extends ConvolutionBuilder<B> {
        final FieldType inType;
        final FieldType outType;
        GaussianRadialProfile rings;
        FrequencyCutoff cutoff;
        Predicate<BasisAttributes> filter;
        double gain = 1.0;

        Builder(FieldType inType, FieldType outType, String kind, int dimension) {
            this.inType = Objects.requireNonNull(inType, "inType");
            this.outType = Objects.requireNonNull(outType, "outType");
            if (!inType.gspace().equals(outType.gspace())) {
                throw new IllegalArgumentException(kind + " needs input and output types of the same GSpace, got " + inType
                        + " and " + outType);
            }
            if (inType.gspace().dimension() != dimension) {
                throw new IllegalArgumentException(kind + " convolves " + (dimension == 2 ? "on the plane" : "in space (R3)")
                        + "; the GSpace of " + inType + " has a " + inType.gspace().dimension() + "-dimensional base space");
            }
        }

        /** The radial rings (default: escnn's for the kernel size and dilation). */
        public B rings(GaussianRadialProfile rings) {
            this.rings = Objects.requireNonNull(rings, "rings");
            return self();
        }

        /** The frequency cut-off per ring (default: escnn's for the kernel size). */
        public B frequencyCutoff(FrequencyCutoff cutoff) {
            this.cutoff = Objects.requireNonNull(cutoff, "cutoff");
            return self();
        }

        /** Keeps only basis elements the filter accepts (in addition to the cut-off). */
        public B basisFilter(Predicate<BasisAttributes> filter) {
            this.filter = Objects.requireNonNull(filter, "filter");
            return self();
        }

        /** The initialisation gain (default 1: variance-preserving; 2 for He initialisation before a ReLU). */
        public B initGain(double gain) {
            if (!(gain > 0) || !Double.isFinite(gain)) {
                throw new IllegalArgumentException("the initialisation gain must be finite and > 0, got " + gain);
            }
            this.gain = gain;
            return self();
        }
    }

    /**
     * Options of the transposed steerable convolutions: those of {@link Builder} and the output padding.
     *
     * @param <B> the concrete builder
     */
    public abstract static class TransposedBuilder<B extends TransposedBuilder<B>> extends Builder<B> {
        int outputPadding;

        TransposedBuilder(FieldType inType, FieldType outType, String kind, int dimension) {
            super(inType, outType, kind, dimension);
        }

        /** Extra rows, columns (or voxels) on one side of each output axis, in [0, max(stride, dilation)) (default 0). */
        public B outputPadding(int p) {
            if (p < 0) {
                throw new IllegalArgumentException("output padding must be >= 0, got " + p);
            }
            this.outputPadding = p;
            return self();
        }
    }
}

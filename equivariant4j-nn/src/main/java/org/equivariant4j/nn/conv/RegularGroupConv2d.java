package org.equivariant4j.nn.conv;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.equivariant4j.group.FiniteGroup;
import org.equivariant4j.kernel.KernelInterpolation;
import org.equivariant4j.kernel.KernelTransforms;
import org.equivariant4j.kernel.SampledKernelBasis;
import org.equivariant4j.nn.field.EquivariantBlock;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.field.GSpaces;
import org.equivariant4j.nn.field.GeometricTensor;
import org.equivariant4j.nn.ops.BlockInputs;
import org.equivariant4j.nn.ops.Convolution;
import org.equivariant4j.nn.ops.BasisExpansion;
import org.equivariant4j.nn.ops.InferenceCache;
import org.equivariant4j.nn.ops.Initializers;
import org.equivariant4j.nn.ops.Tensors;

/**
 * Common machinery of the regular group convolutions on the plane, {@link LiftingConv2d} (R² → R² ⋊ H) and
 * {@link GroupConv2d} (R² ⋊ H → R² ⋊ H), for a finite planar group H (C_N or D_N, any N ≥ 1).
 *
 * <h2>Layout</h2>
 * Group feature maps are [batch, channels, |H|, height, width]: entry [b, c, h, i, j] is the feature F_c(x, h) at pixel
 * (i, j) (x = j − (W−1)/2, y = (H−1)/2 − i) and at the group element {@code group.elements().get(h)}. H acts by
 * (L_g F)(x, h) = F(g⁻¹x, g⁻¹h): the image is transformed spatially (a counter-clockwise rotation by θ for the rotation
 * by θ, the mirror x ↦ −x for the flip) and axis 2 is permuted by the regular representation.
 *
 * <h2>Forward</h2>
 * The expanded kernel [C_out·|H|, C_in·|H_in|, k, k] is built from the learnable weight by ONE matMul with the constant
 * transform matrix of {@link KernelTransforms} (a few microseconds against the convolution), then ONE
 * convolution ({@link Convolution}) runs on the input with the group axis folded into channels ([B, C·|H|, H, W]). One bias per
 * output channel, shared over the |H| axis (a bias per (channel, h) would break equivariance).
 *
 * <h2>Inference cache</h2>
 * With {@code training = false} the expanded kernel (and bias) is kept in an {@link InferenceCache} and reused while the
 * parameter arrays are the same objects with the same contents (compared on the engine, nothing copied to the JVM);
 * it is recomputed after a training-mode forward, when a parameter array is replaced or edited, on another device or
 * dtype, or after {@link #invalidateCache()}. The cache is never saved; the saved parameters are the same in both modes.
 *
 * <h2>Typed use</h2>
 * As an {@link EquivariantBlock} the layer maps {@link GeometricTensor}s of the GSpace of H ({@link GSpaces#of}):
 * C_in trivial fields (lifting) or C_in regular fields → C_out regular fields, laid out [batch, C·|H|, height, width]
 * (field c, element h at channel c·|H| + h); {@link #apply} reshapes to and from the group axis.
 *
 * <h2>Equivariance</h2>
 * Exact (float round-off) for the elements that map the pixel grid to itself (multiples of 90°, flips) on inputs whose
 * spatial centre is kept by the layer: stride 1, or (H + 2·padding − dilation·(k−1) − 1) divisible by the stride (same
 * for W). Other elements are approximate (interpolated kernels, see {@link KernelTransforms}).
 */
public abstract sealed class RegularGroupConv2d extends AbstractBlock implements EquivariantBlock
        permits LiftingConv2d, GroupConv2d {
    private static final byte VERSION = 1;

    final FiniteGroup<?> group;
    final int order;
    final int inChannels;
    final int outChannels;
    final int kernelSize;
    final int padding;
    final int stride;
    final int dilation;
    final KernelInterpolation interpolation;
    final KernelTransforms transforms;
    /** |H| for a group-conv input, 1 for a lifting input. */
    final int inGroupAxis;
    final double initStd;
    final Parameter weight;
    final Parameter bias;
    /** The free kernel's weights expanded in the transformed-pixel basis of {@link KernelTransforms}. */
    private final BasisExpansion expansion;
    private final Convolution convolution;
    private final InferenceCache cache;

    RegularGroupConv2d(Builder<?> b, int inGroupAxis, String kind) {
        super(VERSION);
        this.group = b.group;
        this.order = group.order();
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.kernelSize = b.kernelSize;
        this.padding = b.padding;
        this.stride = b.stride;
        this.dilation = b.dilation;
        this.interpolation = b.interpolation;
        this.transforms = b.maskRadius == null
                ? KernelTransforms.of(group, kernelSize, interpolation)
                : KernelTransforms.of(group, kernelSize, interpolation, b.maskRadius);
        this.inGroupAxis = inGroupAxis;
        // He: Var(w) = 2 / fan_in, fan_in = C_in · |H_in| · (pixels inside the mask)
        long fanIn = (long) inChannels * inGroupAxis * transforms.activePixels();
        this.initStd = Math.sqrt(2.0 / fanIn);
        Shape wShape = inGroupAxis == 1
                ? new Shape(outChannels, inChannels, kernelSize, kernelSize)
                : new Shape(outChannels, inChannels, inGroupAxis, kernelSize, kernelSize);
        this.weight = addParameter(Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(wShape)
                .optInitializer(Initializers.gaussian(b.seed, initStd))
                .build());
        this.bias = b.bias ? addParameter(Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(outChannels))
                .optInitializer(Initializer.ZEROS)
                .build()) : null;
        this.expansion = expansion(transforms, inChannels, outChannels, inGroupAxis, order, b.bias);
        this.convolution = Convolution.of(Convolution.Spec.conv2d(stride, padding, dilation, 1));
        this.cache = new InferenceCache(kind + " inference cache");
    }

    /** The group H. */
    public FiniteGroup<?> group() {
        return group;
    }

    @Override
    public FieldType inType() {
        GSpace space = GSpaces.of(group);
        return FieldType.of(space, inChannels, inGroupAxis == 1 ? space.trivialRepr() : space.regularRepr());
    }

    @Override
    public FieldType outType() {
        GSpace space = GSpaces.of(group);
        return FieldType.of(space, outChannels, space.regularRepr());
    }

    /** The typed forward pass: [batch, C_in·|H_in|, H, W] → [batch, C_out·|H|, H', W'] (see the class doc). */
    @Override
    public GeometricTensor apply(ParameterStore parameterStore, GeometricTensor x, boolean training) {
        x.requireType(inType(), this);
        Shape s = x.shape();
        NDArray in = inGroupAxis == 1 ? x.tensor() : x.tensor().reshape(s.get(0), inChannels, inGroupAxis, s.get(2), s.get(3));
        NDArray y = forward(parameterStore, new NDList(in), training).singletonOrThrow();
        Shape ys = y.getShape();
        return GeometricTensor.of(y.reshape(ys.get(0), (long) outChannels * order, ys.get(3), ys.get(4)), outType());
    }

    /** A {@link PlainConvolution} on the typed layout [batch, C_in·|H_in|, H, W] with the current expanded kernel. */
    @Override
    public Block export() {
        NDArray w = requireInitialized();
        PlainConvolution plain = new PlainConvolution(convolution.spec(), inChannels * inGroupAxis, outChannels * order,
                kernelSize, bias != null);
        NDManager m = w.getManager();
        plain.initialize(m, w.getDataType(), new Shape(1, (long) inChannels * inGroupAxis, kernelSize, kernelSize));
        try (NDManager tmp = m.newSubManager()) {
            plain.weight().getArray().set(new NDIndex(":"), expandedKernel(tmp));
            if (bias != null) {
                plain.bias().getArray().set(new NDIndex(":"), expandBias(bias.getArray(), tmp));
            }
        }
        return plain;
    }

    /** C_in, the number of input channels (each a function on R², or on R² × H for the group convolution). */
    public int inChannels() {
        return inChannels;
    }

    /** C_out, the number of output channels (each a function on R² × H). */
    public int outChannels() {
        return outChannels;
    }

    /** k. */
    public int kernelSize() {
        return kernelSize;
    }

    /** Zero padding on each side. */
    public int padding() {
        return padding;
    }

    /** Stride. */
    public int stride() {
        return stride;
    }

    /** Dilation. */
    public int dilation() {
        return dilation;
    }

    /** The interpolation used for non-grid-preserving elements. */
    public KernelInterpolation interpolation() {
        return interpolation;
    }

    /** The constant kernel transforms (with the mask, if any). */
    public KernelTransforms transforms() {
        return transforms;
    }

    /** Whether the layer has a bias (one per output channel, shared over H). */
    public boolean hasBias() {
        return bias != null;
    }

    /** The learnable kernel. */
    public Parameter weight() {
        return weight;
    }

    /** The bias [C_out], or null. */
    public Parameter bias() {
        return bias;
    }

    /** σ of the default He initialisation, √(2 / (C_in·|H_in|·active pixels)). */
    public double initStd() {
        return initStd;
    }

    /** Drops the cached inference kernel (call after editing parameter arrays in place between inference calls). */
    public void invalidateCache() {
        cache.invalidate();
    }

    abstract String kind();

    abstract void checkInput(Shape s);

    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        super.initialize(manager, dataType, inputShapes);
        expansion.rebuildConstants(manager, weight.getArray().getDataType());
        invalidateCache();
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        getOutputShapes(inputShapes);
    }

    /**
     * The expansion: C_in input fields of size |H_in| (1 when lifting), C_out output fields of size |H|, one block whose
     * basis is the lifting or group transform; its coefficients [C_out, C_in, |H_in|·k²] are the weight's entries. The
     * bias direction of an output field is (1, …, 1): one bias per output channel, shared over H.
     */
    private static BasisExpansion expansion(KernelTransforms transforms, int inChannels, int outChannels, int inGroupAxis,
            int order, boolean bias) {
        SampledKernelBasis basis = inGroupAxis == 1 ? transforms.liftingBasis() : transforms.groupBasis();
        BasisExpansion.Fields in = new BasisExpansion.Fields(new int[inChannels], new int[] {inGroupAxis});
        BasisExpansion.Fields out = new BasisExpansion.Fields(new int[outChannels], new int[] {order});
        int points = transforms.kernelSize() * transforms.kernelSize();
        if (!bias) {
            return BasisExpansion.of(in, out, (o, i) -> basis, points);
        }
        double[] ones = new double[order];
        Arrays.fill(ones, 1.0);
        return BasisExpansion.withBias(in, out, (o, i) -> basis, points, java.util.Collections.singletonList(new double[][] {ones}));
    }

    /** The expanded kernel [C_out·|H|, C_in·|H_in|, k, k] from the weight, on the weight's graph (differentiable). */
    private NDArray expand(NDArray w, NDManager target) {
        return expansion.expand(w.reshape(expansion.numCoefficients()), target)
                .reshape((long) outChannels * order, (long) inChannels * inGroupAxis, kernelSize, kernelSize);
    }

    private NDArray expandBias(NDArray b, NDManager target) {
        return expansion.expandBias(b, target);
    }

    /**
     * The current expanded kernel [C_out·|H|, C_in·|H_in|, k, k] as used by the convolution (a new array on
     * {@code manager}, no gradient), for inspection and export to a plain convolution.
     */
    public NDArray expandedKernel(NDManager manager) {
        NDArray w = requireInitialized();
        return expand(w, manager).stopGradient();
    }

    private NDArray requireInitialized() {
        if (!weight.isInitialized()) {
            throw new IllegalStateException(this + " is not initialized: call initialize(manager, dataType, inputShape)"
                    + " or load parameters first");
        }
        return weight.getArray();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = BlockInputs.single(this, inputs);
        Shape s = x.getShape();
        checkInput(s);
        Device device = x.getDevice();
        NDArray w = parameterStore.getValue(weight, device, training);
        BlockInputs.requireParameterDataType(this, x, w);
        NDArray b = bias == null ? null : parameterStore.getValue(bias, device, training);
        NDManager batch = x.getManager();
        NDArray kernel;
        NDArray biasExpanded;
        if (training) {
            invalidateCache();
            kernel = expand(w, batch);
            biasExpanded = b == null ? null : expandBias(b, batch);
        } else {
            NDList cached = cache.get(b == null ? List.of(w) : List.of(w, b), m -> {
                NDList l = new NDList(expand(w, m));
                if (b != null) {
                    l.add(expandBias(b, m));
                }
                return l;
            });
            kernel = cached.get(0);
            biasExpanded = b == null ? null : cached.get(1);
        }
        long batchSize = s.get(0);
        NDArray input = inGroupAxis == 1 ? x : x.reshape(batchSize, (long) inChannels * inGroupAxis, s.get(3), s.get(4));
        NDArray y = convolution.apply(input, kernel, biasExpanded);
        Shape ys = y.getShape();
        return new NDList(y.reshape(batchSize, outChannels, order, ys.get(2), ys.get(3)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = BlockInputs.singleShape(this, inputShapes);
        checkInput(s);
        int r = s.dimension();
        return new Shape[] {new Shape(s.get(0), outChannels, order, outSize(s.get(r - 2), s), outSize(s.get(r - 1), s))};
    }

    long outSize(long in, Shape s) {
        long out = (in + 2L * padding - (long) dilation * (kernelSize - 1) - 1) / stride + 1;
        if (in + 2L * padding - (long) dilation * (kernelSize - 1) - 1 < 0 || out < 1) {
            throw new IllegalArgumentException(this + ": input of shape " + s + " is too small for kernel " + kernelSize
                    + " (dilation " + dilation + ", padding " + padding + "): the output would be empty");
        }
        return out;
    }

    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        super.saveMetadata(os);
        for (int v : config()) {
            os.writeInt(v);
        }
    }

    @Override
    protected void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        super.loadMetadata(loadVersion, is);
        int[] mine = config();
        int[] saved = new int[mine.length];
        for (int i = 0; i < saved.length; i++) {
            saved[i] = is.readInt();
        }
        if (!Arrays.equals(saved, mine)) {
            throw new MalformedModelException(kind() + " parameters were saved for (|H|, in, out, k, bias) = "
                    + Arrays.toString(saved) + " but this block is " + Arrays.toString(mine) + " (" + this + ")");
        }
        invalidateCache();
    }

    private int[] config() {
        return new int[] {order, inChannels, outChannels, kernelSize, bias == null ? 0 : 1};
    }

    @Override
    public String toString() {
        return kind() + "(" + group.name() + ", " + inChannels + " -> " + outChannels + ", k = " + kernelSize + ", padding "
                + padding + ", stride " + stride + ", dilation " + dilation
                + (transforms.isExact() ? "" : ", " + interpolation.name().toLowerCase(java.util.Locale.ROOT)) + ")";
    }

    /**
     * Options shared by both layers.
     *
     * @param <B> the concrete builder
     */
    public abstract static class Builder<B extends Builder<B>> extends ConvolutionBuilder<B> {
        final FiniteGroup<?> group;
        final int inChannels;
        final int outChannels;
        KernelInterpolation interpolation = KernelInterpolation.BILINEAR;
        Double maskRadius;

        Builder(FiniteGroup<?> group, int inChannels, int outChannels, String kind) {
            this.group = Objects.requireNonNull(group, "group");
            if (inChannels < 1 || outChannels < 1) {
                throw new IllegalArgumentException(kind + " needs at least one input and one output channel, got " + inChannels
                        + " -> " + outChannels);
            }
            if (group.actionDimension() != 2) {
                throw new IllegalArgumentException(kind + " needs a finite group acting on the plane (C_N or D_N), got "
                        + group.name());
            }
            this.inChannels = inChannels;
            this.outChannels = outChannels;
        }

        /** Interpolation for non-grid-preserving elements (default bilinear; ignored when all elements are exact). */
        public B interpolation(KernelInterpolation interpolation) {
            this.interpolation = Objects.requireNonNull(interpolation, "interpolation");
            return self();
        }

        /** An explicit disc mask radius in pixels (see {@link KernelTransforms}). */
        public B maskRadius(double radius) {
            this.maskRadius = radius;
            return self();
        }
    }
}

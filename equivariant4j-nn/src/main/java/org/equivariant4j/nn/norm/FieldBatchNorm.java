package org.equivariant4j.nn.norm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import java.util.Arrays;
import org.equivariant4j.linalg.Matrices;
import org.equivariant4j.nn.field.AbstractEquivariantBlock;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.ops.BlockInputs;
import org.equivariant4j.nn.ops.DeviceConstants;
import org.equivariant4j.nn.ops.Tensors;

/**
 * What the batch normalisations of feature fields share ({@link InnerBatchNorm}, {@link IIDBatchNorm},
 * {@link NormBatchNorm}, {@link GNormBatchNorm}); they differ only in their {@link Layout}.
 *
 * <h2>Computation</h2>
 * In a statistics basis x' = Qᵀx (Q orthogonal, block diagonal over the fields; the identity except for GNorm), with
 * U = [u_1 … u_T] (C×T, orthogonal invariant columns) the directions whose mean is removed and a partition of the C
 * coordinates into G variance groups:
 * <pre>
 *   μ_t = u_tᵀ E[x'] / ‖u_t‖²,   x̃ = x' − U μ,   v_k = mean over the coordinates c of group k of E[x̃_c²]
 *   y = Q (x̃ · w_k / √(v_k + ε) + U β)
 * </pre>
 * E is the mean over the batch and all spatial positions. In training μ and v are the batch's (biased variance) and
 * update the running statistics as running = momentum·running + (1 − momentum)·batch (DJL's convention, momentum 0.9 by
 * default; the variance enters unbiased, ×n/(n − 1) with n the number of values behind it, batch × positions × the
 * group's coordinates, as in PyTorch); in inference the running statistics are used.
 * When every field has its own mean direction (1, …, 1) and variance and all fields have the same size (an affine
 * {@link InnerBatchNorm} of one field size), this is PyTorch's batch norm of the [batch, fields, d·positions] view,
 * which runs as the engine's fused operator.
 *
 * <h2>Equivariance</h2>
 * U spans invariant vectors and each group's Σ_c x̃_c² is the squared norm of a part of a field that g moves by an
 * orthogonal map, so μ and v are invariant when g permutes the pixels (the grid symmetries) and y(g·x) = g·y(x) exactly,
 * in training with batch statistics and in inference alike.
 *
 * <h2>Parameters</h2>
 * "weight" w [G] (ones) and "bias" β [T] (zeros) when affine; "runningMean" [T] (zeros) and "runningVar" [G] (ones),
 * never trained, saved with the others. {@link #export()} gives DJL's BatchNorm (or a 1×1 convolution / Linear when Q
 * mixes channels) computing the inference map.
 */
public abstract sealed class FieldBatchNorm extends AbstractEquivariantBlock
        permits InnerBatchNorm, IIDBatchNorm, NormBatchNorm, GNormBatchNorm {

    /**
     * Settings shared by the batch norms.
     *
     * @param momentum weight of the old running statistics, in [0, 1] (DJL's convention; default 0.9)
     * @param epsilon  ε &gt; 0 added to the variances (default 1e-5)
     * @param affine   whether to learn a scale per variance group and a bias per invariant direction (default true)
     */
    public record Options(double momentum, double epsilon, boolean affine) {
        /** Both numbers are rounded to single precision, the precision DJL's fused batch norm takes them in. */
        public Options {
            momentum = (float) momentum;
            epsilon = (float) epsilon;
            if (!(momentum >= 0 && momentum <= 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1], got " + momentum);
            }
            if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
                throw new IllegalArgumentException("epsilon must be finite and > 0, got " + epsilon);
            }
        }

        /** momentum 0.9, ε = 1e-5, affine. */
        public static Options defaults() {
            return new Options(0.9, 1e-5, true);
        }

        /** The same with another momentum. */
        public Options withMomentum(double m) {
            return new Options(m, epsilon, affine);
        }

        /** The same with another ε. */
        public Options withEpsilon(double e) {
            return new Options(momentum, e, affine);
        }

        /** The same with or without the affine map. */
        public Options withAffine(boolean a) {
            return new Options(momentum, epsilon, a);
        }
    }

    /**
     * Where the statistics live.
     *
     * @param basis    Q (C×C orthogonal), or null for the identity
     * @param mean     U (C×T) with orthogonal invariant columns (T may be 0)
     * @param group    the variance group of each coordinate, in [0, groups)
     * @param groups   G
     * @param fieldwise whether it is the batch norm of the [batch, fields, d·positions] view (see the class doc)
     */
    record Layout(double[][] basis, double[][] mean, int[] group, int groups, boolean fieldwise) {
        int directions() {
            return mean.length == 0 ? 0 : mean[0].length;
        }
    }

    private final Options options;
    private final Layout layout;
    private final int channels;
    private final int directions;
    private final int[] groupSizes;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter runningMean;
    private final Parameter runningVar;
    private final DeviceConstants constants;

    FieldBatchNorm(FieldType type, Options options, Layout layout) {
        super(type, type);
        this.options = java.util.Objects.requireNonNull(options, "options");
        this.layout = layout;
        this.channels = type.size();
        this.directions = layout.directions();
        this.groupSizes = new int[layout.groups()];
        for (int g : layout.group()) {
            groupSizes[g]++;
        }
        Shape g = new Shape(layout.groups());
        Shape t = new Shape(directions);
        this.weight = options.affine() ? addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.GAMMA)
                .optShape(g).optInitializer(Initializer.ONES).build()) : null;
        this.bias = options.affine() && directions > 0 ? addParameter(Parameter.builder().setName("bias")
                .setType(Parameter.Type.BETA).optShape(t).optInitializer(Initializer.ZEROS).build()) : null;
        this.runningMean = directions > 0 ? addParameter(Parameter.builder().setName("runningMean")
                .setType(Parameter.Type.RUNNING_MEAN).optShape(t).optRequiresGrad(false).optInitializer(Initializer.ZEROS)
                .build()) : null;
        this.runningVar = addParameter(Parameter.builder().setName("runningVar").setType(Parameter.Type.RUNNING_VAR)
                .optShape(g).optRequiresGrad(false).optInitializer(Initializer.ONES).build());
        this.constants = addConstants("constants", this::buildConstants);
    }

    /** The settings. */
    public Options options() {
        return options;
    }

    /** G, the number of variances. */
    public int varianceGroups() {
        return layout.groups();
    }

    /** T, the number of invariant directions whose mean is removed. */
    public int meanDirections() {
        return directions;
    }

    /** The scale per variance group, or null when not affine. */
    public Parameter weight() {
        return weight;
    }

    /** The bias per invariant direction, or null (not affine, or no invariant direction). */
    public Parameter bias() {
        return bias;
    }

    /** The running mean [T], or null when T = 0. */
    public Parameter runningMean() {
        return runningMean;
    }

    /** The running variance [G]. */
    public Parameter runningVar() {
        return runningVar;
    }

    private NDList buildConstants(NDManager m, DataType dt) {
        double[][] average = new double[channels][layout.groups()];
        double[][] spread = new double[layout.groups()][channels];
        for (int c = 0; c < channels; c++) {
            average[c][layout.group()[c]] = 1.0 / groupSizes[layout.group()[c]];
            spread[layout.group()[c]][c] = 1;
        }
        NDList list = new NDList(Tensors.fromMatrix(m, average, dt), Tensors.fromMatrix(m, spread, dt));
        if (directions > 0) {
            double[][] u = layout.mean();
            double[][] projection = new double[channels][directions];
            for (int t = 0; t < directions; t++) {
                double norm = 0;
                for (double[] row : u) {
                    norm += row[t] * row[t];
                }
                for (int c = 0; c < channels; c++) {
                    projection[c][t] = u[c][t] / norm;
                }
            }
            list.add(Tensors.fromMatrix(m, projection, dt));
            list.add(Tensors.fromMatrix(m, Matrices.transpose(u), dt));
        }
        if (layout.basis() != null) {
            list.add(Tensors.fromMatrix(m, layout.basis(), dt));
            list.add(Tensors.fromMatrix(m, Matrices.transpose(layout.basis()), dt));
        }
        return list;
    }

    @Override
    protected NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDArray rv = ps.getValue(runningVar, x.getDevice(), training);
        BlockInputs.requireParameterDataType(this, x, rv);
        if (training && x.getShape().size() / channels < 2) {
            throw new IllegalArgumentException(this + " needs more than one value per channel in training (batch x"
                    + " positions), got shape " + x.getShape());
        }
        if (layout.fieldwise() && weight != null) {
            Shape s = x.getShape();
            return BatchNorm.batchNorm(x.reshape(s.get(0), inType().fields(), -1),
                    ps.getValue(runningMean, x.getDevice(), training), rv, ps.getValue(weight, x.getDevice(), training),
                    ps.getValue(bias, x.getDevice(), training), 1, (float) options.momentum(), (float) options.epsilon(),
                    training).singletonOrThrow().reshape(s);
        }
        DeviceConstants.Copy k = constantsFor(constants, x);
        int next = 2;
        NDArray projection = directions > 0 ? k.get(next++) : null; // μ = E[x'] · projection
        NDArray ut = directions > 0 ? k.get(next++) : null;
        NDArray q = layout.basis() != null ? k.get(next++) : null;
        NDArray qt = layout.basis() != null ? k.get(next) : null;
        NDArray xs = q == null ? x : mixChannels(x, q); // x' = Qᵀx: channels-last times Q
        NDArray rm = directions > 0 ? ps.getValue(runningMean, x.getDevice(), training) : null;
        NDArray mu = rm;
        NDArray var = rv;
        NDArray centred;
        if (training) {
            long n = x.getShape().size() / channels;
            NDArray mean = channelMeans(xs);
            mu = directions > 0 ? vectorTimes(mean, projection) : null;
            centred = mu == null ? xs : xs.sub(alongAxis1(vectorTimes(mu, ut)));
            var = vectorTimes(channelMeans(centred.square()), k.get(0));
            double m = options.momentum();
            double[] unbiased = new double[layout.groups()];
            for (int g = 0; g < unbiased.length; g++) {
                double values = (double) n * groupSizes[g];
                unbiased[g] = (1 - m) * values / (values - 1);
            }
            rv.muli(m).addi(var.stopGradient().mul(Tensors.fromFlat(x.getManager(), unbiased, rv.getShape(), x.getDataType())));
            if (mu != null) {
                rm.muli(m).addi(mu.stopGradient().mul(1 - m));
            }
        } else {
            centred = mu == null ? xs : xs.sub(alongAxis1(vectorTimes(mu, ut)));
        }
        NDArray scale = var.add(options.epsilon()).pow(-0.5);
        if (weight != null) {
            scale = scale.mul(ps.getValue(weight, x.getDevice(), training));
        }
        NDArray y = centred.mul(alongAxis1(vectorTimes(scale, k.get(1))));
        if (bias != null) {
            y = y.add(alongAxis1(vectorTimes(ps.getValue(bias, x.getDevice(), training), ut)));
        }
        return qt == null ? y : mixChannels(y, qt);
    }

    /** The mean of each channel over the batch and all positions: [batch, C, spatial…] → [C]. */
    private NDArray channelMeans(NDArray x) {
        return x.swapAxes(0, 1).reshape(channels, -1).mean(new int[] {1});
    }

    /** v M for a vector v [a] and a matrix M [a, b]: [b]. */
    private static NDArray vectorTimes(NDArray v, NDArray m) {
        return v.reshape(1, -1).matMul(m).reshape(-1);
    }

    /** x [batch, C, spatial…] with its channel vectors multiplied by M on the right: y_c = Σ_c' x_c' M[c'][c]. */
    private static NDArray mixChannels(NDArray x, NDArray m) {
        int last = x.getShape().dimension() - 1;
        return last == 1 ? x.matMul(m) : x.swapAxes(1, last).matMul(m).swapAxes(1, last);
    }

    /** The inference map y = M x + c with the current running statistics as a plain block (see the class doc). */
    @Override
    public Block export() {
        NDArray rvArray = runningVar.getArray();
        double[] rv = Tensors.toDoubles(rvArray);
        double[] rm = runningMean == null ? new double[0] : Tensors.toDoubles(runningMean.getArray());
        double[] w = weight == null ? null : Tensors.toDoubles(weight.getArray());
        double[] beta = bias == null ? new double[directions] : Tensors.toDoubles(bias.getArray());
        double[] s = new double[channels];
        double[] shift = new double[channels];
        double[][] u = layout.mean();
        for (int c = 0; c < channels; c++) {
            int g = layout.group()[c];
            s[c] = (w == null ? 1 : w[g]) / Math.sqrt(rv[g] + options.epsilon());
            for (int t = 0; t < directions; t++) {
                shift[c] += u[c][t] * (beta[t] - s[c] * rm[t]);
            }
        }
        double[][] m = new double[channels][channels];
        double[] c0 = shift;
        if (layout.basis() == null) {
            for (int c = 0; c < channels; c++) {
                m[c][c] = s[c];
            }
        } else {
            double[][] q = layout.basis();
            double[][] scaled = new double[channels][channels];
            for (int i = 0; i < channels; i++) {
                for (int j = 0; j < channels; j++) {
                    scaled[i][j] = q[i][j] * s[j];
                }
            }
            m = Matrices.multiply(scaled, Matrices.transpose(q));
            c0 = Matrices.apply(q, shift);
        }
        return ChannelAffine.of(m, c0, spatialDims(), rvArray.getManager(), rvArray.getDataType());
    }

    @Override
    protected int[] config() {
        return new int[] {channels, inType().fields(), layout.groups(), directions, options.affine() ? 1 : 0};
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + inType() + ", " + layout.groups() + " variances, " + directions
                + " means)";
    }

    /** Fills {@code group} with {@code value} on the channels of a field. */
    static void fillField(int[] group, FieldType type, int field, int value) {
        Arrays.fill(group, type.fieldStart(field), type.fieldStart(field) + type.fieldSize(field), value);
    }
}

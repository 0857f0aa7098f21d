package org.equivariant4j.nn.norm;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import org.equivariant4j.nn.ops.BlockInputs;

/**
 * Batch normalisation of regular group feature maps [batch, channels, |H|, spatial…] (any number of spatial axes).
 *
 * <p>Statistics are per channel, shared over the batch, the |H| axis and space, and the affine map y = γ_c·x̂ + β_c is
 * per channel. Since H only permutes the |H| axis and moves pixels, the statistics are invariant and the block is
 * equivariant (exactly, for grid-preserving actions), in training (batch statistics) and in inference (running
 * statistics) alike. A per-(channel, h) statistic would break equivariance.
 *
 * <p>Parameters: "gamma" (ones), "beta" (zeros), "runningMean" (zeros) and "runningVar" (ones), each [channels]; the
 * running statistics are updated in training as running = momentum·running + (1 − momentum)·batch (DJL's convention,
 * momentum 0.9 by default) and saved with the other parameters.
 */
public final class GroupBatchNorm extends AbstractBlock {
    private static final byte VERSION = 1;

    private final int channels;
    private final int groupOrder;
    private final float momentum;
    private final float epsilon;
    private final Parameter gamma;
    private final Parameter beta;
    private final Parameter runningMean;
    private final Parameter runningVar;

    private GroupBatchNorm(Builder b) {
        super(VERSION);
        this.channels = b.channels;
        this.groupOrder = b.groupOrder;
        this.momentum = b.momentum;
        this.epsilon = b.epsilon;
        Shape s = new Shape(channels);
        gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA).optShape(s)
                .optInitializer(Initializer.ONES).build());
        beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA).optShape(s)
                .optInitializer(Initializer.ZEROS).build());
        runningMean = addParameter(Parameter.builder().setName("runningMean").setType(Parameter.Type.RUNNING_MEAN)
                .optShape(s).optRequiresGrad(false).optInitializer(Initializer.ZEROS).build());
        runningVar = addParameter(Parameter.builder().setName("runningVar").setType(Parameter.Type.RUNNING_VAR)
                .optShape(s).optRequiresGrad(false).optInitializer(Initializer.ONES).build());
    }

    /** Starts a builder for {@code channels} channels over a group axis of size {@code groupOrder}. */
    public static Builder builder(int channels, int groupOrder) {
        return new Builder(channels, groupOrder);
    }

    /** The number of channels. */
    public int channels() {
        return channels;
    }

    /** |H|. */
    public int groupOrder() {
        return groupOrder;
    }

    /** γ. */
    public Parameter gamma() {
        return gamma;
    }

    /** β. */
    public Parameter beta() {
        return beta;
    }

    /** The running mean. */
    public Parameter runningMean() {
        return runningMean;
    }

    /** The running variance. */
    public Parameter runningVar() {
        return runningVar;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = BlockInputs.single(this, inputs);
        Shape s = x.getShape();
        checkShape(s);
        Device d = x.getDevice();
        NDArray flat = x.reshape(s.get(0), channels, -1);
        NDArray y = BatchNorm.batchNorm(flat, parameterStore.getValue(runningMean, d, training),
                parameterStore.getValue(runningVar, d, training), parameterStore.getValue(gamma, d, training),
                parameterStore.getValue(beta, d, training), 1, momentum, epsilon, training).singletonOrThrow();
        return new NDList(y.reshape(s));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = BlockInputs.singleShape(this, inputShapes);
        checkShape(s);
        return new Shape[] {s};
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        getOutputShapes(inputShapes);
    }

    private void checkShape(Shape s) {
        BlockInputs.requireGroupFeatureMap(this, s, channels, groupOrder, BlockInputs.Spatial.ANY, "");
    }

    @Override
    public String toString() {
        return "GroupBatchNorm(" + channels + " channels, |H| = " + groupOrder + ")";
    }

    /** Builder for {@link GroupBatchNorm}. */
    public static final class Builder {
        private final int channels;
        private final int groupOrder;
        private float momentum = 0.9f;
        private float epsilon = 1e-5f;

        private Builder(int channels, int groupOrder) {
            if (channels < 1 || groupOrder < 1) {
                throw new IllegalArgumentException("GroupBatchNorm needs channels >= 1 and |H| >= 1, got " + channels + " and "
                        + groupOrder);
            }
            this.channels = channels;
            this.groupOrder = groupOrder;
        }

        /** Momentum of the running statistics (DJL convention; default 0.9). */
        public Builder optMomentum(float momentum) {
            if (!(momentum >= 0 && momentum <= 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1], got " + momentum);
            }
            this.momentum = momentum;
            return this;
        }

        /** ε added to the variance (default 1e-5). */
        public Builder optEpsilon(float epsilon) {
            if (!(epsilon > 0)) {
                throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
            }
            this.epsilon = epsilon;
            return this;
        }

        /** Builds the block. */
        public GroupBatchNorm build() {
            return new GroupBatchNorm(this);
        }
    }
}

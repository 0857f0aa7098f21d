package org.equivariant4j.nn.conv;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.ops.Convolution;

/**
 * The transposed steerable convolution in space (escnn's R3ConvTransposed), for upsampling volumes: fields of type
 * {@code in} → fields of type {@code out}, weight W[i, o](q) = κ[o, i](−q) with κ the steerable kernel from ρ_in to
 * ρ_out (see {@link R2ConvTransposed} for why that is equivariant). Output size (D − 1)·s − 2p + δ(k−1) + output
 * padding + 1 per axis; exact for the cube symmetries when the output's centre is kept (e.g. odd D, stride 2, k = 3,
 * p = 1, no output padding: 2D − 1).
 */
public final class R3ConvTransposed extends SteerableConvolution {
    private R3ConvTransposed(Builder b) {
        super(b, Convolution.Spec.convTranspose3d(b.stride, b.padding, b.outputPadding, b.dilation, 1));
    }

    /** Starts a builder for fields of type {@code in} → {@code out} (GSpaces on R³). */
    public static Builder builder(FieldType in, FieldType out) {
        return new Builder(in, out);
    }

    @Override
    String kind() {
        return "R3ConvTransposed";
    }

    @Override
    NDArray toConvolutionWeight(NDArray kernel) {
        // [C_out, C_in, k, k, k] → [C_in, C_out, k, k, k] with the kernel reflected through its centre
        return kernel.transpose(1, 0, 2, 3, 4).flip(2, 3, 4);
    }

    @Override
    Shape convolutionWeightShape() {
        return new Shape(inType.size(), outType.size(), kernelSize, kernelSize, kernelSize);
    }

    /** Builder for {@link R3ConvTransposed}. */
    public static final class Builder extends SteerableConvolution.Builder<Builder> {
        private int outputPadding;

        private Builder(FieldType in, FieldType out) {
            super(in, out, "R3ConvTransposed", 3);
        }

        @Override
        Builder self() {
            return this;
        }

        /** Extra voxels on one side of each output axis, in [0, max(stride, dilation)) (default 0). */
        public Builder outputPadding(int p) {
            if (p < 0) {
                throw new IllegalArgumentException("output padding must be >= 0, got " + p);
            }
            this.outputPadding = p;
            return this;
        }

        /** Builds the layer. */
        public R3ConvTransposed build() {
            return new R3ConvTransposed(this);
        }
    }
}

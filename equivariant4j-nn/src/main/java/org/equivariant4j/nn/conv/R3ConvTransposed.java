package org.equivariant4j.nn.conv;

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

    /** Builder for {@link R3ConvTransposed}. */
    public static final class Builder extends SteerableConvolution.TransposedBuilder<Builder> {
        private Builder(FieldType in, FieldType out) {
            super(in, out, "R3ConvTransposed", 3);
        }

        @Override
        Builder self() {
            return this;
        }

        /** Builds the layer. */
        public R3ConvTransposed build() {
            return new R3ConvTransposed(this);
        }
    }
}

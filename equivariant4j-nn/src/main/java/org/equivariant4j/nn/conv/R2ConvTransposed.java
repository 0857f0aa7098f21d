package org.equivariant4j.nn.conv;

import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.ops.Convolution;

/**
 * The transposed steerable convolution on the plane (escnn's R2ConvTransposed), for upsampling: fields of type
 * {@code in} → fields of type {@code out}.
 *
 * <p>With κ the steerable kernel from ρ_in to ρ_out, the layer is the transposed convolution whose weight is
 * W[i, o](q) = κ[o, i](−q): the adjoint of the correlation with the kernel κ'(x) = κ(−x)ᵀ, which is steerable from ρ_out
 * to ρ_in, so the layer is equivariant; at stride 1 with padding k−1−p it equals the correlation with κ itself.
 * Output size (H − 1)·s − 2p + δ(k−1) + output padding + 1. Exact for grid symmetries when the output's centre is kept
 * (e.g. odd H, stride 2, k = 3, p = 1, no output padding: 2H − 1).
 */
public final class R2ConvTransposed extends SteerableConvolution {
    private R2ConvTransposed(Builder b) {
        super(b, Convolution.Spec.convTranspose2d(b.stride, b.padding, b.outputPadding, b.dilation, 1));
    }

    /** Starts a builder for fields of type {@code in} → {@code out}. */
    public static Builder builder(FieldType in, FieldType out) {
        return new Builder(in, out);
    }

    /** Builder for {@link R2ConvTransposed}. */
    public static final class Builder extends SteerableConvolution.TransposedBuilder<Builder> {
        private Builder(FieldType in, FieldType out) {
            super(in, out, "R2ConvTransposed", 2);
        }

        @Override
        Builder self() {
            return this;
        }

        /** Builds the layer. */
        public R2ConvTransposed build() {
            return new R2ConvTransposed(this);
        }
    }
}

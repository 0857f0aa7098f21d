package org.equivariant4j.nn.conv;

import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.ops.Convolution;

/**
 * The steerable convolution on the plane (escnn's R2Conv): feature fields of type {@code in} → fields of type
 * {@code out} of the same {@link org.equivariant4j.nn.field.GSpace}, for any G ≤ O(2), with the kernel expanded in the
 * steerable basis (see {@link SteerableConvolution}).
 *
 * <h2>Equivariance</h2>
 * The continuous kernel satisfies κ(gx) = ρ_out(g) κ(x) ρ_in(g)⁻¹ exactly, so the layer commutes with
 * (g·f)(x) = ρ(g) f(g⁻¹x) exactly (float round-off) for elements that map the pixel grid to itself — multiples of 90°
 * and the reflections about the axes and diagonals — on inputs whose centre the layer keeps (stride 1, or
 * (H + 2·padding − dilation·(k−1) − 1) divisible by the stride). Other rotations are approximate: the kernel is sampled
 * on pixels and the input is a pixel image. Measured on smooth inputs (relative L2 on the central disc, R2ConvTest): at
 * C8's 45°, 1.28, 0.67, 0.41 and 0.36% for k = 3, 5, 7, 9; ring by ring the error falls with the radius (0.44% at radius
 * 1, 0.21% at radius 3 of an 11×11 kernel), except for the outermost ring, which the square grid cuts (1.39%).
 *
 * <p>Input [batch, C_in, H, W], output [batch, C_out, H', W'] with H' = ⌊(H + 2p − δ(k−1) − 1)/s⌋ + 1. A 1×1 kernel is
 * the equivariant linear map of each pixel's fields.
 */
public final class R2Conv extends SteerableConvolution {
    private R2Conv(Builder b) {
        super(b, Convolution.Spec.conv2d(b.stride, b.padding, b.dilation, 1));
    }

    /** Starts a builder for fields of type {@code in} → {@code out}. */
    public static Builder builder(FieldType in, FieldType out) {
        return new Builder(in, out);
    }

    /** Builder for {@link R2Conv}. */
    public static final class Builder extends SteerableConvolution.Builder<Builder> {
        private Builder(FieldType in, FieldType out) {
            super(in, out, "R2Conv", 2);
        }

        @Override
        Builder self() {
            return this;
        }

        /** Builds the layer (computing or reusing the GSpace's bases). */
        public R2Conv build() {
            return new R2Conv(this);
        }
    }
}

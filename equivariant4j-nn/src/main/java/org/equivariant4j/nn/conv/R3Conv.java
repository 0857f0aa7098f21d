package org.equivariant4j.nn.conv;

import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.ops.Convolution;

/**
 * The steerable convolution in space (escnn's R3Conv): feature fields of type {@code in} → fields of type {@code out}
 * of the same {@link org.equivariant4j.nn.field.GSpace} on R³, for any G ≤ O(3) (SO(3), O(3), the octahedral,
 * full octahedral and icosahedral groups, the axial groups, a mirror, the inversion, the trivial group), with the kernel
 * expanded in the steerable basis of spherical harmonics times radial shells (see {@link SteerableConvolution}; escnn's
 * default shells, widths and cut-off: {@link org.equivariant4j.nn.field.GSpace#defaultKernelSpec}).
 *
 * <h2>Equivariance</h2>
 * The continuous kernel satisfies κ(gx) = ρ_out(g) κ(x) ρ_in(g)⁻¹ exactly, so the layer commutes with
 * (g·f)(x) = ρ(g) f(g⁻¹x) exactly (float round-off) for the elements of G that map the voxel grid to itself — the 24
 * rotations of the cube, and the 48 with the inversion — on inputs whose centre the layer keeps (stride 1, or
 * (D + 2·padding − dilation·(k−1) − 1) divisible by the stride). Other rotations are approximate (the kernel is sampled
 * on voxels); R3ConvTest measures the error on smooth volumes.
 *
 * <p>Input [batch, C_in, D, H, W], output [batch, C_out, D', H', W'] with D' = ⌊(D + 2p − δ(k−1) − 1)/s⌋ + 1; voxel
 * (a, b, c) sits at x = c − (W−1)/2, y = (H−1)/2 − b, z = (D−1)/2 − a.
 */
public final class R3Conv extends SteerableConvolution {
    private R3Conv(Builder b) {
        super(b, Convolution.Spec.conv3d(b.stride, b.padding, b.dilation, 1));
    }

    /** Starts a builder for fields of type {@code in} → {@code out} (GSpaces on R³). */
    public static Builder builder(FieldType in, FieldType out) {
        return new Builder(in, out);
    }

    /** Builder for {@link R3Conv}. */
    public static final class Builder extends SteerableConvolution.Builder<Builder> {
        private Builder(FieldType in, FieldType out) {
            super(in, out, "R3Conv", 3);
        }

        @Override
        Builder self() {
            return this;
        }

        /** Builds the layer (computing or reusing the GSpace's bases). */
        public R3Conv build() {
            return new R3Conv(this);
        }
    }
}

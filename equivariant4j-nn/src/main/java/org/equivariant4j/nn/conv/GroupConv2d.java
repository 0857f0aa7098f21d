package org.equivariant4j.nn.conv;

import ai.djl.ndarray.types.Shape;
import org.equivariant4j.group.FiniteGroup;
import org.equivariant4j.nn.ops.BlockInputs;

/**
 * The group convolution R² ⋊ H → R² ⋊ H: input and output group feature maps [batch, C, |H|, height, width] with
 * F_o(x, g) = b_o + Σ_i Σ_{h'} Σ_y κ_{o,i}(g⁻¹(y − x), g⁻¹h') f_i(y, h').
 * Equivariant: (L_g f)(x, h) = f(g⁻¹x, g⁻¹h) on the input gives L_g F on the output.
 *
 * <p>Learnable weight [C_out, C_in, |H|, k, k] (a kernel on R² × H; He-initialised with fan-in C_in·|H|·(pixels in
 * the mask)), optional bias [C_out]. The transformed kernels (L_g κ)(x, h') = κ(g⁻¹x, g⁻¹h') combine the spatial
 * transform with a permutation of the |H| axis (the regular representation), in one constant matrix.
 * See {@link RegularGroupConv2d} for the layout, forward, cache and exactness.
 */
public final class GroupConv2d extends RegularGroupConv2d {

    private GroupConv2d(Builder b) {
        super(b, b.group.order(), "GroupConv2d");
    }

    /** Starts a builder for a group convolution with H = {@code group} (C_N or D_N). */
    public static Builder builder(FiniteGroup<?> group, int inChannels, int outChannels) {
        return new Builder(group, inChannels, outChannels);
    }

    @Override
    String kind() {
        return "GroupConv2d";
    }

    @Override
    void checkInput(Shape s) {
        BlockInputs.requireGroupFeatureMap(this, s, inChannels, order, BlockInputs.Spatial.PLANE,
                " (axis 2 = |" + group.name() + "| = " + order + ")");
    }

    /** Builder for {@link GroupConv2d}. */
    public static final class Builder extends RegularGroupConv2d.Builder<Builder> {
        private Builder(FiniteGroup<?> group, int inChannels, int outChannels) {
            super(group, inChannels, outChannels, "GroupConv2d");
        }

        @Override
        Builder self() {
            return this;
        }

        /** Builds the layer (computes the kernel transforms). */
        public GroupConv2d build() {
            return new GroupConv2d(this);
        }
    }
}

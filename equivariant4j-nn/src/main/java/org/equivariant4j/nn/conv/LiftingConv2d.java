package org.equivariant4j.nn.conv;

import ai.djl.ndarray.types.Shape;
import org.equivariant4j.group.FiniteGroup;

/**
 * The lifting convolution R² → R² ⋊ H: input images [batch, C_in, height, width], output group feature maps
 * [batch, C_out, |H|, height', width'] with
 * F_o(x, h) = b_o + Σ_i Σ_y (L_h κ_{o,i})(y − x) f_i(y), (L_h κ)(u) = κ(h⁻¹u).
 * It is equivariant: rotating/flipping the input image by g transforms the output by (L_g F)(x, h) = F(g⁻¹x, g⁻¹h).
 *
 * <p>Learnable weight [C_out, C_in, k, k] (He-initialised, fan-in C_in·(pixels in the mask)), optional bias [C_out].
 * See {@link RegularGroupConv2d} for the layout, forward, cache and exactness.
 *
 * <pre>{@code
 * LiftingConv2d lift = LiftingConv2d.builder(Groups.cyclic(8), 3, 16).kernelSize(5).padding(2).build();
 * }</pre>
 */
public final class LiftingConv2d extends RegularGroupConv2d {

    private LiftingConv2d(Builder b) {
        super(b, 1, "LiftingConv2d");
    }

    /** Starts a builder for a lifting convolution with H = {@code group} (C_N or D_N). */
    public static Builder builder(FiniteGroup<?> group, int inChannels, int outChannels) {
        return new Builder(group, inChannels, outChannels);
    }

    @Override
    String kind() {
        return "LiftingConv2d";
    }

    @Override
    void checkInput(Shape s) {
        if (s.dimension() != 4 || s.get(1) != inChannels) {
            throw new IllegalArgumentException(this + " expects an input of shape (batch, " + inChannels
                    + ", height, width), got " + s);
        }
    }

    /** Builder for {@link LiftingConv2d}. */
    public static final class Builder extends RegularGroupConv2d.Builder<Builder> {
        private Builder(FiniteGroup<?> group, int inChannels, int outChannels) {
            super(group, inChannels, outChannels, "LiftingConv2d");
        }

        @Override
        Builder self() {
            return this;
        }

        /** Builds the layer (computes the kernel transforms). */
        public LiftingConv2d build() {
            return new LiftingConv2d(this);
        }
    }
}

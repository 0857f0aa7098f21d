package org.equivariant4j.nn.conv;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import org.equivariant4j.kernel.ScaleKernelBasis;
import org.equivariant4j.nn.ops.Convolution;

/**
 * Lifting correlation from the plane to the scale–translation group: R² → R² ⋊ H, H = {s_i = 2^{i/n}, i = 0 … S−1}.
 *
 * <h2>Definition</h2>
 * For an input f with C_in channels on the pixel grid,
 * <pre>
 *   y[o, i](x) = b_o + Σ_c Σ_y f_c(x + y) K_{o,c,i}(y),     K_{o,c,i} = Σ_b w[o, c, b] ψ_{b, s_i}
 * </pre>
 * with ψ_{b,s}(y) = s⁻² ψ_b(y/s) the dilated Hermite–Gaussian basis of {@link ScaleKernelBasis} (pixel coordinates of
 * DESIGN.md: x to the right, y up). Only the C_out·C_in·numBasis coefficients w (parameter "weight") and the bias
 * (C_out, shared over scales, parameter "bias") are learned and saved; the basis is a constant rebuilt from the
 * configuration, on {@link #initialize} or on first use after loading.
 *
 * <h2>Equivariance</h2>
 * Translations: exact (integer shifts, away from the zero-padded border). Scalings: with the s⁻² normalisation the
 * continuous correlation satisfies y_{f(2·)}[i](x) = y_f[i + n](2x): shrinking the image by 2 shifts the scale axis by
 * n (one octave) and the plane by a factor 2. On the pixel grid this holds approximately (sampling of ψ at the small
 * scales, truncation of ψ at the largest scale by the k×k support, the input's own band limit); the scale indices
 * i ≥ S − n of the shrunk image have no partner in the sampled H (the scale axis is truncated, nothing wraps around).
 *
 * <h2>Shapes and forward</h2>
 * Input [B, C_in, H, W], output [B, C_out, S, H, W] (zero padding (k−1)/2: the output keeps H×W), the layout of
 * {@link org.equivariant4j.nn.pool.GroupPooling} (so {@code GroupPooling.max(S)} gives scale-pooled features). The
 * forward pass expands all S kernels with one matMul, weight [C_out·C_in, nb] × basis [nb, S·k·k], and runs one
 * conv2d with the S scales stacked along the output channels ([C_out·S, C_in, k, k]).
 *
 * <h2>Initialisation</h2>
 * w ~ N(0, 2 / (C_in·nb)) (He; the basis is orthonormal in L², so at scale 1 a white-noise input of unit variance gives
 * outputs of variance ≈ 2; at scale s the variance falls like s⁻², the price of the equivariant normalisation). Bias 0.
 */
public final class ScaleLiftingConv2d extends ScaleConv2d {

    private ScaleLiftingConv2d(Builder b, ScaleKernelBasis basis) {
        super("ScaleLiftingConv2d", b, basis, new Shape(b.outChannels, b.inChannels, basis.numBasis()));
    }

    /** Starts a builder for a lifting layer with the given channel counts. */
    public static Builder builder(int inChannels, int outChannels) {
        return new Builder(inChannels, outChannels);
    }

    /** S, the size of the output's scale axis. */
    public int numScales() {
        return basis.numScales();
    }

    @Override
    NDArray correlate(NDArray x, NDArray kernel, NDArray bias) {
        int s = basis.numScales();
        int k = basis.kernelSize();
        int pad = (k - 1) / 2;
        NDArray w = kernel.reshape((long) outChannels * s, inChannels, k, k);
        NDArray y = Convolution.of(Convolution.Spec.conv2d(1, pad, 1, 1)).apply(x, w, bias);
        Shape xs = x.getShape();
        return y.reshape(xs.get(0), outChannels, s, xs.get(2), xs.get(3));
    }

    @Override
    void checkInputShape(Shape s) {
        if (s.dimension() != 4 || s.get(1) != inChannels || s.get(2) < 1 || s.get(3) < 1) {
            throw new IllegalArgumentException(this + " expects an input of shape (batch, " + inChannels
                    + ", height, width), got " + s);
        }
    }

    @Override
    int[] configuration() {
        return new int[] {inChannels, outChannels, basis.numScales(), basis.scalesPerOctave(), basis.kernelSize(),
            basis.numBasis(), bias() == null ? 0 : 1};
    }

    @Override
    String configurationNames() {
        return "(in, out, S, n, k, basis, bias)";
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ScaleLiftingConv2d(%d -> %d x %d scales 2^(i/%d), k = %d, %d basis functions, sigma = %s)",
                inChannels, outChannels, basis.numScales(), basis.scalesPerOctave(), basis.kernelSize(), basis.numBasis(),
                basis.sigma());
    }

    /** Builder for {@link ScaleLiftingConv2d}; {@code scales(S, n)} sets the output's S scales s_i = 2^{i/n} (required). */
    public static final class Builder extends ScaleConv2d.Builder<Builder> {
        private Builder(int inChannels, int outChannels) {
            super("ScaleLiftingConv2d", inChannels, outChannels);
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * Builds the layer and its basis.
         *
         * @throws IllegalArgumentException when the scales are not set or the kernel is too small for the largest scale
         */
        public ScaleLiftingConv2d build() {
            return new ScaleLiftingConv2d(this, buildBasis(numScales));
        }
    }
}

package org.equivariant4j.nn.conv;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import java.util.Objects;
import org.equivariant4j.kernel.ScaleKernelBasis;
import org.equivariant4j.nn.ops.Convolution;
import org.equivariant4j.nn.ops.BlockInputs;

/**
 * Group correlation on the scale–translation group: R² ⋊ H → R² ⋊ H, H = {s_i = 2^{i/n}, i = 0 … S−1}.
 *
 * <h2>Definition</h2>
 * The kernel is short along the scale axis: L taps (the "scale kernel size"). For an input f [C_in, S, H, W],
 * <pre>
 *   y[o, i](x) = b_o + Σ_c Σ_{l=0}^{L−1} Σ_y f_c[i + l](x + y) K_{o,c,l,i}(y),     K_{o,c,l,i} = Σ_b w[o, c, l, b] ψ_{b, s_i}
 * </pre>
 * with ψ_{b,s}(y) = s⁻² ψ_b(y/s) the dilated basis of {@link ScaleKernelBasis}: the output at scale i reads the input
 * scales i … i+L−1 with the spatial kernel dilated by s_i. This is the group correlation
 * ∫ f(x', s') k((x, s)⁻¹(x', s')) over R² ⋊ R⁺ with (x, s)⁻¹(x', s') = ((x' − x)/s, s'/s), sampled log-uniformly on
 * the scale axis, and it is equivariant: if f'[i](x) = f[i + n](2x) (the features of an image shrunk by 2), then
 * y'[i](x) = y[i + n](2x), exactly in the continuum and approximately on the pixel grid.
 *
 * <h2>Boundary of the scale axis</h2>
 * H is a truncation of the (semi)group {2^{i/n}}; the output scales i with i + L − 1 &gt; S − 1 read input scales that
 * were not computed. Two treatments, chosen by {@link Builder#boundary}:
 * <ul>
 *   <li>{@link Boundary#ZERO} (default): the missing input scales are zero; the output keeps all S scales, and the top
 *       L − 1 of them are not equivariant (they see fewer scale taps than their partners). Layers stay stackable with a
 *       fixed S; measure or pool only over the scales that are far enough from the top.</li>
 *   <li>{@link Boundary#TRUNCATE}: only the S − L + 1 output scales whose inputs all exist are computed; the scale axis
 *       shrinks by L − 1 per layer, every output is an honest sample of the group correlation, and the next layer is
 *       built with {@code scales(S − L + 1, n)}.</li>
 * </ul>
 * Nothing wraps around: the scale axis is not periodic.
 *
 * <h2>Shapes and forward</h2>
 * Input [B, C_in, S, H, W], output [B, C_out, S_out, H, W] (S_out = S, or S − L + 1 with {@code TRUNCATE}); zero
 * padding (k−1)/2 keeps H×W. Forward: one matMul expands all kernels, weight [C_out·C_in·L, nb] × basis
 * [nb, S_out·k·k]; the input's scale windows [i, i+L) are stacked along the channels ([B, S_out·C_in·L, H, W], an
 * L-fold copy of the input) and a single grouped conv2d with S_out groups (weight [S_out·C_out, C_in·L, k, k]) computes
 * every output scale with exactly the multiply–adds it needs (S_out·C_out·C_in·L·k²·H·W), no block-diagonal zeros.
 * The bias is per output channel, shared over scales.
 *
 * <h2>Initialisation</h2>
 * w ~ N(0, 2 / (C_in·L·nb)) (He), bias 0.
 */
public final class ScaleGroupConv2d extends ScaleConv2d {
    /** How output scales whose scale window leaves the sampled H are treated (see the class doc). */
    public enum Boundary {
        /** Input scales beyond S − 1 are zero; the output keeps S scales. */
        ZERO,
        /** Only the S − L + 1 output scales with a complete window are computed. */
        TRUNCATE
    }

    private final int numScales;
    private final int scaleKernelSize;
    private final Boundary boundary;

    private ScaleGroupConv2d(Builder b, ScaleKernelBasis basis) {
        super("ScaleGroupConv2d", b, basis, new Shape(b.outChannels, b.inChannels, b.scaleKernelSize, basis.numBasis()));
        this.numScales = b.numScales;
        this.scaleKernelSize = b.scaleKernelSize;
        this.boundary = b.boundary;
    }

    /** Starts a builder for a group convolution with the given channel counts. */
    public static Builder builder(int inChannels, int outChannels) {
        return new Builder(inChannels, outChannels);
    }

    /** S, the size of the input's scale axis. */
    public int numScales() {
        return numScales;
    }

    /** S_out, the size of the output's scale axis (S, or S − L + 1 with {@link Boundary#TRUNCATE}). */
    public int numScalesOut() {
        return basis.numScales();
    }

    /** L, the number of taps along the scale axis. */
    public int scaleKernelSize() {
        return scaleKernelSize;
    }

    /** How the top of the scale axis is treated. */
    public Boundary boundary() {
        return boundary;
    }

    @Override
    NDArray correlate(NDArray x, NDArray kernel, NDArray bias) {
        Shape xs = x.getShape();
        long batch = xs.get(0);
        long height = xs.get(3);
        long width = xs.get(4);
        int sOut = basis.numScales();
        int k = basis.kernelSize();
        int taps = scaleKernelSize;
        // [C_out·S_out, C_in·L, k·k] → [S_out·C_out, C_in·L, k, k]: the grouped conv's groups are the output scales
        kernel = kernel.reshape(outChannels, sOut, (long) inChannels * taps, k, k)
                .transpose(1, 0, 2, 3, 4)
                .reshape((long) sOut * outChannels, (long) inChannels * taps, k, k);
        NDArray b = bias == null ? null : bias.reshape(outChannels, sOut).transpose().reshape((long) sOut * outChannels);

        // scale windows: window i = input scales i … i+L−1 (zeros past S−1 for ZERO)
        NDArray padded = x;
        if (boundary == Boundary.ZERO && taps > 1) {
            NDArray zeros = x.getManager().zeros(new Shape(batch, inChannels, taps - 1, height, width), x.getDataType(),
                    x.getDevice());
            padded = NDArrays.concat(new NDList(x, zeros), 2);
        }
        NDArray stacked;
        if (taps == 1) {
            stacked = padded.transpose(0, 2, 1, 3, 4); // [B, S, C, H, W]
        } else {
            NDList windows = new NDList(taps);
            for (int l = 0; l < taps; l++) {
                windows.add(padded.get(":, :, " + l + ":" + (l + sOut)));
            }
            stacked = NDArrays.stack(windows, 3).transpose(0, 2, 1, 3, 4, 5); // [B, S_out, C, L, H, W]
        }
        stacked = stacked.reshape(batch, (long) sOut * inChannels * taps, height, width);
        int pad = (k - 1) / 2;
        NDArray y = Convolution.of(Convolution.Spec.conv2d(1, pad, 1, sOut)).apply(stacked, kernel, b);
        return y.reshape(batch, sOut, outChannels, height, width).transpose(0, 2, 1, 3, 4);
    }

    @Override
    void checkInputShape(Shape s) {
        BlockInputs.requireGroupFeatureMap(this, s, inChannels, numScales, BlockInputs.Spatial.NONEMPTY_PLANE,
                " (channels, scales at axis 2)");
    }

    @Override
    int[] configuration() {
        return new int[] {inChannels, outChannels, numScales, basis.scalesPerOctave(), scaleKernelSize, boundary.ordinal(),
            basis.kernelSize(), basis.numBasis(), bias() == null ? 0 : 1};
    }

    @Override
    String configurationNames() {
        return "(in, out, S, n, L, boundary, k, basis, bias)";
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "ScaleGroupConv2d(%d x %d scales -> %d x %d scales 2^(i/%d), L = %d, %s, k = %d, %d basis functions, sigma = %s)",
                inChannels, numScales, outChannels, basis.numScales(), basis.scalesPerOctave(), scaleKernelSize,
                boundary.name().toLowerCase(Locale.ROOT), basis.kernelSize(), basis.numBasis(), basis.sigma());
    }

    /** Builder for {@link ScaleGroupConv2d}; {@code scales(S, n)} sets the input's S scales s_i = 2^{i/n} (required). */
    public static final class Builder extends ScaleConv2d.Builder<Builder> {
        private int scaleKernelSize = 1;
        private Boundary boundary = Boundary.ZERO;

        private Builder(int inChannels, int outChannels) {
            super("ScaleGroupConv2d", inChannels, outChannels);
        }

        @Override
        Builder self() {
            return this;
        }

        /** L, the number of scale taps, 1 ≤ L ≤ S (default 1: no mixing across scales). */
        public Builder scaleKernelSize(int taps) {
            if (taps < 1) {
                throw new IllegalArgumentException("the scale kernel size L must be >= 1, got " + taps);
            }
            this.scaleKernelSize = taps;
            return this;
        }

        /** How output scales whose window leaves H are treated (default {@link Boundary#ZERO}). */
        public Builder boundary(Boundary boundary) {
            this.boundary = Objects.requireNonNull(boundary, "boundary");
            return this;
        }

        /**
         * Builds the layer and its basis.
         *
         * @throws IllegalArgumentException when the scales are not set, L &gt; S, or the kernel is too small for the
         *     largest output scale
         */
        public ScaleGroupConv2d build() {
            requireScales();
            if (scaleKernelSize > numScales) {
                throw new IllegalArgumentException("ScaleGroupConv2d: the scale kernel size L must be <= the number of scales S = "
                        + numScales + ", got L = " + scaleKernelSize);
            }
            int sOut = boundary == Boundary.ZERO ? numScales : numScales - scaleKernelSize + 1;
            return new ScaleGroupConv2d(this, buildBasis(sOut));
        }
    }
}

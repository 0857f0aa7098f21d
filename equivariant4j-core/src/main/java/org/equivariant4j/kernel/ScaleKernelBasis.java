package org.equivariant4j.kernel;

import java.util.Arrays;
import java.util.Locale;

/**
 * A basis of smooth planar filters dilated over a discrete set of scales, for scale–translation group convolutions
 * (the R² ⋊ H_scale G-CNNs of the lecture; the construction follows the idea of Scale-Equivariant Steerable Networks:
 * learn coefficients of a fixed analytic basis, and obtain the filter at scale s by dilating the basis analytically,
 * never by resampling learned weights).
 *
 * <h2>Scales</h2>
 * H is sampled at s_i = 2^{i/n}, i = 0 … S−1: n scales per octave, S in total, s_0 = 1. The sampled set is a truncation
 * of the multiplicative (semi)group {2^{i/n} : i ∈ ℤ}; how the layers treat its upper boundary is documented in the
 * convolution blocks.
 *
 * <h2>Functions</h2>
 * Cartesian Hermite–Gaussian functions of width σ (in pixels, at scale 1):
 * <pre>
 *   ψ_{p,q}(x, y) = σ⁻¹ φ_p(x/σ) φ_q(y/σ),   φ_m(u) = (2^m m! √π)^{-1/2} H_m(u) e^{−u²/2}
 * </pre>
 * with H_m the physicists' Hermite polynomials (φ_m are the orthonormal Hermite functions; ψ_{p,q} is an orthonormal
 * family in L²(ℝ²) with Gaussian envelope exp(−r²/2σ²); ψ_{p,q} is a multiple of the (p,q)-th Gaussian derivative).
 * Basis function b has orders (p_b, q_b), enumerated by total degree d = p + q = 0, 1, 2, … and, within one degree, by
 * decreasing p: (0,0), (1,0), (0,1), (2,0), (1,1), (0,2), (3,0), … The first {@code numBasis} are used; a full
 * order M gives (M+1)(M+2)/2 functions.
 *
 * <h2>Dilation and normalisation</h2>
 * ψ_{b,s}(x) = s⁻² ψ_b(x/s), the 1/det(h) normalisation of the left-regular action of (0, s) on kernels. With it the
 * continuous correlation (f ⋆ ψ_s)(x) = ∫ f(x + y) ψ_s(y) dy satisfies, for f'(x) = f(2x) (the image shrunk by 2),
 * (f' ⋆ ψ_s)(x) = (f ⋆ ψ_{2s})(2x): exact scale equivariance in the continuum. The integral ∫ψ_{b,s} is therefore
 * independent of s, and the L² norm is s⁻¹. No per-scale renormalisation of the sampled arrays is done, since any
 * such rescaling would break that identity.
 *
 * <h2>Sampling and support</h2>
 * ψ_{b,s} is point-sampled at the pixel centres of a k×k grid, k odd: entry [a][c] (row a, column c) holds
 * ψ_{b,s}(x = c − (k−1)/2, y = (k−1)/2 − a), the DESIGN.md pixel convention. A PyTorch conv2d (a correlation) with this
 * kernel computes Σ_y f(x + y) ψ_s(y) with y in those coordinates. The kernel's effective size grows with s (the
 * envelope has width σ·s) inside the fixed k×k support: one support for all scales, so that all scales run in one
 * convolution. k must therefore be large enough for the largest scale: the truncation of basis function b at scale s is
 * the fraction of its (sampled) L¹ mass Σ|ψ| that falls outside the k×k square, computed separably on a line long
 * enough to hold the whole function (L¹ rather than L² because a smooth input sees the kernel's mass: the mass cut off
 * bounds the change of any response relative to ‖f‖_∞·Σ|ψ|, and it is what limits scale equivariance in practice); {@link #truncation()} is the maximum over all b and s (the largest scale dominates), and
 * {@link Builder#build()} refuses a k whose truncation exceeds {@link Builder#maxTruncation} (default
 * {@value #DEFAULT_MAX_TRUNCATION}), naming the smallest k that would do. Dilated (à trous) sampling of the large scales
 * was not chosen: it subsamples ψ_s and aliases unless the input is already smooth at that scale.
 *
 * <p>At the small scales the sampled functions are only approximately band-limited: φ_m(u) has most of its spectrum
 * below |ω| ≈ √(2m+1) + 2 (in units of 1/σ), so with σ ≈ 1 pixel the higher orders alias at s = 1. The sampled sum
 * Σ_y f(x + y) ψ_s(y) equals the integral whenever the spectra of f and ψ_s together stay below 2π per pixel, which is
 * why smooth inputs and σ ≳ 1 give small scale-equivariance errors; see the nn convolution tests for measured values.
 *
 * <p>Immutable and thread-safe; the arrays returned are fresh copies.
 */
public final class ScaleKernelBasis {
    /**
     * Default bound on the fraction of L¹ mass of any basis function cut off by the k×k support. Measured (nn tests,
     * σ = 1, order 2, S = 4, n = 2): truncation 1e-2 (k = 21) gives a relative scale-equivariance error of the lifting
     * layer of 1.7e-3; 1e-3 (k = 25) gives 1.1e-4; 3e-4 (k = 27) gives 2.4e-5.
     */
    public static final double DEFAULT_MAX_TRUNCATION = 1e-2;

    private final int numScales;
    private final int scalesPerOctave;
    private final int kernelSize;
    private final int numBasis;
    private final double sigma;
    private final double[] scales;
    private final int[][] orders;
    /** Row-major [S, numBasis, k, k]. */
    private final double[] values;
    private final double truncation;

    private ScaleKernelBasis(Builder b, int kernelSize) {
        this.numScales = b.numScales;
        this.scalesPerOctave = b.scalesPerOctave;
        this.kernelSize = kernelSize;
        this.numBasis = b.numBasis;
        this.sigma = b.sigma;
        this.scales = scales(numScales, scalesPerOctave);
        this.orders = orders(numBasis);
        int maxOrder = 0;
        for (int[] pq : orders) {
            maxOrder = Math.max(maxOrder, Math.max(pq[0], pq[1]));
        }
        int k = kernelSize;
        int c = (k - 1) / 2;
        this.values = new double[numScales * numBasis * k * k];
        for (int i = 0; i < numScales; i++) {
            double width = sigma * scales[i];
            // 1-D Hermite functions φ_m(t / width) at the k offsets t = −c … c, for m ≤ maxOrder
            double[][] phi = new double[maxOrder + 1][k];
            for (int t = 0; t < k; t++) {
                double[] h = hermiteFunctions(maxOrder, (t - c) / width);
                for (int m = 0; m <= maxOrder; m++) {
                    phi[m][t] = h[m];
                }
            }
            // ψ_{b,s}(x, y) = s⁻² σ⁻¹ φ_p(x/(σs)) φ_q(y/(σs))
            double norm = 1.0 / (scales[i] * scales[i] * sigma);
            for (int bIdx = 0; bIdx < numBasis; bIdx++) {
                int p = orders[bIdx][0];
                int q = orders[bIdx][1];
                int base = (i * numBasis + bIdx) * k * k;
                for (int a = 0; a < k; a++) {
                    // row a sits at y = c − a, i.e. offset index (c − a) + c = k − 1 − a
                    double py = phi[q][k - 1 - a];
                    for (int col = 0; col < k; col++) {
                        values[base + a * k + col] = norm * phi[p][col] * py;
                    }
                }
            }
        }
        this.truncation = truncation(sigma, scales[numScales - 1], maxOrder, kernelSize);
    }

    /** Starts a builder for S scales 2^{i/n}, i &lt; S. */
    public static Builder builder(int numScales, int scalesPerOctave) {
        return new Builder(numScales, scalesPerOctave);
    }

    /** s_i = 2^{i/n} for i = 0 … S−1. */
    public static double[] scales(int numScales, int scalesPerOctave) {
        checkScales(numScales, scalesPerOctave);
        double[] s = new double[numScales];
        for (int i = 0; i < numScales; i++) {
            s[i] = Math.pow(2.0, (double) i / scalesPerOctave);
        }
        return s;
    }

    static void checkScales(int numScales, int scalesPerOctave) {
        if (numScales < 1) {
            throw new IllegalArgumentException("the number of scales S must be >= 1, got " + numScales);
        }
        if (scalesPerOctave < 1) {
            throw new IllegalArgumentException("the number of scales per octave n (s_i = 2^(i/n)) must be >= 1, got "
                    + scalesPerOctave);
        }
    }

    /** The (p, q) Hermite orders of the first {@code numBasis} functions in the graded order of the class doc. */
    public static int[][] orders(int numBasis) {
        if (numBasis < 1) {
            throw new IllegalArgumentException("the number of basis functions must be >= 1, got " + numBasis);
        }
        int[][] out = new int[numBasis][];
        int idx = 0;
        for (int d = 0; idx < numBasis; d++) {
            for (int p = d; p >= 0 && idx < numBasis; p--) {
                out[idx++] = new int[] {p, d - p};
            }
        }
        return out;
    }

    /** The number of functions of total degree at most {@code maxOrder}: (M+1)(M+2)/2. */
    public static int sizeForOrder(int maxOrder) {
        if (maxOrder < 0) {
            throw new IllegalArgumentException("the maximal Hermite order must be >= 0, got " + maxOrder);
        }
        return (maxOrder + 1) * (maxOrder + 2) / 2;
    }

    /** The orthonormal Hermite functions φ_0(u) … φ_M(u) (stable three-term recurrence). */
    public static double[] hermiteFunctions(int maxOrder, double u) {
        double[] h = new double[maxOrder + 1];
        h[0] = Math.pow(Math.PI, -0.25) * Math.exp(-0.5 * u * u);
        if (maxOrder >= 1) {
            h[1] = Math.sqrt(2.0) * u * h[0];
        }
        for (int m = 1; m < maxOrder; m++) {
            h[m + 1] = Math.sqrt(2.0 / (m + 1)) * u * h[m] - Math.sqrt((double) m / (m + 1)) * h[m - 1];
        }
        return h;
    }

    /**
     * The largest fraction of sampled L¹ mass Σ|ψ| that the k×k support cuts off from a product φ_p φ_q with p, q ≤ M
     * at width σ·s. The functions are separable, so this is 1 − min_p f_p · min_q f_q with f_m the kept fraction of
     * Σ_t |φ_m(t/(σs))| on a line. It bounds the change of any response to an input bounded by ‖f‖_∞ by
     * truncation·‖f‖_∞·Σ|ψ|: the relevant measure for scale equivariance, where a smooth input sees the kernel's mass.
     */
    public static double truncation(double sigma, double scale, int maxOrder, int kernelSize) {
        double width = sigma * scale;
        int c = (kernelSize - 1) / 2;
        // a line long enough to hold every φ_m, m ≤ M, to double precision: |u| ≤ √(2M+1) + 40
        int half = c + (int) Math.ceil(width * (Math.sqrt(2.0 * maxOrder + 1) + 40));
        double[] inside = new double[maxOrder + 1];
        double[] total = new double[maxOrder + 1];
        for (int t = -half; t <= half; t++) {
            double[] h = hermiteFunctions(maxOrder, t / width);
            for (int m = 0; m <= maxOrder; m++) {
                double e = Math.abs(h[m]);
                total[m] += e;
                if (Math.abs(t) <= c) {
                    inside[m] += e;
                }
            }
        }
        double minKept = 1;
        for (int m = 0; m <= maxOrder; m++) {
            minKept = Math.min(minKept, inside[m] / total[m]);
        }
        return Math.max(0, 1 - minKept * minKept);
    }

    /** The smallest odd k whose truncation at the given width and order is at most {@code maxTruncation}. */
    public static int minimumKernelSize(double sigma, double scale, int maxOrder, double maxTruncation) {
        for (int k = 1; ; k += 2) {
            if (truncation(sigma, scale, maxOrder, k) <= maxTruncation) {
                return k;
            }
        }
    }

    /** S. */
    public int numScales() {
        return numScales;
    }

    /** n, scales per octave. */
    public int scalesPerOctave() {
        return scalesPerOctave;
    }

    /** k. */
    public int kernelSize() {
        return kernelSize;
    }

    /** The number of basis functions. */
    public int numBasis() {
        return numBasis;
    }

    /** σ, the envelope width in pixels at scale 1. */
    public double sigma() {
        return sigma;
    }

    /** s_0 … s_{S−1} (a copy). */
    public double[] scales() {
        return scales.clone();
    }

    /** s_i. */
    public double scale(int i) {
        return scales[java.util.Objects.checkIndex(i, numScales)];
    }

    /** The (p, q) orders of basis function b. */
    public int[] order(int b) {
        return orders[java.util.Objects.checkIndex(b, numBasis)].clone();
    }

    /** The largest Hermite order along one axis among the basis functions. */
    public int maxOrder() {
        int m = 0;
        for (int[] pq : orders) {
            m = Math.max(m, Math.max(pq[0], pq[1]));
        }
        return m;
    }

    /** The largest fraction of L¹ mass cut off by the k×k support (attained at the largest scale). */
    public double truncation() {
        return truncation;
    }

    /** The analytic ψ_{b,s}(x, y) = s⁻² σ⁻¹ φ_p(x/(σs)) φ_q(y/(σs)) at any point and any s &gt; 0. */
    public double value(int b, double s, double x, double y) {
        int[] pq = orders[java.util.Objects.checkIndex(b, numBasis)];
        double w = sigma * s;
        double[] hx = hermiteFunctions(pq[0], x / w);
        double[] hy = hermiteFunctions(pq[1], y / w);
        return hx[pq[0]] * hy[pq[1]] / (s * s * sigma);
    }

    /** The sampled basis as a fresh [S][numBasis][k][k] array. */
    public double[][][][] tensor() {
        int k = kernelSize;
        double[][][][] t = new double[numScales][numBasis][k][k];
        for (int i = 0; i < numScales; i++) {
            for (int b = 0; b < numBasis; b++) {
                for (int a = 0; a < k; a++) {
                    System.arraycopy(values, ((i * numBasis + b) * k + a) * k, t[i][b][a], 0, k);
                }
            }
        }
        return t;
    }

    /** The sampled basis, row-major [S, numBasis, k, k], as a fresh array. */
    public double[] flat() {
        return values.clone();
    }

    /** The row-major shape {S, numBasis, k, k}. */
    public long[] shape() {
        return new long[] {numScales, numBasis, kernelSize, kernelSize};
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ScaleKernelBasis(S = %d, n = %d, scales %s, k = %d, %d Hermite-Gaussian functions, "
                + "sigma = %s, truncation %.2e)", numScales, scalesPerOctave, Arrays.toString(scales), kernelSize, numBasis,
                sigma, truncation);
    }

    /** Builder for {@link ScaleKernelBasis}. */
    public static final class Builder {
        private final int numScales;
        private final int scalesPerOctave;
        private int kernelSize = -1;
        private int numBasis = sizeForOrder(2);
        private double sigma = 1.0;
        private double maxTruncation = DEFAULT_MAX_TRUNCATION;

        private Builder(int numScales, int scalesPerOctave) {
            checkScales(numScales, scalesPerOctave);
            this.numScales = numScales;
            this.scalesPerOctave = scalesPerOctave;
        }

        /** The odd support size k (default: the smallest that meets {@link #maxTruncation}). */
        public Builder kernelSize(int k) {
            if (k < 1 || k % 2 == 0) {
                throw new IllegalArgumentException("the kernel size k must be odd and >= 1 (a centre pixel), got " + k);
            }
            this.kernelSize = k;
            return this;
        }

        /** The number of basis functions, the first ones in graded order (default 6 = all of order ≤ 2). */
        public Builder basisSize(int numBasis) {
            if (numBasis < 1) {
                throw new IllegalArgumentException("the number of basis functions must be >= 1, got " + numBasis);
            }
            this.numBasis = numBasis;
            return this;
        }

        /** All functions of total degree ≤ M: (M+1)(M+2)/2 of them. */
        public Builder basisOrder(int maxOrder) {
            this.numBasis = sizeForOrder(maxOrder);
            return this;
        }

        /** σ, the envelope width in pixels at scale 1 (default 1). */
        public Builder sigma(double sigma) {
            if (!(sigma > 0) || Double.isInfinite(sigma)) {
                throw new IllegalArgumentException("sigma must be a finite number > 0, got " + sigma);
            }
            this.sigma = sigma;
            return this;
        }

        /** The largest fraction of a basis function's L¹ mass the k×k support may cut off (default 1e-2). */
        public Builder maxTruncation(double maxTruncation) {
            if (!(maxTruncation > 0 && maxTruncation < 1)) {
                throw new IllegalArgumentException("maxTruncation must lie in (0, 1), got " + maxTruncation);
            }
            this.maxTruncation = maxTruncation;
            return this;
        }

        /** The smallest admissible odd kernel size for the current settings. */
        public int minimumKernelSize() {
            int maxOrder = maxAxisOrder(numBasis);
            double sMax = Math.pow(2.0, (double) (numScales - 1) / scalesPerOctave);
            return ScaleKernelBasis.minimumKernelSize(sigma, sMax, maxOrder, maxTruncation);
        }

        /**
         * Builds and samples the basis.
         *
         * @throws IllegalArgumentException when the kernel size is too small for the largest scale
         */
        public ScaleKernelBasis build() {
            int needed = minimumKernelSize();
            if (kernelSize < 0) {
                return new ScaleKernelBasis(this, needed);
            }
            if (kernelSize < needed) {
                double sMax = Math.pow(2.0, (double) (numScales - 1) / scalesPerOctave);
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "kernel size %d is too small for the largest scale s = %.4g (S = %d, n = %d, sigma = %s, %d basis "
                                + "functions, Hermite order up to %d): expected k >= %d so that at most %.1e of any basis "
                                + "function's L1 mass falls outside the k x k support, got k = %d (truncation %.2e)",
                        kernelSize, sMax, numScales, scalesPerOctave, sigma, numBasis, maxAxisOrder(numBasis), needed,
                        maxTruncation, kernelSize, truncation(sigma, sMax, maxAxisOrder(numBasis), kernelSize)));
            }
            return new ScaleKernelBasis(this, kernelSize);
        }

        private static int maxAxisOrder(int numBasis) {
            int m = 0;
            for (int[] pq : orders(numBasis)) {
                m = Math.max(m, Math.max(pq[0], pq[1]));
            }
            return m;
        }
    }
}

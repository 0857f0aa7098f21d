package org.equivariant4j.nn.conv;

import java.util.SplittableRandom;
import org.equivariant4j.kernel.ScaleKernelBasis;

/** Helpers of the scale-convolution tests: analytic images, a naive reference implementation, error measures. */
final class ScaleConvTestSupport {
    private ScaleConvTestSupport() {}

    /**
     * A smooth analytic image: a sum of Gaussian blobs F(x, y) = Σ_j a_j exp(−|p − c_j|² / 2τ_j²), centres within
     * {@code centreRadius} of the origin, widths in [tauMin, tauMax], amplitudes in ±[0.5, 1.5].
     */
    record BlobImage(double[] cx, double[] cy, double[] tau, double[] amp) {
        static BlobImage random(int blobs, double centreRadius, double tauMin, double tauMax, long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            double[] cx = new double[blobs];
            double[] cy = new double[blobs];
            double[] tau = new double[blobs];
            double[] amp = new double[blobs];
            for (int j = 0; j < blobs; j++) {
                double r = centreRadius * Math.sqrt(rng.nextDouble());
                double phi = 2 * Math.PI * rng.nextDouble();
                cx[j] = r * Math.cos(phi);
                cy[j] = r * Math.sin(phi);
                tau[j] = tauMin + (tauMax - tauMin) * rng.nextDouble();
                amp[j] = (rng.nextBoolean() ? 1 : -1) * (0.5 + rng.nextDouble());
            }
            return new BlobImage(cx, cy, tau, amp);
        }

        double value(double x, double y) {
            double v = 0;
            for (int j = 0; j < cx.length; j++) {
                double dx = x - cx[j];
                double dy = y - cy[j];
                v += amp[j] * Math.exp(-(dx * dx + dy * dy) / (2 * tau[j] * tau[j]));
            }
            return v;
        }

        /**
         * The image F(x·factor) sampled on an size×size grid (DESIGN.md pixel convention, x = j − (size−1)/2,
         * y = (size−1)/2 − i), channel c uses F shifted by c·(3, −2) so that channels differ.
         */
        double[] sample(int channels, int size, double factor) {
            double[] out = new double[channels * size * size];
            double c0 = (size - 1) / 2.0;
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < size; i++) {
                    for (int j = 0; j < size; j++) {
                        double x = (j - c0) * factor;
                        double y = (c0 - i) * factor;
                        out[(c * size + i) * size + j] = value(x + 3 * c, y - 2 * c);
                    }
                }
            }
            return out;
        }
    }

    /**
     * Naive lifting: x [B, Cin, H, W], w [Cout, Cin, nb], bias [Cout] (or null) → [B, Cout, S, H, W]; the group
     * correlation with L = 1 of the input copied to every scale.
     */
    static double[] naiveLifting(double[] x, int batch, int cin, int h, int wd, double[] w, int cout, double[] bias,
            ScaleKernelBasis basis) {
        int s = basis.numScales();
        int plane = h * wd;
        double[] lifted = new double[batch * cin * s * plane];
        for (int bc = 0; bc < batch * cin; bc++) {
            for (int i = 0; i < s; i++) {
                System.arraycopy(x, bc * plane, lifted, (bc * s + i) * plane, plane);
            }
        }
        return naiveGroup(lifted, batch, cin, s, h, wd, w, cout, 1, bias, basis);
    }

    /**
     * Naive group conv: x [B, Cin, S, H, W], w [Cout, Cin, L, nb] → [B, Cout, S_out, H, W]; input scales ≥ S are zero
     * (for TRUNCATE S_out = S − L + 1 never reads them).
     */
    static double[] naiveGroup(double[] x, int batch, int cin, int sIn, int h, int wd, double[] w, int cout, int taps,
            double[] bias, ScaleKernelBasis basis) {
        int sOut = basis.numScales();
        int nb = basis.numBasis();
        int k = basis.kernelSize();
        int r = (k - 1) / 2;
        double[][][][] psi = basis.tensor();
        double[] y = new double[batch * cout * sOut * h * wd];
        for (int bt = 0; bt < batch; bt++) {
            for (int o = 0; o < cout; o++) {
                for (int i = 0; i < sOut; i++) {
                    for (int p = 0; p < h; p++) {
                        for (int q = 0; q < wd; q++) {
                            double acc = bias == null ? 0 : bias[o];
                            for (int c = 0; c < cin; c++) {
                                for (int l = 0; l < taps; l++) {
                                    if (i + l >= sIn) {
                                        continue;
                                    }
                                    for (int a = 0; a < k; a++) {
                                        for (int e = 0; e < k; e++) {
                                            int pp = p + a - r;
                                            int qq = q + e - r;
                                            if (pp < 0 || pp >= h || qq < 0 || qq >= wd) {
                                                continue;
                                            }
                                            double kv = 0;
                                            for (int b = 0; b < nb; b++) {
                                                kv += w[((o * cin + c) * taps + l) * nb + b] * psi[i][b][a][e];
                                            }
                                            acc += kv * x[(((bt * cin + c) * sIn + i + l) * h + pp) * wd + qq];
                                        }
                                    }
                                }
                            }
                            y[(((bt * cout + o) * sOut + i) * h + p) * wd + q] = acc;
                        }
                    }
                }
            }
        }
        return y;
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}

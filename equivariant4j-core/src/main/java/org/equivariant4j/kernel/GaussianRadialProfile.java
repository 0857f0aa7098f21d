package org.equivariant4j.kernel;

import java.util.Arrays;

/**
 * Radial rings of a planar (or spatial) kernel basis: b_r(x) = exp(−(‖x‖ − r)² / (2σ_r²)) for the ring radii r and
 * widths σ_r.
 *
 * <p>{@link #defaults(int, int)} gives escnn's defaults for a k×k kernel with dilation δ, so a ported model gets the same
 * basis: ⌈k/2⌉ rings at radii δ·linspace(0, ⌊(k−1)/2⌋), widths 0.6 except 0.4 on the outermost ring and 0.005 on a ring
 * of radius 0 (a point).
 *
 * @param radii  ring radii r ≥ 0 (pixels)
 * @param sigmas ring widths σ > 0, one per ring
 */
public record GaussianRadialProfile(double[] radii, double[] sigmas) {
    public GaussianRadialProfile {
        if (radii == null || sigmas == null || radii.length == 0 || radii.length != sigmas.length) {
            throw new IllegalArgumentException("expected the same positive number of ring radii and widths, got "
                    + (radii == null ? "null" : radii.length) + " radii and " + (sigmas == null ? "null" : sigmas.length)
                    + " widths");
        }
        for (int i = 0; i < radii.length; i++) {
            if (!(radii[i] >= 0) || !Double.isFinite(radii[i])) {
                throw new IllegalArgumentException("ring radii must be finite and >= 0, got " + radii[i] + " at ring " + i);
            }
            if (!(sigmas[i] > 0) || !Double.isFinite(sigmas[i])) {
                throw new IllegalArgumentException("ring widths must be finite and > 0, got " + sigmas[i] + " at ring " + i);
            }
        }
        radii = radii.clone();
        sigmas = sigmas.clone();
    }

    /** escnn's rings and widths for a k×k kernel with the given dilation (see the class doc). */
    public static GaussianRadialProfile defaults(int kernelSize, int dilation) {
        if (kernelSize < 1 || dilation < 1) {
            throw new IllegalArgumentException("kernel size and dilation must be >= 1, got " + kernelSize + " and " + dilation);
        }
        int n = (kernelSize + 1) / 2;
        int last = (kernelSize - 1) / 2;
        double[] radii = new double[n];
        double[] sigmas = new double[n];
        for (int i = 0; i < n; i++) {
            radii[i] = n == 1 ? 0 : (double) last * i / (n - 1) * dilation;
            sigmas[i] = i == n - 1 ? 0.4 : 0.6;
            if (radii[i] == 0) {
                sigmas[i] = 0.005;
            }
        }
        return new GaussianRadialProfile(radii, sigmas);
    }

    /** Rings at the given radii, all of width σ. */
    public static GaussianRadialProfile uniform(double[] radii, double sigma) {
        double[] s = new double[radii.length];
        Arrays.fill(s, sigma);
        return new GaussianRadialProfile(radii, s);
    }

    /** The number of rings. */
    public int size() {
        return radii.length;
    }

    /** r of ring i. */
    public double radius(int ring) {
        return radii[ring];
    }

    /** b_ring(‖x‖). */
    public double evaluate(int ring, double norm) {
        double t = norm - radii[ring];
        return Math.exp(-t * t / (2 * sigmas[ring] * sigmas[ring]));
    }

    @Override
    public double[] radii() {
        return radii.clone();
    }

    @Override
    public double[] sigmas() {
        return sigmas.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GaussianRadialProfile p && Arrays.equals(radii, p.radii) && Arrays.equals(sigmas, p.sigmas);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(radii) + Arrays.hashCode(sigmas);
    }

    @Override
    public String toString() {
        return "rings " + Arrays.toString(radii) + ", widths " + Arrays.toString(sigmas);
    }
}

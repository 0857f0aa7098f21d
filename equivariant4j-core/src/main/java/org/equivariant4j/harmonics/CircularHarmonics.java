package org.equivariant4j.harmonics;

/**
 * Band-limited harmonic analysis on SO(2) (the circle) with N equispaced samples θ_j = 2πj/N.
 *
 * <p>A signal of maximal frequency L is f(θ) = c₀ + Σ_{k=1..L} (a_k cos kθ + b_k sin kθ); its
 * coefficient vector is [c₀, a₁, b₁, …, a_L, b_L], the weights of {@link #basis}. The normalisation is
 * that of this (non-orthonormal) basis, not an orthonormal one: by discrete orthogonality, for N ≥ 2L + 1
 * <pre>
 *   c₀ = (1/N) Σ_j f(θ_j),   a_k = (2/N) Σ_j f(θ_j) cos kθ_j,   b_k = (2/N) Σ_j f(θ_j) sin kθ_j,
 * </pre>
 * so {@code synthesize(analyze(f, L), N)} returns f exactly (to rounding) when f has frequencies ≤ L.
 */
public final class CircularHarmonics {

    private CircularHarmonics() {}

    /** [1, cos θ, sin θ, …, cos Lθ, sin Lθ] (length 2L + 1). */
    public static double[] basis(int maxFrequency, double theta) {
        checkFrequency(maxFrequency);
        double[] out = new double[2 * maxFrequency + 1];
        out[0] = 1;
        for (int k = 1; k <= maxFrequency; k++) {
            out[2 * k - 1] = Math.cos(k * theta);
            out[2 * k] = Math.sin(k * theta);
        }
        return out;
    }

    /**
     * Coefficients [c₀, a₁, b₁, …, a_L, b_L] of the samples f(2πj/N), j = 0..N−1 (see the class comment).
     *
     * @throws IllegalArgumentException if L &lt; 0 or N &lt; 2L + 1 (the frequencies would alias)
     */
    public static double[] analyze(double[] samples, int maxFrequency) {
        checkFrequency(maxFrequency);
        int n = samples == null ? 0 : samples.length;
        if (n < 2 * maxFrequency + 1) {
            throw new IllegalArgumentException("expected at least 2L+1 = " + (2 * maxFrequency + 1)
                    + " samples for maxFrequency L = " + maxFrequency + " but got " + n);
        }
        double[] out = new double[2 * maxFrequency + 1];
        double s = 0;
        for (double f : samples) {
            s += f;
        }
        out[0] = s / n;
        for (int k = 1; k <= maxFrequency; k++) {
            double a = 0, b = 0;
            for (int j = 0; j < n; j++) {
                double t = 2 * Math.PI * (((long) k * j) % n) / n;
                a += samples[j] * Math.cos(t);
                b += samples[j] * Math.sin(t);
            }
            out[2 * k - 1] = 2 * a / n;
            out[2 * k] = 2 * b / n;
        }
        return out;
    }

    /**
     * Samples f(2πj/n), j = 0..n−1, of the signal with coefficients [c₀, a₁, b₁, …, a_L, b_L].
     *
     * @throws IllegalArgumentException if the length is not odd or n &lt; 1
     */
    public static double[] synthesize(double[] coefficients, int n) {
        if (coefficients == null || coefficients.length % 2 == 0) {
            throw new IllegalArgumentException("expected 2L+1 coefficients [c0, a1, b1, ..., aL, bL] but got "
                    + (coefficients == null ? "null" : coefficients.length + " values"));
        }
        if (n < 1) {
            throw new IllegalArgumentException("expected a number of samples n >= 1 but got " + n);
        }
        int maxFrequency = coefficients.length / 2;
        double[] out = new double[n];
        for (int j = 0; j < n; j++) {
            double f = coefficients[0];
            for (int k = 1; k <= maxFrequency; k++) {
                double t = 2 * Math.PI * (((long) k * j) % n) / n;
                f += coefficients[2 * k - 1] * Math.cos(t) + coefficients[2 * k] * Math.sin(t);
            }
            out[j] = f;
        }
        return out;
    }

    private static void checkFrequency(int maxFrequency) {
        if (maxFrequency < 0) {
            throw new IllegalArgumentException("expected maxFrequency >= 0 but got " + maxFrequency);
        }
    }
}

package org.equivariant4j.harmonics;

/**
 * Real spherical harmonics in e3nn's (≥ 0.5) convention, for any degree l.
 *
 * <p><b>Convention.</b> y is the polar axis: with θ = acos(ŷ) and φ = atan2(x̂, ẑ),
 * <pre>
 *   Y^l_m = c_l · √(2 − δ_m0) · F_l^|m|(cos θ) · sin^|m|θ · { cos(mφ)  m ≥ 0
 *                                                           { sin(|m|φ) m &lt; 0
 *   F_l^m = √((l−m)!/(l+m)!) · d^m P_l/dt^m            (P_l Legendre, no Condon–Shortley phase)
 * </pre>
 * with c_l = √(2l+1) ({@link Normalization#COMPONENT}), 1 ({@link Normalization#NORM}) or
 * √((2l+1)/(4π)) ({@link Normalization#INTEGRAL}). The components of degree l are ordered
 * m = −l..l; l = 1 is c·(x, y, z) and at e_y only m = 0 is non-zero. This equals e3nn's
 * {@code o3.spherical_harmonics} (whose x, y, z play the role of the textbook y, z, x).
 *
 * <p><b>Algorithm.</b> Solid harmonics r^l·Y^l_m are evaluated by the stable recurrences
 * (A_m + i·B_m) = (z + i·x)^m = r^m sin^mθ e^{imφ} and, for the normalised Legendre part
 * G_l^m = r^{l−m} F_l^m(y/r) (a polynomial in y and r²):
 * <pre>
 *   G_m^m     = Π_{k=1..m} √((2k−1)/(2k))
 *   G_{m+1}^m = √(2m+1) · y · G_m^m
 *   G_l^m     = [(2l−1) · y · G_{l−1}^m − √((l+m−1)(l−m−1)) · r² · G_{l−2}^m] / √((l−m)(l+m))
 * </pre>
 * so no polynomial is hard-coded and every degree costs O(l) per component.
 *
 * <p>With {@code normalize = true} (the default) the input is first scaled to unit length; the zero
 * vector then gives 0 for l &gt; 0 and the constant for l = 0 (like e3nn). With
 * {@code normalize = false} the result is the homogeneous polynomial r^l·Y^l(x̂).
 *
 * <p>Every finite vector works: the recurrences run on u = x / s with s = max(|x|, |y|, |z|) (so no square
 * overflows or underflows, whether |x| is 1e300 or 1e-300), and the unnormalised degree l is s^l·P_l(u),
 * which overflows only where the true value does. A NaN or infinite coordinate is an
 * {@link IllegalArgumentException} naming the coordinate (and, in a batch, its index).
 */
public final class SphericalHarmonics {

    private static final BoundedMemo<Integer, Plan> PLANS = new BoundedMemo<>(128, Plan::new);

    private SphericalHarmonics() {}

    /** Number of components of degrees 0..lmax: (lmax + 1)². */
    public static int dimension(int lmax) {
        checkDegree(lmax, "lmax");
        return (lmax + 1) * (lmax + 1);
    }

    /** Y^0..Y^lmax of the unit vector x̂ (length (lmax + 1)², degree l at offset l²). */
    public static double[] evaluate(int lmax, double x, double y, double z, Normalization normalization) {
        return evaluate(lmax, x, y, z, true, normalization);
    }

    /** Y^0..Y^lmax of the unit vector x̂ in {@link Normalization#INTEGRAL} normalisation. */
    public static double[] evaluate(int lmax, double x, double y, double z) {
        return evaluate(lmax, x, y, z, true, Normalization.INTEGRAL);
    }

    /**
     * Y^0..Y^lmax at (x, y, z), concatenated (length (lmax + 1)², degree l at offset l²).
     *
     * @param normalize if true evaluate at x̂ = x/|x|; if false return the polynomials r^l·Y^l(x̂)
     */
    public static double[] evaluate(int lmax, double x, double y, double z, boolean normalize,
            Normalization normalization) {
        Plan plan = plan(lmax, normalization);
        if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(z)) {
            throw new IllegalArgumentException("expected a finite vector but got (x, y, z) = (" + x + ", " + y + ", " + z + ")");
        }
        double[] out = new double[(lmax + 1) * (lmax + 1)];
        plan.fill(x, y, z, normalize, plan.factors(normalization), constant(normalization), out, 0,
                new double[2 * (lmax + 1)]);
        return out;
    }

    /** Y^l (length 2l + 1, m = −l..l) of the unit vector x̂. */
    public static double[] evaluateDegree(int l, double x, double y, double z, Normalization normalization) {
        return evaluateDegree(l, x, y, z, true, normalization);
    }

    /** Y^l (length 2l + 1, m = −l..l) at (x, y, z); see {@link #evaluate(int, double, double, double, boolean, Normalization)}. */
    public static double[] evaluateDegree(int l, double x, double y, double z, boolean normalize,
            Normalization normalization) {
        checkDegree(l, "l");
        double[] all = evaluate(l, x, y, z, normalize, normalization);
        double[] out = new double[2 * l + 1];
        System.arraycopy(all, l * l, out, 0, 2 * l + 1);
        return out;
    }

    /**
     * Batch evaluation: {@code xyz} holds n points row-major (n×3); the result is n×(lmax + 1)²
     * row-major. Allocation-free per point; recurrence constants are computed once per lmax.
     *
     * @throws IllegalArgumentException if lmax &lt; 0 or xyz.length is not a multiple of 3
     */
    public static double[] evaluateBatch(int lmax, double[] xyz, boolean normalize, Normalization normalization) {
        Plan plan = plan(lmax, normalization);
        if (xyz == null || xyz.length % 3 != 0) {
            throw new IllegalArgumentException("expected xyz of length 3n (n points, row-major) but got length "
                    + (xyz == null ? "null" : Integer.toString(xyz.length)));
        }
        for (int i = 0; i < xyz.length; i++) {
            if (!Double.isFinite(xyz[i])) {
                throw new IllegalArgumentException("expected finite coordinates but xyz[" + i + "] (point " + i / 3 + ", "
                        + "xyz".charAt(i % 3) + ") is " + xyz[i]);
            }
        }
        int n = xyz.length / 3;
        int dim = (lmax + 1) * (lmax + 1);
        if ((long) n * dim > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("expected at most " + (Integer.MAX_VALUE - 8) / dim
                    + " points for lmax = " + lmax + " but got " + n);
        }
        double[] out = new double[n * dim];
        double[] scratch = new double[2 * (lmax + 1)];
        double[] factors = plan.factors(normalization);
        double c = constant(normalization);
        for (int p = 0; p < n; p++) {
            plan.fill(xyz[3 * p], xyz[3 * p + 1], xyz[3 * p + 2], normalize, factors, c, out, p * dim, scratch);
        }
        return out;
    }

    private static Plan plan(int lmax, Normalization normalization) {
        checkDegree(lmax, "lmax");
        if (normalization == null) {
            throw new IllegalArgumentException("expected a Normalization (INTEGRAL, COMPONENT or NORM) but got null");
        }
        return lmax < 128 ? PLANS.get(lmax) : new Plan(lmax);
    }

    /** Global factor of a normalisation: 1/√(4π) for INTEGRAL, else 1. */
    private static double constant(Normalization normalization) {
        return normalization == Normalization.INTEGRAL ? 1 / Math.sqrt(4 * Math.PI) : 1;
    }

    static void checkDegree(int l, String name) {
        if (l < 0) {
            throw new IllegalArgumentException("expected a degree " + name + " >= 0 but got " + name + " = " + l);
        }
    }

    /**
     * Recurrence constants for all degrees ≤ lmax, flattened by k(l, m) = l(l+1)/2 + m, m ≤ l.
     */
    private static final class Plan {
        final int lmax;
        final double[] diag;   // G_m^m
        final double[] first;  // √(2m+1)
        final double[] a;      // (2l−1)/√((l−m)(l+m))
        final double[] b;      // √((l+m−1)(l−m−1)/((l−m)(l+m)))
        final double[] comp;   // √(2l+1)·√(2−δ_m0): COMPONENT factor
        final double[] norm;   // √(2−δ_m0): NORM factor

        Plan(int lmax) {
            this.lmax = lmax;
            int size = (lmax + 1) * (lmax + 2) / 2;
            diag = new double[lmax + 1];
            first = new double[lmax + 1];
            a = new double[size];
            b = new double[size];
            comp = new double[size];
            norm = new double[size];
            diag[0] = 1;
            for (int m = 1; m <= lmax; m++) {
                diag[m] = diag[m - 1] * Math.sqrt((2.0 * m - 1) / (2.0 * m));
            }
            for (int m = 0; m <= lmax; m++) {
                first[m] = Math.sqrt(2.0 * m + 1);
            }
            for (int l = 0; l <= lmax; l++) {
                for (int m = 0; m <= l; m++) {
                    int k = l * (l + 1) / 2 + m;
                    if (l >= m + 2) {
                        double d = Math.sqrt((double) (l - m) * (l + m));
                        a[k] = (2.0 * l - 1) / d;
                        b[k] = Math.sqrt((double) (l + m - 1) * (l - m - 1)) / d;
                    }
                    norm[k] = m == 0 ? 1 : Math.sqrt(2);
                    comp[k] = Math.sqrt(2.0 * l + 1) * norm[k];
                }
            }
        }

        /** Per-(l, m) factors of a normalisation (to be multiplied by {@link #constant}). */
        double[] factors(Normalization normalization) {
            return normalization == Normalization.NORM ? norm : comp;
        }

        /** Writes Y^0..Y^lmax of one point at out[offset..], each G_l^m·(A_m|B_m) times factor[k]·c. */
        void fill(double x, double y, double z, boolean normalize, double[] factor, double c, double[] out,
                int offset, double[] ab) {
            // u = x / s with s the largest |component|: 1 <= |u| <= √3, so no square over- or underflows
            double s = Math.max(Math.abs(x), Math.max(Math.abs(y), Math.abs(z)));
            if (s > 0) {
                x /= s;
                y /= s;
                z /= s;
            }
            if (normalize && s > 0) {
                double r = Math.sqrt(x * x + y * y + z * z);
                x /= r;
                y /= r;
                z /= r;
            }
            // unnormalised: degree l of the polynomial is s^l times that of u (homogeneity)
            double scale = normalize || s == 0 ? 1 : s;
            double r2 = x * x + y * y + z * z;
            int n = lmax + 1;
            // ab[m] = A_m, ab[n + m] = B_m with A_m + i B_m = (z + i x)^m
            ab[0] = 1;
            ab[n] = 0;
            for (int m = 1; m < n; m++) {
                double am = ab[m - 1], bm = ab[n + m - 1];
                ab[m] = z * am - x * bm;
                ab[n + m] = z * bm + x * am;
            }
            for (int m = 0; m < n; m++) {
                double am = ab[m] * c, bm = ab[n + m] * c;
                double g0 = diag[m];
                int l = m;
                int k = l * (l + 1) / 2 + m;
                int base = offset + l * l + l;
                double f = factor[k] * g0;
                out[base + m] = f * am;
                if (m > 0) {
                    out[base - m] = f * bm;
                }
                if (m == lmax) {
                    break;
                }
                double g1 = first[m] * y * g0;
                l = m + 1;
                k += l;
                base = offset + l * l + l;
                f = factor[k] * g1;
                out[base + m] = f * am;
                if (m > 0) {
                    out[base - m] = f * bm;
                }
                for (l = m + 2; l < n; l++) {
                    k += l;
                    double g2 = a[k] * y * g1 - b[k] * r2 * g0;
                    g0 = g1;
                    g1 = g2;
                    base = offset + l * l + l;
                    f = factor[k] * g2;
                    out[base + m] = f * am;
                    if (m > 0) {
                        out[base - m] = f * bm;
                    }
                }
            }
            if (scale != 1) {
                double sl = 1;
                for (int l = 1; l < n; l++) {
                    sl *= scale;
                    for (int i = offset + l * l; i < offset + (l + 1) * (l + 1); i++) {
                        out[i] = out[i] == 0 ? out[i] : out[i] * sl; // 0 stays 0 where s^l overflows
                    }
                }
            }
        }
    }
}

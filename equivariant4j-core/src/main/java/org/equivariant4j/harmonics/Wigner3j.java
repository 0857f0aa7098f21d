package org.equivariant4j.harmonics;

import java.math.BigInteger;

/**
 * Real Wigner 3j symbols (Clebsch–Gordan coefficients) in e3nn's (≥ 0.5) basis.
 *
 * <p>C = {@code of(l1, l2, l3)} has shape [2l1+1][2l2+1][2l3+1], Frobenius norm 1, and is invariant:
 * Σ_ijk C_ijk D¹_ia D²_jb D³_kc = C_abc for every rotation (D = {@link WignerD}). Definition:
 * <pre>
 *   C_abc = Σ_{m1,m2,m3} Q1[m1][a] · Q2[m2][b] · conj(Q3[m3][c]) · ⟨l1 m1; l2 m2 | l3 m3⟩ / √(2l3+1)
 * </pre>
 * with ⟨·|·⟩ the complex Condon–Shortley Clebsch–Gordan coefficient (non-zero only for
 * m3 = m1 + m2) and Q_l = (−i)^l·U_l the real-to-complex change of basis
 * (U[m][±|m|]: m &lt; 0: 1/√2 and −i/√2 for +|m|, −|m|; m = 0: 1; m &gt; 0: (−1)^m/√2 and i(−1)^m/√2).
 * The result is real; it is finally divided by its Frobenius norm as e3nn does.
 *
 * <p><b>Accuracy.</b> The Clebsch–Gordan coefficients use Racah's formula in binomial form,
 * <pre>
 *   ⟨l1 m1; l2 m2 | l3 m3⟩/√(2l3+1) = √[ C(2l1, A) C(2l2, B') / ((L+1) C(L, A) C(2l1, l1−m1) C(2l2, l2−m2) C(2l3, l3+m3)) ]
 *                                     · Σ_k (−1)^k C(A, k) C(B, l1−m1−k) C(B', l2+m2−k)
 *   A = l1+l2−l3,  B = l1−l2+l3,  B' = −l1+l2+l3,  L = l1+l2+l3,  C(n, k) binomial
 * </pre>
 * where the alternating sum is evaluated exactly in integer arithmetic (long, BigInteger on
 * overflow), so the result is accurate to a few ulps for any degree, with no cancellation.
 * Each real index couples only to complex ±m, so the cost is O((2l1+1)(2l2+1)·min(l)).
 */
public final class Wigner3j {

    private static final int LONG_TABLE = 66; // C(66, 33) < 2^63
    private static final long[][] BINOMIAL = pascal(LONG_TABLE);
    private static final double SQRT_HALF = Math.sqrt(0.5);

    private Wigner3j() {}

    /**
     * The real Wigner 3j tensor of e3nn, shape [2l1+1][2l2+1][2l3+1], Frobenius norm 1.
     *
     * @throws IllegalArgumentException if a degree is negative or |l1 − l2| ≤ l3 ≤ l1 + l2 fails
     */
    public static double[][][] of(int l1, int l2, int l3) {
        if (l1 < 0 || l2 < 0 || l3 < 0 || l3 < Math.abs(l1 - l2) || l3 > l1 + l2) {
            throw new IllegalArgumentException("expected degrees l1, l2, l3 >= 0 satisfying the triangle inequality "
                    + "|l1 - l2| <= l3 <= l1 + l2 but got (l1, l2, l3) = (" + l1 + ", " + l2 + ", " + l3 + ")");
        }
        int d1 = 2 * l1 + 1, d2 = 2 * l2 + 1, d3 = 2 * l3 + 1;
        double[][] cg = complexClebschGordan(l1, l2, l3);
        double[][][] out = new double[d1][d2][d3];
        // global phase (−i)^{l1} (−i)^{l2} conj((−i)^{l3}) = (−i)^{l1+l2−l3}
        int p = (l1 + l2 - l3) & 3;
        double phaseRe = p == 0 ? 1 : p == 2 ? -1 : 0;
        double phaseIm = p == 1 ? -1 : p == 3 ? 1 : 0;
        double[] q = new double[2];
        double norm2 = 0;
        double maxImag = 0;
        for (int i = 0; i < d1; i++) {
            int r1 = i - l1, a1 = Math.abs(r1);
            for (int k = 0; k < d2; k++) {
                int r2 = k - l2, a2 = Math.abs(r2);
                for (int choice = 0; choice < 2; choice++) {
                    int big = choice == 0 ? Math.abs(a1 - a2) : a1 + a2;
                    if (big > l3 || (choice == 1 && (a1 == 0 || a2 == 0))) {
                        continue;
                    }
                    for (int s3 = 0; s3 < (big == 0 ? 1 : 2); s3++) {
                        int r3 = s3 == 0 ? big : -big;
                        double re = 0, im = 0;
                        for (int s1 = 0; s1 < (a1 == 0 ? 1 : 2); s1++) {
                            int m1 = s1 == 0 ? a1 : -a1;
                            for (int s2 = 0; s2 < (a2 == 0 ? 1 : 2); s2++) {
                                int m2 = s2 == 0 ? a2 : -a2;
                                int m3 = m1 + m2;
                                if (Math.abs(m3) != big) {
                                    continue;
                                }
                                double c = cg[m1 + l1][m2 + l2];
                                if (c == 0) {
                                    continue;
                                }
                                u(m1, r1, q);
                                double xr = q[0], xi = q[1];
                                u(m2, r2, q);
                                double yr = xr * q[0] - xi * q[1], yi = xr * q[1] + xi * q[0];
                                u(m3, r3, q); // conjugated below
                                double zr = yr * q[0] + yi * q[1], zi = yi * q[0] - yr * q[1];
                                re += c * zr;
                                im += c * zi;
                            }
                        }
                        double vr = re * phaseRe - im * phaseIm;
                        double vi = re * phaseIm + im * phaseRe;
                        maxImag = Math.max(maxImag, Math.abs(vi));
                        out[i][k][r3 + l3] = vr;
                        norm2 += vr * vr;
                    }
                }
            }
        }
        if (maxImag > 1e-9) {
            throw new IllegalStateException("internal error: 3j(" + l1 + "," + l2 + "," + l3
                    + ") has an imaginary part " + maxImag);
        }
        double inv = 1 / Math.sqrt(norm2);
        for (double[][] a : out) {
            for (double[] b : a) {
                for (int c = 0; c < d3; c++) {
                    b[c] *= inv;
                }
            }
        }
        return out;
    }

    /**
     * Complex Condon–Shortley ⟨l1 m1; l2 m2 | l3 m1+m2⟩/√(2l3+1) indexed [m1+l1][m2+l2]
     * (zero where |m1 + m2| &gt; l3).
     */
    static double[][] complexClebschGordan(int l1, int l2, int l3) {
        int a = l1 + l2 - l3, b = l1 - l2 + l3, bp = -l1 + l2 + l3, big = l1 + l2 + l3;
        double common = binomialDouble(2 * l1, a) * binomialDouble(2 * l2, bp)
                / ((big + 1) * binomialDouble(big, a));
        double[][] out = new double[2 * l1 + 1][2 * l2 + 1];
        for (int m1 = -l1; m1 <= l1; m1++) {
            for (int m2 = -l2; m2 <= l2; m2++) {
                int m3 = m1 + m2;
                if (Math.abs(m3) > l3) {
                    continue;
                }
                int u = l1 - m1, v = l2 + m2;
                int kmin = Math.max(0, Math.max(u - b, v - bp));
                int kmax = Math.min(a, Math.min(u, v));
                if (kmin > kmax) {
                    continue;
                }
                double sum = alternatingSum(a, b, bp, u, v, kmin, kmax);
                if (sum == 0) {
                    continue;
                }
                double pref = common / (binomialDouble(2 * l1, l1 - m1) * binomialDouble(2 * l2, l2 - m2)
                        * binomialDouble(2 * l3, l3 + m3));
                out[m1 + l1][m2 + l2] = Math.sqrt(pref) * sum;
            }
        }
        return out;
    }

    /** Σ_{k=kmin..kmax} (−1)^k C(a, k) C(b, u−k) C(bp, v−k), exactly. */
    private static double alternatingSum(int a, int b, int bp, int u, int v, int kmin, int kmax) {
        if (a <= LONG_TABLE && b <= LONG_TABLE && bp <= LONG_TABLE) {
            try {
                long s = 0;
                for (int k = kmin; k <= kmax; k++) {
                    long t = Math.multiplyExact(Math.multiplyExact(BINOMIAL[a][k], BINOMIAL[b][u - k]),
                            BINOMIAL[bp][v - k]);
                    s = (k & 1) == 0 ? Math.addExact(s, t) : Math.subtractExact(s, t);
                }
                return s;
            } catch (ArithmeticException overflow) {
                // fall through to exact big-integer arithmetic
            }
        }
        BigInteger s = BigInteger.ZERO;
        for (int k = kmin; k <= kmax; k++) {
            BigInteger t = binomialBig(a, k).multiply(binomialBig(b, u - k)).multiply(binomialBig(bp, v - k));
            s = (k & 1) == 0 ? s.add(t) : s.subtract(t);
        }
        return s.doubleValue();
    }

    /** Entry U[m][r] of the real-to-complex change of basis (without the (−i)^l phase), as (re, im). */
    private static void u(int m, int r, double[] out) {
        if (m == 0) {
            out[0] = 1;
            out[1] = 0;
        } else if (m < 0) {
            boolean plus = r > 0;
            out[0] = plus ? SQRT_HALF : 0;
            out[1] = plus ? 0 : -SQRT_HALF;
        } else {
            double sign = (m & 1) == 0 ? SQRT_HALF : -SQRT_HALF;
            boolean plus = r > 0;
            out[0] = plus ? sign : 0;
            out[1] = plus ? 0 : sign;
        }
    }

    private static long[][] pascal(int n) {
        long[][] t = new long[n + 1][];
        for (int i = 0; i <= n; i++) {
            t[i] = new long[i + 1];
            t[i][0] = 1;
            t[i][i] = 1;
            for (int k = 1; k < i; k++) {
                t[i][k] = t[i - 1][k - 1] + t[i - 1][k];
            }
        }
        return t;
    }

    private static double binomialDouble(int n, int k) {
        if (n <= LONG_TABLE) {
            return BINOMIAL[n][k];
        }
        k = Math.min(k, n - k);
        double r = 1;
        for (int i = 1; i <= k; i++) {
            r = r * (n - k + i) / i;
        }
        return r;
    }

    private static BigInteger binomialBig(int n, int k) {
        if (n <= LONG_TABLE) {
            return BigInteger.valueOf(BINOMIAL[n][k]);
        }
        k = Math.min(k, n - k);
        BigInteger r = BigInteger.ONE;
        for (int i = 1; i <= k; i++) {
            r = r.multiply(BigInteger.valueOf(n - k + i)).divide(BigInteger.valueOf(i));
        }
        return r;
    }
}

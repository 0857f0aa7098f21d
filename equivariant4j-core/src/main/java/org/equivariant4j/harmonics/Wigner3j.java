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
 * The result is real (imaginary parts cancel exactly) and has Frobenius norm 1 by the orthogonality of
 * the Clebsch–Gordan coefficients, so e3nn's final division by the norm is a no-op (to rounding).
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
        // Every U entry is real or imaginary: U[m][col] = coef·i^pow. The global phase is
        // (−i)^{l1} (−i)^{l2} conj((−i)^{l3}) = (−1)^p i^p with p = l1 + l2 − l3.
        int p = l1 + l2 - l3;
        double phaseSign = (p & 1) == 0 ? 1 : -1;
        int[] col1 = new int[2 * d1], pow1 = new int[2 * d1];
        int[] col2 = new int[2 * d2], pow2 = new int[2 * d2];
        int[] col3 = new int[2 * d3], pow3 = new int[2 * d3];
        double[] coef1 = new double[2 * d1], coef2 = new double[2 * d2], coef3 = new double[2 * d3];
        basisChange(l1, col1, coef1, pow1, false);
        basisChange(l2, col2, coef2, pow2, false);
        basisChange(l3, col3, coef3, pow3, true);
        for (int i = 0; i < d1; i++) {
            double[] cgi = cg[i];
            for (int k = 0; k < d2; k++) {
                double c = cgi[k];
                if (c == 0) {
                    continue;
                }
                int n = i - l1 + k - l2 + l3; // complex m3 = m1 + m2
                c *= phaseSign;
                for (int a = 2 * i; a < 2 * i + 2; a++) {
                    double v1 = coef1[a];
                    if (v1 == 0) {
                        continue;
                    }
                    double[][] outA = out[col1[a]];
                    for (int b = 2 * k; b < 2 * k + 2; b++) {
                        double v12 = v1 * coef2[b];
                        if (v12 == 0) {
                            continue;
                        }
                        double[] outAB = outA[col2[b]];
                        int pow12 = p + pow1[a] + pow2[b];
                        for (int d = 2 * n; d < 2 * n + 2; d++) {
                            int e = (pow12 + pow3[d]) & 3;
                            if ((e & 1) != 0 || coef3[d] == 0) {
                                continue; // purely imaginary contributions cancel in total
                            }
                            outAB[col3[d]] += (e == 0 ? c : -c) * v12 * coef3[d];
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * U_l (without the (−i)^l phase) as two entries per complex m (row): real column, coefficient and
     * power of i; {@code conjugate} gives conj(U). Unused second entries have coefficient 0.
     */
    private static void basisChange(int l, int[] col, double[] coef, int[] pow, boolean conjugate) {
        for (int m = -l; m <= l; m++) {
            int row = 2 * (m + l);
            int am = Math.abs(m);
            if (m == 0) {
                col[row] = l;
                coef[row] = 1;
                continue;
            }
            double s = m < 0 || (am & 1) == 0 ? SQRT_HALF : -SQRT_HALF;
            col[row] = l + am;       // real +|m|: coefficient s
            coef[row] = s;
            col[row + 1] = l - am;   // real −|m|: −i/√2 for m < 0, i(−1)^m/√2 for m > 0
            coef[row + 1] = (m < 0 ? -SQRT_HALF : s) * (conjugate ? -1 : 1);
            pow[row + 1] = 1;
        }
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
        double mirror = ((l1 + l2 - l3) & 1) == 0 ? 1 : -1; // ⟨−m1, −m2|−m3⟩ = (−1)^{l1+l2−l3} ⟨m1, m2|m3⟩
        for (int m1 = 0; m1 <= l1; m1++) {
            for (int m2 = m1 == 0 ? 0 : -l2; m2 <= l2; m2++) {
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
                double value = Math.sqrt(pref) * sum;
                out[m1 + l1][m2 + l2] = value;
                out[l1 - m1][l2 - m2] = mirror * value;
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

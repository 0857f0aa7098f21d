package org.equivariant4j.data;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Correctly rounded (to nearest) {@code log(x)} and {@code x^1.5}, for bit-compatibility with numpy.
 *
 * <p>numpy's legacy Gaussian calls the C library's {@code log}, and {@code np.power(x, 1.5)} calls its {@code pow}.
 * glibc's versions are accurate to about 0.52 ulp, i.e. they return the correctly rounded result in all but rare
 * cases, whereas {@link StrictMath#log} (fdlibm, &lt; 1 ulp) differs from glibc on about 3 % of the Gaussians numpy
 * draws. These routines evaluate the result in double-double arithmetic (about 2⁻¹⁰⁰ relative error) and round once,
 * which agrees with glibc wherever glibc itself is correctly rounded.
 *
 * <p>Algorithm of {@link #log}: x = 2ᵉ·m with m in [√½, √2); a table entry c near m (spacing 1/256) supplies
 * 1/c as a double {@code invc} and −log(invc) in double-double (computed once with {@link BigDecimal}); then
 * r = m·invc − 1 exactly (fused multiply-add) and log x = e·ln 2 − log(invc) + log1p(r), with the first three terms of
 * the log1p series in double-double and the rest (to r¹⁴) in double.
 */
final class CorrectlyRounded {

    private CorrectlyRounded() {}

    private static final int TABLE_BITS = 8;
    private static final double TABLE_MIN = 0.703125; // 180/256, just below sqrt(1/2)
    private static final int TABLE_SIZE = 186; // covers [180/256, 366/256) which contains [sqrt(1/2), sqrt(2))
    private static final double[] INVC = new double[TABLE_SIZE];
    private static final double[] LOGC_HI = new double[TABLE_SIZE]; // -log(invc), high part
    private static final double[] LOGC_LO = new double[TABLE_SIZE];
    private static final double LN2_HI;
    private static final double LN2_LO;
    private static final double SQRT2 = Math.sqrt(2.0);

    static {
        MathContext mc = new MathContext(50, RoundingMode.HALF_EVEN);
        BigDecimal ln2 = bigLog(BigDecimal.valueOf(2), mc);
        LN2_HI = ln2.doubleValue();
        LN2_LO = ln2.subtract(new BigDecimal(LN2_HI), mc).doubleValue();
        for (int i = 0; i < TABLE_SIZE; i++) {
            double center = TABLE_MIN + (i + 0.5) / (1 << TABLE_BITS);
            double invc = (Math.abs(center - 1.0) < 1.0 / (1 << TABLE_BITS)) ? 1.0 : 1.0 / center;
            INVC[i] = invc;
            if (invc == 1.0) {
                LOGC_HI[i] = 0.0;
                LOGC_LO[i] = 0.0;
            } else {
                BigDecimal logc = bigLog(new BigDecimal(invc), mc).negate();
                LOGC_HI[i] = logc.doubleValue();
                LOGC_LO[i] = logc.subtract(new BigDecimal(LOGC_HI[i]), mc).doubleValue();
            }
        }
    }

    /** log(y) for y in roughly [0.5, 2] by 2·atanh((y−1)/(y+1)), to the precision of mc. */
    private static BigDecimal bigLog(BigDecimal y, MathContext mc) {
        BigDecimal s = y.subtract(BigDecimal.ONE).divide(y.add(BigDecimal.ONE), mc);
        BigDecimal s2 = s.multiply(s, mc);
        BigDecimal term = s;
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal eps = BigDecimal.ONE.movePointLeft(mc.getPrecision() + 2);
        for (int k = 1; k < 10_000; k += 2) {
            BigDecimal add = term.divide(BigDecimal.valueOf(k), mc);
            sum = sum.add(add, mc);
            if (add.abs().compareTo(eps) < 0) {
                break;
            }
            term = term.multiply(s2, mc);
        }
        return sum.multiply(BigDecimal.valueOf(2), mc);
    }

    /** The natural logarithm of x, correctly rounded to nearest (special values as {@link Math#log}). */
    static double log(double x) {
        if (!(x > 0.0) || x == Double.POSITIVE_INFINITY) {
            return Math.log(x); // NaN, negative, zero, +inf
        }
        if (x == 1.0) {
            return 0.0;
        }
        int e = 0;
        if (x < Double.MIN_NORMAL) {
            x *= 0x1p54;
            e = -54;
        }
        e += Math.getExponent(x);
        double m = x * Math.scalb(1.0, -Math.getExponent(x)); // in [1, 2), exact
        if (m >= SQRT2) {
            m *= 0.5;
            e += 1;
        }
        int i = (int) ((m - TABLE_MIN) * (1 << TABLE_BITS));
        double invc = INVC[i];
        // r = m*invc - 1 exactly, as rHi + rLo
        double p = m * invc;
        double pErr = Math.fma(m, invc, -p);
        double a = p - 1.0; // exact (Sterbenz)
        double rHi = a + pErr;
        double rb = rHi - a;
        double rLo = (a - (rHi - rb)) + (pErr - rb); // two-sum
        // r^2 in double-double
        double sqHi = rHi * rHi;
        double sqLo = Math.fma(rHi, rHi, -sqHi) + 2.0 * rHi * rLo;
        // r^3 / 3 in double-double
        double cu = sqHi * rHi;
        double cuLo = Math.fma(sqHi, rHi, -cu) + sqLo * rHi + sqHi * rLo;
        double c3 = cu / 3.0;
        double c3Lo = (Math.fma(-3.0, c3, cu) + cuLo) / 3.0;
        // tail: sum_{n>=4} (-1)^(n+1) r^n / n, in double
        double r = rHi;
        double poly = -1.0 / 4 + r * (1.0 / 5 + r * (-1.0 / 6 + r * (1.0 / 7 + r * (-1.0 / 8 + r * (1.0 / 9
                + r * (-1.0 / 10 + r * (1.0 / 11 + r * (-1.0 / 12 + r * (1.0 / 13 + r * (-1.0 / 14))))))))));
        double tail = sqHi * sqHi * poly;
        // e*ln2 in double-double
        double eHi = e * LN2_HI;
        double eLo = Math.fma(e, LN2_HI, -eHi) + e * LN2_LO;
        // sum everything in double-double: eHi + LOGC_HI + rHi - sqHi/2 + c3 + small terms
        double[] acc = {eHi, eLo};
        add(acc, LOGC_HI[i], LOGC_LO[i]);
        add(acc, rHi, rLo);
        add(acc, -0.5 * sqHi, -0.5 * sqLo);
        add(acc, c3, c3Lo);
        add(acc, tail, 0.0);
        return acc[0] + acc[1];
    }

    /** acc += (hi, lo) in double-double arithmetic (two-sum on the high parts), renormalised. */
    private static void add(double[] acc, double hi, double lo) {
        double s = acc[0] + hi;
        double bb = s - acc[0];
        double err = (acc[0] - (s - bb)) + (hi - bb);
        double low = err + acc[1] + lo;
        double t = s + low;
        acc[1] = low - (t - s);
        acc[0] = t;
    }

    /**
     * x^1.5 = x·√x, correctly rounded to nearest for finite x ≥ 0 (NaN for x &lt; 0, like {@code pow}).
     * √x is refined with the exact residual x − s² (s = √x rounded), and x·√x formed in double-double.
     */
    static double pow15(double x) {
        if (!(x > 0.0) || x == Double.POSITIVE_INFINITY) {
            return Math.pow(x, 1.5);
        }
        double s = Math.sqrt(x);
        double res = Math.fma(-s, s, x); // exact: x - s^2, so sqrt(x) = s + res / (2s) + O(2^-106 s)
        double p = x * s;
        // x * res / (2s) = 0.5 * res * s * (x / s^2), and x / s^2 = 1 + O(2^-52)
        double pLo = Math.fma(x, s, -p) + 0.5 * res * s;
        return p + pLo;
    }
}

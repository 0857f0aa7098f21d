package org.equivariant4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link CorrectlyRounded} against correctly rounded values from Python's {@code decimal} (60 digits):
 * {@code float(Decimal(x).ln())} and {@code float(Decimal(x) * Decimal(x).sqrt())}. The first four inputs of each
 * table are cases met in the N-body stream where glibc 2.36's {@code log}/{@code pow} (what numpy calls) return the
 * other neighbour.
 */
class CorrectlyRoundedTest {

    private static final double[][] LOG = {
        {0x1.1a8dbd2a09f8cp-1, -0x1.305c8d675530cp-1},
        {0x1.db66aea45e9e8p-1, -0x1.2fc86d4aa9130p-4},
        {0x1.0df8a65134510p-1, -0x1.47af42e982b2ap-1},
        {0x1.64333ac76082fp-1, -0x1.738a369d043f3p-2},
        {0x1.0000000000000p-1, -0x1.62e42fefa39efp-1},
        {0x1.fffffffffffffp-1, -0x1.0000000000000p-53},
        {0x1.0000000000001p+0, 0x1.fffffffffffffp-53},
        {0x1.56e1fc2f8f359p-997, -0x1.5963447f87fb5p+9},
        {0x0.0000000000001p-1022, -0x1.74385446d71c3p+9},
        {0x1.f9add3739635fp-4, -0x1.0bc233add5d72p+1},
        {0x1.e000000000000p+2, 0x1.01e85798eb9a3p+1},
        {0x1.7e43c8800759cp+996, 0x1.5963447f87fb5p+9},
    };

    private static final double[][] POW15 = {
        {0x1.53f1e74bde456p-6, 0x1.87bc46cce7b47p-9},
        {0x1.e8c7a213424dap-2, 0x1.51b0fb634f5f8p-2},
        {0x1.29597b09eb5f6p+9, 0x1.c534cdfcb598dp+13},
        {0x1.5baad48457cd3p-4, 0x1.9528c6cdef692p-6},
        {0x1.0000000000000p+1, 0x1.6a09e667f3bcdp+1},
        {0x1.3333333333333p-2, 0x1.50854f2c3d222p-3},
        {0x1.5798ee2308c3ap-27, 0x1.19799812dea11p-40},
        {0x1.edd2f1a9fbe77p+6, 0x1.56eea703cf8c4p+10},
    };

    @Test
    void logIsCorrectlyRounded() {
        for (double[] c : LOG) {
            assertEquals(c[1], CorrectlyRounded.log(c[0]), "log(" + c[0] + ")");
        }
    }

    @Test
    void logSpecialValues() {
        assertEquals(0.0, CorrectlyRounded.log(1.0));
        assertEquals(Double.NEGATIVE_INFINITY, CorrectlyRounded.log(0.0));
        assertTrue(Double.isNaN(CorrectlyRounded.log(-1.0)));
        assertTrue(Double.isNaN(CorrectlyRounded.log(Double.NaN)));
        assertEquals(Double.POSITIVE_INFINITY, CorrectlyRounded.log(Double.POSITIVE_INFINITY));
    }

    @Test
    void logIsWithinHalfAnUlpOfStrictMath() {
        // fdlibm is within 1 ulp, so a correctly rounded result can differ from it by at most 1 ulp
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 20000; i++) {
            double x = Math.exp(r.nextDouble(-700, 700));
            double ours = CorrectlyRounded.log(x);
            double ref = StrictMath.log(x);
            assertTrue(Math.abs(ours - ref) <= Math.ulp(ref), "log(" + x + "): " + ours + " vs " + ref);
        }
    }

    @Test
    void pow15IsCorrectlyRounded() {
        for (double[] c : POW15) {
            assertEquals(c[1], CorrectlyRounded.pow15(c[0]), c[0] + "^1.5");
        }
        assertEquals(0.0, CorrectlyRounded.pow15(0.0));
        assertTrue(Double.isNaN(CorrectlyRounded.pow15(-1e-18)));
        assertEquals(8.0, CorrectlyRounded.pow15(4.0));
    }
}

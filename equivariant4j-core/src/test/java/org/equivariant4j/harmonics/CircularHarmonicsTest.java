package org.equivariant4j.harmonics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CircularHarmonicsTest {

    @Test
    void basisLayout() {
        double t = 0.37;
        assertArrayEquals(new double[] {1, Math.cos(t), Math.sin(t), Math.cos(2 * t), Math.sin(2 * t)},
                CircularHarmonics.basis(2, t), 1e-15);
        assertArrayEquals(new double[] {1}, CircularHarmonics.basis(0, t));
    }

    @Test
    void analyzeInvertsSynthesizeForBandLimitedSignals() {
        Random rng = new Random(12);
        for (int maxFrequency = 0; maxFrequency <= 6; maxFrequency++) {
            for (int n : new int[] {2 * maxFrequency + 1, 2 * maxFrequency + 2, 16, 33}) {
                if (n < 2 * maxFrequency + 1) {
                    continue;
                }
                double[] coefficients = new double[2 * maxFrequency + 1];
                for (int i = 0; i < coefficients.length; i++) {
                    coefficients[i] = rng.nextGaussian();
                }
                double[] samples = CircularHarmonics.synthesize(coefficients, n);
                for (int j = 0; j < n; j++) {
                    double[] b = CircularHarmonics.basis(maxFrequency, 2 * Math.PI * j / n);
                    assertTrue(Math.abs(Linalg.dot(b, coefficients) - samples[j]) < 1e-12);
                }
                assertArrayEquals(coefficients, CircularHarmonics.analyze(samples, maxFrequency), 1e-12,
                        "L=" + maxFrequency + " N=" + n);
                assertArrayEquals(samples,
                        CircularHarmonics.synthesize(CircularHarmonics.analyze(samples, maxFrequency), n), 1e-12);
            }
        }
    }

    @Test
    void shiftByOneSampleRotatesCoefficients() {
        // f(θ − 2π/N) has coefficients rotated by −k·2π/N in each (a_k, b_k) plane
        int n = 12, maxFrequency = 3;
        double[] c = {0.5, 1, 0, 0.2, -0.3, 0, 0.7};
        double[] f = CircularHarmonics.synthesize(c, n);
        double[] shifted = new double[n];
        for (int j = 0; j < n; j++) {
            shifted[j] = f[(j + n - 1) % n];
        }
        double[] cs = CircularHarmonics.analyze(shifted, maxFrequency);
        double h = 2 * Math.PI / n;
        for (int k = 1; k <= maxFrequency; k++) {
            double a = c[2 * k - 1], b = c[2 * k];
            double cos = Math.cos(k * h), sin = Math.sin(k * h);
            assertArrayEquals(new double[] {a * cos - b * sin, a * sin + b * cos},
                    new double[] {cs[2 * k - 1], cs[2 * k]}, 1e-12);
        }
    }

    @Test
    void rejectsTooFewSamplesAndBadCoefficients() {
        var e = assertThrows(IllegalArgumentException.class, () -> CircularHarmonics.analyze(new double[6], 3));
        assertTrue(e.getMessage().contains("2L+1 = 7") && e.getMessage().contains("got 6"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CircularHarmonics.synthesize(new double[4], 8));
        assertTrue(e.getMessage().contains("2L+1") && e.getMessage().contains("4 values"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CircularHarmonics.basis(-1, 0));
        assertTrue(e.getMessage().contains("got -1"), e.getMessage());
    }
}

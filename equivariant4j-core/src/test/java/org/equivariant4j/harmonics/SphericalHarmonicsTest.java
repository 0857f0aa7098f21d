package org.equivariant4j.harmonics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SphericalHarmonicsTest {

    private static final double S15 = Math.sqrt(15);

    @Test
    void matchesE3nnFixtureInAllNormalizations() throws IOException {
        JsonNode root = O3Fixtures.load("spherical_harmonics.json");
        JsonNode vectors = root.get("vectors");
        double worst = 0;
        int checked = 0;
        for (Normalization n : Normalization.values()) {
            JsonNode byDegree = root.get("values").get(n.name().toLowerCase());
            for (var it = byDegree.fields(); it.hasNext(); ) {
                var e = it.next();
                int l = Integer.parseInt(e.getKey());
                for (int p = 0; p < vectors.size(); p++) {
                    double[] v = O3Fixtures.vector(vectors.get(p));
                    double[] expected = O3Fixtures.vector(e.getValue().get(p));
                    double[] got = SphericalHarmonics.evaluateDegree(l, v[0], v[1], v[2], n);
                    worst = Math.max(worst, Linalg.maxDiff(expected, got));
                    checked++;
                }
            }
        }
        assertEquals(3 * 7 * 5, checked);
        assertTrue(worst < 1e-10, "max fixture error " + worst);
        System.out.println("[harmonics] spherical_harmonics.json max error " + worst);
    }

    @Test
    void referenceValuesAtOneTwoThree() {
        double[] y = SphericalHarmonics.evaluate(4, 1, 2, 3, Normalization.COMPONENT);
        assertEquals(25, y.length);
        double[] expected = {
            1,
            0.4629100499, 0.9258200998, 1.3887301497,
            3 * S15 / 14, S15 / 7, -Math.sqrt(5) / 14, 3 * S15 / 7, 2 * S15 / 7,
            13 * Math.sqrt(5) / 28, 3 * Math.sqrt(30) / 14, 3 * Math.sqrt(3) / 28, -11 * Math.sqrt(2) / 14,
            9 * Math.sqrt(3) / 28, 2 * Math.sqrt(30) / 7, 9 * Math.sqrt(5) / 28,
            9 * Math.sqrt(35) / 49, 39 * Math.sqrt(70) / 196, 9 * Math.sqrt(5) / 28, -3 * Math.sqrt(10) / 28,
            -57.0 / 56, -9 * Math.sqrt(10) / 28, 3 * Math.sqrt(5) / 7, 27 * Math.sqrt(70) / 196,
            3 * Math.sqrt(35) / 56};
        assertArrayEquals(expected, y, 1e-10);
        assertEquals(Math.sqrt(42) / 14 * 3, y[3], 1e-15);

        double[] integral = SphericalHarmonics.evaluate(2, 1, 2, 3);
        assertArrayEquals(new double[] {0.2820947918, 0.1305845141, 0.2611690283, 0.3917535424, 0.2341175208,
            0.1560783472, -0.0450559379, 0.4682350417, 0.3121566945}, integral, 1e-10);
        double[] norm = SphericalHarmonics.evaluate(2, 1, 2, 3, Normalization.NORM);
        assertArrayEquals(new double[] {1, 0.2672612419, 0.5345224838, 0.8017837257, 0.3711537445, 0.2474358297,
            -0.0714285714, 0.7423074890, 0.4948716593}, norm, 1e-10);
    }

    @Test
    void referenceValuesOnAxes() {
        assertArrayEquals(new double[] {1, 0, 1.7320508076, 0, 0, 0, 2.2360679775, 0, 0, 0, 0, 0, 2.6457513111, 0, 0, 0},
                SphericalHarmonics.evaluate(3, 0, 1, 0, Normalization.COMPONENT), 1e-10);
        assertArrayEquals(new double[] {1, 0, 0, 1.7320508076, 0, 0, -1.1180339887, 0, 1.9364916731},
                SphericalHarmonics.evaluate(2, 0, 0, 1, Normalization.COMPONENT), 1e-10);
        // l = 1 is √3·(x, y, z) without normalisation
        assertArrayEquals(Linalg.scale(new double[] {1, 2, 3}, Math.sqrt(3)),
                SphericalHarmonics.evaluateDegree(1, 1, 2, 3, false, Normalization.COMPONENT), 1e-14);
        // at e_y only m = 0 is non-zero, equal to √(2l+1), for every degree up to 30
        double[] ey = SphericalHarmonics.evaluate(30, 0, 5, 0, Normalization.COMPONENT);
        for (int l = 0; l <= 30; l++) {
            for (int m = -l; m <= l; m++) {
                assertEquals(m == 0 ? Math.sqrt(2 * l + 1) : 0, ey[l * l + l + m], 1e-12, "l=" + l + " m=" + m);
            }
        }
    }

    @Test
    void zeroVectorGivesConstantOnly() {
        assertArrayEquals(new double[] {1, 0, 0, 0}, SphericalHarmonics.evaluate(1, 0, 0, 0, Normalization.NORM));
        assertArrayEquals(new double[] {1, 0, 0, 0},
                SphericalHarmonics.evaluate(1, 0, 0, 0, false, Normalization.NORM)); // e3nn test_zeros
        double[] y = SphericalHarmonics.evaluate(6, 0, 0, 0, true, Normalization.INTEGRAL);
        assertEquals(1 / Math.sqrt(4 * Math.PI), y[0], 1e-15);
        for (int i = 1; i < y.length; i++) {
            assertEquals(0, y[i], 0);
        }
    }

    @Test
    void unnormalizedIsHomogeneousPolynomial() {
        Random rng = new Random(7);
        for (int t = 0; t < 5; t++) {
            double x = rng.nextGaussian(), y = rng.nextGaussian(), z = rng.nextGaussian();
            double r = Math.sqrt(x * x + y * y + z * z);
            double[] raw = SphericalHarmonics.evaluate(12, x, y, z, false, Normalization.INTEGRAL);
            double[] unit = SphericalHarmonics.evaluate(12, x, y, z, Normalization.INTEGRAL);
            for (int l = 0; l <= 12; l++) {
                double[] expected = Linalg.scale(Linalg.slice(unit, l * l, 2 * l + 1), Math.pow(r, l));
                assertArrayEquals(expected, Linalg.slice(raw, l * l, 2 * l + 1),
                        1e-12 * Math.max(1, Math.pow(r, l)), "l=" + l);
            }
        }
    }

    @Test
    void parityAndComponentNormUpToDegreeThirty() {
        Random rng = new Random(11);
        for (int t = 0; t < 10; t++) {
            double x = rng.nextGaussian(), y = rng.nextGaussian(), z = rng.nextGaussian();
            double[] plus = SphericalHarmonics.evaluate(30, x, y, z, Normalization.COMPONENT);
            double[] minus = SphericalHarmonics.evaluate(30, -x, -y, -z, Normalization.COMPONENT);
            double[] norm = SphericalHarmonics.evaluate(30, x, y, z, Normalization.NORM);
            for (int l = 0; l <= 30; l++) {
                double[] p = Linalg.slice(plus, l * l, 2 * l + 1);
                double[] m = Linalg.slice(minus, l * l, 2 * l + 1);
                assertArrayEquals(Linalg.scale(p, (l & 1) == 0 ? 1 : -1), m, 1e-12, "parity l=" + l);
                assertEquals(2 * l + 1, Linalg.dot(p, p), 1e-11 * (2 * l + 1), "component norm l=" + l);
                double[] nl = Linalg.slice(norm, l * l, 2 * l + 1);
                assertEquals(1, Linalg.dot(nl, nl), 1e-12, "norm l=" + l);
            }
        }
    }

    /** Addition theorem Σ_m Y_m(u)Y_m(v) = (2l+1)·P_l(u·v) (component), checked to l = 30. */
    @Test
    void additionTheoremUpToDegreeThirty() {
        Random rng = new Random(3);
        for (int t = 0; t < 10; t++) {
            double[] u = unit(rng), v = unit(rng);
            double[] yu = SphericalHarmonics.evaluate(30, u[0], u[1], u[2], Normalization.COMPONENT);
            double[] yv = SphericalHarmonics.evaluate(30, v[0], v[1], v[2], Normalization.COMPONENT);
            double c = Linalg.dot(u, v);
            double p0 = 1, p1 = c;
            for (int l = 0; l <= 30; l++) {
                double pl;
                if (l == 0) {
                    pl = 1;
                } else if (l == 1) {
                    pl = c;
                } else {
                    pl = ((2 * l - 1) * c * p1 - (l - 1) * p0) / l;
                    p0 = p1;
                    p1 = pl;
                }
                double s = Linalg.dot(Linalg.slice(yu, l * l, 2 * l + 1), Linalg.slice(yv, l * l, 2 * l + 1));
                assertEquals((2 * l + 1) * pl, s, 1e-11 * (2 * l + 1), "l=" + l);
            }
        }
    }

    /** Orthonormality of INTEGRAL harmonics by exact Gauss–Legendre × trapezoid quadrature, l ≤ 8. */
    @Test
    void integralNormalizationIsOrthonormal() {
        int lmax = 8, nt = lmax + 1, nphi = 2 * lmax + 1, dim = (lmax + 1) * (lmax + 1);
        double[] nodes = new double[nt], weights = new double[nt];
        WignerD.gaussLegendre(nt, nodes, weights);
        double[][] gram = new double[dim][dim];
        for (int i = 0; i < nt; i++) {
            double s = Math.sqrt(1 - nodes[i] * nodes[i]);
            for (int k = 0; k < nphi; k++) {
                double phi = 2 * Math.PI * k / nphi;
                double[] y = SphericalHarmonics.evaluate(lmax, s * Math.sin(phi), nodes[i], s * Math.cos(phi));
                double w = weights[i] * 2 * Math.PI / nphi;
                for (int a = 0; a < dim; a++) {
                    for (int b = 0; b < dim; b++) {
                        gram[a][b] += w * y[a] * y[b];
                    }
                }
            }
        }
        assertTrue(Linalg.maxDiff(Linalg.identity(dim), gram) < 1e-12);
    }

    @Test
    void batchEqualsPointwise() {
        Random rng = new Random(5);
        int n = 200, lmax = 7, dim = 64;
        double[] xyz = new double[3 * n];
        for (int i = 0; i < xyz.length; i++) {
            xyz[i] = rng.nextGaussian();
        }
        xyz[0] = xyz[1] = xyz[2] = 0; // a zero vector in the batch
        for (Normalization norm : Normalization.values()) {
            for (boolean normalize : new boolean[] {true, false}) {
                double[] batch = SphericalHarmonics.evaluateBatch(lmax, xyz, normalize, norm);
                assertEquals(n * dim, batch.length);
                for (int p = 0; p < n; p++) {
                    double[] single = SphericalHarmonics.evaluate(lmax, xyz[3 * p], xyz[3 * p + 1], xyz[3 * p + 2],
                            normalize, norm);
                    assertArrayEquals(single, Linalg.slice(batch, p * dim, dim), 0);
                }
            }
        }
        assertEquals(0, SphericalHarmonics.evaluateBatch(3, new double[0], true, Normalization.NORM).length);
    }

    @Test
    void rejectsBadInput() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> SphericalHarmonics.evaluate(-1, 1, 0, 0, Normalization.COMPONENT));
        assertTrue(e.getMessage().contains(">= 0") && e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SphericalHarmonics.evaluateDegree(-2, 1, 0, 0, Normalization.COMPONENT));
        assertTrue(e.getMessage().contains("l = -2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SphericalHarmonics.evaluateBatch(2, new double[4], true, Normalization.COMPONENT));
        assertTrue(e.getMessage().contains("3n") && e.getMessage().contains("4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SphericalHarmonics.evaluate(2, 1, 0, 0, null));
        assertTrue(e.getMessage().contains("Normalization"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SphericalHarmonics.evaluate(2, 1, Double.NaN, 0, Normalization.COMPONENT));
        assertTrue(e.getMessage().contains("finite") && e.getMessage().contains("NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SphericalHarmonics.evaluateBatch(2, new double[] {1, 2, 3, 4, Double.POSITIVE_INFINITY, 6}, true,
                        Normalization.COMPONENT));
        assertTrue(e.getMessage().contains("xyz[4] (point 1, y) is Infinity"), e.getMessage());
    }

    /**
     * Exact for every finite non-zero vector: huge and tiny vectors give the values of their direction (a naive
     * x² + y² + z² overflows above 1e154 and underflows below 1e-154), and the unnormalised polynomials scale as r^l.
     */
    @Test
    void extremeMagnitudesStayExact() {
        Random rng = new Random(9);
        int lmax = 6;
        for (int trial = 0; trial < 20; trial++) {
            double[] u = unit(rng);
            double[] ref = SphericalHarmonics.evaluate(lmax, u[0], u[1], u[2], Normalization.COMPONENT);
            for (double s : new double[] {1e-300, 1e-160, 1e160, 1e200, 1e307}) {
                double[] y = SphericalHarmonics.evaluate(lmax, s * u[0], s * u[1], s * u[2], Normalization.COMPONENT);
                assertArrayEquals(ref, y, 1e-12, "scale " + s);
            }
            // subnormal coordinates: the input itself keeps few digits, so compare with its own direction, scaled up
            // by a power of two (exact)
            double[] tiny = {1e-320 * u[0], 1e-320 * u[1], 1e-320 * u[2]};
            double[] refTiny = SphericalHarmonics.evaluate(lmax, Math.scalb(tiny[0], 1074), Math.scalb(tiny[1], 1074),
                    Math.scalb(tiny[2], 1074), Normalization.COMPONENT);
            assertArrayEquals(refTiny, SphericalHarmonics.evaluate(lmax, tiny[0], tiny[1], tiny[2], Normalization.COMPONENT),
                    1e-12, "subnormal");
            for (double s : new double[] {1e-100, 1e100}) {
                double[] poly = SphericalHarmonics.evaluate(3, s * u[0], s * u[1], s * u[2], false, Normalization.NORM);
                double[] unitPoly = SphericalHarmonics.evaluate(3, u[0], u[1], u[2], false, Normalization.NORM);
                for (int l = 0; l <= 3; l++) {
                    for (int i = l * l; i < (l + 1) * (l + 1); i++) {
                        double expected = unitPoly[i] * Math.pow(s, l);
                        assertEquals(expected, poly[i], 1e-12 * Math.pow(s, l), "l " + l + " scale " + s);
                    }
                }
            }
        }
        // an axis vector far beyond the square's range: only m = 0 of each degree, exactly the unit values
        double[] big = SphericalHarmonics.evaluate(3, 0, 1e300, 0, Normalization.COMPONENT);
        assertArrayEquals(SphericalHarmonics.evaluate(3, 0, 1, 0, Normalization.COMPONENT), big, 0);
        // unnormalised and overflowing: zero components stay zero, the others overflow as the true value does
        double[] over = SphericalHarmonics.evaluate(2, 1e200, 0, 0, false, Normalization.NORM);
        assertEquals(0.0, over[5]);
        assertTrue(Double.isInfinite(over[8]) || Double.isInfinite(over[4]) || Double.isInfinite(over[6]),
                java.util.Arrays.toString(over));
    }

    static double[] unit(Random rng) {
        double x = rng.nextGaussian(), y = rng.nextGaussian(), z = rng.nextGaussian();
        double r = Math.sqrt(x * x + y * y + z * z);
        return new double[] {x / r, y / r, z / r};
    }
}

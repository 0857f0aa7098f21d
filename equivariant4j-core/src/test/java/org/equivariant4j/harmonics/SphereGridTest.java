package org.equivariant4j.harmonics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.Rotations;
import org.equivariant4j.group.SO3Element;
import org.junit.jupiter.api.Test;

class SphereGridTest {

    @Test
    void repulsionReachesThePlatonicMinimisers() {
        // Thomson's problem: 4 → tetrahedron, 6 → octahedron, 12 → icosahedron (circumradius 1)
        assertEquals(Math.sqrt(8.0 / 3), SphereGrid.uniform(4).minimumDistance(), 1e-6);
        assertEquals(Math.sqrt(2), SphereGrid.uniform(6).minimumDistance(), 1e-6);
        assertEquals(4 / Math.sqrt(10 + 2 * Math.sqrt(5)), SphereGrid.uniform(12).minimumDistance(), 1e-6);
        for (int n : new int[] {16, 50}) {
            assertTrue(SphereGrid.uniform(n).minimumDistance() > SphereGrid.fibonacci(n).minimumDistance() * 1.05, "n=" + n);
        }
    }

    @Test
    void groupOrbitsAndTheirQuadratureDegrees() {
        int[][] ico = {{12, 5}, {20, 5}, {30, 5}, {60, 5}};
        for (int[] c : ico) {
            SphereGrid g = SphereGrid.icosahedral(c[0]);
            assertEquals(c[0], g.size());
            assertEquals(c[1], g.quadratureDegree(), "icosahedral " + c[0]);
            double[] w = g.quadratureWeights(c[1]);
            for (double v : w) {
                assertEquals(1.0 / c[0], v, 1e-12, "equal weights on an orbit");
            }
        }
        assertEquals(5, SphereGrid.icosahedral(12).quadratureDegree());
        int[][] oct = {{6, 3}, {8, 3}, {12, 3}, {24, 3}};
        for (int[] c : oct) {
            assertEquals(c[0], SphereGrid.octahedral(c[0]).size());
            assertEquals(c[1], SphereGrid.octahedral(c[0]).quadratureDegree(), "octahedral " + c[0]);
        }
        assertEquals(7, SphereGrid.circle(8).quadratureDegree());
        assertThrows(IllegalArgumentException.class, () -> SphereGrid.icosahedral(13));
    }

    @Test
    void quadratureIntegratesBandLimitedFunctions() {
        SplittableRandom rng = new SplittableRandom(5);
        for (SphereGrid g : new SphereGrid[] {SphereGrid.uniform(16), SphereGrid.fibonacci(40), SphereGrid.icosahedral(20),
            SphereGrid.circle(9)}) {
            int l = g.dimension() == 3 ? 2 : 4;
            double[] w = g.quadratureWeights(l);
            double[][] y = g.harmonics(l);
            double[] c = new double[y[0].length];
            for (int i = 0; i < c.length; i++) {
                c[i] = rng.nextGaussian();
            }
            double integral = 0;
            for (int k = 0; k < g.size(); k++) {
                integral += w[k] * Linalg.dot(y[k], c);
            }
            assertEquals(c[0], integral, 1e-12, g.toString());
            // the mean of x² over S² is 1/3, over S¹ it is 1/2
            double x2 = 0;
            for (int k = 0; k < g.size(); k++) {
                x2 += w[k] * g.point(k)[0] * g.point(k)[0];
            }
            assertEquals(g.dimension() == 3 ? 1.0 / 3 : 0.5, x2, 1e-12);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SphereGrid.uniform(8).quadratureWeights(4));
        assertTrue(e.getMessage().contains("cannot integrate"), e.getMessage());
    }

    @Test
    void transformInvertsOnBandLimitedFunctions() {
        SplittableRandom rng = new SplittableRandom(9);
        Object[][] cases = {{SphereGrid.uniform(16), 2}, {SphereGrid.icosahedral(12), 2}, {SphereGrid.fibonacci(30), 3},
            {SphereGrid.circle(7), 3}, {SphereGrid.uniform(9), 2}};
        for (Object[] c : cases) {
            SphereGrid g = (SphereGrid) c[0];
            SphereGridTransform t = SphereGridTransform.of(g, (Integer) c[1]);
            double[] coeff = new double[t.coefficients()];
            for (int i = 0; i < coeff.length; i++) {
                coeff[i] = rng.nextGaussian();
            }
            assertArrayEquals(coeff, t.analyze(t.synthesize(coeff)), 1e-11, g.toString());
        }
        // degree 1 in NORM normalisation is o itself: a vector v lifts to v·o
        SphereGridTransform t = SphereGridTransform.of(SphereGrid.uniform(16), 1);
        double[] v = {0.3, -1.2, 0.7};
        double[] f = t.synthesize(new double[] {0, v[0], v[1], v[2]});
        for (int k = 0; k < 16; k++) {
            assertEquals(Linalg.dot(v, SphereGrid.uniform(16).point(k)), f[k], 1e-14);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SphereGridTransform.of(SphereGrid.uniform(8), 3));
        assertTrue(e.getMessage().contains("fewer than the 16 harmonics"), e.getMessage());
    }

    @Test
    void rotationsOfTheGroupPermuteTheGridAndCommuteWithTheTransform() {
        SphereGrid g = SphereGrid.icosahedral(12);
        int lmax = 2;
        SphereGridTransform t = SphereGridTransform.of(g, lmax);
        SplittableRandom rng = new SplittableRandom(2);
        double[] f = new double[g.size()];
        for (int k = 0; k < f.length; k++) {
            f[k] = rng.nextGaussian(); // any samples, not band-limited
        }
        double worst = 0;
        for (SO3Element r : Groups.icosahedral().elements()) {
            double[][] q = r.matrix();
            int[] perm = g.permutation(q, 1e-9).orElseThrow();
            double[] moved = new double[f.length];
            for (int k = 0; k < f.length; k++) {
                moved[perm[k]] = f[k]; // (Q·f)(o_π(k)) = f(o_k)
            }
            double[] expected = wigner(lmax, q, t.analyze(f));
            worst = Math.max(worst, Linalg.maxDiff(expected, t.analyze(moved)));
            double[] c = t.analyze(f);
            double[] synth = t.synthesize(c);
            double[] rotatedSynth = t.synthesize(wigner(lmax, q, c));
            for (int k = 0; k < f.length; k++) {
                worst = Math.max(worst, Math.abs(rotatedSynth[perm[k]] - synth[k]));
            }
        }
        assertTrue(worst < 1e-12, "worst " + worst);
        assertTrue(SphereGrid.uniform(16).permutation(Rotations.randomMatrix(rng), 1e-6).isEmpty());
    }

    @Test
    void badGridsAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> SphereGrid.of(new double[][] {{1, 1, 0}}, "bad"));
        assertThrows(IllegalArgumentException.class, () -> SphereGrid.of(new double[][] {{1, 0, 0}, {1, 0, 0}}, "dup"));
        assertThrows(IllegalArgumentException.class, () -> SphereGrid.uniform(0));
        assertThrows(IllegalArgumentException.class, () -> SphereGrid.circle(4).permutation(Rotations.matrixX(1), 1e-9));
    }

    private static double[] wigner(int lmax, double[][] q, double[] c) {
        double[] out = new double[c.length];
        for (int l = 0; l <= lmax; l++) {
            double[][] d = WignerD.fromMatrix(l, q);
            double[] block = Linalg.apply(d, Linalg.slice(c, l * l, 2 * l + 1));
            System.arraycopy(block, 0, out, l * l, 2 * l + 1);
        }
        return out;
    }
}

package org.equivariant4j.harmonics;

import org.equivariant4j.linalg.Matrices;
import org.equivariant4j.group.EulerAngles;
import org.equivariant4j.group.Quaternion;
import org.equivariant4j.group.Rotations;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class WignerDTest {

    private static final int LMAX = 20;

    @Test
    void matchesE3nnFixture() throws IOException {
        JsonNode cases = O3Fixtures.load("wigner_D.json").get("cases");
        assertTrue(cases.size() >= 3);
        double worst = 0;
        int checked = 0;
        for (JsonNode c : cases) {
            double a = c.get("alpha").asDouble(), b = c.get("beta").asDouble(), g = c.get("gamma").asDouble();
            double[][] r = O3Fixtures.matrix(c.get("matrix"));
            worst = Math.max(worst, Linalg.maxDiff(r, new EulerAngles(a, b, g).toMatrix()));
            for (var it = c.get("D").fields(); it.hasNext(); ) {
                var e = it.next();
                int l = Integer.parseInt(e.getKey());
                double[][] expected = O3Fixtures.matrix(e.getValue());
                worst = Math.max(worst, Linalg.maxDiff(expected, WignerD.matrix(l, a, b, g)));
                worst = Math.max(worst, Linalg.maxDiff(expected, WignerD.fromMatrix(l, r)));
                checked++;
            }
        }
        assertEquals(15, checked);
        assertTrue(worst < 1e-10, "max fixture error " + worst);
        System.out.println("[harmonics] wigner_D.json max error " + worst);
    }

    @Test
    void referenceValueDegreeTwo() {
        double[][] expected = {
            {0.3990860704, 0.7096223422, 0.3883843343, -0.2992716188, -0.3110635736},
            {-0.2624358060, 0.2193959057, 0.2069168727, -0.4121800549, 0.8187098964},
            {0.6778328861, -0.4510673253, -0.1913758379, -0.5355259977, 0.1169103969},
            {-0.3358096351, -0.4647145348, 0.6689059979, -0.3436516353, -0.3251778124},
            {0.4468022198, -0.1699418640, 0.5676998074, 0.5793613379, 0.3369642535}};
        assertTrue(Linalg.maxDiff(expected, WignerD.matrix(2, 0.3, 1.1, -0.7)) < 1e-10);
    }

    @Test
    void degreeOneIsTheRotationAndJOneIsKnown() {
        RandomGenerator rng = new SplittableRandom(1);
        for (int t = 0; t < 10; t++) {
            double[][] r = Rotations.randomMatrix(rng);
            assertTrue(Linalg.maxDiff(r, WignerD.fromMatrix(1, r)) < 1e-14);
        }
        assertTrue(Linalg.maxDiff(new double[][] {{0, -1, 0}, {-1, 0, 0}, {0, 0, 1}}, WignerD.j(1)) < 1e-14);
        assertArrayEquals(new double[][] {{1}}, WignerD.matrix(0, 0.1, 0.2, 0.3));
    }

    @Test
    void jIsSymmetricAndInvolutory() {
        for (int l = 0; l <= LMAX; l++) {
            double[][] j = WignerD.j(l);
            assertTrue(Linalg.maxDiff(j, Linalg.transpose(j)) < 1e-13, "symmetric l=" + l);
            assertTrue(Linalg.maxDiff(Linalg.identity(2 * l + 1), Linalg.multiply(j, j)) < 1e-13, "J²=I l=" + l);
        }
        j(3)[0][0] = 42; // copies are independent of the memo
        assertTrue(Math.abs(WignerD.j(3)[0][0]) < 1);
    }

    private static double[][] j(int l) {
        return WignerD.j(l);
    }

    @Test
    void equivarianceOfSphericalHarmonicsUpToDegreeTwenty() {
        RandomGenerator rng = new SplittableRandom(2);
        double worst = 0;
        for (int t = 0; t < 4; t++) {
            Quaternion q = Rotations.randomQuaternion(rng);
            double[][] r = q.toMatrix();
            double x = rng.nextGaussian(), y = rng.nextGaussian(), z = rng.nextGaussian();
            double[] rx = Linalg.apply(r, new double[] {x, y, z});
            double[] before = SphericalHarmonics.evaluate(LMAX, x, y, z, Normalization.COMPONENT);
            double[] after = SphericalHarmonics.evaluate(LMAX, rx[0], rx[1], rx[2], Normalization.COMPONENT);
            for (int l = 0; l <= LMAX; l++) {
                double[][] d = t % 2 == 0 ? WignerD.fromMatrix(l, r) : WignerD.fromQuaternion(l, q);
                double[] expected = Linalg.slice(after, l * l, 2 * l + 1);
                double[] got = Linalg.apply(d, Linalg.slice(before, l * l, 2 * l + 1));
                double err = Linalg.maxDiff(expected, got);
                assertTrue(err < 1e-9, "l=" + l + " error " + err);
                if (l == LMAX) {
                    worst = Math.max(worst, err);
                }
            }
        }
        System.out.println("[harmonics] max equivariance error at l=" + LMAX + ": " + worst);
    }

    @Test
    void homomorphismOrthogonalityAndInverse() {
        RandomGenerator rng = new SplittableRandom(3);
        double[][] r1 = Rotations.randomMatrix(rng), r2 = Rotations.randomMatrix(rng);
        double[][] r12 = Matrices.multiply(r1, r2);
        double[][] r1inv = Linalg.transpose(r1);
        EulerAngles a1 = EulerAngles.fromMatrix(r1);
        for (int l = 0; l <= LMAX; l++) {
            double[][] d1 = WignerD.fromMatrix(l, r1), d2 = WignerD.fromMatrix(l, r2);
            double[][] d12 = WignerD.fromMatrix(l, r12);
            assertTrue(Linalg.maxDiff(d12, Linalg.multiply(d1, d2)) < 1e-11, "homomorphism l=" + l);
            assertTrue(Linalg.maxDiff(Linalg.identity(2 * l + 1), Linalg.multiply(d1, Linalg.transpose(d1))) < 1e-11,
                    "orthogonal l=" + l);
            assertTrue(Linalg.maxDiff(Linalg.transpose(d1), WignerD.fromMatrix(l, r1inv)) < 1e-11, "inverse l=" + l);
            assertTrue(Linalg.maxDiff(Linalg.transpose(d1), WignerD.fromEulerAngles(l, a1.inverse())) < 1e-11,
                    "inverse angles l=" + l);
            assertTrue(Linalg.maxDiff(Linalg.identity(2 * l + 1), WignerD.matrix(l, 0, 0, 0)) < 1e-13, "identity l=" + l);
        }
    }

    /** e3nn's angular relation Y^l(α, β)·√(4π)/√(2l+1) = D^l(α, β, 0)[:, l] (integral normalisation). */
    @Test
    void middleColumnIsSphericalHarmonic() {
        double alpha = 0.7, beta = 2.1;
        double[] xyz = Rotations.anglesToXyz(alpha, beta);
        for (int l = 0; l <= 10; l++) {
            double[] y = SphericalHarmonics.evaluateDegree(l, xyz[0], xyz[1], xyz[2], Normalization.INTEGRAL);
            double[][] d = WignerD.matrix(l, alpha, beta, 0);
            for (int i = 0; i <= 2 * l; i++) {
                assertEquals(d[i][l], y[i] * Math.sqrt(4 * Math.PI) / Math.sqrt(2 * l + 1), 1e-13);
            }
        }
    }

    @Test
    void nearGimbalLockRoundTrip() {
        for (double beta : new double[] {0, 1e-9, Math.PI, Math.PI - 1e-9}) {
            double[][] r = new EulerAngles(0.4, beta, -1.3).toMatrix();
            double[][] d = WignerD.fromMatrix(5, r);
            assertTrue(Linalg.maxDiff(d, WignerD.matrix(5, 0.4, beta, -1.3)) < 1e-12, "beta=" + beta);
        }
    }

    @Test
    void rejectsBadInput() {
        var e = assertThrows(IllegalArgumentException.class, () -> WignerD.matrix(-1, 0, 0, 0));
        assertTrue(e.getMessage().contains("l = -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> WignerD.fromMatrix(2, new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, -1}}));
        assertTrue(e.getMessage().contains("det(R) = -1") && e.getMessage().contains("rotation"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> WignerD.fromMatrix(2, new double[][] {{1, 0.1, 0}, {0, 1, 0}, {0, 0, 1}}));
        assertTrue(e.getMessage().contains("non-orthogonal"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WignerD.matrix(2, 0.3, Double.NaN, 1));
        assertTrue(e.getMessage().contains("beta = NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WignerD.matrix(1, 0.3, 0, Double.NEGATIVE_INFINITY));
        assertTrue(e.getMessage().contains("gamma = -Infinity"), e.getMessage());
    }
}

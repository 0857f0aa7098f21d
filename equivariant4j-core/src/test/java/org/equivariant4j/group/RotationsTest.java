package org.equivariant4j.group;

import org.equivariant4j.linalg.Matrices;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RotationsTest {

    private static final EulerAngles REF = new EulerAngles(0.3, 1.1, -0.7);

    @Test
    void referenceValues() {
        double[][] r = REF.toMatrix();
        assertTrue(Matrices.maxAbsDifference(new double[][] {
            {0.8170369820, 0.2633697832, -0.5129200009},
            {-0.5741315443, 0.4535961214, -0.6816329866},
            {0.0531369911, 0.8514029104, 0.5218137065}}, r) < 1e-10);
        assertArrayEquals(new double[] {0.2633697832, 0.4535961214, 0.8514029104}, Rotations.anglesToXyz(0.3, 1.1), 1e-10);
        Quaternion q = REF.toQuaternion();
        assertArrayEquals(new double[] {0.8355307909, 0.4587011974, -0.1693704763, -0.2505896063},
                new double[] {q.w(), q.x(), q.y(), q.z()}, 1e-10);
        assertTrue(Matrices.maxAbsDifference(r, q.toMatrix()) < 1e-15);
        AxisAngle aa = AxisAngle.fromMatrix(r);
        assertArrayEquals(new double[] {0.8348466998, -0.3082581514, -0.4560788308, 1.1633963968},
                new double[] {aa.x(), aa.y(), aa.z(), aa.angle()}, 1e-10);
        assertArrayEquals(new double[] {0.3217505544, 1.0068536854}, Rotations.xyzToAngles(1, 2, 3), 1e-10);
    }

    @Test
    void elementaryRotationsAreActiveAndRightHanded() {
        double h = Math.PI / 2;
        assertArrayEquals(new double[] {0, 0, 1}, Matrices.apply(Rotations.matrixX(h), new double[] {0, 1, 0}), 1e-15);
        assertArrayEquals(new double[] {1, 0, 0}, Matrices.apply(Rotations.matrixY(h), new double[] {0, 0, 1}), 1e-15);
        assertArrayEquals(new double[] {0, 1, 0}, Matrices.apply(Rotations.matrixZ(h), new double[] {1, 0, 0}), 1e-15);
        assertTrue(Matrices.maxAbsDifference(Rotations.matrixX(0.4), Quaternion.fromAxisAngle(2, 0, 0, 0.4).toMatrix()) < 1e-15);
        assertTrue(Matrices.maxAbsDifference(Rotations.matrixY(0.4), new AxisAngle(0, 1, 0, 0.4).toMatrix()) < 1e-15);
        assertTrue(Matrices.maxAbsDifference(Rotations.matrixZ(0.4), Quaternion.fromAxisAngle(0, 0, 1, 0.4).toMatrix()) < 1e-15);
    }

    @Test
    void roundTripsBetweenAllRepresentations() {
        RandomGenerator rng = new SplittableRandom(4);
        for (int t = 0; t < 50; t++) {
            Quaternion q = Rotations.randomQuaternion(rng);
            assertEquals(1, q.normSquared(), 1e-14);
            double[][] r = q.toMatrix();
            Rotations.checkRotation(r);
            EulerAngles a = EulerAngles.fromMatrix(r);
            assertTrue(a.beta() >= 0 && a.beta() <= Math.PI);
            assertTrue(Matrices.maxAbsDifference(r, a.toMatrix()) < 1e-14);
            assertTrue(Matrices.maxAbsDifference(r, a.toQuaternion().toMatrix()) < 1e-14);
            assertTrue(Matrices.maxAbsDifference(r, q.toEulerAngles().toMatrix()) < 1e-14);
            Quaternion back = Quaternion.fromMatrix(r);
            double sameSign = Math.signum(back.w() * q.w());
            assertArrayEquals(new double[] {q.w(), q.x(), q.y(), q.z()},
                    new double[] {sameSign * back.w(), sameSign * back.x(), sameSign * back.y(), sameSign * back.z()}, 1e-14);
            AxisAngle aa = q.toAxisAngle();
            assertTrue(aa.angle() >= 0 && aa.angle() <= Math.PI);
            assertTrue(Matrices.maxAbsDifference(r, aa.toMatrix()) < 1e-14);
            assertTrue(Matrices.maxAbsDifference(r, AxisAngle.fromMatrix(r).toMatrix()) < 1e-14);
            // inverses
            assertTrue(Matrices.maxAbsDifference(Matrices.transpose(r), q.inverse().toMatrix()) < 1e-14);
            assertTrue(Matrices.maxAbsDifference(Matrices.transpose(r), a.inverse().toMatrix()) < 1e-14);
            // composition: (q1∘q2) ↔ R1·R2
            Quaternion q2 = Rotations.randomQuaternion(rng);
            assertTrue(Matrices.maxAbsDifference(Matrices.multiply(r, q2.toMatrix()), q.compose(q2).toMatrix()) < 1e-14);
            // angles ⇄ xyz
            double[] v = Rotations.randomMatrix(new SplittableRandom(t))[0];
            double[] ab = Rotations.xyzToAngles(v[0], v[1], v[2]);
            assertArrayEquals(v, Rotations.anglesToXyz(ab[0], ab[1]), 1e-14);
        }
    }

    @Test
    void stableNearZeroAndHalfTurn() {
        for (double angle : new double[] {0, 1e-12, 1e-7, Math.PI - 1e-7, Math.PI - 1e-12, Math.PI}) {
            AxisAngle aa = new AxisAngle(0.6, 0, -0.8, angle);
            double[][] r = aa.toMatrix();
            AxisAngle back = AxisAngle.fromMatrix(r);
            assertTrue(Matrices.maxAbsDifference(r, back.toMatrix()) < 1e-14, "angle " + angle);
            assertEquals(angle, back.angle(), 1e-14);
            if (angle > 1e-9) {
                double s = Math.signum(back.x() * 0.6 + back.z() * -0.8);
                if (angle < 3) {
                    assertEquals(1, s);
                }
                assertArrayEquals(new double[] {0.6, 0, -0.8}, new double[] {s * back.x(), s * back.y(), s * back.z()}, 1e-6);
            }
        }
        AxisAngle id = AxisAngle.fromMatrix(Matrices.identity(3));
        assertEquals(new AxisAngle(0, 1, 0, 0), id);
        assertEquals(Quaternion.identity(), Quaternion.fromMatrix(Matrices.identity(3)));
    }

    @Test
    void haarMeanIsZero() {
        RandomGenerator rng = new SplittableRandom(8);
        double[][] mean = new double[3][3];
        int n = 4000;
        for (int t = 0; t < n; t++) {
            double[][] r = Rotations.randomMatrix(rng);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    mean[i][j] += r[i][j] / n;
                }
            }
        }
        // E[R] = 0 for Haar measure; each entry has variance 1/3, so the mean is ~N(0, 1/(3n))
        assertTrue(Matrices.maxAbsDifference(new double[3][3], mean) < 5 / Math.sqrt(3.0 * n));
    }

    @Test
    void checkRotationReportsWhatIsWrong() {
        double[][] good = REF.toMatrix();
        assertSame(good, Rotations.checkRotation(good));
        var e = assertThrows(IllegalArgumentException.class,
                () -> Rotations.checkRotation(new double[][] {{-1, 0, 0}, {0, 1, 0}, {0, 0, 1}}));
        assertTrue(e.getMessage().contains("det(R) = -1") && e.getMessage().contains("reflection"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Quaternion.fromMatrix(new double[][] {{2, 0, 0}, {0, 1, 0}, {0, 0, 1}}));
        assertTrue(e.getMessage().contains("non-orthogonal") && e.getMessage().contains("3.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> EulerAngles.fromMatrix(new double[2][3]));
        assertTrue(e.getMessage().contains("3x3") && e.getMessage().contains("2 rows"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AxisAngle.fromMatrix(new double[][] {{Double.NaN, 0, 0}, {0, 1, 0}, {0, 0, 1}}));
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AxisAngle(1, 1, 0, 0.2));
        assertTrue(e.getMessage().contains("unit axis"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Quaternion.fromAxisAngle(0, 0, 0, 1));
        assertTrue(e.getMessage().contains("non-zero"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Quaternion(0, 0, 0, 0).normalized());
        assertTrue(e.getMessage().contains("non-zero quaternion"), e.getMessage());
    }
}

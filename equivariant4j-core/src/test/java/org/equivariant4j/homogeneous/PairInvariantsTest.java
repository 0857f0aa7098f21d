package org.equivariant4j.homogeneous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.equivariant4j.group.Rotations;
import org.equivariant4j.linalg.Matrices;
import org.junit.jupiter.api.Test;

class PairInvariantsTest {
    private static final int PAIRS = 200;

    @Test
    void positionsInvariantAndComplete() {
        for (int d = 2; d <= 3; d++) {
            int dim = d;
            checkSpace(new PositionInvariants(d), rng -> randomVector(dim, rng, 2));
        }
    }

    @Test
    void positionOrientationsInvariantAndComplete() {
        for (int d = 2; d <= 3; d++) {
            int dim = d;
            checkSpace(new PositionOrientationInvariants(d),
                    rng -> new PositionOrientation(randomVector(dim, rng, 2), unit(randomVector(dim, rng, 1))));
        }
    }

    @Test
    void posesInvariantAndComplete() {
        for (int d = 2; d <= 3; d++) {
            int dim = d;
            checkSpace(new PoseInvariants(d), rng -> new Pose(randomVector(dim, rng, 2), RigidMotion.random(dim, 0, rng).rotation()));
        }
    }

    /** Invariance under motions, the canonical pair round trip, alignment, and relating pairs with equal invariants. */
    private static <P> void checkSpace(PairInvariants<P> inv, Function<SplittableRandom, P> point) {
        SplittableRandom rng = new SplittableRandom(7 + inv.hashCode());
        double worstInvariance = 0;
        double worstAlignment = 0;
        double worstRelated = 0;
        for (int n = 0; n < PAIRS; n++) {
            P a = point.apply(rng);
            P b = point.apply(rng);
            double[] i0 = inv.of(a, b);
            assertEquals(inv.size(), i0.length);
            RigidMotion g = RigidMotion.random(inv.dimension(), 3, rng);
            worstInvariance = Math.max(worstInvariance, maxDiff(i0, inv.of(inv.act(g, a), inv.act(g, b))));
            // the canonical pair has the same invariants, and the alignment carries it onto (a, b)
            PointPair<P> c = inv.canonicalPair(i0);
            assertArrayEquals(i0, inv.of(c.receiver(), c.sender()), 1e-10);
            RigidMotion al = inv.alignment(a, b);
            worstAlignment = Math.max(worstAlignment, Math.max(distance(inv, inv.act(al, c.receiver()), a),
                    distance(inv, inv.act(al, c.sender()), b)));
            // a pair built independently with the same invariants is related to (a, b) by a motion
            RigidMotion h = RigidMotion.random(inv.dimension(), 5, rng);
            PointPair<P> other = new PointPair<>(inv.act(h, c.receiver()), inv.act(h, c.sender()));
            RigidMotion k = inv.relating(new PointPair<>(a, b), other, 1e-9).orElseThrow();
            worstRelated = Math.max(worstRelated, Math.max(distance(inv, inv.act(k, a), other.receiver()),
                    distance(inv, inv.act(k, b), other.sender())));
        }
        assertTrue(worstInvariance < 1e-12, inv + " invariance error " + worstInvariance);
        assertTrue(worstAlignment < 1e-12, inv + " alignment error " + worstAlignment);
        assertTrue(worstRelated < 1e-11, inv + " relating error " + worstRelated);
    }

    @Test
    void theFirstThreeInvariantsOfR3S2AreIncomplete() {
        // o_j turned about o_i keeps o_i.r, |r_perp| and o_i.o_j but is not related by a rotation; o_j.r sees the turn,
        // and the mirror image of o_j (through the plane of o_i and r) is only told apart by the triple product
        PositionOrientationInvariants inv = new PositionOrientationInvariants(3);
        PositionOrientation receiver = new PositionOrientation(new double[] {0, 0, 0}, new double[] {0, 0, 1});
        double s = Math.sqrt(0.5);
        PositionOrientation sender = new PositionOrientation(new double[] {1, 0, 0.5}, new double[] {0.6 * s, 0.6 * s, 0.8});
        PositionOrientation turned = new PositionOrientation(new double[] {1, 0, 0.5}, new double[] {-0.6 * s, 0.6 * s, 0.8});
        PositionOrientation mirrored = new PositionOrientation(new double[] {1, 0, 0.5}, new double[] {0.6 * s, -0.6 * s, 0.8});
        double[] a = inv.of(receiver, sender);
        double[] t = inv.of(receiver, turned);
        double[] m = inv.of(receiver, mirrored);
        for (double[] other : List.of(t, m)) {
            assertArrayEquals(java.util.Arrays.copyOf(a, 3), java.util.Arrays.copyOf(other, 3), 1e-15);
        }
        assertTrue(Math.abs(a[3] - t[3]) > 0.5);
        assertEquals(a[3], m[3], 1e-15);
        assertEquals(-a[4], m[4], 1e-15);
        assertTrue(Math.abs(a[4]) > 0.1);
        assertTrue(inv.relating(new PointPair<>(receiver, sender), new PointPair<>(receiver, mirrored), 1e-9).isEmpty());
    }

    @Test
    void planarOrientationInvariantsAreSigned() {
        PositionOrientationInvariants inv = new PositionOrientationInvariants(2);
        PositionOrientation receiver = new PositionOrientation(new double[] {0, 0}, new double[] {1, 0});
        double[] left = inv.of(receiver, new PositionOrientation(new double[] {1, 1}, new double[] {0, 1}));
        double[] right = inv.of(receiver, new PositionOrientation(new double[] {1, -1}, new double[] {0, -1}));
        assertArrayEquals(new double[] {1, 1, 0, 1}, left, 1e-15);
        assertArrayEquals(new double[] {1, -1, 0, -1}, right, 1e-15);
    }

    @Test
    void motionsFormAGroup() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int d = 2; d <= 3; d++) {
            RigidMotion a = RigidMotion.random(d, 1, rng);
            RigidMotion b = RigidMotion.random(d, 1, rng);
            RigidMotion c = RigidMotion.random(d, 1, rng);
            double[] x = randomVector(d, rng, 1);
            assertArrayEquals(a.apply(b.apply(x)), a.compose(b).apply(x), 1e-14);
            assertTrue(a.compose(b).compose(c).distance(a.compose(b.compose(c))) < 1e-14);
            assertTrue(a.compose(a.inverse()).distance(RigidMotion.identity(d)) < 1e-14);
        }
    }

    @Test
    void badInputIsNamed() {
        PositionOrientationInvariants inv = new PositionOrientationInvariants(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> inv.canonicalPair(new double[] {0, 1, 0.9, 3, 3}));
        assertTrue(e.getMessage().contains("no pair has the invariants"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> inv.canonicalPair(new double[] {0, 1, 0}));
        assertThrows(IllegalArgumentException.class, () -> new PositionOrientation(new double[] {0, 0, 0}, new double[] {1, 1, 0}));
        assertThrows(IllegalArgumentException.class, () -> new RigidMotion(Matrices.scale(-1, Matrices.identity(3)), new double[3]));
        assertThrows(IllegalArgumentException.class, () -> new PositionInvariants(4));
        assertThrows(IllegalArgumentException.class,
                () -> new PoseInvariants(3).of(new Pose(new double[2], Matrices.identity(2)), new Pose(new double[2], Matrices.identity(2))));
        assertThrows(IllegalArgumentException.class, () -> new Pose(new double[3], Rotations.matrixX(0.3)).moved(RigidMotion.identity(2)));
    }

    private static <P> double distance(PairInvariants<P> inv, P p, P q) {
        if (p instanceof double[] x) {
            return maxDiff(x, (double[]) q);
        }
        if (p instanceof PositionOrientation x) {
            PositionOrientation y = (PositionOrientation) q;
            return Math.max(maxDiff(x.position(), y.position()), maxDiff(x.orientation(), y.orientation()));
        }
        Pose x = (Pose) p;
        Pose y = (Pose) q;
        return Math.max(maxDiff(x.position(), y.position()), Matrices.maxAbsDifference(x.frame(), y.frame()));
    }

    private static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static double[] randomVector(int d, SplittableRandom rng, double scale) {
        double[] v = new double[d];
        for (int i = 0; i < d; i++) {
            v[i] = scale * (2 * rng.nextDouble() - 1);
        }
        return v;
    }

    static double[] unit(double[] v) {
        double n = Math.sqrt(Frames.dot(v, v));
        return Frames.scale(1 / n, v);
    }
}

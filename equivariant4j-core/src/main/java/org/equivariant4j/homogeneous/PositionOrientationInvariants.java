package org.equivariant4j.homogeneous;

import java.util.Arrays;
import java.util.List;

/**
 * Complete invariants of point pairs of R^d × S^{d−1} under SE(d) (d = 2, 3). With the displacement
 * r = x_j − x_i:
 * <pre>
 *   d = 3:  [ o_i·r,  ‖r − (o_i·r) o_i‖,  o_i·o_j,  o_j·r,  (o_i × r)·o_j ]
 *   d = 2:  [ o_i·r,  o_i⊥·r,  o_i·o_j,  o_i⊥·o_j ]        o⊥ = (−o_y, o_x)
 * </pre>
 * The first three for d = 3 (the displacement along o_i, its length orthogonal to o_i, and o_i·o_j) are complete only
 * for pairs with o_j = o_i (or o_j = ±o_i, or r ∥ o_i): in general they miss where o_j points around o_i relative to
 * the displacement (the orbit space of pairs is 4-dimensional: 10 coordinates minus the 6 of SE(3)), which o_j·r fixes
 * up to a mirror image and the triple product (o_i × r)·o_j fixes completely. The separable lifted convolution uses
 * exactly the complete part: the first two for pairs at the same orientation, o_i·o_j for pairs at the same position.
 * In the plane the signed o_i⊥·r and o_i⊥·o_j are needed, because a rotation cannot flip them.
 *
 * <p>Canonical pair (d = 3): receiver (0, e₃), sender at (b, 0, a) with orientation (p, q, c), where a, b, c are the
 * first three invariants, p = (o_j·r − c a)/b and q = (o_i × r)·o_j / b (for b = 0: p = √(1 − c²), q = 0). For d = 2:
 * receiver (0, e₁), sender at (a, s) with orientation (c, t).
 *
 * @param dimension d, 2 or 3
 */
public record PositionOrientationInvariants(int dimension) implements PairInvariants<PositionOrientation> {
    /** How far a canonical orientation's length may be from 1 before the invariants count as inconsistent. */
    private static final double CONSISTENCY = 1e-6;

    public PositionOrientationInvariants {
        if (dimension != 2 && dimension != 3) {
            throw new IllegalArgumentException("expected d = 2 or 3, got " + dimension);
        }
    }

    @Override
    public List<String> names() {
        return dimension == 3
                ? List.of("o_i.r", "|r-(o_i.r)o_i|", "o_i.o_j", "o_j.r", "(o_i x r).o_j")
                : List.of("o_i.r", "perp(o_i).r", "o_i.o_j", "perp(o_i).o_j");
    }

    @Override
    public double[] of(PositionOrientation receiver, PositionOrientation sender) {
        check(receiver);
        check(sender);
        double[] oi = receiver.orientation();
        double[] oj = sender.orientation();
        double[] r = Frames.sub(sender.position(), receiver.position());
        double a = Frames.dot(oi, r);
        double c = Frames.dot(oi, oj);
        if (dimension == 2) {
            double[] p = Frames.perp(oi);
            return new double[] {a, Frames.dot(p, r), c, Frames.dot(p, oj)};
        }
        return new double[] {a, Frames.norm(Frames.subScaled(r, a, oi)), c, Frames.dot(oj, r),
            Frames.dot(Frames.cross(oi, r), oj)};
    }

    @Override
    public PositionOrientation act(RigidMotion g, PositionOrientation p) {
        check(p);
        return p.moved(g);
    }

    @Override
    public PointPair<PositionOrientation> canonicalPair(double[] inv) {
        if (inv.length != size()) {
            throw new IllegalArgumentException("expected " + size() + " invariants " + names() + ", got " + Arrays.toString(inv));
        }
        for (double v : inv) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("expected finite invariants, got " + Arrays.toString(inv));
            }
        }
        double a = inv[0];
        double c = inv[2];
        double[] position;
        double[] orientation;
        double[] reference;
        if (dimension == 2) {
            reference = new double[] {1, 0};
            position = new double[] {a, inv[1]};
            orientation = new double[] {c, inv[3]};
        } else {
            double b = inv[1];
            if (b < 0) {
                throw new IllegalArgumentException("the orthogonal length (invariant 1) must be >= 0, got " + Arrays.toString(inv));
            }
            reference = new double[] {0, 0, 1};
            position = new double[] {b, 0, a};
            if (b > 0) {
                orientation = new double[] {(inv[3] - c * a) / b, inv[4] / b, c};
            } else {
                if (Math.abs(inv[3] - c * a) > CONSISTENCY || Math.abs(inv[4]) > CONSISTENCY) {
                    throw new IllegalArgumentException("for a displacement along o_i (invariant 1 = 0), o_j.r must equal"
                            + " (o_i.o_j)(o_i.r) and the triple product 0; got " + Arrays.toString(inv));
                }
                orientation = new double[] {Math.sqrt(Math.max(0, 1 - c * c)), 0, c};
            }
        }
        double n = Frames.norm(orientation);
        if (Math.abs(n - 1) > CONSISTENCY) {
            throw new IllegalArgumentException("no pair has the invariants " + Arrays.toString(inv) + " (" + names()
                    + "): the sender's orientation would have length " + n);
        }
        return new PointPair<>(new PositionOrientation(new double[dimension], reference),
                new PositionOrientation(position, Frames.scale(1 / n, orientation)));
    }

    @Override
    public RigidMotion alignment(PositionOrientation receiver, PositionOrientation sender) {
        check(receiver);
        check(sender);
        double[] oi = receiver.orientation();
        double[] xi = receiver.position();
        if (dimension == 2) {
            return new RigidMotion(Frames.columns(oi, Frames.perp(oi)), xi);
        }
        double[] r = Frames.sub(sender.position(), xi);
        double[] rPerp = Frames.subScaled(r, Frames.dot(oi, r), oi);
        double b = Frames.norm(rPerp);
        double[] u1;
        if (b > 1e-14 * (1 + Frames.norm(r))) {
            u1 = Frames.scale(1 / b, rPerp);
        } else {
            double[] oj = sender.orientation();
            double[] w = Frames.subScaled(oj, Frames.dot(oi, oj), oi);
            double nw = Frames.norm(w);
            u1 = nw > 1e-14 ? Frames.scale(1 / nw, w) : Frames.orthogonal(oi);
        }
        return new RigidMotion(Frames.columns(u1, Frames.cross(oi, u1), oi), xi);
    }

    private void check(PositionOrientation p) {
        if (p.dimension() != dimension) {
            throw new IllegalArgumentException("expected a point of R^" + dimension + " x S^" + (dimension - 1) + ", got " + p);
        }
    }
}

package org.equivariant4j.homogeneous;

import java.util.Arrays;
import java.util.List;

/**
 * Invariants of point pairs of R^d (d = 2, 3) under SE(d): the distance ‖x_j − x_i‖. Complete: two pairs at the same
 * distance are related by a rigid motion (rotate the displacement onto the other, then translate).
 *
 * <p>Canonical pair: receiver at 0, sender at r·e₁.
 *
 * @param dimension d, 2 or 3
 */
public record PositionInvariants(int dimension) implements PairInvariants<double[]> {
    public PositionInvariants {
        if (dimension != 2 && dimension != 3) {
            throw new IllegalArgumentException("expected d = 2 or 3, got " + dimension);
        }
    }

    @Override
    public List<String> names() {
        return List.of("|x_j-x_i|");
    }

    @Override
    public double[] of(double[] receiver, double[] sender) {
        check(receiver);
        check(sender);
        return new double[] {Frames.norm(Frames.sub(sender, receiver))};
    }

    @Override
    public double[] act(RigidMotion g, double[] p) {
        check(p);
        return g.apply(p);
    }

    @Override
    public PointPair<double[]> canonicalPair(double[] invariants) {
        if (invariants.length != 1 || !(invariants[0] >= 0) || Double.isInfinite(invariants[0])) {
            throw new IllegalArgumentException("expected one finite distance >= 0, got " + Arrays.toString(invariants));
        }
        double[] s = new double[dimension];
        s[0] = invariants[0];
        return new PointPair<>(new double[dimension], s);
    }

    @Override
    public RigidMotion alignment(double[] receiver, double[] sender) {
        double[] d = Frames.sub(sender, receiver);
        double r = Frames.norm(d);
        double[][] rot;
        if (r > 0) {
            rot = Frames.rotationWithFirstColumn(Frames.scale(1 / r, d));
        } else {
            rot = org.equivariant4j.linalg.Matrices.identity(dimension);
        }
        return new RigidMotion(rot, receiver);
    }

    private void check(double[] p) {
        if (p.length != dimension) {
            throw new IllegalArgumentException("expected a point of R^" + dimension + ", got " + Arrays.toString(p));
        }
    }
}

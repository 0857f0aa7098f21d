package org.equivariant4j.homogeneous;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.equivariant4j.linalg.Matrices;

/**
 * Complete invariants of pose pairs of SE(d) itself (d = 2, 3): the relative pose g_i⁻¹ g_j = (F_iᵀ(x_j − x_i),
 * F_iᵀ F_j), as d + d² numbers (the displacement in the receiver's frame, then the relative frame row by row).
 * Invariant because (h g_i)⁻¹ (h g_j) = g_i⁻¹ g_j; complete because equal relative poses g_i⁻¹ g_j = k_i⁻¹ k_j give
 * (k_i, k_j) = (k_i g_i⁻¹)·(g_i, g_j).
 *
 * <p>Canonical pair: receiver the identity pose (0, I), sender the relative pose.
 *
 * @param dimension d, 2 or 3
 */
public record PoseInvariants(int dimension) implements PairInvariants<Pose> {
    public PoseInvariants {
        if (dimension != 2 && dimension != 3) {
            throw new IllegalArgumentException("expected d = 2 or 3, got " + dimension);
        }
    }

    @Override
    public List<String> names() {
        List<String> n = new ArrayList<>();
        for (int k = 0; k < dimension; k++) {
            n.add("(F_i^T r)_" + k);
        }
        for (int r = 0; r < dimension; r++) {
            for (int c = 0; c < dimension; c++) {
                n.add("(F_i^T F_j)_" + r + c);
            }
        }
        return List.copyOf(n);
    }

    @Override
    public double[] of(Pose receiver, Pose sender) {
        check(receiver);
        check(sender);
        double[][] ft = Matrices.transpose(receiver.frame());
        double[] rel = Matrices.apply(ft, Frames.sub(sender.position(), receiver.position()));
        double[][] m = Matrices.multiply(ft, sender.frame());
        double[] out = new double[dimension + dimension * dimension];
        System.arraycopy(rel, 0, out, 0, dimension);
        for (int r = 0; r < dimension; r++) {
            System.arraycopy(m[r], 0, out, dimension + r * dimension, dimension);
        }
        return out;
    }

    @Override
    public Pose act(RigidMotion g, Pose p) {
        check(p);
        return p.moved(g);
    }

    @Override
    public PointPair<Pose> canonicalPair(double[] inv) {
        if (inv.length != size()) {
            throw new IllegalArgumentException("expected " + size() + " invariants (relative position, then relative frame row"
                    + " by row), got " + Arrays.toString(inv));
        }
        double[] rel = Arrays.copyOf(inv, dimension);
        double[][] m = new double[dimension][dimension];
        for (int r = 0; r < dimension; r++) {
            System.arraycopy(inv, dimension + r * dimension, m[r], 0, dimension);
        }
        return new PointPair<>(new Pose(new double[dimension], Matrices.identity(dimension)), new Pose(rel, m));
    }

    @Override
    public RigidMotion alignment(Pose receiver, Pose sender) {
        check(receiver);
        check(sender);
        return receiver.asMotion();
    }

    private void check(Pose p) {
        if (p.dimension() != dimension) {
            throw new IllegalArgumentException("expected a pose of SE(" + dimension + "), got " + p);
        }
    }
}

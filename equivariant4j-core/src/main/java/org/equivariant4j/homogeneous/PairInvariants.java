package org.equivariant4j.homogeneous;

import java.util.List;
import java.util.Optional;

/**
 * Invariants of point pairs of a homogeneous space X of SE(d): a map inv: X × X → R^k with
 * <ul>
 *   <li>invariance: inv(g·p_i, g·p_j) = inv(p_i, p_j) for every rigid motion g, and</li>
 *   <li>completeness: inv(p_i, p_j) = inv(q_i, q_j) only if (q_i, q_j) = g·(p_i, p_j) for some g.</li>
 * </ul>
 * Completeness is shown constructively: {@link #canonicalPair} maps invariants to one representative of their orbit,
 * and {@link #alignment} finds, for any pair, the motion g with g·canonicalPair(inv(p_i, p_j)) = (p_i, p_j); so
 * {@link #relating} gives the motion between any two pairs with equal invariants.
 *
 * @param <P> the point type of X
 */
public interface PairInvariants<P> {
    /** d, the dimension of the positions. */
    int dimension();

    /** Names of the k invariants, in order (for documentation and model cards). */
    List<String> names();

    /** k. */
    default int size() {
        return names().size();
    }

    /** inv(p_i, p_j): the invariants of the message from sender p_j to receiver p_i. */
    double[] of(P receiver, P sender);

    /** g·p. */
    P act(RigidMotion g, P p);

    /**
     * The canonical pair with these invariants (receiver at the origin in its reference orientation).
     *
     * @throws IllegalArgumentException when no pair has these invariants (wrong length, or violated constraints beyond
     *     rounding)
     */
    PointPair<P> canonicalPair(double[] invariants);

    /** The motion g with g·canonicalPair(of(receiver, sender)) = (receiver, sender). */
    RigidMotion alignment(P receiver, P sender);

    /**
     * A motion g with g·(a_i, a_j) = (b_i, b_j), when the two pairs have the same invariants within {@code tolerance}
     * (largest absolute difference); empty otherwise.
     */
    default Optional<RigidMotion> relating(PointPair<P> a, PointPair<P> b, double tolerance) {
        double[] ia = of(a.receiver(), a.sender());
        double[] ib = of(b.receiver(), b.sender());
        for (int k = 0; k < ia.length; k++) {
            if (!(Math.abs(ia[k] - ib[k]) <= tolerance)) {
                return Optional.empty();
            }
        }
        return Optional.of(alignment(b.receiver(), b.sender()).compose(alignment(a.receiver(), a.sender()).inverse()));
    }
}

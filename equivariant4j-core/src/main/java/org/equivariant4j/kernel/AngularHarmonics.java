package org.equivariant4j.kernel;

import org.equivariant4j.group.Group;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.repr.Irrep;

/**
 * A steerable family of angular functions on R^d for the orthogonal group H = O(d): for each frequency f a vector-valued
 * function Y_f: R^d → R^{dim J_f} that transforms under an irrep J_f of H, Y_f(hx) = J_f(h) Y_f(x). Multiplied by radial
 * profiles they span the scalar filters from which steerable kernel bases of every subgroup G ≤ H are built.
 *
 * @param <H> the element type of H
 */
public interface AngularHarmonics<H extends GroupElement> {
    /** H, e.g. O(2). */
    Group<H> group();

    /** d. */
    int spatialDimension();

    /** J_f, the irrep of H under which Y_f transforms. */
    Irrep<H> irrep(int frequency);

    /**
     * Y_f(x) for a point x of R^d; at the origin only f = 0 is non-zero (the constant, where it is defined).
     *
     * @return dim J_f values
     */
    double[] evaluate(int frequency, double[] x);
}

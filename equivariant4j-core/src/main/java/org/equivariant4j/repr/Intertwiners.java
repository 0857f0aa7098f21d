package org.equivariant4j.repr;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.equivariant4j.group.Group;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.linalg.Matrices;
import org.equivariant4j.linalg.NullSpace;

/**
 * The space Hom_G(ρ₁, ρ₂) of intertwiners: linear maps A: R^{d₁} → R^{d₂} with A ρ₁(g) = ρ₂(g) A for all g.
 *
 * <p>Solved as the common null space of the linear constraints A ρ₁(s) − ρ₂(s) A = 0 over the group's generators s
 * (for a continuous group a few generic elements generating a dense subgroup), then validated on random elements.
 * This is the "Sylvester" solver behind decompositions, endomorphism bases and Clebsch–Gordan coefficients of
 * groups without a closed form, and behind equivariant linear layers.
 */
public final class Intertwiners {
    /** Largest accepted residual ‖Aρ₁(g) − ρ₂(g)A‖_max of a basis element on a validation element. */
    public static final double VALIDATION_TOLERANCE = 1e-8;

    private Intertwiners() {}

    /**
     * An orthonormal basis (Frobenius inner product) of Hom_G(ρ₁, ρ₂), each element a d₂×d₁ matrix. Empty when the two
     * representations share no irrep.
     */
    public static <E extends GroupElement> List<double[][]> basis(Representation<E> from, Representation<E> to) {
        Group<E> group = from.group();
        if (!to.group().equals(group)) {
            throw new IllegalArgumentException("intertwiners between representations of different groups: " + group.name()
                    + " and " + to.group().name());
        }
        int d1 = from.dimension();
        int d2 = to.dimension();
        NullSpace ns = new NullSpace(d1 * d2);
        for (E s : group.generators()) {
            addConstraints(ns, from.matrix(s), to.matrix(s));
        }
        List<double[][]> basis = new ArrayList<>();
        for (double[] v : ns.basis()) {
            double[][] a = new double[d2][d1];
            for (int i = 0; i < d2; i++) {
                System.arraycopy(v, i * d1, a[i], 0, d1);
            }
            basis.add(a);
        }
        validate(group, from, to, basis);
        return basis;
    }

    /** Adds the d₂·d₁ equations (Aρ₁ − ρ₂A)_ij = 0 for one group element, A flattened row-major (index i·d₁ + j). */
    private static void addConstraints(NullSpace ns, double[][] r1, double[][] r2) {
        int d1 = r1.length;
        int d2 = r2.length;
        double[] row = new double[d1 * d2];
        for (int i = 0; i < d2; i++) {
            for (int j = 0; j < d1; j++) {
                java.util.Arrays.fill(row, 0.0);
                for (int k = 0; k < d1; k++) {
                    row[i * d1 + k] += r1[k][j];
                }
                for (int k = 0; k < d2; k++) {
                    row[k * d1 + j] -= r2[i][k];
                }
                ns.addRow(row);
            }
        }
    }

    private static <E extends GroupElement> void validate(
            Group<E> group, Representation<E> from, Representation<E> to, List<double[][]> basis) {
        if (basis.isEmpty()) {
            return;
        }
        SplittableRandom rng = new SplittableRandom(0x5eedL);
        int checks = group.isFinite() ? Math.min(group.order(), 4) : 4;
        for (int t = 0; t < checks; t++) {
            E g = group.random(rng);
            double[][] r1 = from.matrix(g);
            double[][] r2 = to.matrix(g);
            for (double[][] a : basis) {
                double err = Matrices.maxAbsDifference(Matrices.multiply(a, r1), Matrices.multiply(r2, a));
                if (err > VALIDATION_TOLERANCE) {
                    throw new IllegalStateException("intertwiner from " + from.name() + " to " + to.name() + " fails on " + g
                            + " (residual " + err + "): the generators of " + group.name() + " do not generate it, or a "
                            + "representation is not a homomorphism");
                }
            }
        }
    }
}

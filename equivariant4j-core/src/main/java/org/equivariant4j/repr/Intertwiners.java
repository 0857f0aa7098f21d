package org.equivariant4j.repr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.equivariant4j.group.Group;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.linalg.Matrices;
import org.equivariant4j.linalg.NullSpace;

/**
 * The space Hom_G(ρ₁, ρ₂) of intertwiners: linear maps A: R^{d₁} → R^{d₂} with A ρ₁(g) = ρ₂(g) A for all g.
 *
 * <h2>Per irrep pair (the general route, {@link #of})</h2>
 * With the decompositions ρ₁ = Q₁ (⊕ψ) Q₁ᵀ and ρ₂ = Q₂ (⊕ψ) Q₂ᵀ, Schur's lemma leaves one block per pair of copies of
 * the same irrep ψ, and the intertwiners between two copies are the endomorphisms End(ψ) (1, 2 or 4 of them for a real,
 * complex or quaternionic irrep). So an orthonormal (Frobenius) basis of Hom_G(ρ₁, ρ₂) is
 * <pre>
 *   B = Q₂[:, copy b] · E · Q₁[:, copy a]ᵀ,   for every copy a of ψ in ρ₁, copy b of ψ in ρ₂, E in End(ψ),
 * </pre>
 * of size K = Σ_ψ m₁(ψ)·m₂(ψ)·dim End(ψ). The only linear algebra is each representation's decomposition (known by
 * construction for direct sums, irreps and changes of basis; computed once and kept by the representation otherwise) and
 * each irrep's endomorphisms (kept by the irrep). The result ({@link IntertwinerBasis}) keeps this factored form, so a
 * representation of thousands of dimensions gets its basis without forming K dense matrices.
 *
 * <h2>Dense (the Sylvester solver, {@link #solve})</h2>
 * The common null space of the linear constraints A ρ₁(s) − ρ₂(s) A = 0 over the group's generators s (for a continuous
 * group a few generic elements generating a dense subgroup), validated on random elements. It costs O((d₁d₂)³), so it is
 * used only where one side is small: the decompositions themselves (Hom(ψ, ρ) for an irrep ψ), endomorphisms of irreps,
 * and the small per-irrep-pair problems of steerable kernel bases; and as the reference the tests compare against.
 */
public final class Intertwiners {
    /** Largest accepted residual ‖Aρ₁(g) − ρ₂(g)A‖_max of a basis element on a validation element. */
    public static final double VALIDATION_TOLERANCE = 1e-8;

    private Intertwiners() {}

    /** An orthonormal basis of Hom_G(ρ₁, ρ₂), per irrep pair, in factored form (see the class doc). */
    public static <E extends GroupElement> IntertwinerBasis<E> of(Representation<E> from, Representation<E> to) {
        requireSameGroup(from, to);
        return IntertwinerBasis.build(from, to);
    }

    /**
     * An orthonormal basis (Frobenius inner product) of Hom_G(ρ₁, ρ₂) as dense d₂×d₁ matrices, in the order of
     * {@link IntertwinerBasis}. Empty when the two representations share no irrep.
     */
    public static <E extends GroupElement> List<double[][]> basis(Representation<E> from, Representation<E> to) {
        return of(from, to).elements();
    }

    /**
     * The dense solver: an orthonormal basis of Hom_G(ρ₁, ρ₂) from the null space of the (d₁d₂)-dimensional linear
     * system, each element a d₂×d₁ matrix. Use it only when d₁·d₂ is small (see the class doc).
     *
     * @throws IllegalStateException when a solution fails on a random group element (the generators do not generate the
     *     group, or a representation is not a homomorphism)
     */
    public static <E extends GroupElement> List<double[][]> solve(Representation<E> from, Representation<E> to) {
        Group<E> group = requireSameGroup(from, to);
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

    private static <E extends GroupElement> Group<E> requireSameGroup(Representation<E> from, Representation<E> to) {
        Group<E> group = from.group();
        if (!to.group().equals(group)) {
            throw new IllegalArgumentException("intertwiners between representations of different groups: " + group.name()
                    + " and " + to.group().name());
        }
        return group;
    }

    /** Adds the d₂·d₁ equations (Aρ₁ − ρ₂A)_ij = 0 for one group element, A flattened row-major (index i·d₁ + j). */
    private static void addConstraints(NullSpace ns, double[][] r1, double[][] r2) {
        int d1 = r1.length;
        int d2 = r2.length;
        double[] row = new double[d1 * d2];
        for (int i = 0; i < d2; i++) {
            for (int j = 0; j < d1; j++) {
                Arrays.fill(row, 0.0);
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

package org.equivariant4j.repr;

import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.group.FiniteGroup;
import org.equivariant4j.group.Group;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.linalg.Matrices;

/**
 * Numerical decomposition of an orthogonal representation into the group's irreps: ρ = Q (⊕ψ_i) Qᵀ.
 *
 * <p>For every candidate irrep ψ the intertwiner space Hom(ψ, ρ) has dimension m·dim End(ψ), m the multiplicity.
 * Each intertwiner A of an irrep satisfies AᵀA = c·I, so A/√c embeds one copy of ψ isometrically; copies are taken
 * greedily, projecting the remaining intertwiners onto the orthogonal complement of the copies already taken
 * (the projector is itself equivariant). The columns of all copies form Q.
 *
 * <p>Candidates: all irreps of a finite group (multiplicities from characters skip absent ones); for a continuous
 * group irreps of increasing frequency until the dimensions add up (at most {@link #MAX_FREQUENCY}).
 */
final class IrrepDecomposition {
    static final int MAX_FREQUENCY = 64;

    private IrrepDecomposition() {}

    static <E extends GroupElement> Representation.Decomposition<E> decompose(Representation<E> rho) {
        Group<E> group = rho.group();
        requireOrthogonal(rho);
        int d = rho.dimension();
        List<Irrep<E>> irreps = new ArrayList<>();
        List<double[][]> copies = new ArrayList<>();
        int found = 0;
        if (group instanceof FiniteGroup<E> finite) {
            for (Irrep<E> psi : finite.irreps()) {
                int m = multiplicityFromCharacters(finite, rho, psi);
                if (m > 0) {
                    found += addCopies(rho, psi, m, irreps, copies);
                }
            }
        } else {
            List<Irrep<E>> seen = new ArrayList<>();
            for (int f = 0; f <= MAX_FREQUENCY && found < d; f++) {
                for (Irrep<E> psi : group.irreps(f)) {
                    if (seen.contains(psi)) {
                        continue;
                    }
                    seen.add(psi);
                    found += addCopies(rho, psi, -1, irreps, copies);
                }
            }
        }
        if (found != d) {
            throw new IllegalStateException("could not decompose " + rho + ": the irreps found span " + found + " of " + d
                    + " dimensions (is it a homomorphism into orthogonal matrices?)");
        }
        double[][] q = new double[d][d];
        int col = 0;
        for (double[][] a : copies) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < a[0].length; j++) {
                    q[i][col + j] = a[i][j];
                }
            }
            col += a[0].length;
        }
        return new Representation.Decomposition<>(List.copyOf(irreps), q);
    }

    /** m = ⟨χ_ρ, χ_ψ⟩ / dim End(ψ), with ⟨χ, χ'⟩ = (1/|G|) Σ_g χ(g) χ'(g). */
    private static <E extends GroupElement> int multiplicityFromCharacters(FiniteGroup<E> g, Representation<E> rho, Irrep<E> psi) {
        double s = 0;
        for (E e : g.elements()) {
            s += rho.character(e) * psi.character(e);
        }
        double m = s / g.order() / psi.type().endomorphismDimension();
        long r = Math.round(m);
        if (Math.abs(m - r) > 1e-6) {
            throw new IllegalStateException("character inner product of " + rho.name() + " with " + psi.name() + " is " + m
                    + ", not an integer: check the irrep's type and that ρ is a representation");
        }
        return (int) r;
    }

    /**
     * Adds the copies of ψ in ρ (m of them, or as many as found when m < 0) and returns the dimension they span.
     */
    private static <E extends GroupElement> int addCopies(
            Representation<E> rho, Irrep<E> psi, int expected, List<Irrep<E>> irreps, List<double[][]> copies) {
        List<double[][]> hom = Intertwiners.solve(psi, rho);
        if (hom.isEmpty()) {
            if (expected > 0) {
                throw new IllegalStateException("characters say " + psi.name() + " occurs " + expected + " times in " + rho.name()
                        + " but no intertwiner was found");
            }
            return 0;
        }
        int endo = psi.type().endomorphismDimension();
        if (hom.size() % endo != 0) {
            throw new IllegalStateException("Hom(" + psi.name() + ", " + rho.name() + ") has dimension " + hom.size()
                    + ", not a multiple of dim End = " + endo + ": is the irrep's type right?");
        }
        int m = hom.size() / endo;
        if (expected >= 0 && m != expected) {
            throw new IllegalStateException("multiplicity of " + psi.name() + " in " + rho.name() + ": characters say " + expected
                    + ", intertwiners say " + m);
        }
        int dPsi = psi.dimension();
        List<double[][]> taken = new ArrayList<>();
        for (int c = 0; c < m; c++) {
            double[][] best = null;
            double bestNorm = -1;
            for (double[][] b : hom) {
                double[][] r = b;
                for (double[][] a : taken) {
                    r = Matrices.addScaled(r, -1.0, Matrices.multiply(a, Matrices.multiply(Matrices.transpose(a), r)));
                }
                double n = Matrices.frobeniusNorm(r);
                if (n > bestNorm) {
                    bestNorm = n;
                    best = r;
                }
            }
            if (best == null || bestNorm < 1e-6) {
                throw new IllegalStateException("lost a copy of " + psi.name() + " while decomposing " + rho.name());
            }
            double[][] a = Matrices.scale(Math.sqrt(dPsi) / bestNorm, best);
            if (!Matrices.isOrthogonalColumns(a, 1e-8)) {
                throw new IllegalStateException("an intertwiner from " + psi.name() + " is not a scaled isometry (AᵀA ≠ cI): "
                        + "is ψ irreducible over the reals?");
            }
            taken.add(a);
            irreps.add(psi);
            copies.add(a);
        }
        return m * dPsi;
    }

    private static <E extends GroupElement> void requireOrthogonal(Representation<E> rho) {
        for (E g : rho.group().generators()) {
            if (!Matrices.isOrthogonal(rho.matrix(g), 1e-8)) {
                throw new IllegalArgumentException("only orthogonal representations can be decomposed; " + rho.name() + " is not"
                        + " orthogonal on " + g);
            }
        }
    }
}

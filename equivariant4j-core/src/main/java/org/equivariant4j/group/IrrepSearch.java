package org.equivariant4j.group;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.equivariant4j.linalg.Matrices;
import org.equivariant4j.linalg.SymmetricEigen;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.IrrepType;

/**
 * The irreps of a finite subgroup G of O(3), found by splitting restricted irreps of the ambient group: for each
 * candidate representation ρ of G (the restriction of a Wigner D matrix of degree l, with a parity for subgroups of O(3)),
 * a random symmetric matrix averaged over G, M̄ = (1/|G|) Σ_g ρ(g) M ρ(g)ᵀ, commutes with ρ, and its eigenspaces are
 * ρ's irreducible summands. Each summand whose character is new is kept in the basis found that way, until Σ d² = |G|.
 * Every irrep is of real type, as all irreps of the finite subgroups of O(3) found this way are (the tests check the
 * endomorphism spaces).
 */
final class IrrepSearch {
    /**
     * A candidate representation of G.
     *
     * @param degree    l of the ambient irrep (the frequency of the irreps found in it)
     * @param parity    +1, or −1 for the odd O(3) irreps (0 for subgroups of SO(3))
     * @param dimension 2l + 1
     * @param matrices  g ↦ the ambient irrep at g
     */
    record Candidate<E>(int degree, int parity, int dimension, Function<E, double[][]> matrices) {}

    /** Names an irrep from its dimension and the candidate it was found in. */
    @FunctionalInterface
    interface Labels {
        String label(int dimension, Candidate<?> foundIn);
    }

    private IrrepSearch() {}

    /**
     * The irreps of {@code group}, from the candidates in order (stopping when Σ d² = |G|), with a seeded generator.
     *
     * @throws IllegalStateException when the candidates do not contain every irrep
     */
    static <E extends GroupElement> List<Irrep<E>> find(FiniteGroup<E> group, List<Candidate<E>> candidates, long seed,
            Labels labels) {
        int order = group.order();
        List<E> elements = group.elements();
        List<Irrep<E>> found = new ArrayList<>();
        List<double[]> characters = new ArrayList<>();
        int covered = 0;
        SplittableRandom rng = new SplittableRandom(seed);
        for (Candidate<E> c : candidates) {
            if (covered >= order) {
                break;
            }
            int d = c.dimension();
            double[][][] rho = new double[order][][];
            for (int g = 0; g < order; g++) {
                rho[g] = c.matrices().apply(elements.get(g));
            }
            double[][] m = new double[d][d];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j <= i; j++) {
                    m[i][j] = m[j][i] = rng.nextDouble(-1, 1);
                }
            }
            double[][] avg = new double[d][d];
            for (double[][] r : rho) {
                avg = Matrices.addScaled(avg, 1.0 / order, Matrices.multiply(r, m, Matrices.transpose(r)));
            }
            avg = Matrices.scale(0.5, Matrices.addScaled(avg, 1.0, Matrices.transpose(avg)));
            SymmetricEigen eig = SymmetricEigen.of(avg);
            int start = 0;
            while (start < d) {
                int end = start + 1;
                while (end < d && Math.abs(eig.values()[end] - eig.values()[start]) < 1e-9) {
                    end++;
                }
                double[][] v = new double[d][end - start];
                for (int i = 0; i < d; i++) {
                    for (int k = start; k < end; k++) {
                        v[i][k - start] = eig.vectors()[i][k];
                    }
                }
                double[][][] block = new double[order][][];
                double[] chi = new double[order];
                for (int g = 0; g < order; g++) {
                    block[g] = Matrices.multiply(Matrices.transpose(v), rho[g], v);
                    chi[g] = Matrices.trace(block[g]);
                }
                if (isNew(chi, characters)) {
                    characters.add(chi);
                    int dim = end - start;
                    found.add(new Irrep<>(group, labels.label(dim, c), dim, c.degree(), IrrepType.REAL,
                            e -> Matrices.copy(block[group.indexOf(e)])));
                    covered += dim * dim;
                }
                start = end;
            }
        }
        if (covered != order) {
            throw new IllegalStateException("found irreps of " + group.name() + " with Σ d² = " + covered + ", expected " + order);
        }
        return found;
    }

    private static boolean isNew(double[] chi, List<double[]> known) {
        for (double[] k : known) {
            double s = 0;
            for (int g = 0; g < chi.length; g++) {
                s += chi[g] * k[g];
            }
            if (Math.abs(s / chi.length) > 0.5) {
                return false;
            }
        }
        return true;
    }
}

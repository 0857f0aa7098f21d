package org.equivariant4j.repr;

import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.group.GroupElement;

/**
 * The Clebsch–Gordan decomposition of a tensor product of two irreps, ψ_a ⊗ ψ_b = ⊕_paths ψ_c.
 *
 * <p>Each {@link Path} holds coefficients C[i][j][k] (shape d_a × d_b × d_c) such that the map v ↦ Σ_k C[i][j][k] v_k
 * embeds ψ_c isometrically into ψ_a ⊗ ψ_b (index i·d_b + j) and is equivariant:
 * Σ_{i'j'} ψ_a(g)_{ii'} ψ_b(g)_{jj'} C[i'][j'][k] = Σ_{k'} C[i][j][k'] ψ_c(g)_{k'k}. Together the paths form an
 * orthogonal change of basis of R^{d_a d_b}.
 *
 * <p>For SO(3) and O(3) the coefficients are the closed-form real Wigner 3j symbols of e3nn scaled by √(2l_c+1)
 * (see {@code org.equivariant4j.group.SO3}); for every other group they come from the numerical decomposition of
 * the tensor product representation.
 *
 * @param <E> the group's element type
 */
public final class ClebschGordan<E extends GroupElement> {
    private final Irrep<E> a;
    private final Irrep<E> b;
    private final List<Path<E>> paths;

    /**
     * One copy of ψ_c in ψ_a ⊗ ψ_b.
     *
     * @param irrep        ψ_c
     * @param copy         which copy of ψ_c (0, 1, …) when it occurs more than once
     * @param coefficients C, shape d_a × d_b × d_c
     */
    public record Path<E extends GroupElement>(Irrep<E> irrep, int copy, double[][][] coefficients) {}

    private ClebschGordan(Irrep<E> a, Irrep<E> b, List<Path<E>> paths) {
        this.a = a;
        this.b = b;
        this.paths = List.copyOf(paths);
    }

    /** The decomposition of ψ_a ⊗ ψ_b. */
    public static <E extends GroupElement> ClebschGordan<E> of(Irrep<E> a, Irrep<E> b) {
        if (!a.group().equals(b.group())) {
            throw new IllegalArgumentException("Clebsch-Gordan coefficients need irreps of one group, got " + a.group().name()
                    + " and " + b.group().name());
        }
        if (a.group() instanceof ClosedFormClebschGordan<?> closed) {
            @SuppressWarnings("unchecked")
            ClosedFormClebschGordan<E> typed = (ClosedFormClebschGordan<E>) closed;
            return new ClebschGordan<>(a, b, typed.clebschGordanPaths(a, b));
        }
        Representation<E> product = a.tensor(b);
        List<Irrep<E>> irreps = product.irreps();
        double[][] q = product.changeOfBasis();
        int da = a.dimension();
        int db = b.dimension();
        List<Path<E>> paths = new ArrayList<>();
        int col = 0;
        for (Irrep<E> c : irreps) {
            int copy = 0;
            for (Path<E> p : paths) {
                if (p.irrep().equals(c)) {
                    copy++;
                }
            }
            int dc = c.dimension();
            double[][][] coeff = new double[da][db][dc];
            for (int i = 0; i < da; i++) {
                for (int j = 0; j < db; j++) {
                    for (int k = 0; k < dc; k++) {
                        coeff[i][j][k] = q[i * db + j][col + k];
                    }
                }
            }
            paths.add(new Path<>(c, copy, coeff));
            col += dc;
        }
        return new ClebschGordan<>(a, b, paths);
    }

    /** ψ_a. */
    public Irrep<E> left() {
        return a;
    }

    /** ψ_b. */
    public Irrep<E> right() {
        return b;
    }

    /** All paths, grouped by irrep. */
    public List<Path<E>> paths() {
        return paths;
    }

    /** The paths into one irrep ψ_c (empty if ψ_c does not occur). */
    public List<Path<E>> paths(Irrep<E> c) {
        return paths.stream().filter(p -> p.irrep().equals(c)).toList();
    }

    /** Multiplicity of ψ_c in ψ_a ⊗ ψ_b. */
    public int multiplicity(Irrep<E> c) {
        return paths(c).size();
    }
}

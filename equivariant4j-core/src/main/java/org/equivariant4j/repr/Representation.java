package org.equivariant4j.repr;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.equivariant4j.group.Group;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.group.SubgroupEmbedding;
import org.equivariant4j.linalg.Matrices;

/**
 * A real orthogonal representation ρ: G → O(d), a homomorphism ρ(a·b) = ρ(a)ρ(b) into d×d orthogonal matrices.
 *
 * <p>Every representation of a compact group splits into irreps: ρ(g) = Q (ψ₁(g) ⊕ … ⊕ ψ_k(g)) Qᵀ with an orthogonal
 * change of basis Q. {@link #irreps()} and {@link #changeOfBasis()} give that decomposition; it is either known by
 * construction (direct sums, changes of basis of irreps) or computed once, on first use, by the intertwiner solver
 * ({@link IrrepDecomposition}) and then kept by this object. Instances are immutable and thread-safe.
 *
 * @param <E> the group's element type
 */
public class Representation<E extends GroupElement> {
    private final Group<E> group;
    private final String name;
    private final int dimension;
    private final Function<E, double[][]> matrices;
    private volatile Decomposition<E> decomposition;

    /** The irreps ψ_i (in block order) and the orthogonal Q with ρ = Q (⊕ψ_i) Qᵀ. */
    record Decomposition<E extends GroupElement>(List<Irrep<E>> irreps, double[][] changeOfBasis) {}

    Representation(Group<E> group, String name, int dimension, Function<E, double[][]> matrices, Decomposition<E> known) {
        this.group = Objects.requireNonNull(group, "group");
        this.name = Objects.requireNonNull(name, "name");
        if (dimension < 1) {
            throw new IllegalArgumentException("a representation needs dimension >= 1, got " + dimension + " for " + name);
        }
        this.dimension = dimension;
        this.matrices = Objects.requireNonNull(matrices, "matrices");
        this.decomposition = known;
    }

    /**
     * A representation given by its matrices. The function must return a fresh d×d orthogonal matrix for each element
     * and be a homomorphism; the decomposition is computed on demand.
     */
    public static <E extends GroupElement> Representation<E> of(
            Group<E> group, String name, int dimension, Function<E, double[][]> matrices) {
        return new Representation<>(group, name, dimension, matrices, null);
    }

    /** The direct sum ρ₁ ⊕ ρ₂ ⊕ … (block diagonal), with the decomposition assembled from the parts'. */
    @SafeVarargs
    public static <E extends GroupElement> Representation<E> directSum(String name, Representation<E>... parts) {
        return directSum(name, List.of(parts));
    }

    /** The direct sum of a list of representations of the same group. */
    public static <E extends GroupElement> Representation<E> directSum(String name, List<? extends Representation<E>> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a direct sum needs at least one representation");
        }
        Group<E> g = parts.get(0).group();
        int d = 0;
        for (Representation<E> p : parts) {
            if (!p.group().equals(g)) {
                throw new IllegalArgumentException("direct sum of representations of different groups: " + g.name() + " and "
                        + p.group().name());
            }
            d += p.dimension();
        }
        List<Representation<E>> copy = List.copyOf(parts);
        return new Representation<>(g, name, d, e -> {
            List<double[][]> blocks = new ArrayList<>(copy.size());
            for (Representation<E> p : copy) {
                blocks.add(p.matrix(e));
            }
            return Matrices.blockDiagonal(blocks);
        }, null) {
            @Override
            Decomposition<E> computeDecomposition() {
                List<Irrep<E>> irreps = new ArrayList<>();
                List<double[][]> qs = new ArrayList<>();
                for (Representation<E> p : copy) {
                    irreps.addAll(p.irreps());
                    qs.add(p.changeOfBasis());
                }
                return new Decomposition<>(List.copyOf(irreps), Matrices.blockDiagonal(qs));
            }
        };
    }

    /** The direct sum of irreps with a change of basis: ρ(g) = Q (⊕ψ_i(g)) Qᵀ, Q orthogonal. */
    public static <E extends GroupElement> Representation<E> fromIrreps(
            String name, List<? extends Irrep<E>> irreps, double[][] changeOfBasis) {
        Representation<E> sum = directSum(name, irreps);
        return sum.changeBasis(name, changeOfBasis);
    }

    /** The same representation in another basis: ρ'(g) = Q ρ(g) Qᵀ for an orthogonal Q. */
    public Representation<E> changeBasis(String newName, double[][] q) {
        int[] s = Matrices.shape(q);
        if (s[0] != dimension || s[1] != dimension) {
            throw new IllegalArgumentException("change of basis for " + name + " must be " + dimension + "x" + dimension
                    + ", got " + s[0] + "x" + s[1]);
        }
        if (!Matrices.isOrthogonal(q, 1e-9)) {
            throw new IllegalArgumentException("change of basis for " + name + " must be orthogonal (QᵀQ = I within 1e-9)");
        }
        double[][] qc = Matrices.copy(q);
        double[][] qt = Matrices.transpose(qc);
        Representation<E> base = this;
        return new Representation<>(group, newName, dimension, e -> Matrices.multiply(qc, base.matrix(e), qt), null) {
            @Override
            Decomposition<E> computeDecomposition() {
                return new Decomposition<>(base.irreps(), Matrices.multiply(qc, base.changeOfBasis()));
            }
        };
    }

    /** The tensor product (ρ ⊗ σ)(g) = ρ(g) ⊗ σ(g) (Kronecker, index i·dim σ + j). */
    public Representation<E> tensor(Representation<E> other) {
        if (!other.group().equals(group)) {
            throw new IllegalArgumentException("tensor product of representations of different groups: " + group.name() + " and "
                    + other.group().name());
        }
        Representation<E> self = this;
        return new Representation<>(group, name + "⊗" + other.name(), dimension * other.dimension(),
                e -> Matrices.kronecker(self.matrix(e), other.matrix(e)), null);
    }

    /** The restriction Res_H ρ: h ↦ ρ(ι(h)), a representation of the subgroup H. */
    public <H extends GroupElement> Representation<H> restrict(SubgroupEmbedding<H, E> embedding) {
        if (!embedding.group().equals(group)) {
            throw new IllegalArgumentException("cannot restrict a representation of " + group.name() + " along an embedding into "
                    + embedding.group().name());
        }
        Representation<E> self = this;
        return Representation.of(embedding.subgroup(), name + " restricted to " + embedding.subgroup().name(), dimension,
                h -> self.matrix(embedding.include(h)));
    }

    /** The group represented. */
    public Group<E> group() {
        return group;
    }

    /** Name for messages and listings. */
    public String name() {
        return name;
    }

    /** The dimension d. */
    public int dimension() {
        return dimension;
    }

    /** ρ(g), a fresh d×d matrix; g must belong to the group. */
    public double[][] matrix(E g) {
        return matrices.apply(group.requireElement(g));
    }

    /** The character χ(g) = tr ρ(g). */
    public double character(E g) {
        return Matrices.trace(matrix(g));
    }

    /** The irreps ψ_i of the decomposition, in block order (with repetition). */
    public List<Irrep<E>> irreps() {
        return decomposition().irreps();
    }

    /** The orthogonal Q with ρ(g) = Q (⊕ψ_i(g)) Qᵀ (a fresh copy). */
    public double[][] changeOfBasis() {
        return Matrices.copy(decomposition().changeOfBasis());
    }

    /** Q without copying, for this package's read-only use. */
    double[][] changeOfBasisView() {
        return decomposition().changeOfBasis();
    }

    /** How many times ψ occurs in ρ. */
    public int multiplicity(Irrep<E> psi) {
        int m = 0;
        for (Irrep<E> p : irreps()) {
            if (p.equals(psi)) {
                m++;
            }
        }
        return m;
    }

    /** Whether ρ is a single irrep. */
    public boolean isIrreducible() {
        return irreps().size() == 1;
    }

    private Decomposition<E> decomposition() {
        Decomposition<E> d = decomposition;
        if (d == null) {
            synchronized (this) {
                d = decomposition;
                if (d == null) {
                    d = computeDecomposition();
                    decomposition = d;
                }
            }
        }
        return d;
    }

    /** Computes the decomposition; overridden where it is known by construction. */
    Decomposition<E> computeDecomposition() {
        return IrrepDecomposition.decompose(this);
    }

    @Override
    public String toString() {
        return name + " of " + group.name() + " (dim " + dimension + ")";
    }
}

package org.equivariant4j.group;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.equivariant4j.linalg.Matrices;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.Representation;

/**
 * Common machinery of a finite group: the element list, a multiplication table, the regular, quotient and
 * induced representations. Subclasses list the elements and give their irreps.
 *
 * @param <E> the element type
 */
public abstract class FiniteGroup<E extends GroupElement> implements Group<E> {
    private final String name;
    private final List<E> elements;
    private volatile Tables tables;

    /** Multiplication table and inverse indices, built on first use (subclass fields are set by then). */
    private record Tables(int[][] product, int[] inverse) {}

    /**
     * @param name     the group's name
     * @param elements all elements, identity first; {@link #indexOf} must agree with this order
     */
    protected FiniteGroup(String name, List<E> elements) {
        this.name = name;
        this.elements = List.copyOf(elements);
    }

    private Tables tables() {
        Tables t = tables;
        if (t == null) {
            synchronized (this) {
                t = tables;
                if (t == null) {
                    int n = elements.size();
                    int[][] product = new int[n][n];
                    int[] inverse = new int[n];
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < n; j++) {
                            product[i][j] = locate(compose(elements.get(i), elements.get(j)));
                        }
                        inverse[i] = locate(inverse(elements.get(i)));
                    }
                    t = new Tables(product, inverse);
                    tables = t;
                }
            }
        }
        return t;
    }

    /** Index of an element computed from its parameters, or −1 if it is not in the group. */
    protected abstract int locate(E element);

    @Override
    public String name() {
        return name;
    }

    /** All elements, identity first. */
    public List<E> elements() {
        return elements;
    }

    /** The i-th element. */
    public E element(int index) {
        if (index < 0 || index >= elements.size()) {
            throw new IllegalArgumentException("element index must be in [0, " + elements.size() + ") for " + name + ", got " + index);
        }
        return elements.get(index);
    }

    /** The position of g in {@link #elements()}. */
    public int indexOf(E g) {
        int i = locate(requireElement(g));
        if (i < 0) {
            throw new IllegalArgumentException(g + " is not an element of " + name);
        }
        return i;
    }

    /** Index of elements()[i]·elements()[j]. */
    public int productIndex(int i, int j) {
        return tables().product()[i][j];
    }

    /** Index of elements()[i]⁻¹. */
    public int inverseIndex(int i) {
        return tables().inverse()[i];
    }

    @Override
    public boolean isFinite() {
        return true;
    }

    @Override
    public int order() {
        return elements.size();
    }

    @Override
    public E random(RandomGenerator rng) {
        return elements.get(rng.nextInt(elements.size()));
    }

    @Override
    public List<E> grid(int size) {
        if (size != elements.size()) {
            throw new IllegalArgumentException("the grid of the finite group " + name + " is all its " + elements.size()
                    + " elements; asked for " + size);
        }
        return elements;
    }

    /** All real irreps (each once, up to equivalence). */
    public abstract List<Irrep<E>> irreps();

    @Override
    public List<Irrep<E>> irreps(int maxFrequency) {
        return irreps();
    }

    /** The left-regular representation on R^|G|: ρ(g) e_h = e_{gh}. */
    public Representation<E> regularRepresentation() {
        int n = order();
        return Representation.of(this, "regular", n, g -> {
            int[] row = tables().product()[indexOf(g)];
            double[][] m = new double[n][n];
            for (int h = 0; h < n; h++) {
                m[row[h]][h] = 1.0;
            }
            return m;
        });
    }

    /**
     * Left cosets gH of a subgroup, each listed as the sorted indices of its elements; the first coset is H itself.
     */
    public <H extends GroupElement> List<int[]> cosets(SubgroupEmbedding<H, E> embedding) {
        requireEmbeddingInto(embedding);
        Group<H> sub = embedding.subgroup();
        if (!(sub instanceof FiniteGroup<H> finiteSub)) {
            throw new IllegalArgumentException("cosets need a finite subgroup, got " + sub.name());
        }
        int[] hIdx = new int[finiteSub.order()];
        for (int k = 0; k < hIdx.length; k++) {
            hIdx[k] = indexOf(embedding.include(finiteSub.element(k)));
        }
        int n = order();
        int[] cosetOf = new int[n];
        java.util.Arrays.fill(cosetOf, -1);
        List<int[]> cosets = new ArrayList<>();
        for (int g = 0; g < n; g++) {
            if (cosetOf[g] >= 0) {
                continue;
            }
            int[] c = new int[hIdx.length];
            int[] row = tables().product()[g];
            for (int k = 0; k < hIdx.length; k++) {
                c[k] = row[hIdx[k]];
                cosetOf[c[k]] = cosets.size();
            }
            java.util.Arrays.sort(c);
            cosets.add(c);
        }
        return cosets;
    }

    /** The permutation representation on the left cosets G/H: ρ(g) e_{xH} = e_{gxH}. */
    public <H extends GroupElement> Representation<E> quotientRepresentation(SubgroupEmbedding<H, E> embedding) {
        List<int[]> cosets = cosets(embedding);
        int n = order();
        int[] cosetOf = new int[n];
        for (int c = 0; c < cosets.size(); c++) {
            for (int g : cosets.get(c)) {
                cosetOf[g] = c;
            }
        }
        int m = cosets.size();
        return Representation.of(this, "quotient " + name + "/" + embedding.subgroup().name(), m, g -> {
            int[] row = tables().product()[indexOf(g)];
            double[][] r = new double[m][m];
            for (int c = 0; c < m; c++) {
                r[cosetOf[row[cosets.get(c)[0]]]][c] = 1.0;
            }
            return r;
        });
    }

    /**
     * The induced representation Ind_H^G ψ on ⊕_{cosets} R^{dim ψ}: with coset representatives r_i (r_0 = e),
     * the (i, j) block of ρ(g) is ψ(r_i⁻¹ g r_j) when r_i⁻¹ g r_j ∈ H and zero otherwise. Orthogonal if ψ is.
     */
    public <H extends GroupElement> Representation<E> inducedRepresentation(
            SubgroupEmbedding<H, E> embedding, Representation<H> psi) {
        if (!psi.group().equals(embedding.subgroup())) {
            throw new IllegalArgumentException("expected a representation of " + embedding.subgroup().name()
                    + ", got one of " + psi.group().name());
        }
        List<int[]> cosets = cosets(embedding);
        FiniteGroup<H> sub = (FiniteGroup<H>) embedding.subgroup();
        int[] subgroupIndexOf = new int[order()];
        java.util.Arrays.fill(subgroupIndexOf, -1);
        for (int k = 0; k < sub.order(); k++) {
            subgroupIndexOf[indexOf(embedding.include(sub.element(k)))] = k;
        }
        int m = cosets.size();
        int[] reps = new int[m];
        for (int c = 0; c < m; c++) {
            reps[c] = cosets.get(c)[0];
        }
        reps[0] = 0;
        int d = psi.dimension();
        return Representation.of(this, "induced " + psi.name() + " from " + sub.name(), m * d, g -> {
            int gi = indexOf(g);
            int[][] product = tables().product();
            int[] inverse = tables().inverse();
            double[][] r = new double[m * d][m * d];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    int x = product[product[inverse[reps[i]]][gi]][reps[j]];
                    int h = subgroupIndexOf[x];
                    if (h < 0) {
                        continue;
                    }
                    double[][] block = psi.matrix(sub.element(h));
                    for (int a = 0; a < d; a++) {
                        System.arraycopy(block[a], 0, r[i * d + a], j * d, d);
                    }
                }
            }
            return r;
        });
    }

    private void requireEmbeddingInto(SubgroupEmbedding<?, E> embedding) {
        if (!embedding.group().equals(this)) {
            throw new IllegalArgumentException("expected an embedding into " + name + ", got one into " + embedding.group().name());
        }
    }

    @Override
    public List<E> generators() {
        return elements;
    }

    /** Helper for subclasses: the matrices of the standard action for all elements are orthogonal. */
    protected static boolean orthogonal(double[][] m) {
        return Matrices.isOrthogonal(m, 1e-9);
    }

    @Override
    public String toString() {
        return name;
    }
}

package org.equivariant4j.repr;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.linalg.Matrices;

/**
 * An orthonormal (Frobenius) basis of Hom_G(ρ₁, ρ₂) kept in factored form: element k is
 * B_k = Q₂[:, b] · E · Q₁[:, a]ᵀ for a copy a of an irrep ψ in ρ₁, a copy b of ψ in ρ₂ and an orthonormal
 * endomorphism E of ψ (see {@link Intertwiners}). Elements are ordered by the copy in ρ₂, then the copy in ρ₁, then
 * the endomorphism. Immutable and thread-safe.
 *
 * @param <E> the group's element type
 */
public final class IntertwinerBasis<E extends GroupElement> {
    /**
     * One basis element's factors.
     *
     * @param irrep          ψ
     * @param outCopy        which copy of ψ in ρ₂ (0, 1, …)
     * @param inCopy         which copy of ψ in ρ₁
     * @param outOffset      first column of that copy in Q₂
     * @param inOffset       first column of that copy in Q₁
     * @param endomorphism   index of E in {@link Irrep#endomorphismBasis()}
     */
    public record Element<E extends GroupElement>(Irrep<E> irrep, int outCopy, int inCopy, int outOffset, int inOffset,
            int endomorphism) {}

    private final Representation<E> from;
    private final Representation<E> to;
    private final double[][] qFrom;
    private final double[][] qTo;
    private final List<Element<E>> elements;

    private IntertwinerBasis(Representation<E> from, Representation<E> to, double[][] qFrom, double[][] qTo,
            List<Element<E>> elements) {
        this.from = from;
        this.to = to;
        this.qFrom = qFrom;
        this.qTo = qTo;
        this.elements = List.copyOf(elements);
    }

    static <E extends GroupElement> IntertwinerBasis<E> build(Representation<E> from, Representation<E> to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        List<Irrep<E>> in = from.irreps();
        List<Irrep<E>> out = to.irreps();
        int[] inOffsets = offsets(in);
        int[] outOffsets = offsets(out);
        int[] inCopies = copyIndices(in);
        int[] outCopies = copyIndices(out);
        List<Element<E>> elements = new ArrayList<>();
        for (int b = 0; b < out.size(); b++) {
            Irrep<E> psi = out.get(b);
            int endo = -1;
            for (int a = 0; a < in.size(); a++) {
                if (!in.get(a).equals(psi)) {
                    continue;
                }
                if (endo < 0) {
                    endo = psi.endomorphisms().size();
                }
                for (int e = 0; e < endo; e++) {
                    elements.add(new Element<>(psi, outCopies[b], inCopies[a], outOffsets[b], inOffsets[a], e));
                }
            }
        }
        double[][] qFrom = elements.isEmpty() ? null : from.changeOfBasisView();
        double[][] qTo = elements.isEmpty() ? null : to.changeOfBasisView();
        return new IntertwinerBasis<>(from, to, qFrom, qTo, elements);
    }

    private static int[] offsets(List<? extends Irrep<?>> irreps) {
        int[] o = new int[irreps.size()];
        int off = 0;
        for (int i = 0; i < o.length; i++) {
            o[i] = off;
            off += irreps.get(i).dimension();
        }
        return o;
    }

    /** For each position, how many earlier positions hold the same irrep. */
    private static int[] copyIndices(List<? extends Irrep<?>> irreps) {
        java.util.Map<Irrep<?>, Integer> seen = new java.util.HashMap<>();
        int[] c = new int[irreps.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = seen.merge(irreps.get(i), 1, Integer::sum) - 1;
        }
        return c;
    }

    /** ρ₁. */
    public Representation<E> from() {
        return from;
    }

    /** ρ₂. */
    public Representation<E> to() {
        return to;
    }

    /** K = dim Hom_G(ρ₁, ρ₂) = Σ_ψ m₁(ψ)·m₂(ψ)·dim End(ψ). */
    public int size() {
        return elements.size();
    }

    /** Whether only the zero map intertwines. */
    public boolean isEmpty() {
        return elements.isEmpty();
    }

    /** The factors of every element, in basis order. */
    public List<Element<E>> factors() {
        return elements;
    }

    /** B_k as a fresh d₂×d₁ matrix. */
    public double[][] element(int k) {
        Element<E> el = elements.get(Objects.checkIndex(k, elements.size()));
        double[][] e = el.irrep().endomorphisms().get(el.endomorphism());
        int d = el.irrep().dimension();
        int d1 = from.dimension();
        int d2 = to.dimension();
        // Q₂[:, b..b+d] · E  (d₂×d), then · Q₁[:, a..a+d]ᵀ
        double[][] left = new double[d2][d];
        for (int i = 0; i < d2; i++) {
            for (int p = 0; p < d; p++) {
                double s = 0;
                for (int q = 0; q < d; q++) {
                    s += qTo[i][el.outOffset() + q] * e[q][p];
                }
                left[i][p] = s;
            }
        }
        double[][] b = new double[d2][d1];
        for (int i = 0; i < d2; i++) {
            for (int j = 0; j < d1; j++) {
                double s = 0;
                for (int p = 0; p < d; p++) {
                    s += left[i][p] * qFrom[j][el.inOffset() + p];
                }
                b[i][j] = s;
            }
        }
        return b;
    }

    /** All elements as dense matrices (K·d₁·d₂ numbers: for large representations prefer {@link #expand}). */
    public List<double[][]> elements() {
        List<double[][]> list = new ArrayList<>(elements.size());
        for (int k = 0; k < elements.size(); k++) {
            list.add(element(k));
        }
        return list;
    }

    /** W = Σ_k c_k B_k, computed as Q₂ · M · Q₁ᵀ with the block-sparse M of the irreps' coordinates. */
    public double[][] expand(double[] c) {
        if (c.length != elements.size()) {
            throw new IllegalArgumentException("expected " + elements.size() + " coefficients for Hom(" + from.name() + ", "
                    + to.name() + "), got " + c.length);
        }
        int d1 = from.dimension();
        int d2 = to.dimension();
        if (elements.isEmpty()) {
            return new double[d2][d1];
        }
        double[][] m = new double[d2][d1];
        for (int k = 0; k < c.length; k++) {
            Element<E> el = elements.get(k);
            double[][] e = el.irrep().endomorphisms().get(el.endomorphism());
            for (int p = 0; p < e.length; p++) {
                for (int q = 0; q < e.length; q++) {
                    m[el.outOffset() + p][el.inOffset() + q] += c[k] * e[p][q];
                }
            }
        }
        return Matrices.multiply(qTo, m, Matrices.transpose(qFrom));
    }

    @Override
    public String toString() {
        return "Hom(" + from.name() + ", " + to.name() + ") of " + from.group().name() + ": " + elements.size()
                + " elements";
    }
}

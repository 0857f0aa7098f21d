package org.equivariant4j.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.Representation;

/**
 * The steerable kernel basis: every κ: R^d → R^{dim ρ_out × dim ρ_in} built from radial rings and angular harmonics
 * with κ(gx) = ρ_out(g) κ(x) ρ_in(g)⁻¹ for all g in a group G acting on R^d (for G ≤ O(2) on the plane: C_N, D_N,
 * SO(2), O(2), a single reflection, the trivial group).
 *
 * <h2>Construction</h2>
 * <ol>
 *   <li>Decompose ρ_in = Q_in (⊕ψ_a) Q_inᵀ and ρ_out = Q_out (⊕ψ_b) Q_outᵀ.</li>
 *   <li>For every pair of irrep copies (ψ_a in ρ_in, ψ_b in ρ_out), every ring r and every harmonic frequency
 *       f ≤ cutoff(r), take the orthonormal solutions T of Hom_G(ψ_a ⊗ Res J_f, ψ_b) ({@link HarmonicIntertwiners}); each
 *       gives the irrep-pair kernel κ_T(x) = b_r(‖x‖) Σ_M T[:, i·dim J_f + M] Y_{f,M}(x).</li>
 *   <li>Embed it: κ(x) = Q_out[:, copy b] κ_T(x) Q_in[:, copy a]ᵀ.</li>
 * </ol>
 * κ_T depends on the irreps, not on which copies they are, so {@link #sampleBlocks} samples each distinct κ_T once and
 * leaves the embedding to {@link BlockSamples}.
 * An optional filter on {@link BasisAttributes} removes elements after the cut-off (escnn's {@code basis_filter}).
 * The number of elements per irrep pair, ring and frequency is the multiplicity of ψ_b in ψ_a ⊗ Res J_f times
 * dim End(ψ_b), which the tests compare with the character formula for C_N, D_N, SO(2) and O(2).
 *
 * <p>Element order: output irrep copy, input irrep copy, ring, frequency, solution. Immutable and thread-safe.
 *
 * @param <E> G's element type
 */
public final class SteerableKernelBasis<E extends GroupElement> implements KernelBasis {
    /** One element: the irrep-pair kernel's factors and where it sits. */
    private record Element(int outOffset, int outDim, int inOffset, int inDim, int ring, int frequency, double[][] t,
            int harmonicDim, BasisAttributes attributes, int distinct, int outCopy, int inCopy) {}

    /** What makes two elements' irrep-pair kernels equal: the irreps, the ring, the frequency and the solution. */
    private record KernelKey(String in, String out, int ring, int frequency, int solution) {}

    private final HarmonicIntertwiners<E, ?> solver;
    private final Representation<E> in;
    private final Representation<E> out;
    private final GaussianRadialProfile rings;
    private final double[][] qIn;
    private final double[][] qOut;
    /** The sizes of each side's irrep copies, in decomposition order, for {@link BlockSamples}. */
    private final int[] inCopySizes;
    private final int[] outCopySizes;
    private final List<Element> elements;
    /** One element per distinct irrep-pair kernel (the first that uses it), indexed by {@link Element#distinct()}. */
    private final List<Element> distinct;
    private final List<BasisAttributes> attributes;

    private SteerableKernelBasis(HarmonicIntertwiners<E, ?> solver, Representation<E> in, Representation<E> out,
            GaussianRadialProfile rings, List<Element> elements) {
        this.solver = solver;
        this.in = in;
        this.out = out;
        this.rings = rings;
        this.qIn = in.changeOfBasis();
        this.qOut = out.changeOfBasis();
        this.inCopySizes = in.irreps().stream().mapToInt(Irrep::dimension).toArray();
        this.outCopySizes = out.irreps().stream().mapToInt(Irrep::dimension).toArray();
        this.elements = List.copyOf(elements);
        List<Element> first = new ArrayList<>();
        for (Element e : elements) {
            if (e.distinct() == first.size()) {
                first.add(e);
            }
        }
        this.distinct = List.copyOf(first);
        List<BasisAttributes> a = new ArrayList<>(elements.size());
        for (Element e : elements) {
            a.add(e.attributes());
        }
        this.attributes = List.copyOf(a);
    }

    /**
     * Builds the basis.
     *
     * @param solver  the per-irrep-pair solver of the group action (shared by all layers of one GSpace)
     * @param in      ρ_in
     * @param out     ρ_out
     * @param rings   the radial profile
     * @param cutoff  the largest frequency per ring radius
     * @param filter  keeps an element when it returns true (null keeps all)
     */
    public static <E extends GroupElement> SteerableKernelBasis<E> of(HarmonicIntertwiners<E, ?> solver, Representation<E> in,
            Representation<E> out, GaussianRadialProfile rings, FrequencyCutoff cutoff, Predicate<BasisAttributes> filter) {
        Objects.requireNonNull(solver, "solver");
        Objects.requireNonNull(rings, "rings");
        Objects.requireNonNull(cutoff, "cutoff");
        var g = solver.embedding().subgroup();
        if (!in.group().equals(g) || !out.group().equals(g)) {
            throw new IllegalArgumentException("a steerable kernel basis for " + g.name() + " needs representations of "
                    + g.name() + ", got " + in + " and " + out);
        }
        List<Irrep<E>> inIrreps = in.irreps();
        List<Irrep<E>> outIrreps = out.irreps();
        List<Element> elements = new ArrayList<>();
        java.util.Map<KernelKey, Integer> distinct = new java.util.HashMap<>();
        int outOffset = 0;
        for (int b = 0; b < outIrreps.size(); b++) {
            Irrep<E> psiOut = outIrreps.get(b);
            int inOffset = 0;
            for (int a = 0; a < inIrreps.size(); a++) {
                Irrep<E> psiIn = inIrreps.get(a);
                for (int r = 0; r < rings.size(); r++) {
                    double radius = rings.radius(r);
                    int maxF = (int) Math.floor(cutoff.maxFrequency(radius) + 1e-9);
                    for (int f = 0; f <= maxF; f++) {
                        List<double[][]> homs = solver.solve(psiIn, psiOut, f);
                        int dJ = solver.harmonics().irrep(f).dimension();
                        for (int s = 0; s < homs.size(); s++) {
                            BasisAttributes attr = new BasisAttributes(r, radius, f, psiIn.name(), a, psiOut.name(), b,
                                    psiOut.dimension(), s);
                            if (filter == null || filter.test(attr)) {
                                int id = distinct.computeIfAbsent(new KernelKey(psiIn.name(), psiOut.name(), r, f, s),
                                        key -> distinct.size());
                                elements.add(new Element(outOffset, psiOut.dimension(), inOffset, psiIn.dimension(), r, f,
                                        homs.get(s), dJ, attr, id, b, a));
                            }
                        }
                    }
                }
                inOffset += psiIn.dimension();
            }
            outOffset += psiOut.dimension();
        }
        return new SteerableKernelBasis<>(solver, in, out, rings, elements);
    }

    /** ρ_in. */
    public Representation<E> inRepresentation() {
        return in;
    }

    /** ρ_out. */
    public Representation<E> outRepresentation() {
        return out;
    }

    /** The rings. */
    public GaussianRadialProfile rings() {
        return rings;
    }

    @Override
    public int spatialDimension() {
        return solver.spatialDimension();
    }

    @Override
    public int outSize() {
        return out.dimension();
    }

    @Override
    public int inSize() {
        return in.dimension();
    }

    @Override
    public int size() {
        return elements.size();
    }

    @Override
    public List<BasisAttributes> attributes() {
        return attributes;
    }

    @Override
    public double[] sample(double[][] points) {
        return sampleBlocks(points).dense();
    }

    /**
     * The basis sampled in block form: one block b_r(‖x‖) Σ_M T[:, i·dim J_f + M] Y_{f,M}(x) per distinct (ψ_in, ψ_out,
     * ring, frequency, solution), placed at every pair of irrep copies it serves and embedded by Q_out and Q_in.
     */
    @Override
    public BlockSamples sampleBlocks(double[][] points) {
        int d = spatialDimension();
        int p = points.length;
        double[] norms = new double[p];
        for (int q = 0; q < p; q++) {
            if (points[q].length != d) {
                throw new IllegalArgumentException("expected points of R^" + d + ", got one with " + points[q].length
                        + " coordinates (point " + q + ")");
            }
            double s = 0;
            for (double c : points[q]) {
                s += c * c;
            }
            norms[q] = Math.sqrt(s);
        }
        BlockSamples.Builder builder = BlockSamples.builder(p, qOut, outCopySizes, qIn, inCopySizes);
        int[] blockOf = new int[distinct.size()];
        for (int j = 0; j < distinct.size(); j++) {
            Element e = distinct.get(j);
            double[] block = new double[e.outDim() * e.inDim() * p];
            for (int q = 0; q < p; q++) {
                double radial = rings.evaluate(e.ring(), norms[q]);
                if (radial == 0) {
                    continue;
                }
                double[] y = solver.harmonics().evaluate(e.frequency(), points[q]);
                for (int bo = 0; bo < e.outDim(); bo++) {
                    for (int bi = 0; bi < e.inDim(); bi++) {
                        double s = 0;
                        for (int m = 0; m < e.harmonicDim(); m++) {
                            s += e.t()[bo][bi * e.harmonicDim() + m] * y[m];
                        }
                        block[(bo * e.inDim() + bi) * p + q] = radial * s;
                    }
                }
            }
            blockOf[j] = builder.addBlock(e.outDim(), e.inDim(), block);
        }
        for (Element e : elements) {
            builder.addElement(blockOf[e.distinct()], e.outCopy(), e.inCopy());
        }
        return builder.build();
    }

    @Override
    public String toString() {
        return "SteerableKernelBasis(" + in.name() + " -> " + out.name() + " of " + in.group().name() + ", " + rings + ", "
                + elements.size() + " elements)";
    }
}

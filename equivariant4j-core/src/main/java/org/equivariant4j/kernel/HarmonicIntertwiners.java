package org.equivariant4j.kernel;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.group.SubgroupEmbedding;
import org.equivariant4j.repr.Intertwiners;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.Representation;

/**
 * The per-irrep-pair solver of steerable kernel bases for a group G acting on R^d through an embedding ι: G → H into
 * the orthogonal group H of a family of {@link AngularHarmonics} (O(2) for the plane).
 *
 * <h2>The constraint, one harmonic at a time</h2>
 * A kernel κ(x) = b(‖x‖) Σ_M A_M Y_{f,M}(x) with matrices A_M ∈ R^{d_out×d_in} satisfies κ(gx) = ψ_out(g) κ(x) ψ_in(g)ᵀ
 * for all g ∈ G exactly when the map T: R^{d_in} ⊗ R^{dim J_f} → R^{d_out}, T(u ⊗ y) = Σ_M A_M u y_M, is an intertwiner
 * T ∈ Hom_G(ψ_in ⊗ Res_G J_f, ψ_out): since Y_f(gx) = J_f(ι(g)) Y_f(x), the constraint reads
 * Σ_M A_M ψ_in(g) J_f(g)_{MN} = ψ_out(g) A_N for every N. This is the restricted Wigner–Eckart theorem in the form of a
 * small linear problem (at most 2·2·2 unknowns on the plane), solved by the dense solver; aliasing (several O(2)
 * frequencies meeting the same C_N irrep) comes out by itself. The number of solutions is the multiplicity of ψ_out in
 * ψ_in ⊗ Res J_f times dim End(ψ_out).
 *
 * <p>Solutions are memoised per (ψ_in, ψ_out, f) in this object; hold one per group action (a GSpace does) and share it
 * between layers. Thread-safe.
 *
 * @param <E> G's element type
 * @param <H> H's element type
 */
public final class HarmonicIntertwiners<E extends GroupElement, H extends GroupElement> {
    private record Key(String in, String out, int frequency) {}

    private final SubgroupEmbedding<E, H> embedding;
    private final AngularHarmonics<H> harmonics;
    private final ConcurrentHashMap<Integer, Representation<E>> restricted = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Key, List<double[][]>> solutions = new ConcurrentHashMap<>();

    /**
     * @param embedding ι: G → H
     * @param harmonics the angular functions, steerable for H
     */
    public HarmonicIntertwiners(SubgroupEmbedding<E, H> embedding, AngularHarmonics<H> harmonics) {
        this.embedding = Objects.requireNonNull(embedding, "embedding");
        this.harmonics = Objects.requireNonNull(harmonics, "harmonics");
        if (!embedding.group().equals(harmonics.group())) {
            throw new IllegalArgumentException("the harmonics are steerable for " + harmonics.group().name()
                    + " but the embedding maps into " + embedding.group().name());
        }
    }

    /** ι. */
    public SubgroupEmbedding<E, H> embedding() {
        return embedding;
    }

    /** The angular functions. */
    public AngularHarmonics<H> harmonics() {
        return harmonics;
    }

    /** d. */
    public int spatialDimension() {
        return harmonics.spatialDimension();
    }

    /** Res_G J_f. */
    public Representation<E> restrictedHarmonic(int frequency) {
        return restricted.computeIfAbsent(frequency, f -> harmonics.irrep(f).restrict(embedding));
    }

    /**
     * An orthonormal basis of Hom_G(ψ_in ⊗ Res J_f, ψ_out); element T has shape d_out × (d_in·dim J_f), column index
     * i·dim J_f + M. The returned arrays are shared: do not modify them.
     */
    public List<double[][]> solve(Irrep<E> in, Irrep<E> out, int frequency) {
        if (!in.group().equals(embedding.subgroup()) || !out.group().equals(embedding.subgroup())) {
            throw new IllegalArgumentException("expected irreps of " + embedding.subgroup().name() + ", got " + in + " and " + out);
        }
        return solutions.computeIfAbsent(new Key(in.name(), out.name(), frequency),
                k -> List.copyOf(Intertwiners.solve(in.tensor(restrictedHarmonic(frequency)), out)));
    }
}

package org.equivariant4j.nn.norm;

import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.linalg.Matrices;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.Representation;

/**
 * Batch normalisation with one variance and one scale per irrep of each field (escnn's GNormBatchNorm): each field is
 * taken to its irrep basis by its change of basis (x' = Qᵀx, ρ = Q(⊕ψ)Qᵀ), every irrep block ψ of it is normalised by
 * its own √(E‖x'_ψ‖²/dim ψ + ε) (after removing the mean of the trivial irreps, which also get a bias), and the result
 * is taken back by Q. Finer than {@link IIDBatchNorm} when a field holds several irreps; the two agree on irreducible
 * fields. See {@link FieldBatchNorm}.
 */
public final class GNormBatchNorm extends FieldBatchNorm {
    private GNormBatchNorm(FieldType type, Options options) {
        super(type, options, layout(type));
    }

    /** With the default options. */
    public static GNormBatchNorm of(FieldType type) {
        return of(type, Options.defaults());
    }

    /** With the given options. */
    public static GNormBatchNorm of(FieldType type, Options options) {
        return new GNormBatchNorm(type, options);
    }

    private static Layout layout(FieldType type) {
        int c = type.size();
        int[] group = new int[c];
        List<double[][]> blocks = new ArrayList<>();
        List<Integer> trivial = new ArrayList<>();
        int groups = 0;
        int position = 0;
        for (Representation<?> r : type.representations()) {
            blocks.add(r.changeOfBasis());
            for (Irrep<?> psi : r.irreps()) {
                java.util.Arrays.fill(group, position, position + psi.dimension(), groups++);
                if (psi.equals(r.group().trivialIrrep())) {
                    trivial.add(position);
                }
                position += psi.dimension();
            }
        }
        double[][] u = new double[c][trivial.size()];
        for (int t = 0; t < trivial.size(); t++) {
            u[trivial.get(t)][t] = 1;
        }
        return new Layout(Matrices.blockDiagonal(blocks), u, group, groups, false);
    }
}

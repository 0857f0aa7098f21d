package org.equivariant4j.nn.norm;

import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.Representation;

/**
 * Batch normalisation of any field type (escnn's IIDBatchNorm): one variance and one scale per field (the field is
 * treated as having a covariance proportional to the identity), and the mean removed only along the field's invariant
 * directions: the columns of its change of basis Q that carry trivial irreps (ρ = Q(⊕ψ)Qᵀ), one mean and one bias per
 * trivial irrep. See {@link FieldBatchNorm}.
 */
public final class IIDBatchNorm extends FieldBatchNorm {
    private IIDBatchNorm(FieldType type, Options options) {
        super(type, options, layout(type));
    }

    /** With the default options. */
    public static IIDBatchNorm of(FieldType type) {
        return of(type, Options.defaults());
    }

    /** With the given options. */
    public static IIDBatchNorm of(FieldType type, Options options) {
        return new IIDBatchNorm(type, options);
    }

    private static Layout layout(FieldType type) {
        int[] group = new int[type.size()];
        List<double[]> columns = new ArrayList<>();
        for (int f = 0; f < type.fields(); f++) {
            fillField(group, type, f, f);
            Representation<?> r = type.representations().get(f);
            double[][] q = r.changeOfBasis();
            int offset = 0;
            for (Irrep<?> psi : r.irreps()) {
                if (psi.equals(r.group().trivialIrrep())) {
                    double[] col = new double[type.size()];
                    for (int i = 0; i < r.dimension(); i++) {
                        col[type.fieldStart(f) + i] = q[i][offset];
                    }
                    columns.add(col);
                }
                offset += psi.dimension();
            }
        }
        double[][] u = new double[type.size()][columns.size()];
        for (int t = 0; t < columns.size(); t++) {
            for (int c = 0; c < type.size(); c++) {
                u[c][t] = columns.get(t)[c];
            }
        }
        return new Layout(null, u, group, type.fields(), false);
    }
}

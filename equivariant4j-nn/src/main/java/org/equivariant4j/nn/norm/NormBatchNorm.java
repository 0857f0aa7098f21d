package org.equivariant4j.nn.norm;

import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.Representation;

/**
 * Batch normalisation of the norms of non-trivial fields (escnn's NormBatchNorm): no mean is removed, and each field
 * is divided by √(E‖v‖²/d + ε) (times a learned scale): its mean squared norm per channel over the batch and space.
 *
 * <p>Fields of a representation without the trivial irrep have mean zero in expectation under a symmetric input
 * distribution, which is why only the scale is normalised; a field containing the trivial irrep is refused (use
 * {@link IIDBatchNorm}), as is a non-orthogonal representation. See {@link FieldBatchNorm}.
 */
public final class NormBatchNorm extends FieldBatchNorm {
    private NormBatchNorm(FieldType type, Options options) {
        super(type, options, layout(type));
    }

    /** With the default options. */
    public static NormBatchNorm of(FieldType type) {
        return of(type, Options.defaults());
    }

    /** With the given options. */
    public static NormBatchNorm of(FieldType type, Options options) {
        requireOrthogonal("NormBatchNorm", type);
        for (Representation<?> r : type.distinctRepresentations()) {
            for (Irrep<?> psi : r.irreps()) {
                if (psi.equals(r.group().trivialIrrep())) {
                    throw new IllegalArgumentException("NormBatchNorm normalises fields without a mean and needs representations"
                            + " without the trivial irrep; " + type + " has " + r.name() + " (use IIDBatchNorm)");
                }
            }
        }
        return new NormBatchNorm(type, options);
    }

    private static Layout layout(FieldType type) {
        int[] group = new int[type.size()];
        for (int f = 0; f < type.fields(); f++) {
            fillField(group, type, f, f);
        }
        return new Layout(null, new double[type.size()][0], group, type.fields(), false);
    }
}

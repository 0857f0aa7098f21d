package org.equivariant4j.nn.norm;

import org.equivariant4j.nn.field.FieldType;

/**
 * Batch normalisation of permutation fields (escnn's InnerBatchNorm, what a regular G-CNN uses): one mean and one
 * variance per field, shared by its channels, one scale and one bias per field. For a field of d channels the mean
 * direction is the invariant vector (1, …, 1)/√d, so the field's mean over its channels is removed, and its variance
 * is the mean of the channels' variances.
 *
 * <p>Needs trivial, regular or quotient fields of a finite group ({@link FieldType#isPointwiseCompatible()}); see
 * {@link FieldBatchNorm} for the computation, the statistics and the proof of equivariance.
 */
public final class InnerBatchNorm extends FieldBatchNorm {
    private InnerBatchNorm(FieldType type, Options options) {
        super(type, options, layout(type));
    }

    /** With the default options. */
    public static InnerBatchNorm of(FieldType type) {
        return of(type, Options.defaults());
    }

    /** With the given options. */
    public static InnerBatchNorm of(FieldType type, Options options) {
        requirePointwise("InnerBatchNorm", type);
        return new InnerBatchNorm(type, options);
    }

    private static Layout layout(FieldType type) {
        double[][] u = new double[type.size()][type.fields()];
        int[] group = new int[type.size()];
        for (int f = 0; f < type.fields(); f++) {
            fillField(group, type, f, f);
            for (int c = 0; c < type.fieldSize(f); c++) {
                u[type.fieldStart(f) + c][f] = 1 / Math.sqrt(type.fieldSize(f));
            }
        }
        return new Layout(null, u, group, type.fields());
    }
}

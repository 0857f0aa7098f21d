package org.equivariant4j.nn.norm;

import org.equivariant4j.nn.field.FieldType;

/**
 * Batch normalisation of permutation fields (escnn's InnerBatchNorm, what a regular G-CNN uses): one mean and one
 * variance per field, shared by its channels, one scale and one bias per field. The mean direction of a field is the
 * invariant vector (1, …, 1): the field's mean over its channels (and the batch and positions) is removed, the bias is
 * added to every channel, and the variance is the mean of the channels' variances. With fields of one size this is
 * the engine's fused batch norm of the [batch, fields, d·positions] view (as escnn's BatchNorm3d, and
 * {@link GroupBatchNorm} on bare arrays).
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
                u[type.fieldStart(f) + c][f] = 1;
            }
        }
        boolean uniform = type.representations().stream().allMatch(r -> r.dimension() == type.fieldSize(0));
        return new Layout(null, u, group, type.fields(), uniform);
    }
}

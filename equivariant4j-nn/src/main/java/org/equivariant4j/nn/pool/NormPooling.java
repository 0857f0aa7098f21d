package org.equivariant4j.nn.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import org.equivariant4j.nn.field.AbstractEquivariantBlock;
import org.equivariant4j.nn.field.FieldRuns;
import org.equivariant4j.nn.field.FieldType;

/**
 * Norm pooling (escnn's NormPool): each field v becomes the trivial field ‖v‖ (clamped below at
 * {@link FieldRuns#MIN_NORM}, so the gradient stays finite at v = 0). ‖ρ(g)v‖ = ‖v‖ for orthogonal ρ: invariant in
 * the fibres, equivariant on the base space, for any orthogonal field type. Output type: one trivial field per input
 * field, same GSpace. No parameters.
 */
public final class NormPooling extends AbstractEquivariantBlock {
    private final FieldRuns runs;

    private NormPooling(FieldType type) {
        super(type, FieldType.of(type.gspace(), type.fields(), type.gspace().trivialRepr()));
        requireOrthogonal("NormPooling", type);
        this.runs = FieldRuns.of(type);
    }

    /** ‖v‖ of every field. */
    public static NormPooling of(FieldType type) {
        return new NormPooling(type);
    }

    @Override
    protected NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        return runs.norms(x);
    }

    @Override
    protected Shape outputShape(Shape input) {
        long[] dims = input.getShape().clone();
        dims[1] = inType().fields();
        return new Shape(dims);
    }

    @Override
    public Block export() {
        return exportFunction(runs::norms);
    }
}

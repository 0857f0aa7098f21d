package org.equivariant4j.nn.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import org.equivariant4j.nn.field.AbstractEquivariantBlock;
import org.equivariant4j.nn.field.FieldRuns;
import org.equivariant4j.nn.field.FieldType;

/**
 * Group pooling on feature fields (escnn's GroupPooling): each field of a permutation representation (trivial,
 * regular, quotient) becomes one trivial field, the maximum of its channels. ρ(g) permutes a field's channels, which
 * leaves the maximum unchanged: the output is invariant in the fibres and equivariant on the base space, exactly.
 * Output type: one trivial field per input field, same GSpace. No parameters.
 *
 * <p>(The regular G-CNN blocks on bare [batch, channels, |H|, …] arrays have their own {@link GroupPooling}.)
 */
public final class FieldGroupPooling extends AbstractEquivariantBlock {
    private final FieldRuns runs;

    private FieldGroupPooling(FieldType type) {
        super(type, FieldType.of(type.gspace(), type.fields(), type.gspace().trivialRepr()));
        requirePointwise("FieldGroupPooling", type);
        this.runs = FieldRuns.of(type);
    }

    /** Max over the channels of every field. */
    public static FieldGroupPooling of(FieldType type) {
        return new FieldGroupPooling(type);
    }

    @Override
    protected NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        return runs.reduce(x, FieldRuns.Reduction.MAX);
    }

    @Override
    protected Shape outputShape(Shape input) {
        long[] dims = input.getShape().clone();
        dims[1] = inType().fields();
        return new Shape(dims);
    }

    @Override
    public Block export() {
        return exportFunction(x -> runs.reduce(x, FieldRuns.Reduction.MAX));
    }
}

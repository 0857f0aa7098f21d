package org.equivariant4j.nn.field;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * A DJL {@link Block} between two typed feature spaces: it composes with {@code SequentialBlock}, {@code Trainer} and
 * {@code Model.save/load} on plain arrays, and also takes and returns {@link GeometricTensor}s, refusing a tensor whose
 * type is not {@link #inType()}.
 *
 * <p>{@link #export()} gives plain DJL blocks that compute the same function (expanded weights, no bases, no type
 * checks) for deployment.
 */
public interface EquivariantBlock extends Block {
    /** The input type. */
    FieldType inType();

    /** The output type. */
    FieldType outType();

    /** The typed forward pass. */
    default GeometricTensor apply(ParameterStore parameterStore, GeometricTensor x, boolean training) {
        x.requireType(inType(), this);
        NDArray y = forward(parameterStore, new NDList(x.tensor()), training).singletonOrThrow();
        return GeometricTensor.of(y, outType());
    }

    /** The typed forward pass in inference mode (results attach to the input's manager). */
    default GeometricTensor apply(GeometricTensor x) {
        return apply(new ParameterStore(x.tensor().getManager(), false), x, false);
    }

    /**
     * A plain DJL block computing the same function in inference mode, with its own parameters (copies of the current
     * expanded weights, so later training of this block does not change it). It is initialised and ready to run.
     */
    Block export();
}

package org.equivariant4j.nn.field;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * An equivariant block without parameters: one function of its input, the same in training and inference
 * (nonlinearities without bias, pooling, resampling, retyping). {@link #export()} wraps the function in a DJL
 * {@code LambdaBlock} unless a subclass has a DJL block for it.
 */
public abstract class ParameterFreeBlock extends AbstractEquivariantBlock {
    /** A block from {@code inType} to {@code outType}. */
    protected ParameterFreeBlock(FieldType inType, FieldType outType) {
        super(inType, outType);
    }

    /** y = f(x) for a checked input x [batch, C_in, spatial…]. */
    protected abstract NDArray apply(NDArray x);

    @Override
    protected final NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        return apply(x);
    }

    @Override
    public Block export() {
        return exportFunction(this::apply);
    }
}

package org.equivariant4j.nn.norm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import org.equivariant4j.nn.field.AbstractEquivariantBlock;
import org.equivariant4j.nn.field.FieldRuns;
import org.equivariant4j.nn.field.FieldType;

/**
 * Dropout of whole fields (escnn's FieldDropout): in training, each field of each sample is kept with probability 1 − p
 * and scaled by 1/(1 − p), or set to zero, the same at every position; in inference the identity.
 *
 * <p>Dropping channels one by one would break equivariance for any field of more than one channel; a factor shared by
 * a field's channels and its positions commutes with ρ(g) and with moving the pixels, for every type. The masks come
 * from the engine's generator ({@code Engine.getInstance().setRandomSeed} makes them reproducible). No parameters;
 * {@link #export()} is the identity.
 */
public final class FieldDropout extends AbstractEquivariantBlock {
    private final double p;
    private final FieldRuns runs;

    private FieldDropout(FieldType type, double p) {
        super(type, type);
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("FieldDropout needs a drop probability in [0, 1), got " + p);
        }
        this.p = p;
        this.runs = FieldRuns.of(type);
    }

    /** Drops each field with probability p. */
    public static FieldDropout of(FieldType type, double p) {
        return new FieldDropout(type, p);
    }

    /** p. */
    public double probability() {
        return p;
    }

    @Override
    protected NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        if (!training || p == 0) {
            return x;
        }
        long[] dims = new long[x.getShape().dimension()];
        Arrays.fill(dims, 1);
        dims[0] = x.getShape().get(0);
        dims[1] = inType().fields();
        NDArray keep = x.getManager().randomUniform(0f, 1f, new Shape(dims), DataType.FLOAT32, x.getDevice()).gte(p);
        return runs.scale(x, keep.toType(x.getDataType(), false).div(1 - p));
    }

    @Override
    public Block export() {
        return Blocks.identityBlock();
    }

    @Override
    public String toString() {
        return "FieldDropout(p = " + p + ", " + inType() + ")";
    }
}

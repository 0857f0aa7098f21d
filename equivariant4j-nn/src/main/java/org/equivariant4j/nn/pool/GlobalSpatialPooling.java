package org.equivariant4j.nn.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import org.equivariant4j.nn.field.ParameterFreeBlock;
import org.equivariant4j.nn.field.FieldType;

/**
 * The invariant map from images or volumes to vectors: the mean or the maximum of every channel over all positions,
 * [batch, C, spatial…] → [batch, C], typed by the same representations without a base space
 * ({@link org.equivariant4j.nn.field.GSpace#withoutBaseSpace}), ready for an equivariant linear layer or, for trivial fields, a plain classifier.
 *
 * <h2>Equivariance</h2>
 * A grid symmetry permutes the positions, which neither the mean nor the maximum sees, and ρ(g) acts on the channels:
 * the mean commutes with it for every field type (it is linear), the maximum only when ρ(g) permutes channels (trivial,
 * regular, quotient fields). Exact for the grid symmetries; the output is invariant when all fields are trivial.
 * No parameters.
 */
public final class GlobalSpatialPooling extends ParameterFreeBlock {
    /** Mean or max over the positions. */
    public enum Mode {
        MEAN, MAX
    }

    private final Mode mode;

    private GlobalSpatialPooling(FieldType type, Mode mode) {
        super(type, FieldType.of(type.gspace().withoutBaseSpace(), type.representations()));
        this.mode = java.util.Objects.requireNonNull(mode, "mode");
        requireSpatial("GlobalSpatialPooling", type);
        if (mode == Mode.MAX) {
            requirePointwise("GlobalSpatialPooling (max)", type);
        }
    }

    /** The mean over the positions (any field type). */
    public static GlobalSpatialPooling mean(FieldType type) {
        return new GlobalSpatialPooling(type, Mode.MEAN);
    }

    /** The maximum over the positions (trivial, regular or quotient fields). */
    public static GlobalSpatialPooling max(FieldType type) {
        return new GlobalSpatialPooling(type, Mode.MAX);
    }

    /** Mean or max. */
    public Mode mode() {
        return mode;
    }

    @Override
    protected NDArray apply(NDArray x) {
        NDArray flat = x.reshape(x.getShape().get(0), x.getShape().get(1), -1);
        int[] axis = {2};
        return mode == Mode.MEAN ? flat.mean(axis) : flat.max(axis);
    }

    @Override
    protected Shape outputShape(Shape input) {
        return new Shape(input.get(0), input.get(1));
    }

    @Override
    public String toString() {
        return "GlobalSpatialPooling(" + mode.name().toLowerCase(Locale.ROOT) + ", " + inType() + ")";
    }
}

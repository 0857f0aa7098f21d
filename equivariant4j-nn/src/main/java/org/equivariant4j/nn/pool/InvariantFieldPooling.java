package org.equivariant4j.nn.pool;

import ai.djl.ndarray.NDArray;
import java.util.Locale;
import org.equivariant4j.nn.field.ParameterFreeBlock;
import org.equivariant4j.nn.field.FieldRuns;
import org.equivariant4j.nn.field.FieldType;

/**
 * Invariant maps field by field (escnn's GroupPooling and NormPool): every field becomes one trivial field,
 * <ul>
 *   <li>{@link #groupMax}: the maximum of its channels, for permutation fields (trivial, regular, quotient): ρ(g)
 *       permutes the channels, which leaves the maximum unchanged;</li>
 *   <li>{@link #norm}: its norm ‖v‖ (clamped below at {@link FieldRuns#MIN_NORM} so the gradient stays finite at
 *       v = 0), for any orthogonal field: ‖ρ(g)v‖ = ‖v‖.</li>
 * </ul>
 * The output is invariant in the fibres and equivariant on the base space, exactly. Output type: one trivial field per
 * input field, same GSpace. No parameters. (The regular G-CNN blocks on bare [batch, channels, |H|, …] arrays have
 * their own {@link GroupPooling}.)
 */
public final class InvariantFieldPooling extends ParameterFreeBlock {
    /** Which invariant of a field. */
    public enum Mode {
        GROUP_MAX, NORM
    }

    private final Mode mode;
    private final FieldRuns runs;

    private InvariantFieldPooling(FieldType type, Mode mode) {
        super(type, FieldType.of(type.gspace(), type.fields(), type.gspace().trivialRepr()));
        this.mode = mode;
        if (mode == Mode.GROUP_MAX) {
            requirePointwise("InvariantFieldPooling (group max)", type);
        } else {
            requireOrthogonal("InvariantFieldPooling (norm)", type);
        }
        this.runs = FieldRuns.of(type);
    }

    /** The maximum over the channels of every permutation field (escnn's GroupPooling). */
    public static InvariantFieldPooling groupMax(FieldType type) {
        return new InvariantFieldPooling(type, Mode.GROUP_MAX);
    }

    /** The norm of every field (escnn's NormPool). */
    public static InvariantFieldPooling norm(FieldType type) {
        return new InvariantFieldPooling(type, Mode.NORM);
    }

    /** Which invariant. */
    public Mode mode() {
        return mode;
    }

    @Override
    protected NDArray apply(NDArray x) {
        return mode == Mode.GROUP_MAX ? runs.reduce(x, FieldRuns.Reduction.MAX) : runs.norms(x);
    }

    @Override
    public String toString() {
        return "InvariantFieldPooling(" + mode.name().toLowerCase(Locale.ROOT) + ", " + inType() + ")";
    }
}

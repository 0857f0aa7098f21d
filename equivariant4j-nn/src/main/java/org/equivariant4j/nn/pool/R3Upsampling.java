package org.equivariant4j.nn.pool;

import java.util.Locale;
import java.util.Objects;
import org.equivariant4j.nn.field.FieldType;

/**
 * Upsampling of volumes of feature fields [batch, C, depth, height, width] (escnn's R3Upsampling) by an integer factor
 * or to a given size; see {@link FieldUpsampling} for the rules and their equivariance (trilinear upsampling commutes
 * with the 48 symmetries of the cube for any output size).
 */
public final class R3Upsampling extends FieldUpsampling {
    /** The interpolation rule. */
    public enum Mode {
        NEAREST, TRILINEAR, TRILINEAR_ALIGN_CORNERS
    }

    private final Mode mode;

    private R3Upsampling(FieldType type, Mode mode, int factor, int[] size) {
        super("R3Upsampling", requireBaseSpace("R3Upsampling", type, 3), Rule.values()[Objects.requireNonNull(mode,
                "mode").ordinal()], factor, size);
        this.mode = mode;
    }

    /** Upsampling by an integer factor ≥ 1. */
    public static R3Upsampling of(FieldType type, Mode mode, int factor) {
        return new R3Upsampling(type, mode, factor, null);
    }

    /** Resampling to depth × height × width. */
    public static R3Upsampling ofSize(FieldType type, Mode mode, int depth, int height, int width) {
        return new R3Upsampling(type, mode, 0, new int[] {depth, height, width});
    }

    /** The rule. */
    public Mode mode() {
        return mode;
    }

    @Override
    public String toString() {
        return "R3Upsampling(" + mode.name().toLowerCase(Locale.ROOT) + ", " + describeSize() + ", " + inType() + ")";
    }
}

package org.equivariant4j.nn.pool;

import java.util.Locale;
import java.util.Objects;
import org.equivariant4j.nn.field.FieldType;

/**
 * Upsampling of images of feature fields [batch, C, height, width] (escnn's R2Upsampling) by an integer factor or to a
 * given size; see {@link FieldUpsampling} for the rules and their equivariance.
 */
public final class R2Upsampling extends FieldUpsampling {
    /** The interpolation rule. */
    public enum Mode {
        NEAREST, BILINEAR, BILINEAR_ALIGN_CORNERS
    }

    private final Mode mode;

    private R2Upsampling(FieldType type, Mode mode, int factor, int[] size) {
        super("R2Upsampling", requireBaseSpace("R2Upsampling", type, 2), Rule.values()[Objects.requireNonNull(mode,
                "mode").ordinal()], factor, size);
        this.mode = mode;
    }

    /** Upsampling by an integer factor ≥ 1. */
    public static R2Upsampling of(FieldType type, Mode mode, int factor) {
        return new R2Upsampling(type, mode, factor, null);
    }

    /** Resampling to height × width. */
    public static R2Upsampling ofSize(FieldType type, Mode mode, int height, int width) {
        return new R2Upsampling(type, mode, 0, new int[] {height, width});
    }

    /** The rule. */
    public Mode mode() {
        return mode;
    }

    @Override
    public String toString() {
        return "R2Upsampling(" + mode.name().toLowerCase(Locale.ROOT) + ", " + describeSize() + ", " + inType() + ")";
    }
}

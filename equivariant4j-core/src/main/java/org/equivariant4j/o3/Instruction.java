package org.equivariant4j.o3;

import java.util.Objects;

/**
 * One path of a tensor product: entry {@code in1} of the first input's irreps times entry {@code in2} of the second
 * input's irreps into entry {@code out} of the output irreps, combining multiplicities by {@code mode}, with or
 * without learned weights, scaled by {@code pathWeight} on top of the normalisation (1 keeps e3nn's normalisation).
 *
 * @param in1 entry index in the first input's irreps
 * @param in2 entry index in the second input's irreps
 * @param out entry index in the output irreps
 * @param mode how multiplicities combine
 * @param hasWeight whether the path has weights
 * @param pathWeight an extra constant factor under the square root of the normalisation (e3nn's {@code path_weight})
 */
public record Instruction(int in1, int in2, int out, ConnectionMode mode, boolean hasWeight, double pathWeight) {
    public Instruction {
        Objects.requireNonNull(mode, "mode");
        if (!(pathWeight >= 0) || Double.isInfinite(pathWeight)) {
            throw new IllegalArgumentException("a path weight must be finite and >= 0, got " + pathWeight);
        }
    }

    /** An instruction with path weight 1. */
    public Instruction(int in1, int in2, int out, ConnectionMode mode, boolean hasWeight) {
        this(in1, in2, out, mode, hasWeight, 1.0);
    }

    /** e3nn's tuple form, e.g. {@code (0, 1, 2, "uvw", true, 1.0)}. */
    @Override
    public String toString() {
        return "(" + in1 + ", " + in2 + ", " + out + ", " + mode + ", " + hasWeight + ", " + pathWeight + ")";
    }
}

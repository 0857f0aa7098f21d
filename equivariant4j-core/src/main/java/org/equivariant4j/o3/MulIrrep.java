package org.equivariant4j.o3;

import java.util.Objects;

/**
 * {@code mul} copies of one O(3) irrep, written {@code "16x1o"}. Its features are laid out copy-major (e3nn's
 * {@code mul_ir}): component m of copy u sits at u·(2l+1) + (m + l).
 *
 * @param mul the multiplicity, ≥ 0
 * @param irrep the irrep
 */
public record MulIrrep(int mul, Irrep irrep) {
    public MulIrrep {
        if (mul < 0) {
            throw new IllegalArgumentException("a multiplicity must be >= 0, got " + mul + " for " + irrep);
        }
        Objects.requireNonNull(irrep, "irrep");
    }

    /** mul·(2l+1). */
    public int dim() {
        return mul * irrep.dim();
    }

    /** {@code "16x1o"}. */
    @Override
    public String toString() {
        return mul + "x" + irrep;
    }
}

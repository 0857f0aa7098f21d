package org.equivariant4j.group;

/**
 * The element r^k f^j of the dihedral group D_N (order 2N): first the flip f^j (j ∈ {0, 1}, f: x ↦ −x), then the
 * rotation r^k by 2πk/N.
 *
 * @param order N
 * @param flip  j ∈ {0, 1}
 * @param power k in [0, N)
 */
public record DihedralElement(int order, int flip, int power) implements GroupElement {
    public DihedralElement {
        if (order < 1) {
            throw new IllegalArgumentException("the dihedral group order N must be >= 1, got " + order);
        }
        if (flip != 0 && flip != 1) {
            throw new IllegalArgumentException("flip must be 0 or 1, got " + flip);
        }
        if (power < 0 || power >= order) {
            throw new IllegalArgumentException("power must be in [0, " + order + ") for D" + order + ", got " + power);
        }
    }

    /** The rotation angle 2πk/N. */
    public double angle() {
        return 2 * Math.PI * power / order;
    }

    @Override
    public String toString() {
        return "D" + order + "[r^" + power + (flip == 1 ? " f" : "") + "]";
    }
}

package org.equivariant4j.group;

/**
 * The rotation r^k of the cyclic group C_N: a rotation by 2πk/N (counter-clockwise).
 *
 * @param order N
 * @param power k in [0, N)
 */
public record CyclicElement(int order, int power) implements GroupElement {
    public CyclicElement {
        if (order < 1) {
            throw new IllegalArgumentException("the cyclic group order N must be >= 1, got " + order);
        }
        if (power < 0 || power >= order) {
            throw new IllegalArgumentException("power must be in [0, " + order + ") for C" + order + ", got " + power);
        }
    }

    /** The rotation angle 2πk/N. */
    public double angle() {
        return 2 * Math.PI * power / order;
    }

    @Override
    public String toString() {
        return "C" + order + "[r^" + power + "]";
    }
}

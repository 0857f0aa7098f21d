package org.equivariant4j.group;

/**
 * A planar rotation by {@code angle} radians (counter-clockwise), normalised to [0, 2π).
 *
 * @param angle θ
 */
public record SO2Element(double angle) implements GroupElement {
    public SO2Element {
        if (!Double.isFinite(angle)) {
            throw new IllegalArgumentException("an SO(2) angle must be finite, got " + angle);
        }
        angle = PlanarMatrices.normalizeAngle(angle);
    }
}

package org.equivariant4j.group;

/**
 * An element of the cylinder group C₂ × SO(2): the rotation by θ about the z axis, composed with the inversion
 * x ↦ −x when {@code inversion} = 1; its matrix is (−1)^inversion R_z(θ).
 *
 * @param inversion 0 or 1
 * @param angle     θ, normalised to [0, 2π)
 */
public record CylinderElement(int inversion, double angle) implements GroupElement {
    public CylinderElement {
        if (inversion != 0 && inversion != 1) {
            throw new IllegalArgumentException("inversion must be 0 or 1, got " + inversion);
        }
        if (!Double.isFinite(angle)) {
            throw new IllegalArgumentException("a rotation angle must be finite, got " + angle);
        }
        angle = PlanarMatrices.normalizeAngle(angle);
    }
}

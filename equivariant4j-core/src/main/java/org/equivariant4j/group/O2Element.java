package org.equivariant4j.group;

/**
 * The element r_θ f^j of O(2): the flip f^j (f: x ↦ −x) followed by the rotation by θ; its matrix is R(θ)·F^j.
 *
 * @param flip  j ∈ {0, 1}
 * @param angle θ, normalised to [0, 2π)
 */
public record O2Element(int flip, double angle) implements GroupElement {
    public O2Element {
        if (flip != 0 && flip != 1) {
            throw new IllegalArgumentException("flip must be 0 or 1, got " + flip);
        }
        if (!Double.isFinite(angle)) {
            throw new IllegalArgumentException("an O(2) angle must be finite, got " + angle);
        }
        angle = PlanarMatrices.normalizeAngle(angle);
    }
}

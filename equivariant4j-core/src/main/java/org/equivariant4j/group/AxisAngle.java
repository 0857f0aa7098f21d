package org.equivariant4j.group;

/**
 * A rotation by {@code angle} (right-handed, radians) about the unit axis (x, y, z).
 *
 * <p>R = I + sin θ·K + (1 − cos θ)·K², with K the cross-product matrix of the axis (Rodrigues).
 */
public record AxisAngle(double x, double y, double z, double angle) {

    /** Validates that the axis has unit length (within 1e-6) and that the angle is finite. */
    public AxisAngle {
        double n = Math.sqrt(x * x + y * y + z * z);
        if (!(Math.abs(n - 1) <= 1e-6) || !Double.isFinite(angle)) {
            throw new IllegalArgumentException("expected a unit axis and a finite angle but got axis ("
                    + x + ", " + y + ", " + z + ") of length " + n + ", angle " + angle);
        }
    }

    /** The rotation matrix. */
    public double[][] toMatrix() {
        return toQuaternion().toMatrix();
    }

    /** (cos θ/2, axis·sin θ/2). */
    public Quaternion toQuaternion() {
        return Quaternion.fromAxisAngle(x, y, z, angle);
    }

    /**
     * Axis and angle θ ∈ [0, π] of a rotation matrix, through the quaternion (stable near 0 and π,
     * unlike acos((tr R − 1)/2)). The identity gives axis (0, 1, 0) and angle 0.
     *
     * @throws IllegalArgumentException if r is not a rotation
     */
    public static AxisAngle fromMatrix(double[][] r) {
        return Quaternion.fromMatrix(r).toAxisAngle();
    }
}

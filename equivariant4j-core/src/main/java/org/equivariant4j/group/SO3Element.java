package org.equivariant4j.group;

import java.util.Objects;
import org.equivariant4j.group.Quaternion;

/**
 * A rotation of R³, stored as a unit quaternion q (q and −q are the same rotation; {@link SO3#isClose} knows).
 *
 * @param rotation the unit quaternion (normalised on construction; a norm off by more than 1e-6 is refused)
 */
public record SO3Element(Quaternion rotation) implements GroupElement {
    public SO3Element {
        Objects.requireNonNull(rotation, "rotation");
        double n = Math.sqrt(rotation.w() * rotation.w() + rotation.x() * rotation.x() + rotation.y() * rotation.y()
                + rotation.z() * rotation.z());
        if (!(Math.abs(n - 1) <= 1e-6)) {
            throw new IllegalArgumentException("an SO(3) element needs a unit quaternion, got norm " + n + " for " + rotation);
        }
        rotation = rotation.normalized();
    }

    /** The rotation from a 3×3 matrix, which must be orthogonal with determinant +1. */
    public static SO3Element fromMatrix(double[][] matrix) {
        return new SO3Element(Quaternion.fromMatrix(matrix));
    }

    /** The 3×3 rotation matrix. */
    public double[][] matrix() {
        return rotation.toMatrix();
    }

    /** Chordal distance min(|q − q'|, |q + q'|) to another rotation (≈ half the rotation angle between them). */
    public double distance(SO3Element other) {
        Quaternion a = rotation;
        Quaternion b = other.rotation;
        double minus = sq(a.w() - b.w()) + sq(a.x() - b.x()) + sq(a.y() - b.y()) + sq(a.z() - b.z());
        double plus = sq(a.w() + b.w()) + sq(a.x() + b.x()) + sq(a.y() + b.y()) + sq(a.z() + b.z());
        return Math.sqrt(Math.min(minus, plus));
    }

    private static double sq(double v) {
        return v * v;
    }
}

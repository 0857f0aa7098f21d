package org.equivariant4j.group;

import java.util.Objects;
import org.equivariant4j.group.Quaternion;

/**
 * An element of O(3): a rotation R followed (or preceded: inversion is central) by the inversion x ↦ −x when
 * {@code inversion} = 1. Its matrix is (−1)^inversion · R.
 *
 * @param rotation  the rotation part
 * @param inversion 0 or 1
 */
public record O3Element(SO3Element rotation, int inversion) implements GroupElement {
    public O3Element {
        Objects.requireNonNull(rotation, "rotation");
        if (inversion != 0 && inversion != 1) {
            throw new IllegalArgumentException("inversion must be 0 or 1, got " + inversion);
        }
    }

    /** From a quaternion and an inversion flag. */
    public O3Element(Quaternion rotation, int inversion) {
        this(new SO3Element(rotation), inversion);
    }

    /** From an orthogonal 3×3 matrix of determinant ±1. */
    public static O3Element fromMatrix(double[][] m) {
        double det = org.equivariant4j.linalg.Matrices.determinant(m);
        if (det < 0) {
            return new O3Element(SO3Element.fromMatrix(org.equivariant4j.linalg.Matrices.scale(-1, m)), 1);
        }
        return new O3Element(SO3Element.fromMatrix(m), 0);
    }

    /** The 3×3 orthogonal matrix (−1)^inversion R. */
    public double[][] matrix() {
        double[][] r = rotation.matrix();
        return inversion == 1 ? org.equivariant4j.linalg.Matrices.scale(-1, r) : r;
    }
}

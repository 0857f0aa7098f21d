package org.equivariant4j.homogeneous;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.equivariant4j.group.Rotations;
import org.equivariant4j.linalg.Matrices;

/**
 * An element g = (R, t) of SE(d), d = 2 or 3: a rotation R (orthogonal, det +1) followed by a translation t, acting on
 * points by x ↦ R x + t and on directions by v ↦ R v. Composition is {@code a.compose(b)} = a·b (b acts first):
 * (R_a R_b, R_a t_b + t_a).
 *
 * <p>Immutable: the arrays are copied in and out.
 *
 * @param rotation    R, d×d
 * @param translation t, length d
 */
public record RigidMotion(double[][] rotation, double[] translation) {
    /** Tolerance of the orthogonality and determinant checks. */
    public static final double TOLERANCE = 1e-9;

    public RigidMotion {
        int d = translation == null ? -1 : translation.length;
        if (d != 2 && d != 3) {
            throw new IllegalArgumentException("expected a translation of length 2 or 3, got "
                    + (translation == null ? "null" : Arrays.toString(translation)));
        }
        if (rotation == null || rotation.length != d) {
            throw new IllegalArgumentException("expected a " + d + "×" + d + " rotation for a translation of length " + d
                    + ", got " + (rotation == null ? "null" : Matrices.shapeString(rotation)));
        }
        rotation = Matrices.copy(rotation);
        for (double[] row : rotation) {
            if (row.length != d) {
                throw new IllegalArgumentException("expected a " + d + "×" + d + " rotation, got " + Matrices.shapeString(rotation));
            }
        }
        for (double v : translation) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("expected a finite translation, got " + Arrays.toString(translation));
            }
        }
        if (!Matrices.isOrthogonal(rotation, TOLERANCE) || Math.abs(Matrices.determinant(rotation) - 1) > TOLERANCE) {
            throw new IllegalArgumentException("expected a rotation (orthogonal, det +1), got " + Arrays.deepToString(rotation)
                    + " with det " + Matrices.determinant(rotation));
        }
        translation = translation.clone();
    }

    /** The identity of SE(d). */
    public static RigidMotion identity(int d) {
        return new RigidMotion(Matrices.identity(d), new double[d]);
    }

    /** A Haar-random rotation and a translation uniform in ±{@code translationScale} per axis. */
    public static RigidMotion random(int d, double translationScale, RandomGenerator rng) {
        double[][] r;
        if (d == 2) {
            double a = 2 * Math.PI * rng.nextDouble();
            r = new double[][] {{Math.cos(a), -Math.sin(a)}, {Math.sin(a), Math.cos(a)}};
        } else if (d == 3) {
            r = Rotations.randomMatrix(rng);
        } else {
            throw new IllegalArgumentException("expected d = 2 or 3, got " + d);
        }
        double[] t = new double[d];
        for (int i = 0; i < d; i++) {
            t[i] = translationScale * (2 * rng.nextDouble() - 1);
        }
        return new RigidMotion(r, t);
    }

    /** d. */
    public int dimension() {
        return translation.length;
    }

    @Override
    public double[][] rotation() {
        return Matrices.copy(rotation);
    }

    @Override
    public double[] translation() {
        return translation.clone();
    }

    /** R x + t. */
    public double[] apply(double[] x) {
        double[] y = rotate(x);
        for (int i = 0; i < y.length; i++) {
            y[i] += translation[i];
        }
        return y;
    }

    /** R v. */
    public double[] rotate(double[] v) {
        if (v.length != dimension()) {
            throw new IllegalArgumentException("expected a vector of length " + dimension() + ", got " + Arrays.toString(v));
        }
        return Matrices.apply(rotation, v);
    }

    /** R Q for a d×d matrix Q (a frame rotated by g). */
    public double[][] rotateFrame(double[][] q) {
        return Matrices.multiply(rotation, q);
    }

    /** this·other: other acts first. */
    public RigidMotion compose(RigidMotion other) {
        if (other.dimension() != dimension()) {
            throw new IllegalArgumentException("cannot compose motions of R^" + dimension() + " and R^" + other.dimension());
        }
        return new RigidMotion(Matrices.multiply(rotation, other.rotation), apply(other.translation));
    }

    /** g⁻¹ = (Rᵀ, −Rᵀ t). */
    public RigidMotion inverse() {
        double[][] rt = Matrices.transpose(rotation);
        double[] t = Matrices.apply(rt, translation);
        for (int i = 0; i < t.length; i++) {
            t[i] = -t[i];
        }
        return new RigidMotion(rt, t);
    }

    /** Largest absolute difference of the entries of R and t. */
    public double distance(RigidMotion other) {
        double m = Matrices.maxAbsDifference(rotation, other.rotation);
        for (int i = 0; i < translation.length; i++) {
            m = Math.max(m, Math.abs(translation[i] - other.translation[i]));
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RigidMotion m && Arrays.deepEquals(rotation, m.rotation) && Arrays.equals(translation, m.translation);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.deepHashCode(rotation) + Arrays.hashCode(translation);
    }

    @Override
    public String toString() {
        return "RigidMotion[R=" + Arrays.deepToString(rotation) + ", t=" + Arrays.toString(translation) + "]";
    }
}

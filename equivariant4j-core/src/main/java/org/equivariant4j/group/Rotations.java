package org.equivariant4j.group;

import java.util.random.RandomGenerator;

/**
 * Static helpers for 3×3 rotation matrices in e3nn's conventions.
 *
 * <p>All matrices are active and right-handed and act on column vectors: v' = R·v.
 * Arrays are row-major {@code double[3][3]}; every method returns fresh arrays.
 */
public final class Rotations {

    /** Tolerance of {@link #checkRotation}: max |RᵀR − I| and |det R − 1|. */
    public static final double ROTATION_TOLERANCE = 1e-6;

    private Rotations() {}

    /** Rotation by t about +x: [[1,0,0],[0,c,−s],[0,s,c]]. */
    public static double[][] matrixX(double t) {
        double c = Math.cos(t), s = Math.sin(t);
        return new double[][] {{1, 0, 0}, {0, c, -s}, {0, s, c}};
    }

    /** Rotation by t about +y: [[c,0,s],[0,1,0],[−s,0,c]] (turns z towards x). */
    public static double[][] matrixY(double t) {
        double c = Math.cos(t), s = Math.sin(t);
        return new double[][] {{c, 0, s}, {0, 1, 0}, {-s, 0, c}};
    }

    /** Rotation by t about +z: [[c,−s,0],[s,c,0],[0,0,1]]. */
    public static double[][] matrixZ(double t) {
        double c = Math.cos(t), s = Math.sin(t);
        return new double[][] {{c, -s, 0}, {s, c, 0}, {0, 0, 1}};
    }

    /**
     * Checks that {@code r} is a 3×3 rotation: finite, orthogonal (max |RᵀR − I| ≤ 1e-6) and
     * det R = +1 (within 1e-6).
     *
     * @return {@code r} itself, for chaining
     * @throws IllegalArgumentException naming what was wrong (shape, non-finite entry,
     *     orthogonality defect, or a determinant such as −1 for a reflection)
     */
    public static double[][] checkRotation(double[][] r) {
        String expected = "expected a 3x3 rotation matrix (orthogonal, det +1) but got ";
        if (r == null) {
            throw new IllegalArgumentException(expected + "null");
        }
        if (r.length != 3) {
            throw new IllegalArgumentException(expected + "an array with " + r.length + " rows");
        }
        for (int i = 0; i < 3; i++) {
            if (r[i] == null || r[i].length != 3) {
                throw new IllegalArgumentException(expected + "row " + i + " of length "
                        + (r[i] == null ? "null" : Integer.toString(r[i].length)));
            }
            for (int j = 0; j < 3; j++) {
                if (!Double.isFinite(r[i][j])) {
                    throw new IllegalArgumentException(expected + "a non-finite entry R[" + i + "]["
                            + j + "] = " + r[i][j]);
                }
            }
        }
        double defect = 0;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double s = 0;
                for (int k = 0; k < 3; k++) {
                    s += r[k][i] * r[k][j];
                }
                defect = Math.max(defect, Math.abs(s - (i == j ? 1 : 0)));
            }
        }
        if (defect > ROTATION_TOLERANCE) {
            throw new IllegalArgumentException(expected + "a non-orthogonal matrix: max |R^T R - I| = "
                    + defect + " > tolerance " + ROTATION_TOLERANCE);
        }
        double det = determinant(r);
        if (Math.abs(det - 1) > ROTATION_TOLERANCE) {
            throw new IllegalArgumentException(expected + "det(R) = " + det
                    + (det < 0 ? " (an improper rotation / reflection)" : ""));
        }
        return r;
    }

    /** Determinant of a 3×3 matrix. */
    static double determinant(double[][] r) {
        return r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1])
                - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0])
                + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
    }

    /** A Haar-distributed (uniform) random rotation matrix. */
    public static double[][] randomMatrix(RandomGenerator rng) {
        return randomQuaternion(rng).toMatrix();
    }

    /**
     * A uniformly distributed random unit quaternion (normalised 4-D Gaussian), whose rotation is
     * Haar-distributed on SO(3).
     */
    public static Quaternion randomQuaternion(RandomGenerator rng) {
        while (true) {
            double w = rng.nextGaussian(), x = rng.nextGaussian();
            double y = rng.nextGaussian(), z = rng.nextGaussian();
            double n = Math.sqrt(w * w + x * x + y * y + z * z);
            if (n > 1e-6) {
                return new Quaternion(w / n, x / n, y / n, z / n);
            }
        }
    }

    /**
     * Polar angles of a direction (y-up): β = acos(ŷ) ∈ [0, π], α = atan2(x, z) ∈ (−π, π].
     * The vector is normalised first; it must be non-zero.
     *
     * @return {α, β}
     */
    public static double[] xyzToAngles(double x, double y, double z) {
        double n = Math.sqrt(x * x + y * y + z * z);
        if (!(n > 0) || !Double.isFinite(n)) {
            throw new IllegalArgumentException("expected a non-zero finite vector but got ("
                    + x + ", " + y + ", " + z + ")");
        }
        double c = Math.max(-1, Math.min(1, y / n));
        return new double[] {Math.atan2(x, z), Math.acos(c)};
    }

    /** The unit vector R(α, β, 0)·e_y = (sin β sin α, cos β, sin β cos α). */
    public static double[] anglesToXyz(double alpha, double beta) {
        double sb = Math.sin(beta);
        return new double[] {sb * Math.sin(alpha), Math.cos(beta), sb * Math.cos(alpha)};
    }
}

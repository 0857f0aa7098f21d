package org.equivariant4j.group;

/**
 * The 2×2 matrices of the planar groups: R(θ) = [[cos θ, −sin θ], [sin θ, cos θ]] (counter-clockwise for θ > 0 with
 * x to the right and y up) and the reflection F = diag(−1, 1) (x ↦ −x, a mirror about the vertical axis).
 */
public final class PlanarMatrices {
    private PlanarMatrices() {}

    /** R(θ). */
    public static double[][] rotation(double theta) {
        double c = Math.cos(theta);
        double s = Math.sin(theta);
        return new double[][] {{c, -s}, {s, c}};
    }

    /** R(θ)·F^flip with F = diag(−1, 1). */
    public static double[][] rotoflip(double theta, int flip) {
        double[][] r = rotation(theta);
        if (flip == 1) {
            r[0][0] = -r[0][0];
            r[1][0] = -r[1][0];
        }
        return r;
    }

    /** The angle in [0, 2π) congruent to θ. */
    public static double normalizeAngle(double theta) {
        double t = theta % (2 * Math.PI);
        if (t < 0) {
            t += 2 * Math.PI;
        }
        if (t >= 2 * Math.PI) {
            t = 0;
        }
        return t;
    }

    /** The distance |a − b| on the circle, in [0, π]. */
    public static double angularDistance(double a, double b) {
        double d = normalizeAngle(a - b);
        return Math.min(d, 2 * Math.PI - d);
    }
}

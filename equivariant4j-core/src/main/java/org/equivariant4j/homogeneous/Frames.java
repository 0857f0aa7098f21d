package org.equivariant4j.homogeneous;

/** Small vector helpers of the package: dot products, cross products, completing a unit vector to a frame. */
final class Frames {
    private Frames() {}

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    static double[] sub(double[] a, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] - b[i];
        }
        return c;
    }

    /** a − s·b. */
    static double[] subScaled(double[] a, double s, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] - s * b[i];
        }
        return c;
    }

    static double[] scale(double s, double[] a) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = s * a[i];
        }
        return c;
    }

    static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    /** (−o_y, o_x): o rotated by +90° in the plane. */
    static double[] perp(double[] o) {
        return new double[] {-o[1], o[0]};
    }

    /** A unit vector orthogonal to the unit vector u (of R³). */
    static double[] orthogonal(double[] u) {
        // cross with the coordinate axis least aligned with u
        int k = 0;
        for (int i = 1; i < 3; i++) {
            if (Math.abs(u[i]) < Math.abs(u[k])) {
                k = i;
            }
        }
        double[] e = new double[3];
        e[k] = 1;
        double[] w = cross(u, e);
        return scale(1 / norm(w), w);
    }

    /** The matrix with the given columns. */
    static double[][] columns(double[]... cols) {
        int d = cols[0].length;
        double[][] m = new double[d][cols.length];
        for (int c = 0; c < cols.length; c++) {
            for (int r = 0; r < d; r++) {
                m[r][c] = cols[c][r];
            }
        }
        return m;
    }

    /**
     * A rotation of R^d (d = 2, 3) whose first column is the unit vector u (for d = 3 the second column is
     * {@link #orthogonal}(u)).
     */
    static double[][] rotationWithFirstColumn(double[] u) {
        if (u.length == 2) {
            return columns(u, perp(u));
        }
        double[] v = orthogonal(u);
        return columns(u, v, cross(u, v));
    }
}

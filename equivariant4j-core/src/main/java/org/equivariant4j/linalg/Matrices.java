package org.equivariant4j.linalg;

import java.util.List;

/**
 * Small dense-matrix helpers on {@code double[][]} (row-major, rectangular). Every method returns a
 * fresh array and never modifies its arguments. Heavier linear algebra (eigen, SVD) goes through EJML,
 * see {@link NullSpace} and {@link SymmetricEigen}.
 */
public final class Matrices {
    private Matrices() {}

    /** The n×n identity. */
    public static double[][] identity(int n) {
        double[][] r = new double[n][n];
        for (int i = 0; i < n; i++) {
            r[i][i] = 1.0;
        }
        return r;
    }

    /** Number of rows and columns, checking that the array is rectangular. */
    public static int[] shape(double[][] a) {
        int cols = a.length == 0 ? 0 : a[0].length;
        for (double[] row : a) {
            if (row.length != cols) {
                throw new IllegalArgumentException("matrix rows have different lengths: " + cols + " and " + row.length);
            }
        }
        return new int[] {a.length, cols};
    }

    /** Deep copy. */
    public static double[][] copy(double[][] a) {
        double[][] r = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i].clone();
        }
        return r;
    }

    /** The product a·b. */
    public static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        int k = b.length;
        int m = k == 0 ? 0 : b[0].length;
        if (n > 0 && a[0].length != k) {
            throw new IllegalArgumentException("cannot multiply " + n + "x" + a[0].length + " by " + k + "x" + m);
        }
        double[][] r = new double[n][m];
        for (int i = 0; i < n; i++) {
            double[] ri = r[i];
            double[] ai = a[i];
            for (int p = 0; p < k; p++) {
                double v = ai[p];
                if (v == 0.0) {
                    continue;
                }
                double[] bp = b[p];
                for (int j = 0; j < m; j++) {
                    ri[j] += v * bp[j];
                }
            }
        }
        return r;
    }

    /** The product of several matrices, left to right. */
    public static double[][] multiply(double[][] first, double[][]... rest) {
        double[][] r = first;
        for (double[][] m : rest) {
            r = multiply(r, m);
        }
        return r;
    }

    /** Matrix–vector product a·v. */
    public static double[] apply(double[][] a, double[] v) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            if (a[i].length != v.length) {
                throw new IllegalArgumentException("cannot apply a matrix with " + a[i].length + " columns to a vector of length " + v.length);
            }
            double s = 0;
            for (int j = 0; j < v.length; j++) {
                s += a[i][j] * v[j];
            }
            r[i] = s;
        }
        return r;
    }

    /** The transpose. */
    public static double[][] transpose(double[][] a) {
        int n = a.length;
        int m = n == 0 ? 0 : a[0].length;
        double[][] r = new double[m][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                r[j][i] = a[i][j];
            }
        }
        return r;
    }

    /** a + s·b. */
    public static double[][] addScaled(double[][] a, double s, double[][] b) {
        double[][] r = copy(a);
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                r[i][j] += s * b[i][j];
            }
        }
        return r;
    }

    /** s·a. */
    public static double[][] scale(double s, double[][] a) {
        double[][] r = copy(a);
        for (double[] row : r) {
            for (int j = 0; j < row.length; j++) {
                row[j] *= s;
            }
        }
        return r;
    }

    /** Kronecker product a ⊗ b: (a⊗b)[i·p + k][j·q + l] = a[i][j]·b[k][l]. */
    public static double[][] kronecker(double[][] a, double[][] b) {
        int n = a.length;
        int m = a[0].length;
        int p = b.length;
        int q = b[0].length;
        double[][] r = new double[n * p][m * q];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double v = a[i][j];
                if (v == 0.0) {
                    continue;
                }
                for (int k = 0; k < p; k++) {
                    for (int l = 0; l < q; l++) {
                        r[i * p + k][j * q + l] = v * b[k][l];
                    }
                }
            }
        }
        return r;
    }

    /** Block-diagonal direct sum a₁ ⊕ a₂ ⊕ … of square or rectangular blocks. */
    public static double[][] blockDiagonal(List<double[][]> blocks) {
        int rows = 0;
        int cols = 0;
        for (double[][] b : blocks) {
            rows += b.length;
            cols += b.length == 0 ? 0 : b[0].length;
        }
        double[][] r = new double[rows][cols];
        int ro = 0;
        int co = 0;
        for (double[][] b : blocks) {
            for (int i = 0; i < b.length; i++) {
                System.arraycopy(b[i], 0, r[ro + i], co, b[i].length);
            }
            ro += b.length;
            co += b.length == 0 ? 0 : b[0].length;
        }
        return r;
    }

    /** Trace of a square matrix. */
    public static double trace(double[][] a) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i][i];
        }
        return s;
    }

    /** Frobenius inner product Σ a_ij b_ij. */
    public static double dot(double[][] a, double[][] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                s += a[i][j] * b[i][j];
            }
        }
        return s;
    }

    /** Frobenius norm. */
    public static double frobeniusNorm(double[][] a) {
        return Math.sqrt(dot(a, a));
    }

    /** max |a_ij − b_ij|; the shapes must agree. */
    public static double maxAbsDifference(double[][] a, double[][] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("shapes differ: " + a.length + " rows vs " + b.length + " rows");
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i].length != b[i].length) {
                throw new IllegalArgumentException("shapes differ in row " + i + ": " + a[i].length + " vs " + b[i].length);
            }
            for (int j = 0; j < a[i].length; j++) {
                m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return m;
    }

    /** max |a_ij|. */
    public static double maxAbs(double[][] a) {
        double m = 0;
        for (double[] row : a) {
            for (double v : row) {
                m = Math.max(m, Math.abs(v));
            }
        }
        return m;
    }

    /** Whether aᵀa = I within {@code tolerance} (max abs entry). */
    public static boolean isOrthogonal(double[][] a, double tolerance) {
        int[] s = shape(a);
        if (s[0] != s[1]) {
            return false;
        }
        return maxAbsDifference(multiply(transpose(a), a), identity(s[0])) <= tolerance;
    }

    /** Whether the columns of a (n×k, k ≤ n) are orthonormal: aᵀa = I within {@code tolerance}. */
    public static boolean isOrthogonalColumns(double[][] a, double tolerance) {
        int[] s = shape(a);
        return maxAbsDifference(multiply(transpose(a), a), identity(s[1])) <= tolerance;
    }

    /** Determinant of a square matrix (LU through EJML). */
    public static double determinant(double[][] a) {
        int[] s = shape(a);
        if (s[0] != s[1]) {
            throw new IllegalArgumentException("determinant needs a square matrix, got " + s[0] + "x" + s[1]);
        }
        return org.ejml.dense.row.CommonOps_DDRM.det(new org.ejml.data.DMatrixRMaj(a));
    }

    /** Human-readable shape "n×m". */
    public static String shapeString(double[][] a) {
        return a.length + "x" + (a.length == 0 ? 0 : a[0].length);
    }
}

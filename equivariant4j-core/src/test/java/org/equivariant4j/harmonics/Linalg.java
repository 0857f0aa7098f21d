package org.equivariant4j.harmonics;

/** Small dense helpers for the tests. */
final class Linalg {

    private Linalg() {}

    static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length, k = b.length, m = b[0].length;
        double[][] c = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < k; p++) {
                double aip = a[i][p];
                for (int j = 0; j < m; j++) {
                    c[i][j] += aip * b[p][j];
                }
            }
        }
        return c;
    }

    static double[] apply(double[][] a, double[] x) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double s = 0;
            for (int j = 0; j < x.length; j++) {
                s += a[i][j] * x[j];
            }
            y[i] = s;
        }
        return y;
    }

    static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    static double[][] identity(int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            m[i][i] = 1;
        }
        return m;
    }

    static double maxDiff(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new AssertionError("length " + a.length + " vs " + b.length);
        }
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    static double maxDiff(double[][] a, double[][] b) {
        if (a.length != b.length) {
            throw new AssertionError("rows " + a.length + " vs " + b.length);
        }
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, maxDiff(a[i], b[i]));
        }
        return d;
    }

    static double maxDiff(double[][][] a, double[][][] b) {
        if (a.length != b.length) {
            throw new AssertionError("dim0 " + a.length + " vs " + b.length);
        }
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, maxDiff(a[i], b[i]));
        }
        return d;
    }

    static double[] scale(double[] a, double s) {
        double[] r = a.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] *= s;
        }
        return r;
    }

    static double[] slice(double[] a, int from, int length) {
        double[] r = new double[length];
        System.arraycopy(a, from, r, 0, length);
        return r;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** C'_abc = Σ_ijk C_ijk D1_ia D2_jb D3_kc. */
    static double[][][] rotate3(double[][][] c, double[][] d1, double[][] d2, double[][] d3) {
        int n1 = c.length, n2 = c[0].length, n3 = c[0][0].length;
        double[][][] t1 = new double[n1][n2][n3];
        for (int i = 0; i < n1; i++) {
            for (int j = 0; j < n2; j++) {
                for (int k = 0; k < n3; k++) {
                    double s = 0;
                    for (int q = 0; q < n3; q++) {
                        s += c[i][j][q] * d3[q][k];
                    }
                    t1[i][j][k] = s;
                }
            }
        }
        double[][][] t2 = new double[n1][n2][n3];
        for (int i = 0; i < n1; i++) {
            for (int q = 0; q < n2; q++) {
                for (int j = 0; j < n2; j++) {
                    double dqj = d2[q][j];
                    if (dqj == 0) {
                        continue;
                    }
                    for (int k = 0; k < n3; k++) {
                        t2[i][j][k] += t1[i][q][k] * dqj;
                    }
                }
            }
        }
        double[][][] t3 = new double[n1][n2][n3];
        for (int q = 0; q < n1; q++) {
            for (int i = 0; i < n1; i++) {
                double dqi = d1[q][i];
                if (dqi == 0) {
                    continue;
                }
                for (int j = 0; j < n2; j++) {
                    for (int k = 0; k < n3; k++) {
                        t3[i][j][k] += t2[q][j][k] * dqi;
                    }
                }
            }
        }
        return t3;
    }
}

package org.equivariant4j.linalg;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Eigen-decomposition of a real symmetric matrix, eigenvalues in ascending order.
 *
 * @param values  eigenvalues λ₀ ≤ λ₁ ≤ …
 * @param vectors eigenvectors as columns: vectors[i][k] is component i of the k-th eigenvector
 */
public record SymmetricEigen(double[] values, double[][] vectors) {

    /** Decomposes a symmetric matrix (the upper triangle is trusted; asymmetry above 1e-8 is refused). */
    public static SymmetricEigen of(double[][] symmetric) {
        int n = symmetric.length;
        for (int i = 0; i < n; i++) {
            if (symmetric[i].length != n) {
                throw new IllegalArgumentException("expected a square matrix, got " + Matrices.shapeString(symmetric));
            }
            for (int j = 0; j < i; j++) {
                if (Math.abs(symmetric[i][j] - symmetric[j][i]) > 1e-8 * (1 + Math.abs(symmetric[i][j]))) {
                    throw new IllegalArgumentException("expected a symmetric matrix; entries (" + i + "," + j + ") and (" + j
                            + "," + i + ") differ: " + symmetric[i][j] + " vs " + symmetric[j][i]);
                }
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(new DMatrixRMaj(symmetric))) {
            throw new IllegalStateException("symmetric eigen-decomposition failed for a " + n + "x" + n + " matrix");
        }
        Integer[] order = new Integer[n];
        double[] raw = new double[n];
        for (int k = 0; k < n; k++) {
            order[k] = k;
            raw[k] = eig.getEigenvalue(k).getReal();
        }
        java.util.Arrays.sort(order, (p, q) -> Double.compare(raw[p], raw[q]));
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int k = 0; k < n; k++) {
            values[k] = raw[order[k]];
            DMatrixRMaj v = eig.getEigenVector(order[k]);
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += v.get(i) * v.get(i);
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                vectors[i][k] = v.get(i) / norm;
            }
        }
        return new SymmetricEigen(values, vectors);
    }

    /** The k-th eigenvector (a copy). */
    public double[] vector(int k) {
        double[] v = new double[vectors.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = vectors[i][k];
        }
        return v;
    }
}

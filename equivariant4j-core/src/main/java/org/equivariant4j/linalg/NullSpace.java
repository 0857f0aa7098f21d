package org.equivariant4j.linalg;

import java.util.ArrayList;
import java.util.List;

/**
 * Orthonormal basis of the common null space of linear constraints M₁x = 0, M₂x = 0, …, computed from
 * the eigenvectors of the Gram matrix Σ Mᵢᵀ Mᵢ whose eigenvalues vanish (relative threshold).
 */
public final class NullSpace {
    /** Eigenvalues below this fraction of the largest one (and below an absolute floor) count as zero. */
    public static final double RELATIVE_THRESHOLD = 1e-10;

    private final int dimension;
    private final double[][] gram;

    /** Starts an empty set of constraints on vectors of the given dimension. */
    public NullSpace(int dimension) {
        if (dimension < 1) {
            throw new IllegalArgumentException("null space dimension must be >= 1, got " + dimension);
        }
        this.dimension = dimension;
        this.gram = new double[dimension][dimension];
    }

    /** Adds the constraint rows of m (each row r means r·x = 0). */
    public NullSpace addConstraints(double[][] m) {
        for (double[] row : m) {
            if (row.length != dimension) {
                throw new IllegalArgumentException("constraint row has length " + row.length + ", expected " + dimension);
            }
            addRow(row);
        }
        return this;
    }

    /** Adds one constraint row r (r·x = 0); zeros are skipped cheaply. */
    public NullSpace addRow(double[] row) {
        int nz = 0;
        int[] idx = new int[row.length];
        for (int j = 0; j < row.length; j++) {
            if (row[j] != 0.0) {
                idx[nz++] = j;
            }
        }
        for (int a = 0; a < nz; a++) {
            int i = idx[a];
            double ri = row[i];
            for (int b = 0; b < nz; b++) {
                int j = idx[b];
                gram[i][j] += ri * row[j];
            }
        }
        return this;
    }

    /** The null space basis vectors, orthonormal. Empty if the constraints have full rank. */
    public List<double[]> basis() {
        SymmetricEigen eig = SymmetricEigen.of(gram);
        double max = Math.max(Math.abs(eig.values()[dimension - 1]), 1.0);
        List<double[]> out = new ArrayList<>();
        for (int k = 0; k < dimension; k++) {
            if (eig.values()[k] <= RELATIVE_THRESHOLD * max) {
                out.add(eig.vector(k));
            }
        }
        return out;
    }
}

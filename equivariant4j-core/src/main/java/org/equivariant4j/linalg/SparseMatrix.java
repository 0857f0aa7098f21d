package org.equivariant4j.linalg;

import java.util.Arrays;

/**
 * An immutable real matrix in compressed sparse row (CSR) form: the nonzeros of row i are
 * {@code values[rowStart[i] .. rowStart[i+1])} in the columns {@code columns[...]} (increasing within a row).
 */
public final class SparseMatrix {
    private final int rows;
    private final int cols;
    private final int[] rowStart;
    private final int[] columns;
    private final double[] values;

    private SparseMatrix(int rows, int cols, int[] rowStart, int[] columns, double[] values) {
        this.rows = rows;
        this.cols = cols;
        this.rowStart = rowStart;
        this.columns = columns;
        this.values = values;
    }

    /** The sparse form of a dense matrix (exact zeros dropped). */
    public static SparseMatrix fromDense(double[][] a) {
        int r = a.length;
        int c = r == 0 ? 0 : a[0].length;
        Builder b = new Builder(r, c);
        for (int i = 0; i < r; i++) {
            if (a[i].length != c) {
                throw new IllegalArgumentException("ragged matrix: row 0 has " + c + " columns, row " + i + " has " + a[i].length);
            }
            for (int j = 0; j < c; j++) {
                b.add(i, j, a[i][j]);
            }
        }
        return b.build();
    }

    /** The n×n identity. */
    public static SparseMatrix identity(int n) {
        Builder b = new Builder(n, n);
        for (int i = 0; i < n; i++) {
            b.add(i, i, 1.0);
        }
        return b.build();
    }

    /** Number of rows. */
    public int rows() {
        return rows;
    }

    /** Number of columns. */
    public int cols() {
        return cols;
    }

    /** Number of stored nonzeros. */
    public int nonZeros() {
        return values.length;
    }

    /** Entry (i, j). */
    public double get(int i, int j) {
        java.util.Objects.checkIndex(i, rows);
        java.util.Objects.checkIndex(j, cols);
        int pos = Arrays.binarySearch(columns, rowStart[i], rowStart[i + 1], j);
        return pos >= 0 ? values[pos] : 0.0;
    }

    /** The dense matrix. */
    public double[][] toDense() {
        double[][] d = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
                d[i][columns[p]] = values[p];
            }
        }
        return d;
    }

    /** The dense matrix, row-major in one array of rows·cols values. */
    public double[] toDenseRowMajor() {
        double[] d = new double[Math.multiplyExact(rows, cols)];
        for (int i = 0; i < rows; i++) {
            for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
                d[i * cols + columns[p]] = values[p];
            }
        }
        return d;
    }

    /** M·A·M with the 0/1 diagonal M of {@code keep}: rows and columns outside it removed (kept as zeros). */
    public SparseMatrix masked(boolean[] keep) {
        if (keep.length != rows || rows != cols) {
            throw new IllegalArgumentException("a mask of length " + keep.length + " for a " + rows + "×" + cols + " matrix");
        }
        Builder b = new Builder(rows, cols);
        for (int i = 0; i < rows; i++) {
            if (!keep[i]) {
                continue;
            }
            for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
                if (keep[columns[p]]) {
                    b.add(i, columns[p], values[p]);
                }
            }
        }
        return b.build();
    }

    /** Aᵀ. */
    public SparseMatrix transpose() {
        Builder b = new Builder(cols, rows);
        int[][] byCol = new int[cols][];
        int[] count = new int[cols];
        for (int c : columns) {
            count[c]++;
        }
        for (int c = 0; c < cols; c++) {
            byCol[c] = new int[count[c]];
        }
        int[] fill = new int[cols];
        int[] rowOf = new int[values.length];
        for (int i = 0; i < rows; i++) {
            for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
                rowOf[p] = i;
                byCol[columns[p]][fill[columns[p]]++] = p;
            }
        }
        for (int c = 0; c < cols; c++) {
            for (int p : byCol[c]) {
                b.add(c, rowOf[p], values[p]);
            }
        }
        return b.build();
    }

    /** A·v. */
    public double[] apply(double[] v) {
        if (v.length != cols) {
            throw new IllegalArgumentException("expected a vector of length " + cols + ", got " + v.length);
        }
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
                s += values[p] * v[columns[p]];
            }
            out[i] = s;
        }
        return out;
    }

    /** A·B. */
    public SparseMatrix multiply(SparseMatrix other) {
        if (cols != other.rows) {
            throw new IllegalArgumentException("cannot multiply " + rows + "×" + cols + " by " + other.rows + "×" + other.cols);
        }
        Builder b = new Builder(rows, other.cols);
        double[] acc = new double[other.cols];
        boolean[] used = new boolean[other.cols];
        int[] touched = new int[other.cols];
        for (int i = 0; i < rows; i++) {
            int n = 0;
            for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
                int k = columns[p];
                for (int q = other.rowStart[k]; q < other.rowStart[k + 1]; q++) {
                    int j = other.columns[q];
                    if (!used[j]) {
                        used[j] = true;
                        touched[n++] = j;
                    }
                    acc[j] += values[p] * other.values[q];
                }
            }
            Arrays.sort(touched, 0, n);
            for (int t = 0; t < n; t++) {
                int j = touched[t];
                b.add(i, j, acc[j]);
                acc[j] = 0;
                used[j] = false;
            }
        }
        return b.build();
    }

    /** max |A − B| over all entries (same shape required). */
    public double maxAbsDifference(SparseMatrix other) {
        if (rows != other.rows || cols != other.cols) {
            throw new IllegalArgumentException("shapes differ: " + rows + "×" + cols + " vs " + other.rows + "×" + other.cols);
        }
        double m = 0;
        for (int i = 0; i < rows; i++) {
            int p = rowStart[i];
            int q = other.rowStart[i];
            int pe = rowStart[i + 1];
            int qe = other.rowStart[i + 1];
            while (p < pe || q < qe) {
                int cp = p < pe ? columns[p] : Integer.MAX_VALUE;
                int cq = q < qe ? other.columns[q] : Integer.MAX_VALUE;
                if (cp == cq) {
                    m = Math.max(m, Math.abs(values[p++] - other.values[q++]));
                } else if (cp < cq) {
                    m = Math.max(m, Math.abs(values[p++]));
                } else {
                    m = Math.max(m, Math.abs(other.values[q++]));
                }
            }
        }
        return m;
    }

    /** Whether every row and every column holds exactly one entry, equal to 1 (a permutation matrix). */
    public boolean isPermutation() {
        if (rows != cols) {
            return false;
        }
        boolean[] seen = new boolean[cols];
        for (int i = 0; i < rows; i++) {
            if (rowStart[i + 1] - rowStart[i] != 1 || values[rowStart[i]] != 1.0 || seen[columns[rowStart[i]]]) {
                return false;
            }
            seen[columns[rowStart[i]]] = true;
        }
        return true;
    }

    /** Whether the matrix is a diagonal 0/1 matrix times a permutation restricted to its nonzero rows (a partial permutation). */
    public boolean isPartialPermutation() {
        boolean[] seen = new boolean[cols];
        for (int i = 0; i < rows; i++) {
            int n = rowStart[i + 1] - rowStart[i];
            if (n > 1 || (n == 1 && (values[rowStart[i]] != 1.0 || seen[columns[rowStart[i]]]))) {
                return false;
            }
            if (n == 1) {
                seen[columns[rowStart[i]]] = true;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "SparseMatrix(" + rows + "×" + cols + ", " + values.length + " nonzeros)";
    }

    /** Row-by-row builder: entries must be added in row order, columns increasing within a row; zeros are skipped. */
    /** Builds a matrix from entries given in row order with increasing columns (zeros skipped). */
    public static final class Builder {
        private final int rows;
        private final int cols;
        private final int[] rowStart;
        private int[] columns = new int[16];
        private double[] values = new double[16];
        private int size;
        private int currentRow;
        private int lastCol = -1;

        /** An empty rows×cols matrix. */
        public Builder(int rows, int cols) {
            if (rows < 0 || cols < 0) {
                throw new IllegalArgumentException("negative shape " + rows + "×" + cols);
            }
            this.rows = rows;
            this.cols = cols;
            this.rowStart = new int[rows + 1];
        }

        /** Adds entry (i, j); entries must come in row order with increasing columns. */
        public void add(int i, int j, double v) {
            if (i < currentRow || i >= rows || j < 0 || j >= cols || (i == currentRow && j <= lastCol)) {
                throw new IllegalStateException("entries must come in row order with increasing columns; got (" + i + ", " + j + ")");
            }
            if (v == 0.0) {
                return;
            }
            while (currentRow < i) {
                rowStart[++currentRow] = size;
                lastCol = -1;
            }
            if (size == columns.length) {
                columns = Arrays.copyOf(columns, 2 * size);
                values = Arrays.copyOf(values, 2 * size);
            }
            columns[size] = j;
            values[size] = v;
            size++;
            lastCol = j;
        }

        /** The matrix. */
        public SparseMatrix build() {
            while (currentRow < rows) {
                rowStart[++currentRow] = size;
            }
            return new SparseMatrix(rows, cols, rowStart, Arrays.copyOf(columns, size), Arrays.copyOf(values, size));
        }
    }
}

package org.equivariant4j.kernel;

import org.equivariant4j.linalg.SparseMatrix;

/**
 * Resampling a function on an H×W pixel grid under a linear map of the plane: the sparse matrix S with
 * (S f)(x_p) = f(A⁻¹ x_p) for every pixel p, so that S applies (L_A f)(x) = f(A⁻¹x) to the image f.
 *
 * <p>Pixel (i, j) (row i, column j, index i·W + j) sits at x = j − (W−1)/2, y = (H−1)/2 − i (DESIGN.md). When A maps
 * the grid to itself (a signed permutation: multiples of 90°, mirrors about the axes and diagonals, on a square grid or
 * with a matching aspect) the sample points are pixel centres and S is an exact permutation; otherwise f is interpolated
 * between pixels ({@link KernelInterpolation}) and taken as zero outside the grid. Sample points within 1e-9 of a pixel
 * centre take that pixel exactly.
 */
public final class GridResampling {
    private static final double ON_GRID = 1e-9;

    private GridResampling() {}

    /** Whether the 2×2 matrix is a signed permutation (maps the centred pixel grid of a square image to itself). */
    public static boolean isSignedPermutation(double[][] a) {
        for (double[] row : a) {
            for (double v : row) {
                if (Math.abs(v) > ON_GRID && Math.abs(Math.abs(v) - 1) > ON_GRID) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * S for an H×W grid, an orthogonal 2×2 matrix A and an interpolation (ignored for sample points on pixel centres).
     *
     * @throws IllegalArgumentException for an empty grid or a matrix that is not 2×2 orthogonal
     */
    public static SparseMatrix matrix(int height, int width, double[][] a, KernelInterpolation interpolation) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("a grid needs at least one pixel, got " + height + "×" + width);
        }
        if (a.length != 2 || a[0].length != 2 || a[1].length != 2) {
            throw new IllegalArgumentException("expected a 2×2 matrix, got " + org.equivariant4j.linalg.Matrices.shapeString(a));
        }
        if (!org.equivariant4j.linalg.Matrices.isOrthogonal(a, 1e-9)) {
            throw new IllegalArgumentException("grid resampling takes an orthogonal 2×2 matrix (a rotation or reflection)");
        }
        int n = height * width;
        double ch = (height - 1) / 2.0;
        double cw = (width - 1) / 2.0;
        SparseMatrix.Builder builder = new SparseMatrix.Builder(n, n);
        double[] row = new double[n];
        int[] touched = new int[n];
        for (int p = 0; p < n; p++) {
            double x = p % width - cw;
            double y = ch - p / width;
            // A⁻¹x = Aᵀx (orthogonal)
            double u = a[0][0] * x + a[1][0] * y;
            double v = a[0][1] * x + a[1][1] * y;
            double col = u + cw;
            double r = ch - v;
            long ri = Math.round(r);
            long ci = Math.round(col);
            int count = 0;
            if (Math.abs(r - ri) < ON_GRID && Math.abs(col - ci) < ON_GRID) {
                if (ri >= 0 && ri < height && ci >= 0 && ci < width) {
                    int q = (int) (ri * width + ci);
                    row[q] = 1.0;
                    touched[count++] = q;
                }
            } else {
                count = interpolate(interpolation, r, col, height, width, row, touched);
            }
            java.util.Arrays.sort(touched, 0, count);
            int last = -1;
            for (int t = 0; t < count; t++) {
                int q = touched[t];
                if (q == last) {
                    continue;
                }
                last = q;
                if (Math.abs(row[q]) > 1e-14) {
                    builder.add(p, q, row[q]);
                }
                row[q] = 0.0;
            }
        }
        return builder.build();
    }

    /**
     * S for a D×H×W voxel grid and an orthogonal 3×3 matrix A: (S f)(x_p) = f(A⁻¹ x_p), voxel (a, b, c) (index
     * (a·H + b)·W + c) at x = c − (W−1)/2, y = (H−1)/2 − b, z = (D−1)/2 − a. Sample points on voxel centres take that
     * voxel; others are interpolated by the tensor product of the 1-D rules ({@link KernelInterpolation#BILINEAR}: the 8
     * surrounding voxels, {@link KernelInterpolation#BICUBIC}: the 64 surrounding voxels), zero outside the grid.
     *
     * @throws IllegalArgumentException for an empty grid, a matrix that is not 3×3 orthogonal, or {@link KernelInterpolation#SINC}
     */
    public static SparseMatrix volumeMatrix(int depth, int height, int width, double[][] a, KernelInterpolation interpolation) {
        if (depth < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("a grid needs at least one voxel, got " + depth + "×" + height + "×" + width);
        }
        if (a.length != 3 || a[0].length != 3 || a[1].length != 3 || a[2].length != 3) {
            throw new IllegalArgumentException("expected a 3×3 matrix, got " + org.equivariant4j.linalg.Matrices.shapeString(a));
        }
        if (!org.equivariant4j.linalg.Matrices.isOrthogonal(a, 1e-9)) {
            throw new IllegalArgumentException("grid resampling takes an orthogonal 3×3 matrix (a rotation or reflection)");
        }
        if (interpolation == KernelInterpolation.SINC) {
            throw new IllegalArgumentException("volumes are resampled with BILINEAR (trilinear) or BICUBIC (tricubic)"
                    + " interpolation, got SINC");
        }
        int n = depth * height * width;
        double cd = (depth - 1) / 2.0;
        double ch = (height - 1) / 2.0;
        double cw = (width - 1) / 2.0;
        SparseMatrix.Builder builder = new SparseMatrix.Builder(n, n);
        int taps = interpolation == KernelInterpolation.BILINEAR ? 2 : 4;
        double[][] w = new double[3][taps];
        int[] first = new int[3];
        int[] size = {depth, height, width};
        for (int p = 0; p < n; p++) {
            double x = p % width - cw;
            double y = ch - (p / width) % height;
            double z = cd - p / (width * height);
            // A⁻¹x = Aᵀx, then back to array coordinates (depth, row, column)
            double qx = a[0][0] * x + a[1][0] * y + a[2][0] * z;
            double qy = a[0][1] * x + a[1][1] * y + a[2][1] * z;
            double qz = a[0][2] * x + a[1][2] * y + a[2][2] * z;
            double[] at = {cd - qz, ch - qy, qx + cw};
            long[] round = {Math.round(at[0]), Math.round(at[1]), Math.round(at[2])};
            if (Math.abs(at[0] - round[0]) < ON_GRID && Math.abs(at[1] - round[1]) < ON_GRID
                    && Math.abs(at[2] - round[2]) < ON_GRID) {
                if (round[0] >= 0 && round[0] < depth && round[1] >= 0 && round[1] < height && round[2] >= 0
                        && round[2] < width) {
                    builder.add(p, (int) ((round[0] * height + round[1]) * width + round[2]), 1.0);
                }
                continue;
            }
            for (int axis = 0; axis < 3; axis++) {
                int f = (int) Math.floor(at[axis]);
                first[axis] = taps == 2 ? f : f - 1;
                for (int t = 0; t < taps; t++) {
                    double d = at[axis] - (first[axis] + t);
                    w[axis][t] = taps == 2 ? 1 - Math.abs(d) : keys(d);
                }
            }
            for (int i = 0; i < taps; i++) {
                int ia = first[0] + i;
                if (ia < 0 || ia >= size[0]) {
                    continue;
                }
                for (int j = 0; j < taps; j++) {
                    int ib = first[1] + j;
                    if (ib < 0 || ib >= size[1]) {
                        continue;
                    }
                    for (int k = 0; k < taps; k++) {
                        int ic = first[2] + k;
                        double v = w[0][i] * w[1][j] * w[2][k];
                        if (ic >= 0 && ic < size[2] && Math.abs(v) > 1e-14) {
                            builder.add(p, (ia * height + ib) * width + ic, v);
                        }
                    }
                }
            }
        }
        return builder.build();
    }

    private static int interpolate(KernelInterpolation interpolation, double r, double c, int height, int width, double[] out,
            int[] touched) {
        int[] count = {0};
        switch (interpolation) {
            case BILINEAR -> {
                int r0 = (int) Math.floor(r);
                int c0 = (int) Math.floor(c);
                double fr = r - r0;
                double fc = c - c0;
                accumulate(out, touched, count, height, width, r0, c0, (1 - fr) * (1 - fc));
                accumulate(out, touched, count, height, width, r0, c0 + 1, (1 - fr) * fc);
                accumulate(out, touched, count, height, width, r0 + 1, c0, fr * (1 - fc));
                accumulate(out, touched, count, height, width, r0 + 1, c0 + 1, fr * fc);
            }
            case BICUBIC -> {
                int r0 = (int) Math.floor(r);
                int c0 = (int) Math.floor(c);
                for (int i = r0 - 1; i <= r0 + 2; i++) {
                    double wr = keys(r - i);
                    for (int j = c0 - 1; j <= c0 + 2; j++) {
                        accumulate(out, touched, count, height, width, i, j, wr * keys(c - j));
                    }
                }
            }
            case SINC -> {
                for (int i = 0; i < height; i++) {
                    double wr = dirichlet(r - i, height);
                    for (int j = 0; j < width; j++) {
                        accumulate(out, touched, count, height, width, i, j, wr * dirichlet(c - j, width));
                    }
                }
            }
            default -> throw new IllegalStateException("unknown interpolation " + interpolation);
        }
        return count[0];
    }

    private static void accumulate(double[] out, int[] touched, int[] count, int height, int width, int r, int c, double w) {
        if (r >= 0 && r < height && c >= 0 && c < width) {
            int q = r * width + c;
            out[q] += w;
            touched[count[0]++] = q;
        }
    }

    /** Keys' cubic convolution kernel with a = −1/2. */
    static double keys(double t) {
        double s = Math.abs(t);
        if (s < 1) {
            return (1.5 * s - 2.5) * s * s + 1;
        }
        if (s < 2) {
            return ((-0.5 * s + 2.5) * s - 4) * s + 2;
        }
        return 0;
    }

    /** The periodic sinc of period n: the trigonometric interpolation kernel on n samples. */
    static double dirichlet(double t, int n) {
        double s = Math.sin(Math.PI * t / n);
        if (Math.abs(s) < 1e-12) {
            // t ≡ 0 (mod n): the limit is ±1 (for even n the sign alternates with the period)
            long m = Math.round(t / n);
            return n % 2 == 1 || m % 2 == 0 ? 1.0 : -1.0;
        }
        return n % 2 == 1
                ? Math.sin(Math.PI * t) / (n * s)
                : Math.sin(Math.PI * t) * Math.cos(Math.PI * t / n) / (n * s);
    }
}

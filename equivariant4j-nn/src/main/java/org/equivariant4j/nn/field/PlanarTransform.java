package org.equivariant4j.nn.field;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.equivariant4j.kernel.GridResampling;
import org.equivariant4j.kernel.KernelInterpolation;
import org.equivariant4j.linalg.SparseMatrix;
import org.equivariant4j.nn.ops.Tensors;

/**
 * The action of an orthogonal 2×2 matrix A on images, (L_A f)(x) = f(A⁻¹x), on the last two axes of an array
 * [..., height, width], with pixel (i, j) at x = j − (W−1)/2, y = (H−1)/2 − i (DESIGN.md).
 *
 * <p>A signed permutation (multiples of 90°, mirrors about the axes and diagonals) is applied exactly by transposes and
 * flips on the engine: the rotation by +90° turns the picture counter-clockwise, out[i][j] = in[j][W−1−i] (numpy's
 * {@code rot90}; an H×W image becomes W×H); the mirror x ↦ −x reverses the columns. Any other A resamples with {@link GridResampling} (interpolated
 * between pixels, zero outside), computed on the JVM: meant for measuring equivariance on smooth inputs, not for training.
 */
public final class PlanarTransform {
    private PlanarTransform() {}

    /** L_A x on the last two axes; exact for signed permutations, else interpolated. */
    public static NDArray apply(double[][] a, NDArray x, KernelInterpolation interpolation) {
        Shape s = x.getShape();
        int rank = s.dimension();
        if (rank < 2) {
            throw new IllegalArgumentException("an image transform needs at least 2 axes, got shape " + s);
        }
        if (GridResampling.isSignedPermutation(a)) {
            return exact(a, x);
        }
        int h = Math.toIntExact(s.get(rank - 2));
        int w = Math.toIntExact(s.get(rank - 1));
        SparseMatrix m = GridResampling.matrix(h, w, a, interpolation);
        double[] in = Tensors.toDoubles(x);
        double[] out = new double[in.length];
        int n = h * w;
        double[] img = new double[n];
        for (int start = 0; start < in.length; start += n) {
            System.arraycopy(in, start, img, 0, n);
            System.arraycopy(m.apply(img), 0, out, start, n);
        }
        NDArray y = Tensors.fromFlat(x.getManager(), out, s, x.getDataType());
        return y.toDevice(x.getDevice(), false);
    }

    /** A = R(qπ/2)·F^j with F = diag(−1, 1): mirror the columns (if j = 1), then rotate q quarter turns. */
    private static NDArray exact(double[][] a, NDArray x) {
        double det = a[0][0] * a[1][1] - a[0][1] * a[1][0];
        int flip = det < 0 ? 1 : 0;
        double c = flip == 1 ? -a[0][0] : a[0][0];
        double s = flip == 1 ? -a[1][0] : a[1][0];
        int q = (int) Math.round(Math.atan2(s, c) / (Math.PI / 2));
        return rot90(flip == 1 ? flipX(x) : x, q);
    }

    /** Counter-clockwise rotation by {@code quarterTurns}·90° of the last two axes (negative: clockwise). */
    public static NDArray rot90(NDArray x, int quarterTurns) {
        int rank = x.getShape().dimension();
        if (rank < 2) {
            throw new IllegalArgumentException("rot90 needs at least 2 axes, got shape " + x.getShape());
        }
        int q = Math.floorMod(quarterTurns, 4);
        NDArray y = x;
        for (int t = 0; t < q; t++) {
            // out[i][j] = in[j][W−1−i]: transpose, then reverse the rows
            y = y.swapAxes(rank - 2, rank - 1).flip(rank - 2);
        }
        return q == 0 ? x.duplicate() : y;
    }

    /** The mirror x ↦ −x (columns reversed) on the last axis. */
    public static NDArray flipX(NDArray x) {
        return x.flip(x.getShape().dimension() - 1);
    }
}

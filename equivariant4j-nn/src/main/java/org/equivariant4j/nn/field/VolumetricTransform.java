package org.equivariant4j.nn.field;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.equivariant4j.kernel.GridResampling;
import org.equivariant4j.kernel.KernelInterpolation;
import org.equivariant4j.linalg.SparseMatrix;
import org.equivariant4j.nn.ops.Tensors;

/**
 * The action of an orthogonal 3×3 matrix A on volumes, (L_A f)(x) = f(A⁻¹x), on the last three axes of an array
 * [..., depth, height, width], with voxel (a, b, c) at x = c − (W−1)/2, y = (H−1)/2 − b, z = (D−1)/2 − a
 * (DESIGN.md; {@link org.equivariant4j.kernel.KernelGrid#volumetric}).
 *
 * <p>In array coordinates u = (a − (D−1)/2, b − (H−1)/2, c − (W−1)/2) = (−z, −y, x), L_A reads out[u] = in[B u] with
 * B = S⁻¹ Aᵀ S (S: u ↦ x). A signed permutation (the 48 symmetries of the cube) makes B one too, applied exactly by flips
 * and a transpose on the engine: the rotation by +90° about z, A = R_z(π/2), turns every depth slice
 * counter-clockwise as {@link PlanarTransform#rot90} does (out[a][b][c] = in[a][c][W−1−b]); the inversion reverses all
 * three axes. Any other A resamples with
 * {@link GridResampling#volumeMatrix} (trilinear or tricubic, zero outside), on the JVM: meant for measuring
 * equivariance on smooth inputs, not for training.
 */
public final class VolumetricTransform {
    private VolumetricTransform() {}

    /** L_A x on the last three axes; exact for signed permutations, else interpolated. */
    public static NDArray apply(double[][] a, NDArray x, KernelInterpolation interpolation) {
        Shape s = x.getShape();
        int rank = s.dimension();
        if (rank < 3) {
            throw new IllegalArgumentException("a volume transform needs at least 3 axes, got shape " + s);
        }
        if (GridResampling.isSignedPermutation(a)) {
            return exact(a, x);
        }
        int d = Math.toIntExact(s.get(rank - 3));
        int h = Math.toIntExact(s.get(rank - 2));
        int w = Math.toIntExact(s.get(rank - 1));
        SparseMatrix m = GridResampling.volumeMatrix(d, h, w, a, interpolation);
        double[] in = Tensors.toDoubles(x);
        double[] out = new double[in.length];
        int n = d * h * w;
        double[] vol = new double[n];
        for (int start = 0; start < in.length; start += n) {
            System.arraycopy(in, start, vol, 0, n);
            System.arraycopy(m.apply(vol), 0, out, start, n);
        }
        return Tensors.fromFlat(x.getManager(), out, s, x.getDataType()).toDevice(x.getDevice(), false);
    }

    /** B = S⁻¹ Aᵀ S, read off as out[u]_i = sign_i · u[perm_i]: flip the axes with sign −1, then permute. */
    private static NDArray exact(double[][] a, NDArray x) {
        // S maps u = (u0, u1, u2) to (x, y, z) = (u2, −u1, −u0)
        double[][] sMat = {{0, 0, 1}, {0, -1, 0}, {-1, 0, 0}};
        double[][] b = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double v = 0;
                for (int k = 0; k < 3; k++) {
                    for (int l = 0; l < 3; l++) {
                        // S⁻¹ = Sᵀ; (Sᵀ Aᵀ S)_ij = Σ S_ki A_lk S_lj
                        v += sMat[k][i] * a[l][k] * sMat[l][j];
                    }
                }
                b[i][j] = v;
            }
        }
        int rank = x.getShape().dimension();
        int first = rank - 3;
        int[] perm = new int[3];
        int[] sign = new int[3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                if (Math.abs(b[i][j]) > 0.5) {
                    perm[i] = j;
                    sign[i] = b[i][j] > 0 ? 1 : -1;
                }
            }
        }
        // out[u] = in[v] with v_i = sign_i u_{perm_i}: flip input axis i where sign_i = −1, then y[u] = in'[u_{perm}]
        NDArray y = x;
        java.util.List<Integer> flips = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            if (sign[i] < 0) {
                flips.add(first + i);
            }
        }
        if (!flips.isEmpty()) {
            y = y.flip(flips.stream().mapToInt(Integer::intValue).toArray());
        }
        // transpose with p = perm⁻¹: out axis k takes in' axis p[k] where perm[p[k]] = k
        int[] axes = new int[rank];
        for (int i = 0; i < first; i++) {
            axes[i] = i;
        }
        boolean identity = true;
        for (int i = 0; i < 3; i++) {
            axes[first + perm[i]] = first + i;
            identity &= perm[i] == i;
        }
        if (identity) {
            return flips.isEmpty() ? x.duplicate() : y;
        }
        return y.transpose(axes);
    }
}

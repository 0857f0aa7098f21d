package org.equivariant4j.nn.lifted;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.equivariant4j.group.FiniteGroup;
import org.equivariant4j.group.Permutations;
import org.equivariant4j.group.SO3Element;
import org.equivariant4j.linalg.Matrices;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.MulIrrep;

/**
 * The rotations SO(3) as the fibre: the full lift of point clouds to SE(3) = R³ ⋊ SO(3), sampled on a grid of rotations
 * R_k (e.g. the 24 rotations of the cube or the 60 of the icosahedron). Spatial invariants are the displacement in the
 * frame R_k, R_kᵀ(x_j − x_i) (3 numbers, complete for the pose pair (x_i, R_k), (x_j, R_k)); the fibre invariant of two
 * grid rotations is the relative rotation R_lᵀR_k (9 numbers, row by row, complete for pairs at one point). The frame
 * has a handedness, so the layers are equivariant to rotations and translations only: SE(3).
 *
 * <p>Lifting: a scalar becomes one constant channel, a vector v three channels R_kᵀv (its coordinates in each frame);
 * degrees above 1 are not supported. Projection inverts it: scalars are the mean over the grid, vectors
 * (1/N) Σ_k R_k f_k.
 */
public final class RotationFiber implements Fiber {
    private final double[][][] rotations;
    private final String description;

    private RotationFiber(double[][][] rotations, String description) {
        this.rotations = rotations;
        this.description = description;
    }

    /** The elements of a finite rotation group as the grid (left multiplication by a group element permutes it). */
    public static RotationFiber of(FiniteGroup<SO3Element> group) {
        List<double[][]> r = new ArrayList<>();
        for (SO3Element g : group.elements()) {
            r.add(g.matrix());
        }
        return new RotationFiber(r.toArray(new double[0][][]), "SO3 " + group.name() + "(" + r.size() + ")");
    }

    /** The given rotation matrices as the grid. */
    public static RotationFiber of(List<double[][]> rotations, String description) {
        if (rotations.isEmpty()) {
            throw new IllegalArgumentException("a rotation grid needs at least one rotation");
        }
        double[][][] r = new double[rotations.size()][][];
        for (int k = 0; k < r.length; k++) {
            double[][] m = rotations.get(k);
            if (m.length != 3 || m[0].length != 3 || !Matrices.isOrthogonal(m, 1e-9) || Math.abs(Matrices.determinant(m) - 1) > 1e-9) {
                throw new IllegalArgumentException("grid element " + k + " is not a 3×3 rotation: " + Arrays.deepToString(m));
            }
            r[k] = Matrices.copy(m);
        }
        return new RotationFiber(r, description);
    }

    /** Rotation k (a copy). */
    public double[][] rotation(int k) {
        return Matrices.copy(rotations[k]);
    }

    @Override
    public int size() {
        return rotations.length;
    }

    @Override
    public int spatialInvariants() {
        return 3;
    }

    @Override
    public int fiberInvariants() {
        return 9;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String group() {
        return "SE(3)";
    }

    /** Columns k·3 + a hold R_k e_a, so rel·G = [R_kᵀ rel]_k. */
    @Override
    public double[][] spatialMatrix() {
        int n = rotations.length;
        double[][] g = new double[3][3 * n];
        for (int k = 0; k < n; k++) {
            for (int m = 0; m < 3; m++) {
                for (int a = 0; a < 3; a++) {
                    g[m][3 * k + a] = rotations[k][m][a];
                }
            }
        }
        return g;
    }

    @Override
    public String spatialSource() {
        return String.join("\n",
                "def spatial(self, rel: Tensor, g: Tensor) -> Tensor:",
                "  return torch.matmul(rel, g).view([rel.size(0), " + rotations.length + ", 3])");
    }

    @Override
    public double[][][] fiberInvariantValues() {
        int n = rotations.length;
        double[][][] f = new double[n][n][];
        for (int k = 0; k < n; k++) {
            for (int l = 0; l < n; l++) {
                double[][] rel = Matrices.multiply(Matrices.transpose(rotations[l]), rotations[k]);
                f[k][l] = new double[9];
                for (int r = 0; r < 3; r++) {
                    System.arraycopy(rel[r], 0, f[k][l], 3 * r, 3);
                }
            }
        }
        return f;
    }

    @Override
    public int liftedChannels(Irreps irreps) {
        int c = 0;
        for (MulIrrep mi : irreps.list()) {
            c += mi.mul() * channelsOf(mi, irreps);
        }
        return c;
    }

    @Override
    public double[][] liftingMatrix(Irreps irreps) {
        return matrix(irreps, true);
    }

    @Override
    public int projectedChannels(Irreps irreps) {
        return liftedChannels(irreps);
    }

    @Override
    public double[][] projectionMatrix(Irreps irreps) {
        return matrix(irreps, false);
    }

    /** Lifting [dim, N·C] or projection [N·C, dim]. */
    private double[][] matrix(Irreps irreps, boolean lifting) {
        int n = rotations.length;
        int c = liftedChannels(irreps);
        double[][] m = lifting ? new double[irreps.dim()][n * c] : new double[n * c][irreps.dim()];
        int row = 0;
        int channel = 0;
        for (MulIrrep mi : irreps.list()) {
            int width = channelsOf(mi, irreps);
            for (int u = 0; u < mi.mul(); u++) {
                for (int k = 0; k < n; k++) {
                    if (width == 1) {
                        set(m, lifting, row, k * c + channel, lifting ? 1 : 1.0 / n);
                    } else {
                        for (int q = 0; q < 3; q++) {
                            for (int a = 0; a < 3; a++) {
                                set(m, lifting, row + q, k * c + channel + a, rotations[k][q][a] / (lifting ? 1 : n));
                            }
                        }
                    }
                }
                row += width;
                channel += width;
            }
        }
        return m;
    }

    private static void set(double[][] m, boolean lifting, int feature, int gridChannel, double v) {
        if (lifting) {
            m[feature][gridChannel] = v;
        } else {
            m[gridChannel][feature] = v;
        }
    }

    private static int channelsOf(MulIrrep mi, Irreps irreps) {
        int l = mi.irrep().l();
        if (l > 1) {
            throw new IllegalArgumentException("the rotation fibre lifts scalars and vectors (l <= 1), got " + mi.irrep() + " in "
                    + irreps);
        }
        return l == 0 ? 1 : 3;
    }

    @Override
    public Optional<int[]> permutation(double[][] q) {
        if (q.length != 3 || q[0].length != 3) {
            throw new IllegalArgumentException("expected a 3×3 matrix, got " + Matrices.shapeString(q));
        }
        double[][][] moved = new double[rotations.length][][];
        for (int k = 0; k < rotations.length; k++) {
            moved[k] = Matrices.multiply(q, rotations[k]);
        }
        return Permutations.matching(rotations.length, (k, j) -> Matrices.maxAbsDifference(moved[k], rotations[j]) < 1e-9);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RotationFiber f && Arrays.deepEquals(rotations, f.rotations);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(rotations);
    }

    @Override
    public String toString() {
        return "RotationFiber[" + description + "]";
    }
}

package org.equivariant4j.nn.lifted;

import java.util.Objects;
import java.util.Optional;
import org.equivariant4j.harmonics.SphereGrid;
import org.equivariant4j.harmonics.SphereGridTransform;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.MulIrrep;

/**
 * The sphere S² as the fibre: position–orientation space R³ × S², sampled on a {@link SphereGrid} of orientations
 * o_k. For the displacement r = x_j − x_i the spatial invariants are [o_k·r, ‖r − (o_k·r)o_k‖] (complete for the pair
 * (x_i, o_k), (x_j, o_k)); the fibre invariant of two orientations is o_k·o_l (complete for pairs at one point). Both
 * are dot products and lengths, so the layers are equivariant to reflections as well: E(3).
 *
 * <p>Lifting is the spherical-harmonic synthesis of each irrep copy ({@link SphereGridTransform}, NORM normalisation): a
 * scalar s becomes the constant s, a vector v the signal v·o, a degree-l copy Σ_m c_m Y_lm(o); it needs parity
 * (−1)^l, the parity of a function on the sphere under o ↦ −o (0e, 1o, 2e, …). Projection is the least-squares
 * analysis (exact on band-limited signals); the degree-1 part of a signal is then ≈ 3·mean_k f(o_k) o_k.
 *
 * <p>The orthogonal length is computed as √(‖r − (o·r)o‖² + 10⁻¹²), smooth at 0, so forces and their derivatives stay
 * finite when r ∥ o.
 *
 * @param grid the orientations (a grid on S²)
 */
public record SphereFiber(SphereGrid grid) implements Fiber {
    public SphereFiber {
        Objects.requireNonNull(grid, "grid");
        if (grid.dimension() != 3) {
            throw new IllegalArgumentException("a sphere fibre needs a grid on S² (3 coordinates), got " + grid);
        }
    }

    @Override
    public int size() {
        return grid.size();
    }

    @Override
    public int spatialInvariants() {
        return 2;
    }

    @Override
    public int fiberInvariants() {
        return 1;
    }

    @Override
    public String description() {
        return "S2 " + grid.description();
    }

    @Override
    public String group() {
        return "E(3)";
    }

    @Override
    public double[][] spatialMatrix() {
        int n = grid.size();
        double[][] g = new double[3][n];
        for (int k = 0; k < n; k++) {
            double[] o = grid.point(k);
            for (int a = 0; a < 3; a++) {
                g[a][k] = o[a];
            }
        }
        return g;
    }

    @Override
    public String spatialSource() {
        return String.join("\n",
                "def spatial(self, rel: Tensor, g: Tensor) -> Tensor:",
                "  a = torch.matmul(rel, g)",
                "  perp = torch.sub(torch.unsqueeze(rel, 1), torch.mul(torch.unsqueeze(a, 2), torch.unsqueeze(torch.t(g), 0)))",
                "  b = torch.sqrt(torch.add(torch.sum(torch.mul(perp, perp), [2]), 1e-12))",
                "  return torch.stack([a, b], 2)");
    }

    @Override
    public double[][][] fiberInvariantValues() {
        int n = grid.size();
        double[][][] f = new double[n][n][1];
        for (int k = 0; k < n; k++) {
            double[] a = grid.point(k);
            for (int l = 0; l < n; l++) {
                double[] b = grid.point(l);
                f[k][l][0] = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
            }
        }
        return f;
    }

    @Override
    public int liftedChannels(Irreps irreps) {
        check(irreps);
        return irreps.numIrreps();
    }

    @Override
    public double[][] liftingMatrix(Irreps irreps) {
        check(irreps);
        int n = grid.size();
        int c = irreps.numIrreps();
        double[][] y = grid.harmonics(Math.max(0, irreps.lmax()));
        double[][] m = new double[irreps.dim()][n * c];
        int row = 0;
        int channel = 0;
        for (MulIrrep mi : irreps.list()) {
            int l = mi.irrep().l();
            for (int u = 0; u < mi.mul(); u++) {
                for (int q = 0; q < 2 * l + 1; q++) {
                    for (int k = 0; k < n; k++) {
                        m[row + q][k * c + channel] = y[k][l * l + q];
                    }
                }
                row += 2 * l + 1;
                channel++;
            }
        }
        return m;
    }

    @Override
    public int projectedChannels(Irreps irreps) {
        return liftedChannels(irreps);
    }

    @Override
    public double[][] projectionMatrix(Irreps irreps) {
        check(irreps);
        int n = grid.size();
        int c = irreps.numIrreps();
        double[][] a = SphereGridTransform.of(grid, Math.max(0, irreps.lmax())).analysisMatrix();
        double[][] p = new double[n * c][irreps.dim()];
        int col = 0;
        int channel = 0;
        for (MulIrrep mi : irreps.list()) {
            int l = mi.irrep().l();
            for (int u = 0; u < mi.mul(); u++) {
                for (int q = 0; q < 2 * l + 1; q++) {
                    for (int k = 0; k < n; k++) {
                        p[k * c + channel][col + q] = a[l * l + q][k];
                    }
                }
                col += 2 * l + 1;
                channel++;
            }
        }
        return p;
    }

    @Override
    public Optional<int[]> permutation(double[][] q) {
        return grid.permutation(q, 1e-9);
    }

    private static void check(Irreps irreps) {
        for (MulIrrep mi : irreps.list()) {
            int l = mi.irrep().l();
            if (mi.irrep().p() != (l % 2 == 0 ? 1 : -1)) {
                throw new IllegalArgumentException("a signal on the sphere carries only irreps of parity (-1)^l (0e, 1o, 2e,"
                        + " ...), got " + mi.irrep() + " in " + irreps);
            }
        }
    }
}

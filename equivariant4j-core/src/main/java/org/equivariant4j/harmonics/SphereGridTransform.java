package org.equivariant4j.harmonics;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.equivariant4j.linalg.Matrices;

/**
 * The harmonic transform between band-limited functions on the sphere and their samples on a {@link SphereGrid}: the
 * map between a node's steerable features and a signal over its orientations.
 *
 * <p>Synthesis f(o_k) = Σ_j Y_j(o_k) c_j with the grid's {@link SphereGrid#harmonics harmonics} in NORM normalisation
 * (degree 0 is the constant 1, degree 1 is o itself, so a scalar s lifts to the constant s and a vector v to
 * f(o) = v·o). Analysis is its least-squares inverse (YᵀY)⁻¹Yᵀ: it recovers the coefficients of every function of
 * degree ≤ L exactly, and on grids with equal quadrature weights exact to degree 2L (group orbits whose symmetry
 * reaches that degree) it is the quadrature rule c_j = Σ_k f(o_k) Y_j(o_k) / (N·mean(Y_j²)).
 *
 * <p>Equivariance: with the Wigner matrices D(R)Y(o) = Y(Ro), the function f = cᵀY satisfies f(Rᵀo) = (D(R)c)ᵀY(o),
 * so synthesis(D(R)c) samples the rotated function; for a rotation R that permutes the grid (Y(Rᵀo_k) = Y(o_π⁻¹(k))),
 * analysis commutes with it for any samples: analysis(f ∘ π⁻¹) = D(R)·analysis(f).
 *
 * <p>Immutable.
 */
public final class SphereGridTransform {
    /** Smallest accepted ratio of the smallest to the largest singular value of the synthesis matrix. */
    static final double CONDITION_LIMIT = 1e-8;

    private final SphereGrid grid;
    private final int maxDegree;
    private final double[][] synthesis;
    private final double[][] analysis;

    private SphereGridTransform(SphereGrid grid, int maxDegree, double[][] synthesis, double[][] analysis) {
        this.grid = grid;
        this.maxDegree = maxDegree;
        this.synthesis = synthesis;
        this.analysis = analysis;
    }

    /**
     * The transform of degrees 0..L on the grid.
     *
     * @throws IllegalArgumentException when the grid cannot resolve degree L (fewer independent samples than harmonics)
     */
    public static SphereGridTransform of(SphereGrid grid, int maxDegree) {
        double[][] y = grid.harmonics(maxDegree);
        int n = y.length;
        int k = y[0].length;
        if (n < k) {
            throw new IllegalArgumentException("the grid " + grid.description() + " has " + n + " points, fewer than the " + k
                    + " harmonics of degree <= " + maxDegree);
        }
        DMatrixRMaj a = new DMatrixRMaj(y);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(n, k, false, false, true);
        if (!svd.decompose(a.copy())) {
            throw new IllegalStateException("SVD failed for the harmonics of " + grid);
        }
        double[] s = svd.getSingularValues();
        double max = 0;
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < Math.min(n, k); i++) {
            max = Math.max(max, s[i]);
            min = Math.min(min, s[i]);
        }
        if (!(min > CONDITION_LIMIT * max)) {
            throw new IllegalArgumentException("the grid " + grid.description() + " cannot resolve degree " + maxDegree
                    + ": its " + n + " samples of the " + k + " harmonics are (nearly) dependent (singular values "
                    + min + " / " + max + ")");
        }
        DMatrixRMaj pinv = new DMatrixRMaj(k, n);
        CommonOps_DDRM.pinv(a, pinv);
        double[][] an = new double[k][n];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < n; j++) {
                an[i][j] = pinv.get(i, j);
            }
        }
        return new SphereGridTransform(grid, maxDegree, y, an);
    }

    public SphereGrid grid() {
        return grid;
    }

    /** L. */
    public int maxDegree() {
        return maxDegree;
    }

    /** Number of coefficients K. */
    public int coefficients() {
        return synthesis[0].length;
    }

    /** Offset of degree l's block in a coefficient vector: l² on S², max(0, 2l − 1) on S¹. */
    public int offset(int l) {
        if (l < 0 || l > maxDegree) {
            throw new IllegalArgumentException("degree " + l + " is outside 0.." + maxDegree);
        }
        return grid.dimension() == 3 ? l * l : Math.max(0, 2 * l - 1);
    }

    /** Size of degree l's block: 2l + 1 on S², 1 or 2 on S¹. */
    public int blockSize(int l) {
        if (l < 0 || l > maxDegree) {
            throw new IllegalArgumentException("degree " + l + " is outside 0.." + maxDegree);
        }
        return grid.dimension() == 3 ? 2 * l + 1 : (l == 0 ? 1 : 2);
    }

    /** Y, N×K (a copy). */
    public double[][] synthesisMatrix() {
        return Matrices.copy(synthesis);
    }

    /** (YᵀY)⁻¹Yᵀ, K×N (a copy). */
    public double[][] analysisMatrix() {
        return Matrices.copy(analysis);
    }

    /** The samples f(o_k) of the function with coefficients c. */
    public double[] synthesize(double[] c) {
        if (c.length != coefficients()) {
            throw new IllegalArgumentException("expected " + coefficients() + " coefficients (degrees <= " + maxDegree + "), got "
                    + c.length);
        }
        return Matrices.apply(synthesis, c);
    }

    /** The coefficients of the least-squares band-limited fit to the samples f. */
    public double[] analyze(double[] f) {
        if (f.length != grid.size()) {
            throw new IllegalArgumentException("expected " + grid.size() + " samples, one per grid point, got " + f.length);
        }
        return Matrices.apply(analysis, f);
    }
}

package org.equivariant4j.harmonics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.equivariant4j.group.FiniteGroup;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.Permutations;
import org.equivariant4j.group.SO3Element;
import org.equivariant4j.linalg.Matrices;

/**
 * A finite grid of orientations on the sphere S^{d−1} (d = 3: S², d = 2: the circle S¹): the fibre samples of lifted
 * networks on R^d × S^{d−1}. Points are unit vectors o_k ∈ R^d, k = 0..N−1.
 *
 * <p>Grids of any size: {@link #uniform} (S², near-uniform: the Fibonacci spiral relaxed by Coulomb repulsion, which
 * gives the Thomson configurations, e.g. the icosahedron for N = 12), {@link #fibonacci} and {@link #circle}; grids
 * that a finite rotation group maps to itself: {@link #orbit}, {@link #icosahedral}, {@link #octahedral} (a rotation of
 * the group permutes their points, {@link #permutation}, so lifted layers on them are exactly equivariant to it).
 *
 * <p>{@link #quadratureWeights} gives weights w_k with Σ_k w_k f(o_k) = (1/|S|) ∫ f for every function of degree ≤ L
 * (spherical or circular harmonics), the minimum-norm solution of the moment equations; they are uniform on a group
 * orbit, whose symmetry makes them an equal-weight rule up to a degree fixed by the group (the 12 icosahedron vertices
 * integrate degree 5 exactly).
 *
 * <p>Immutable; equal when the points are.
 */
public final class SphereGrid {
    /** Iterations of the repulsion of {@link #uniform}. */
    static final int REPULSION_STEPS = 1000;

    private final double[][] points;
    private final String description;

    private SphereGrid(double[][] points, String description) {
        this.points = points;
        this.description = description;
    }

    /**
     * A grid of the given unit vectors (all of length 2 or all of length 3, normalised within 1e-9, pairwise distinct).
     */
    public static SphereGrid of(double[][] points, String description) {
        if (points == null || points.length == 0) {
            throw new IllegalArgumentException("a sphere grid needs at least one point");
        }
        int d = points[0].length;
        if (d != 2 && d != 3) {
            throw new IllegalArgumentException("grid points must have 2 (S¹) or 3 (S²) coordinates, got " + d);
        }
        double[][] copy = new double[points.length][];
        for (int k = 0; k < points.length; k++) {
            if (points[k].length != d) {
                throw new IllegalArgumentException("grid point " + k + " has " + points[k].length + " coordinates, point 0 has " + d);
            }
            double n = 0;
            for (double v : points[k]) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("grid point " + k + " is not finite: " + Arrays.toString(points[k]));
                }
                n += v * v;
            }
            if (Math.abs(Math.sqrt(n) - 1) > 1e-9) {
                throw new IllegalArgumentException("grid point " + k + " is not a unit vector: " + Arrays.toString(points[k])
                        + " has length " + Math.sqrt(n));
            }
            copy[k] = points[k].clone();
            for (int j = 0; j < k; j++) {
                if (distance(copy[j], copy[k]) < 1e-9) {
                    throw new IllegalArgumentException("grid points " + j + " and " + k + " coincide: " + Arrays.toString(points[k]));
                }
            }
        }
        return new SphereGrid(copy, description);
    }

    /** N equispaced directions of the circle: o_k = (cos 2πk/N, sin 2πk/N). */
    public static SphereGrid circle(int n) {
        requirePositive(n);
        double[][] p = new double[n][];
        for (int k = 0; k < n; k++) {
            double t = 2 * Math.PI * k / n;
            p[k] = new double[] {Math.cos(t), Math.sin(t)};
        }
        return new SphereGrid(p, "circle(" + n + ")");
    }

    /** The Fibonacci (golden-angle) spiral of N points on S²: y_k = 1 − (2k + 1)/N, azimuth k·π(3 − √5). */
    public static SphereGrid fibonacci(int n) {
        requirePositive(n);
        return new SphereGrid(fibonacciPoints(n), "fibonacci(" + n + ")");
    }

    /**
     * N near-uniform points on S² (any N ≥ 1): the Fibonacci spiral relaxed by {@value #REPULSION_STEPS} steps of
     * projected gradient descent on the Coulomb energy Σ 1/‖o_k − o_l‖ (deterministic, adaptive step). Reaches the known minimisers:
     * the tetrahedron (4), octahedron (6), icosahedron (12). Cost O(N²) per step.
     */
    public static SphereGrid uniform(int n) {
        requirePositive(n);
        double[][] p = fibonacciPoints(n);
        if (n > 1) {
            repel(p);
        }
        return new SphereGrid(p, "uniform(" + n + ")");
    }

    /** The orbit {g·v̂ : g ∈ G} of the direction v under a finite rotation group, in the order of the group's elements. */
    public static SphereGrid orbit(FiniteGroup<SO3Element> group, double[] v) {
        if (v == null || v.length != 3) {
            throw new IllegalArgumentException("expected a direction of R³, got " + (v == null ? "null" : Arrays.toString(v)));
        }
        double n = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        if (!(n > 0) || !Double.isFinite(n)) {
            throw new IllegalArgumentException("expected a non-zero finite direction, got " + Arrays.toString(v));
        }
        double[] u = {v[0] / n, v[1] / n, v[2] / n};
        List<double[]> pts = new ArrayList<>();
        for (SO3Element g : group.elements()) {
            double[] p = Matrices.apply(g.matrix(), u);
            if (pts.stream().noneMatch(q -> distance(p, q) < 1e-9)) {
                pts.add(p);
            }
        }
        return new SphereGrid(pts.toArray(new double[0][]), group.name() + " orbit of " + Arrays.toString(u) + " ("
                + pts.size() + ")");
    }

    /**
     * An orbit of the icosahedral rotation group ({@link Groups#icosahedral()}): the 12 vertices, 20 face centres or
     * 30 edge midpoints of the icosahedron, or a generic orbit of 60.
     */
    public static SphereGrid icosahedral(int size) {
        double phi = (1 + Math.sqrt(5)) / 2;
        double[] v = switch (size) {
            case 12 -> new double[] {0, 1, phi};
            case 20 -> new double[] {1, 1, 1};
            case 30 -> new double[] {0, 0, 1};
            case 60 -> new double[] {0.3, 0.5, 0.8};
            default -> throw new IllegalArgumentException("icosahedral orbits have 12, 20, 30 or 60 points, got " + size);
        };
        return orbit(Groups.icosahedral(), v);
    }

    /**
     * An orbit of the octahedral rotation group ({@link Groups#octahedral()}): the 6 vertices of the octahedron, the 8
     * vertices of the cube, the 12 edge midpoints of the cube, or a generic orbit of 24.
     */
    public static SphereGrid octahedral(int size) {
        double[] v = switch (size) {
            case 6 -> new double[] {0, 0, 1};
            case 8 -> new double[] {1, 1, 1};
            case 12 -> new double[] {1, 1, 0};
            case 24 -> new double[] {0.3, 0.5, 0.8};
            default -> throw new IllegalArgumentException("octahedral orbits have 6, 8, 12 or 24 points, got " + size);
        };
        return orbit(Groups.octahedral(), v);
    }

    /** d: 3 for S², 2 for S¹. */
    public int dimension() {
        return points[0].length;
    }

    /** N. */
    public int size() {
        return points.length;
    }

    /** The points, N×d (a copy). */
    public double[][] points() {
        return Matrices.copy(points);
    }

    /** Point k (a copy). */
    public double[] point(int k) {
        return points[k].clone();
    }

    /** How the grid was made, e.g. "uniform(16)". */
    public String description() {
        return description;
    }

    /** The smallest distance between two points (∞ for one point). */
    public double minimumDistance() {
        double m = Double.POSITIVE_INFINITY;
        for (int i = 0; i < points.length; i++) {
            for (int j = 0; j < i; j++) {
                m = Math.min(m, distance(points[i], points[j]));
            }
        }
        return m;
    }

    /**
     * The harmonics of degree ≤ L at the points, N×K, in {@link Normalization#NORM} (each degree's block has unit norm):
     * on S² the real spherical harmonics of e3nn's convention (K = (L + 1)², degree l at columns l²..l² + 2l, l = 1 is
     * o itself); on S¹ [1, cos θ, sin θ, …, cos Lθ, sin Lθ] (K = 2L + 1, degree l ≥ 1 at columns 2l − 1, 2l).
     */
    public double[][] harmonics(int maxDegree) {
        if (maxDegree < 0) {
            throw new IllegalArgumentException("expected a degree >= 0, got " + maxDegree);
        }
        double[][] y = new double[points.length][];
        for (int k = 0; k < points.length; k++) {
            double[] o = points[k];
            y[k] = dimension() == 3 ? SphericalHarmonics.evaluate(maxDegree, o[0], o[1], o[2], Normalization.NORM)
                    : CircularHarmonics.basis(maxDegree, Math.atan2(o[1], o[0]));
        }
        return y;
    }

    /** K of {@link #harmonics}: (L + 1)² on S², 2L + 1 on S¹. */
    public int harmonicsCount(int maxDegree) {
        return dimension() == 3 ? (maxDegree + 1) * (maxDegree + 1) : 2 * maxDegree + 1;
    }

    /**
     * Quadrature weights w (summing to 1) with Σ_k w_k f(o_k) equal to the mean of f over the sphere for every f of
     * degree ≤ L: the minimum-norm solution of the moment equations Σ_k w_k Y(o_k) = (1, 0, …, 0).
     *
     * @throws IllegalArgumentException when the grid cannot integrate degree L exactly (too few or degenerate points)
     */
    public double[] quadratureWeights(int maxDegree) {
        double[][] y = harmonics(maxDegree);
        int n = points.length;
        int k = y[0].length;
        DMatrixRMaj a = new DMatrixRMaj(k, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                a.set(j, i, y[i][j]);
            }
        }
        DMatrixRMaj pinv = new DMatrixRMaj(n, k);
        CommonOps_DDRM.pinv(a, pinv);
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = pinv.get(i, 0);
        }
        double residual = 0;
        for (int j = 0; j < k; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += a.get(j, i) * w[i];
            }
            residual = Math.max(residual, Math.abs(s - (j == 0 ? 1 : 0)));
        }
        if (residual > 1e-10) {
            throw new IllegalArgumentException("the grid " + description + " of " + n + " points cannot integrate every"
                    + " harmonic of degree <= " + maxDegree + " exactly (moment residual " + residual + "; that needs "
                    + k + " independent conditions)");
        }
        return w;
    }

    /** The largest L for which {@link #quadratureWeights} exist (searched up to 4·√N + 4). */
    public int quadratureDegree() {
        int limit = (int) (4 * Math.sqrt(points.length)) + 4;
        int best = 0;
        for (int l = 1; l <= limit; l++) {
            try {
                quadratureWeights(l);
                best = l;
            } catch (IllegalArgumentException e) {
                break;
            }
        }
        return best;
    }

    /**
     * The permutation π with Q·o_k = o_π(k) for every k, when the orthogonal d×d matrix Q maps the grid to itself within
     * {@code tolerance}; empty otherwise. Signals then move as (Q·f)(o_k) = f(Qᵀo_k) = f(o_π⁻¹(k)).
     */
    public Optional<int[]> permutation(double[][] q, double tolerance) {
        int d = dimension();
        if (q.length != d || q[0].length != d) {
            throw new IllegalArgumentException("expected a " + d + "×" + d + " matrix for a grid on S^" + (d - 1) + ", got "
                    + Matrices.shapeString(q));
        }
        double[][] moved = new double[points.length][];
        for (int k = 0; k < points.length; k++) {
            moved[k] = Matrices.apply(q, points[k]);
        }
        return Permutations.matching(points.length, (k, j) -> distance(moved[k], points[j]) <= tolerance);
    }

    /** Grids are equal when their points are (in order); the description is not compared. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SphereGrid g && Arrays.deepEquals(points, g.points);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(points);
    }

    @Override
    public String toString() {
        return "SphereGrid[" + description + ", S^" + (dimension() - 1) + ", " + points.length + " points]";
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    private static void requirePositive(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a sphere grid needs at least one point, got " + n);
        }
    }

    private static double[][] fibonacciPoints(int n) {
        double golden = Math.PI * (3 - Math.sqrt(5));
        double[][] p = new double[n][];
        for (int k = 0; k < n; k++) {
            double y = 1 - (2.0 * k + 1) / n;
            double r = Math.sqrt(Math.max(0, 1 - y * y));
            double a = k * golden;
            p[k] = new double[] {r * Math.cos(a), y, r * Math.sin(a)};
        }
        return p;
    }

    /**
     * Projected gradient descent on the Coulomb energy with an adaptive step: a step along the tangential forces that
     * lowers the energy is taken and the step grows by 1.2; one that does not is discarded and the step halves.
     */
    private static void repel(double[][] p) {
        int n = p.length;
        double[][] f = new double[n][3];
        double[][] trial = new double[n][3];
        double[][] ft = new double[n][3];
        double energy = energyAndForces(p, f);
        double step = 0.1 * Math.sqrt(4 * Math.PI / n) / Math.max(maxNorm(f), 1e-300);
        for (int it = 0; it < REPULSION_STEPS; it++) {
            for (int i = 0; i < n; i++) {
                double x = p[i][0] + step * f[i][0];
                double y = p[i][1] + step * f[i][1];
                double z = p[i][2] + step * f[i][2];
                double len = Math.sqrt(x * x + y * y + z * z);
                trial[i][0] = x / len;
                trial[i][1] = y / len;
                trial[i][2] = z / len;
            }
            double e = energyAndForces(trial, ft);
            if (e < energy) {
                for (int i = 0; i < n; i++) {
                    System.arraycopy(trial[i], 0, p[i], 0, 3);
                    System.arraycopy(ft[i], 0, f[i], 0, 3);
                }
                energy = e;
                step *= 1.2;
            } else {
                step *= 0.5;
            }
        }
    }

    /** Σ_{k<l} 1/‖p_k − p_l‖, and the tangential forces −∇ into f. */
    private static double energyAndForces(double[][] p, double[][] f) {
        int n = p.length;
        double energy = 0;
        for (int i = 0; i < n; i++) {
            double fx = 0;
            double fy = 0;
            double fz = 0;
            for (int j = 0; j < n; j++) {
                if (j == i) {
                    continue;
                }
                double dx = p[i][0] - p[j][0];
                double dy = p[i][1] - p[j][1];
                double dz = p[i][2] - p[j][2];
                double r2 = dx * dx + dy * dy + dz * dz;
                double r = Math.sqrt(r2);
                if (j > i) {
                    energy += 1 / r;
                }
                double inv = 1 / (r2 * r);
                fx += dx * inv;
                fy += dy * inv;
                fz += dz * inv;
            }
            double radial = fx * p[i][0] + fy * p[i][1] + fz * p[i][2];
            f[i][0] = fx - radial * p[i][0];
            f[i][1] = fy - radial * p[i][1];
            f[i][2] = fz - radial * p[i][2];
        }
        return energy;
    }

    private static double maxNorm(double[][] f) {
        double m = 0;
        for (double[] v : f) {
            m = Math.max(m, Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]));
        }
        return m;
    }
}

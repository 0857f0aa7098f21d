package org.equivariant4j.harmonics;

import org.equivariant4j.group.EulerAngles;
import org.equivariant4j.group.Quaternion;

/**
 * Real Wigner D matrices in e3nn's basis: D^l(R)·Y^l(x) = Y^l(R·x) for the {@link SphericalHarmonics},
 * D^l(R₁R₂) = D^l(R₁)·D^l(R₂), D^l(R)ᵀ = D^l(R⁻¹), and D¹(R) = R.
 *
 * <p><b>Algorithm</b> (no matrix exponential). With Euler angles R = Ry(α)·Rx(β)·Ry(γ),
 * <pre>
 *   D^l(α, β, γ) = Y_l(α) · J_l · Y_l(β) · J_l · Y_l(γ)
 *   Y_l(φ)[i][i] = cos((l−i)φ),  Y_l(φ)[i][2l−i] = sin((l−i)φ),  i = 0..2l     (= D^l(Ry(φ)))
 *   J_l = (−1)^l · D^l(rotation by π about (x̂+ŷ)/√2),  i.e.  J_l·Y^l(x, y, z) = Y^l(−y, −x, z)
 * </pre>
 * J_l is symmetric and involutory and conjugates Ry(β) into Rx(β). It is computed exactly once per l
 * by Gauss–Legendre × trapezoid quadrature of J_ij = (1/4π)∫ Y_i(−y, −x, z)·Y_j(x, y, z) dΩ
 * (component normalisation; the rule is exact for polynomials of degree 2l) and kept in a
 * bounded thread-safe memo.
 */
public final class WignerD {

    private static final int MEMO_CAPACITY = 128;
    private static final BoundedMemo<Integer, double[][]> J = new BoundedMemo<>(MEMO_CAPACITY, WignerD::computeJ);

    private WignerD() {}

    /**
     * D^l(Ry(α)·Rx(β)·Ry(γ)), a fresh (2l+1)×(2l+1) array.
     *
     * @throws IllegalArgumentException if l &lt; 0 or an angle is NaN or infinite (the message names it)
     */
    public static double[][] matrix(int l, double alpha, double beta, double gamma) {
        SphericalHarmonics.checkDegree(l, "l");
        if (!Double.isFinite(alpha) || !Double.isFinite(beta) || !Double.isFinite(gamma)) {
            String bad = !Double.isFinite(alpha) ? "alpha = " + alpha : !Double.isFinite(beta) ? "beta = " + beta : "gamma = " + gamma;
            throw new IllegalArgumentException("expected finite Euler angles but got " + bad + " (alpha, beta, gamma = " + alpha
                    + ", " + beta + ", " + gamma + ")");
        }
        int dim = 2 * l + 1;
        double[][] j = jMatrix(l);
        double[] ca = new double[dim], sa = new double[dim];
        double[] cb = new double[dim], sb = new double[dim];
        double[] cg = new double[dim], sg = new double[dim];
        trig(l, alpha, ca, sa);
        trig(l, beta, cb, sb);
        trig(l, gamma, cg, sg);
        // A = J·Y(γ): column k mixes columns k and 2l−k of J; Y(γ)[2l−k][k] = sg[2l−k].
        double[][] a = new double[dim][dim];
        for (int r = 0; r < dim; r++) {
            double[] jr = j[r];
            double[] ar = a[r];
            for (int k = 0; k < dim; k++) {
                ar[k] = jr[k] * cg[k] + (k == l ? 0 : jr[2 * l - k] * sg[2 * l - k]);
            }
        }
        // B = Y(β)·A: row i mixes rows i and 2l−i.
        double[][] b = rowRotate(l, cb, sb, a);
        // C = J·B (dense).
        double[][] c = new double[dim][dim];
        for (int r = 0; r < dim; r++) {
            double[] jr = j[r];
            double[] cr = c[r];
            for (int k = 0; k < dim; k++) {
                double jrk = jr[k];
                if (jrk == 0) {
                    continue;
                }
                double[] bk = b[k];
                for (int q = 0; q < dim; q++) {
                    cr[q] += jrk * bk[q];
                }
            }
        }
        return rowRotate(l, ca, sa, c);
    }

    /** D^l of the rotation with these Euler angles. */
    public static double[][] fromEulerAngles(int l, EulerAngles angles) {
        return matrix(l, angles.alpha(), angles.beta(), angles.gamma());
    }

    /**
     * D^l of a rotation matrix.
     *
     * @throws IllegalArgumentException if l &lt; 0 or r is not a rotation (orthogonal with det +1)
     */
    public static double[][] fromMatrix(int l, double[][] r) {
        SphericalHarmonics.checkDegree(l, "l");
        return fromEulerAngles(l, EulerAngles.fromMatrix(r));
    }

    /** D^l of the rotation of q/|q|. */
    public static double[][] fromQuaternion(int l, Quaternion q) {
        SphericalHarmonics.checkDegree(l, "l");
        return fromEulerAngles(l, q.toEulerAngles());
    }

    /** A fresh copy of J_l (see the class comment): symmetric, J_l² = I, J_1 = [[0,−1,0],[−1,0,0],[0,0,1]]. */
    public static double[][] j(int l) {
        double[][] j = jMatrix(l);
        double[][] out = new double[j.length][];
        for (int i = 0; i < j.length; i++) {
            out[i] = j[i].clone();
        }
        return out;
    }

    /** The memoised J_l; callers must not modify it. */
    static double[][] jMatrix(int l) {
        SphericalHarmonics.checkDegree(l, "l");
        return l < MEMO_CAPACITY ? J.get(l) : computeJ(l);
    }

    private static void trig(int l, double phi, double[] c, double[] s) {
        for (int i = 0; i <= 2 * l; i++) {
            double t = (l - i) * phi;
            c[i] = Math.cos(t);
            s[i] = Math.sin(t);
        }
    }

    /** Y_l(φ)·M, with Y_l(φ)[i][i] = c[i], Y_l(φ)[i][2l−i] = s[i]. */
    private static double[][] rowRotate(int l, double[] c, double[] s, double[][] m) {
        int dim = 2 * l + 1;
        double[][] out = new double[dim][dim];
        for (int i = 0; i < dim; i++) {
            double[] oi = out[i], mi = m[i], mo = m[2 * l - i];
            double ci = c[i], si = i == l ? 0 : s[i];
            for (int q = 0; q < dim; q++) {
                oi[q] = ci * mi[q] + si * mo[q];
            }
        }
        return out;
    }

    private static double[][] computeJ(int l) {
        int dim = 2 * l + 1;
        double[][] j = new double[dim][dim];
        int nt = l + 1;
        int nphi = 2 * l + 1;
        double[] nodes = new double[nt], weights = new double[nt];
        gaussLegendre(nt, nodes, weights);
        for (int it = 0; it < nt; it++) {
            double t = nodes[it];
            double st = Math.sqrt(Math.max(0, 1 - t * t));
            double w = weights[it] / (2.0 * nphi); // w_t · (2π/M) / (4π)
            for (int ip = 0; ip < nphi; ip++) {
                double phi = 2 * Math.PI * ip / nphi;
                double x = st * Math.sin(phi), y = t, z = st * Math.cos(phi);
                double[] y1 = SphericalHarmonics.evaluateDegree(l, x, y, z, false, Normalization.COMPONENT);
                double[] y2 = SphericalHarmonics.evaluateDegree(l, -y, -x, z, false, Normalization.COMPONENT);
                for (int a = 0; a < dim; a++) {
                    double wa = w * y2[a];
                    if (wa == 0) {
                        continue;
                    }
                    double[] ja = j[a];
                    for (int b = 0; b < dim; b++) {
                        ja[b] += wa * y1[b];
                    }
                }
            }
        }
        return j;
    }

    /** Nodes and weights of the n-point Gauss–Legendre rule on [−1, 1] (Newton on P_n). */
    static void gaussLegendre(int n, double[] nodes, double[] weights) {
        for (int i = 0; i < (n + 1) / 2; i++) {
            double t = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
            for (int iter = 0; iter < 100; iter++) {
                double[] p = legendre(n, t);
                double dt = p[1] / legendreDerivative(n, t, p); // Newton on P_n
                t -= dt;
                if (Math.abs(dt) < 1e-16) {
                    break;
                }
            }
            // the derivative at the converged node
            double dp = legendreDerivative(n, t, legendre(n, t));
            double w = 2 / ((1 - t * t) * dp * dp);
            nodes[i] = t;
            nodes[n - 1 - i] = -t;
            weights[i] = w;
            weights[n - 1 - i] = w;
        }
        if (n % 2 == 1) {
            nodes[n / 2] = 0; // exact middle node for odd n
        }
    }

    /** P_n'(t) = n (t P_n − P_{n−1}) / (t² − 1), from p = {P_{n−1}(t), P_n(t)}. */
    private static double legendreDerivative(int n, double t, double[] p) {
        return n * (t * p[1] - p[0]) / (t * t - 1);
    }

    /** {P_{n−1}(t), P_n(t)} by the three-term recurrence (n ≥ 1). */
    private static double[] legendre(int n, double t) {
        double p0 = 1;
        double p1 = t;
        for (int k = 2; k <= n; k++) {
            double p2 = ((2 * k - 1) * t * p1 - (k - 1) * p0) / k;
            p0 = p1;
            p1 = p2;
        }
        return new double[] {p0, p1};
    }
}

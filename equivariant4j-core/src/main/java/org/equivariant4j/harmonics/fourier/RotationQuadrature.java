package org.equivariant4j.harmonics.fourier;

import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.group.EulerAngles;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.O3Element;
import org.equivariant4j.group.Quaternion;
import org.equivariant4j.group.SO3;
import org.equivariant4j.group.SO3Element;

/**
 * Quadratures of the normalised Haar measure of SO(3) that are exact for band-limited functions: nodes g_i and weights
 * w_i (Σ w_i = 1) with Σ_i w_i D^l(g_i) = ∫ D^l(g) dg (= 0 for l ≥ 1) for every degree l ≤ {@link #maxDegree()}. A product
 * of two functions of band limit L has degree 2L, so a quadrature of degree 2L makes the sampling matrix of
 * band-limited signals an isometry (the Fourier-sampled nonlinearities rely on it).
 *
 * <h2>Grids</h2>
 * <ul>
 *   <li>degree ≤ 3: the 24 rotations of the cube, uniform weights. The octahedral group has no invariant vector in
 *       D^1, D^2, D^3, so its average of D^l vanishes there;</li>
 *   <li>degree ≤ 5: the 120 products h·s of a cube rotation h and an icosahedral rotation s (the two groups share the 12
 *       tetrahedral rotations, so each product occurs 12 times), uniform weights: Σ_{h,s} D(h)D(s) = (Σ_h D(h))(Σ_s D(s))
 *       and the icosahedral group has no invariant in D^1 … D^5;</li>
 *   <li>denser cube-symmetric grids ({@link #cubeSymmetric(int)}), degree ≤ 5: the union of K translates O·I·t_k of the
 *       120-node grid (t_1 = identity, each further t_k chosen to lie as far as possible from the nodes so far), 120K
 *       nodes, uniform weights; exact to degree 5 like each translate, and finer for the functions that are not
 *       band-limited (what a sampled nonlinearity produces);</li>
 *   <li>higher degrees: Euler angles (e3nn's R = Ry(α)Rx(β)Ry(γ)) with α and γ at 2L + 2 equispaced angles and cos β at
 *       the L + 2 Gauss–Legendre nodes, L = ⌈degree/2⌉, weighted.</li>
 * </ul>
 * The first three are closed under left multiplication by the 24 cube rotations ({@link #isCubeSymmetric()}): a cube
 * rotation permutes their nodes, so what is computed on them commutes exactly with the rotations that map the voxel
 * grid to itself.
 *
 * @param elements  the nodes
 * @param weights   the weights, one per node, summing to 1
 * @param maxDegree the largest degree integrated exactly
 */
public record RotationQuadrature(List<SO3Element> elements, double[] weights, int maxDegree) {
    public RotationQuadrature {
        elements = List.copyOf(elements);
        weights = weights.clone();
        if (elements.size() != weights.length) {
            throw new IllegalArgumentException("expected one weight per node, got " + weights.length + " weights for "
                    + elements.size() + " nodes");
        }
    }

    /** The smallest grid of the list above that integrates every degree ≤ {@code maxDegree} exactly. */
    public static RotationQuadrature exact(int maxDegree) {
        if (maxDegree < 0) {
            throw new IllegalArgumentException("the degree of a quadrature must be >= 0, got " + maxDegree);
        }
        List<SO3Element> octa = Groups.octahedral().elements();
        if (maxDegree <= 3) {
            return uniform(octa, 3);
        }
        if (maxDegree <= 5) {
            SO3 so3 = Groups.so3();
            List<SO3Element> nodes = new ArrayList<>();
            for (SO3Element h : octa) {
                for (SO3Element s : Groups.icosahedral().elements()) {
                    SO3Element g = so3.compose(h, s);
                    if (nodes.stream().noneMatch(e -> e.distance(g) < 1e-9)) {
                        nodes.add(g);
                    }
                }
            }
            return uniform(nodes, 5);
        }
        int l = (maxDegree + 1) / 2;
        int n = 2 * l + 2;
        double[][] gl = gaussLegendre(l + 2);
        List<SO3Element> nodes = new ArrayList<>();
        List<Double> w = new ArrayList<>();
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < gl[0].length; b++) {
                for (int c = 0; c < n; c++) {
                    nodes.add(new SO3Element(new EulerAngles(2 * Math.PI * a / n, Math.acos(gl[0][b]), 2 * Math.PI * c / n)
                            .toQuaternion()));
                    w.add(gl[1][b] / 2 / n / n);
                }
            }
        }
        return new RotationQuadrature(nodes, w.stream().mapToDouble(Double::doubleValue).toArray(), 2 * l);
    }

    /**
     * The cube-symmetric grid of {@code blocks} translates O·I·t_k of the 120-node grid of degree 5 (O the 24 cube
     * rotations, I the 60 icosahedral ones): 120·blocks nodes with uniform weights, exact to degree 5 (Σ_{h,s}
     * D(h s t) = (Σ_h D(h))(Σ_s D(s)) D(t) = 0 for 1 ≤ l ≤ 5) and permuted by the cube rotations. t_1 is the identity;
     * each further t_k is the node of the Euler-angle grid of degree 12 whose translate lies farthest from the nodes
     * chosen so far (largest smallest chordal distance), so the grid covers SO(3) more finely as it grows.
     *
     * @param blocks K ≥ 1
     */
    public static RotationQuadrature cubeSymmetric(int blocks) {
        if (blocks < 1) {
            throw new IllegalArgumentException("a cube-symmetric rotation grid needs at least 1 block of 120 nodes, got "
                    + blocks);
        }
        List<SO3Element> base = exact(5).elements();
        List<SO3Element> nodes = new ArrayList<>(base);
        SO3 so3 = Groups.so3();
        List<SO3Element> candidates = blocks > 1 ? exact(12).elements() : List.of();
        for (int k = 1; k < blocks; k++) {
            SO3Element best = null;
            double bestDot = Double.POSITIVE_INFINITY;
            for (SO3Element t : candidates) {
                // the translate's largest |q·q'| with the nodes so far: the smaller, the farther the translate
                double worst = 0;
                for (SO3Element b : base) {
                    Quaternion q = b.rotation().compose(t.rotation());
                    for (SO3Element n : nodes) {
                        worst = Math.max(worst, Math.abs(dot(q, n.rotation())));
                    }
                    if (worst >= bestDot) {
                        break;
                    }
                }
                if (worst < bestDot) {
                    bestDot = worst;
                    best = t;
                }
            }
            for (SO3Element b : base) {
                nodes.add(so3.compose(b, best));
            }
        }
        return uniform(nodes, 5);
    }

    private static double dot(Quaternion a, Quaternion b) {
        return a.w() * b.w() + a.x() * b.x() + a.y() * b.y() + a.z() * b.z();
    }

    private static RotationQuadrature uniform(List<SO3Element> nodes, int degree) {
        double[] w = new double[nodes.size()];
        java.util.Arrays.fill(w, 1.0 / nodes.size());
        return new RotationQuadrature(nodes, w, degree);
    }

    /** The number of nodes. */
    public int size() {
        return elements.size();
    }

    /** Whether all weights are equal. */
    public boolean isUniform() {
        for (double v : weights) {
            if (Math.abs(v - weights[0]) > 1e-15) {
                return false;
            }
        }
        return true;
    }

    /** Whether left multiplication by each of the 24 cube rotations permutes the nodes (with equal weights). */
    public boolean isCubeSymmetric() {
        if (!isUniform()) {
            return false;
        }
        SO3 so3 = Groups.so3();
        for (SO3Element h : Groups.octahedral().generators()) {
            for (SO3Element g : elements) {
                SO3Element hg = so3.compose(h, g);
                if (elements.stream().noneMatch(e -> e.distance(hg) < 1e-9)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The same nodes on O(3): each rotation, then each rotation composed with the inversion, at half the weight. */
    public List<O3Element> o3Elements() {
        List<O3Element> list = new ArrayList<>(2 * elements.size());
        for (int i = 0; i < 2; i++) {
            for (SO3Element g : elements) {
                list.add(new O3Element(g, i));
            }
        }
        return list;
    }

    /** The weights of {@link #o3Elements()}. */
    public double[] o3Weights() {
        double[] w = new double[2 * weights.length];
        for (int i = 0; i < weights.length; i++) {
            w[i] = weights[i] / 2;
            w[i + weights.length] = weights[i] / 2;
        }
        return w;
    }

    @Override
    public double[] weights() {
        return weights.clone();
    }

    /** Nodes and weights of n-point Gauss–Legendre on [−1, 1] (Newton on P_n): {nodes, weights}. */
    public static double[][] gaussLegendre(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("Gauss-Legendre needs at least 1 node, got " + n);
        }
        double[] x = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            double z = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
            double dp = 0;
            for (int it = 0; it < 100; it++) {
                double p0 = 1;
                double p1 = z;
                for (int k = 2; k <= n; k++) {
                    double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
                    p0 = p1;
                    p1 = p2;
                }
                double pn = n == 1 ? z : p1;
                double pnm1 = n == 1 ? 1 : p0;
                dp = n * (z * pn - pnm1) / (z * z - 1);
                double dz = pn / dp;
                z -= dz;
                if (Math.abs(dz) < 1e-16) {
                    break;
                }
            }
            x[i] = z;
            w[i] = 2 / ((1 - z * z) * dp * dp);
        }
        return new double[][] {x, w};
    }
}

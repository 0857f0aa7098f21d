package org.equivariant4j.group;

import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.group.EulerAngles;

/**
 * Exact quadratures of the normalised Haar measure for band-limited functions, used to check orthogonality:
 * ∫ f dg = Σ_i w_i f(g_i).
 *
 * @param elements the nodes g_i
 * @param weights  the weights w_i (summing to 1)
 */
public record Quadrature<E extends GroupElement>(List<E> elements, double[] weights) {

    /** Exact for products of two irreps of frequency at most {@code maxFrequency}. */
    @SuppressWarnings("unchecked")
    public static <E extends GroupElement> Quadrature<E> of(Group<E> g, int maxFrequency) {
        if (g instanceof FiniteGroup<E> f) {
            return uniform(f.elements());
        }
        if (g instanceof SO2 || g instanceof O2 || g instanceof CylindricalGroup) {
            return uniform(g.grid(4 * maxFrequency + 1));
        }
        if (g instanceof SO3 so3) {
            return (Quadrature<E>) so3Quadrature(so3, maxFrequency);
        }
        if (g instanceof O3 o3) {
            Quadrature<SO3Element> q = so3Quadrature(Groups.so3(), maxFrequency);
            List<O3Element> el = new ArrayList<>();
            double[] w = new double[2 * q.elements().size()];
            for (int k = 0; k < 2; k++) {
                for (int i = 0; i < q.elements().size(); i++) {
                    el.add(new O3Element(q.elements().get(i), k));
                    w[k * q.elements().size() + i] = q.weights()[i] / 2;
                }
            }
            return (Quadrature<E>) new Quadrature<>(el, w);
        }
        throw new IllegalArgumentException("no quadrature for " + g.name());
    }

    private static <E extends GroupElement> Quadrature<E> uniform(List<E> elements) {
        double[] w = new double[elements.size()];
        java.util.Arrays.fill(w, 1.0 / elements.size());
        return new Quadrature<>(elements, w);
    }

    /** Euler angles: α, γ equispaced (2L+2 each), cos β at Gauss–Legendre nodes (L+2). */
    private static Quadrature<SO3Element> so3Quadrature(SO3 so3, int l) {
        int n = 2 * l + 2;
        double[][] gl = gaussLegendre(l + 2);
        List<SO3Element> el = new ArrayList<>();
        List<Double> w = new ArrayList<>();
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < gl[0].length; b++) {
                for (int c = 0; c < n; c++) {
                    el.add(new SO3Element(new EulerAngles(2 * Math.PI * a / n, Math.acos(gl[0][b]), 2 * Math.PI * c / n).toQuaternion()));
                    w.add(gl[1][b] / 2 / n / n);
                }
            }
        }
        return new Quadrature<>(el, w.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Nodes and weights of n-point Gauss–Legendre on [−1, 1]. */
    static double[][] gaussLegendre(int n) {
        return org.equivariant4j.harmonics.fourier.RotationQuadrature.gaussLegendre(n);
    }
}

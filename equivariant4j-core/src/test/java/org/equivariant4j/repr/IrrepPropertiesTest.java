package org.equivariant4j.repr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.equivariant4j.group.Quadrature;
import org.equivariant4j.group.Group;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.group.TestGroups;
import org.equivariant4j.linalg.Matrices;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Homomorphism, orthogonality, Schur and character orthogonality, irrep types, for every irrep of every group. */
class IrrepPropertiesTest {
    static final int MAX_FREQUENCY = 4;

    static Stream<Group<?>> groups() {
        return TestGroups.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groups")
    <E extends GroupElement> void irrepsAreOrthogonalHomomorphisms(Group<E> g) {
        SplittableRandom rng = new SplittableRandom(3);
        for (Irrep<E> psi : g.irreps(MAX_FREQUENCY)) {
            assertTrue(Matrices.maxAbsDifference(psi.matrix(g.identity()), Matrices.identity(psi.dimension())) < 1e-12);
            for (int t = 0; t < 10; t++) {
                E a = g.random(rng);
                E b = g.random(rng);
                double err = Matrices.maxAbsDifference(psi.matrix(g.compose(a, b)),
                        Matrices.multiply(psi.matrix(a), psi.matrix(b)));
                assertTrue(err < 1e-10, psi.name() + " homomorphism error " + err);
                assertTrue(Matrices.isOrthogonal(psi.matrix(a), 1e-12), psi.name() + " orthogonal");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groups")
    <E extends GroupElement> void typeMatchesEndomorphismSpace(Group<E> g) {
        for (Irrep<E> psi : g.irreps(MAX_FREQUENCY)) {
            List<double[][]> end = psi.endomorphismBasis();
            assertEquals(psi.type().endomorphismDimension(), end.size(), psi.name() + " of " + g.name());
            assertTrue(end.stream().anyMatch(a -> Math.abs(Matrices.dot(a, Matrices.identity(psi.dimension()))) > 1e-6),
                    "the identity is an endomorphism");
        }
    }

    /**
     * Schur orthogonality of matrix coefficients: ∫ ψ_a(g)_ij ψ_b(g)_kl dg = 0 for inequivalent irreps, and
     * δ_ik δ_jl / d for a real-type irrep with itself. Integrals are exact quadratures: sums over a finite group,
     * an SO(2)/O(2) grid of 4·maxFrequency+1 rotations, Euler-angle Gauss–Legendre grids for SO(3)/O(3).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("groups")
    <E extends GroupElement> void schurOrthogonality(Group<E> g) {
        Quadrature<E> quadrature = Quadrature.of(g, MAX_FREQUENCY);
        List<E> grid = quadrature.elements();
        double[] w = quadrature.weights();
        List<Irrep<E>> irreps = g.irreps(MAX_FREQUENCY);
        for (Irrep<E> a : irreps) {
            for (Irrep<E> b : irreps) {
                double[][] integral = new double[a.dimension() * b.dimension()][a.dimension() * b.dimension()];
                for (int q = 0; q < grid.size(); q++) {
                    E e = grid.get(q);
                    integral = Matrices.addScaled(integral, w[q], Matrices.kronecker(a.matrix(e), b.matrix(e)));
                }
                if (!a.equals(b)) {
                    assertTrue(Matrices.maxAbs(integral) < 1e-12, a.name() + " vs " + b.name());
                } else if (a.type() == IrrepType.REAL) {
                    int d = a.dimension();
                    for (int i = 0; i < d; i++) {
                        for (int j = 0; j < d; j++) {
                            for (int k = 0; k < d; k++) {
                                for (int l = 0; l < d; l++) {
                                    double expected = (i == k && j == l) ? 1.0 / d : 0.0;
                                    assertEquals(expected, integral[i * d + k][j * d + l], 1e-12);
                                }
                            }
                        }
                    }
                }
                double chi = 0;
                for (int q = 0; q < grid.size(); q++) {
                    chi += w[q] * a.character(grid.get(q)) * b.character(grid.get(q));
                }
                assertEquals(a.equals(b) ? a.type().endomorphismDimension() : 0.0, chi, 1e-12,
                        "character orthogonality " + a.name() + ", " + b.name());
            }
        }
    }
}

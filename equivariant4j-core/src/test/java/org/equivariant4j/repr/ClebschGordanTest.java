package org.equivariant4j.repr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.equivariant4j.group.Group;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.group.TestGroups;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Clebsch–Gordan coefficients are equivariant, isometric and complete, for every pair of irreps. */
class ClebschGordanTest {

    static Stream<Group<?>> groups() {
        return TestGroups.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groups")
    <E extends GroupElement> void clebschGordanMapsAreEquivariantIsometries(Group<E> g) {
        SplittableRandom rng = new SplittableRandom(21);
        for (Irrep<E> a : g.irreps(3)) {
            for (Irrep<E> b : g.irreps(3)) {
                ClebschGordan<E> cg = ClebschGordan.of(a, b);
                assertCompleteAndEquivariant(cg, rng);
            }
        }
    }

    static <E extends GroupElement> void assertCompleteAndEquivariant(ClebschGordan<E> cg, SplittableRandom rng) {
        Irrep<E> a = cg.left();
        Irrep<E> b = cg.right();
        int da = a.dimension();
        int db = b.dimension();
        int total = cg.paths().stream().mapToInt(p -> p.irrep().dimension()).sum();
        assertEquals(da * db, total, "paths span ψ_a ⊗ ψ_b");
        // orthonormal columns across all paths
        double[][] cols = new double[da * db][total];
        int c0 = 0;
        for (ClebschGordan.Path<E> p : cg.paths()) {
            for (int i = 0; i < da; i++) {
                for (int j = 0; j < db; j++) {
                    for (int k = 0; k < p.irrep().dimension(); k++) {
                        cols[i * db + j][c0 + k] = p.coefficients()[i][j][k];
                    }
                }
            }
            c0 += p.irrep().dimension();
        }
        assertTrue(org.equivariant4j.linalg.Matrices.isOrthogonal(cols, 1e-10), "change of basis is orthogonal");
        for (int t = 0; t < 4; t++) {
            E g = a.group().random(rng);
            double[][] ma = a.matrix(g);
            double[][] mb = b.matrix(g);
            for (ClebschGordan.Path<E> p : cg.paths()) {
                double[][] mc = p.irrep().matrix(g);
                double[][][] c = p.coefficients();
                int dc = p.irrep().dimension();
                for (int i = 0; i < da; i++) {
                    for (int j = 0; j < db; j++) {
                        for (int k = 0; k < dc; k++) {
                            double left = 0;
                            for (int i2 = 0; i2 < da; i2++) {
                                for (int j2 = 0; j2 < db; j2++) {
                                    left += ma[i][i2] * mb[j][j2] * c[i2][j2][k];
                                }
                            }
                            double right = 0;
                            for (int k2 = 0; k2 < dc; k2++) {
                                right += c[i][j][k2] * mc[k2][k];
                            }
                            assertEquals(right, left, 1e-10, a.name() + "⊗" + b.name() + " -> " + p.irrep().name());
                        }
                    }
                }
            }
        }
    }
}

package org.equivariant4j.repr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.equivariant4j.group.CyclicGroup;
import org.equivariant4j.group.DihedralGroup;
import org.equivariant4j.group.FiniteGroup;
import org.equivariant4j.group.Group;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.O2;
import org.equivariant4j.group.SO2;
import org.equivariant4j.group.SubgroupEmbedding;
import org.equivariant4j.group.TestGroups;
import org.equivariant4j.linalg.Matrices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DecompositionTest {

    /** ρ(g) = Q (⊕ψ_i(g)) Qᵀ with Q orthogonal, on random elements. */
    static <E extends GroupElement> void assertDecomposes(Representation<E> rho, int seed) {
        double[][] q = rho.changeOfBasis();
        assertTrue(Matrices.isOrthogonal(q, 1e-10), "Q orthogonal for " + rho);
        int dims = rho.irreps().stream().mapToInt(Irrep::dimension).sum();
        assertEquals(rho.dimension(), dims, "irrep dimensions add up");
        SplittableRandom rng = new SplittableRandom(seed);
        Group<E> g = rho.group();
        for (int t = 0; t < 8; t++) {
            E e = g.random(rng);
            List<double[][]> blocks = new ArrayList<>();
            for (Irrep<E> psi : rho.irreps()) {
                blocks.add(psi.matrix(e));
            }
            double[][] rebuilt = Matrices.multiply(q, Matrices.blockDiagonal(blocks), Matrices.transpose(q));
            double err = Matrices.maxAbsDifference(rebuilt, rho.matrix(e));
            assertTrue(err < 1e-10, rho + " rebuilt with error " + err);
        }
    }

    static Stream<FiniteGroup<?>> finiteGroups() {
        return TestGroups.all().stream().filter(Group::isFinite).map(g -> (FiniteGroup<?>) g);
    }

    /** Peter–Weyl: the regular representation contains ψ exactly dim ψ / dim End(ψ) times. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("finiteGroups")
    <E extends GroupElement> void regularRepresentationPeterWeyl(FiniteGroup<E> g) {
        Representation<E> reg = g.regularRepresentation();
        assertDecomposes(reg, 4);
        for (Irrep<E> psi : g.irreps()) {
            assertEquals(psi.dimension() / psi.type().endomorphismDimension(), reg.multiplicity(psi), psi.name());
        }
        int sum = 0;
        for (Irrep<E> psi : g.irreps()) {
            sum += psi.dimension() * psi.dimension() / psi.type().endomorphismDimension();
        }
        assertEquals(g.order(), sum, "Σ d²/dim End = |G|");
    }

    @Test
    void restrictionsDecomposeConsistently() {
        SO2 so2 = Groups.so2();
        O2 o2 = Groups.o2();
        CyclicGroup c4 = Groups.cyclic(4);
        CyclicGroup c8 = Groups.cyclic(8);
        DihedralGroup d4 = Groups.dihedral(4);
        DihedralGroup d6 = Groups.dihedral(6);
        // O(2) -> D_N, SO(2) -> C_N, D_N -> C_N, C_8 -> C_4, O(2) -> SO(2)
        for (int j = 1; j <= 5; j++) {
            checkRestriction(o2.irrep(1, j), d6.embeddingInO2(o2));
            checkRestriction(so2.irrep(j), c4.embeddingInSO2(so2));
            checkRestriction(o2.irrep(1, j), so2.embeddingInO2(o2));
        }
        for (var psi : d4.irreps()) {
            checkRestriction(psi, d4.rotationSubgroup(c4));
        }
        for (var psi : c8.irreps()) {
            checkRestriction(psi, c4.embeddingIn(c8));
        }
        // SO(2) psi[3] restricted to C4 is psi[1] of C4 (3 = -1 mod 4), as a complex-type irrep
        Representation<org.equivariant4j.group.CyclicElement> r = so2.irrep(3).restrict(c4.embeddingInSO2(so2));
        assertEquals(List.of(c4.irrep(1)), r.irreps());
    }

    private static <H extends GroupElement, G extends GroupElement> void checkRestriction(
            Representation<G> rho, SubgroupEmbedding<H, G> emb) {
        Representation<H> res = rho.restrict(emb);
        assertDecomposes(res, 5);
        SplittableRandom rng = new SplittableRandom(6);
        for (int t = 0; t < 5; t++) {
            H h = emb.subgroup().random(rng);
            double chi = 0;
            for (Irrep<H> psi : res.irreps()) {
                chi += psi.character(h);
            }
            assertEquals(rho.character(emb.include(h)), chi, 1e-10, "characters agree after restriction");
        }
    }

    @Test
    void directSumAndChangeOfBasisKeepTheirDecomposition() {
        DihedralGroup d4 = Groups.dihedral(4);
        Representation<org.equivariant4j.group.DihedralElement> sum =
                Representation.directSum("sum", d4.irrep(1, 1), d4.regularRepresentation(), d4.irrep(1, 0));
        assertEquals(2 + 8 + 1, sum.dimension());
        assertDecomposes(sum, 7);
        double[][] q = Matrices.identity(11);
        q[0][0] = 0; q[0][1] = 1; q[1][0] = 1; q[1][1] = 0; // swap two axes
        assertDecomposes(sum.changeBasis("swapped", q), 8);
        assertDecomposes(d4.standardRepresentation(), 9);
        assertEquals(List.of(d4.irrep(1, 1)), d4.standardRepresentation().irreps());
    }

    @Test
    void tensorProductsOfContinuousGroupsDecompose() {
        SO2 so2 = Groups.so2();
        Representation<org.equivariant4j.group.SO2Element> t = so2.irrep(2).tensor(so2.irrep(3));
        assertDecomposes(t, 10);
        assertEquals(1, t.multiplicity(so2.irrep(1)));
        assertEquals(1, t.multiplicity(so2.irrep(5)));
        O2 o2 = Groups.o2();
        Representation<org.equivariant4j.group.O2Element> u = o2.irrep(1, 2).tensor(o2.irrep(1, 2));
        assertDecomposes(u, 11);
        assertEquals(List.of(o2.irrep(0, 0), o2.irrep(1, 0), o2.irrep(1, 4)),
                u.irreps().stream().sorted(java.util.Comparator.comparing(Irrep::name)).toList());
    }
}

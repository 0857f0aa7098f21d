package org.equivariant4j.repr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.equivariant4j.group.CyclicElement;
import org.equivariant4j.group.CyclicGroup;
import org.equivariant4j.group.DihedralElement;
import org.equivariant4j.group.DihedralGroup;
import org.equivariant4j.group.Group;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.SubgroupEmbedding;
import org.equivariant4j.linalg.Matrices;
import org.junit.jupiter.api.Test;

class IntertwinersAndInductionTest {

    /** dim Hom(ρ₁, ρ₂) = Σ_ψ m₁(ψ) m₂(ψ) dim End(ψ), and every basis element intertwines. */
    static <E extends GroupElement> void assertHomDimension(Representation<E> r1, Representation<E> r2) {
        List<double[][]> basis = Intertwiners.basis(r1, r2);
        int expected = 0;
        for (Irrep<E> psi : r1.group().irreps(8)) {
            expected += r1.multiplicity(psi) * r2.multiplicity(psi) * psi.type().endomorphismDimension();
        }
        assertEquals(expected, basis.size(), "dim Hom(" + r1.name() + ", " + r2.name() + ")");
        SplittableRandom rng = new SplittableRandom(12);
        for (int t = 0; t < 5; t++) {
            E g = r1.group().random(rng);
            for (double[][] a : basis) {
                assertTrue(Matrices.maxAbsDifference(Matrices.multiply(a, r1.matrix(g)), Matrices.multiply(r2.matrix(g), a)) < 1e-10);
            }
        }
        for (int i = 0; i < basis.size(); i++) {
            for (int j = 0; j < basis.size(); j++) {
                assertEquals(i == j ? 1.0 : 0.0, Matrices.dot(basis.get(i), basis.get(j)), 1e-10, "orthonormal basis");
            }
        }
    }

    @Test
    void intertwinerSpacesHaveTheTheoreticalDimension() {
        CyclicGroup c8 = Groups.cyclic(8);
        DihedralGroup d4 = Groups.dihedral(4);
        assertHomDimension(c8.regularRepresentation(), c8.regularRepresentation());
        assertHomDimension(c8.irrep(3), c8.regularRepresentation());
        assertHomDimension(d4.regularRepresentation(), Representation.directSum("mix", d4.irrep(1, 1), d4.trivialIrrep()));
        var so2 = Groups.so2();
        assertHomDimension(Representation.directSum("a", so2.irrep(1), so2.irrep(2), so2.irrep(1)),
                Representation.directSum("b", so2.irrep(1), so2.irrep(0)));
        var o2 = Groups.o2();
        assertHomDimension(o2.irrep(1, 2).tensor(o2.irrep(1, 1)), o2.irrep(1, 3));
    }

    /** The per-irrep-pair basis spans the same space as the dense Sylvester solver's (equal projectors). */
    @Test
    void perIrrepPairBasisSpansTheDenseSolutionSpace() {
        CyclicGroup c4 = Groups.cyclic(4);
        DihedralGroup d3 = Groups.dihedral(3);
        var o2 = Groups.o2();
        assertSameSpan(c4.regularRepresentation(), Representation.directSum("mix", c4.irrep(1), c4.irrep(2), c4.irrep(1)));
        assertSameSpan(d3.regularRepresentation(), d3.regularRepresentation());
        assertSameSpan(o2.irrep(1, 2).tensor(o2.irrep(1, 1)), Representation.directSum("o", o2.irrep(1, 3), o2.irrep(1, 1)));
        assertSameSpan(Groups.so2().irrep(2).tensor(Groups.so2().irrep(1)), Groups.so2().irrep(1));
    }

    private static <E extends GroupElement> void assertSameSpan(Representation<E> r1, Representation<E> r2) {
        List<double[][]> fast = Intertwiners.basis(r1, r2);
        List<double[][]> dense = Intertwiners.solve(r1, r2);
        assertEquals(dense.size(), fast.size(), r1.name() + " -> " + r2.name());
        // every dense solution lies in the span of the fast orthonormal basis: ‖A − Σ⟨A, B_k⟩B_k‖ = 0
        for (double[][] a : dense) {
            double[][] residual = a;
            for (double[][] b : fast) {
                residual = Matrices.addScaled(residual, -Matrices.dot(a, b), b);
            }
            assertTrue(Matrices.frobeniusNorm(residual) < 1e-9, "dense solution outside the per-irrep span: "
                    + Matrices.frobeniusNorm(residual));
        }
    }

    /**
     * Large representations get their basis fast: 96 regular C16 fields (1536 dimensions) to themselves has
     * 96²·16 = 147 456 elements. A random combination expanded from the factored form intertwines (checked on 24
     * fields, 384 dimensions, to keep the dense products short).
     */
    @Test
    void thousandDimensionalRepresentationsGetTheirBasisInUnderASecond() {
        CyclicGroup c16 = Groups.cyclic(16);
        Representation<CyclicElement> regular = c16.regularRepresentation();
        regular.irreps(); // the one decomposition of a single field
        List<Representation<CyclicElement>> fields = java.util.Collections.nCopies(96, regular);
        Representation<CyclicElement> big = Representation.directSum("96 regular", fields);
        long t0 = System.nanoTime();
        IntertwinerBasis<CyclicElement> basis = Intertwiners.of(big, big);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("Hom(96 regular C16, same): %d elements in %.3f s%n", basis.size(), seconds);
        assertEquals(96 * 96 * 16, basis.size());
        assertTrue(seconds < 1.0, "basis of a 1536-dimensional representation took " + seconds + " s");
        Representation<CyclicElement> mid = Representation.directSum("24 regular", fields.subList(0, 24));
        basis = Intertwiners.of(mid, mid);
        SplittableRandom rng = new SplittableRandom(3);
        double[] c = new double[basis.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = rng.nextGaussian();
        }
        double[][] w = basis.expand(c);
        CyclicElement g = c16.element(5);
        double err = Matrices.maxAbsDifference(Matrices.multiply(w, mid.matrix(g)), Matrices.multiply(mid.matrix(g), w));
        assertTrue(err < 1e-9 * Matrices.maxAbs(w), "expanded intertwiner fails equivariance: " + err);
        // element k agrees with the expansion of the k-th unit vector
        double[] unit = new double[basis.size()];
        unit[4321] = 1;
        assertTrue(Matrices.maxAbsDifference(basis.element(4321), basis.expand(unit)) < 1e-12);
    }

    @Test
    void quotientAndInducedRepresentations() {
        DihedralGroup d4 = Groups.dihedral(4);
        CyclicGroup c4 = Groups.cyclic(4);
        SubgroupEmbedding<CyclicElement, DihedralElement> rot = d4.rotationSubgroup(c4);
        Representation<DihedralElement> quotient = d4.quotientRepresentation(rot);
        assertEquals(2, quotient.dimension());
        assertEquals(List.of(d4.irrep(0, 0), d4.irrep(1, 0)), quotient.irreps(), "D4/C4 = trivial + flip sign");
        DecompositionTest.assertDecomposes(quotient, 13);
        DecompositionTest.assertDecomposes(d4.inducedRepresentation(rot, c4.irrep(1)), 14);
        // D4 over the flip subgroup: 4 cosets
        DihedralGroup d1 = Groups.dihedral(1);
        assertEquals(4, d4.quotientRepresentation(d4.flipSubgroup(d1)).dimension());
        assertHomomorphism(d4.inducedRepresentation(d4.flipSubgroup(d1), d1.irrep(1, 0)));
    }

    /** Frobenius reciprocity: dim Hom_G(ψ, Ind φ) = dim Hom_H(Res ψ, φ). */
    @Test
    void frobeniusReciprocity() {
        DihedralGroup d6 = Groups.dihedral(6);
        CyclicGroup c6 = Groups.cyclic(6);
        SubgroupEmbedding<CyclicElement, DihedralElement> rot = d6.rotationSubgroup(c6);
        for (Irrep<CyclicElement> phi : c6.irreps()) {
            Representation<DihedralElement> ind = d6.inducedRepresentation(rot, phi);
            assertHomomorphism(ind);
            for (Irrep<DihedralElement> psi : d6.irreps()) {
                assertEquals(Intertwiners.basis(psi.restrict(rot), phi).size(), Intertwiners.basis(psi, ind).size(),
                        psi.name() + " vs Ind " + phi.name());
            }
        }
    }

    private static <E extends GroupElement> void assertHomomorphism(Representation<E> rho) {
        Group<E> g = rho.group();
        SplittableRandom rng = new SplittableRandom(15);
        for (int t = 0; t < 10; t++) {
            E a = g.random(rng);
            E b = g.random(rng);
            assertTrue(Matrices.maxAbsDifference(rho.matrix(g.compose(a, b)), Matrices.multiply(rho.matrix(a), rho.matrix(b))) < 1e-12);
        }
    }

    @Test
    void badInputGetsClearMessages() {
        CyclicGroup c4 = Groups.cyclic(4);
        CyclicGroup c5 = Groups.cyclic(5);
        var e = assertThrows(IllegalArgumentException.class, () -> c4.irrep(1).matrix(c5.element(1)));
        assertTrue(e.getMessage().contains("C4") && e.getMessage().contains("C5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c4.irrep(3));
        assertTrue(e.getMessage().contains("[0, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Groups.cyclic(0));
        assertTrue(e.getMessage().contains("N >= 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Groups.dihedral(4).irrep(0, 1));
        assertTrue(e.getMessage().contains("psi[0,1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Groups.so2().irrep(-1));
        assertTrue(e.getMessage().contains("k >= 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Groups.o2().irrep(0, 2));
        assertTrue(e.getMessage().contains("psi[0,2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Intertwiners.basis(c4.regularRepresentation(), c5.regularRepresentation()));
        assertTrue(e.getMessage().contains("different groups"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c4.regularRepresentation().changeBasis("bad", Matrices.scale(2, Matrices.identity(4))));
        assertTrue(e.getMessage().contains("orthogonal"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Representation.of(c4, "not orthogonal", 1, g -> new double[][] {{2.0}}).irreps());
        assertTrue(e.getMessage().contains("orthogonal"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c4.grid(5));
        assertTrue(e.getMessage().contains("4"), e.getMessage());
    }
}

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

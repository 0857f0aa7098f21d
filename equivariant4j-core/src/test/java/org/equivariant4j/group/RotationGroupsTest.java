package org.equivariant4j.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.equivariant4j.group.Quaternion;
import org.equivariant4j.linalg.Matrices;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.Representation;
import org.junit.jupiter.api.Test;

/** Facts specific to SO(3), O(3) and the polyhedral groups. */
class RotationGroupsTest {
    private final SO3 so3 = Groups.so3();
    private final O3 o3 = Groups.o3();

    @Test
    void degreeOneIsTheRotationItselfAndParityActsAsExpected() {
        SplittableRandom rng = new SplittableRandom(41);
        for (int t = 0; t < 10; t++) {
            SO3Element r = so3.random(rng);
            assertTrue(Matrices.maxAbsDifference(so3.irrep(1).matrix(r), r.matrix()) < 1e-12);
            O3Element g = o3.random(rng);
            assertTrue(Matrices.maxAbsDifference(o3.irrep("1o").matrix(g), g.matrix()) < 1e-12);
        }
        double[][] minusI = Matrices.scale(-1, Matrices.identity(3));
        assertTrue(Matrices.maxAbsDifference(o3.irrep("1o").matrix(o3.inversion()), minusI) < 1e-13);
        assertTrue(Matrices.maxAbsDifference(o3.irrep("1e").matrix(o3.inversion()), Matrices.identity(3)) < 1e-13);
        assertEquals(-1.0, o3.irrep("0o").matrix(o3.element(minusI))[0][0]);
        assertEquals(List.of("0e", "0o", "1o", "1e", "2e", "2o"), o3.irreps(2).stream().map(Irrep::name).toList());
    }

    @Test
    void restrictionToRotationsAboutYSplitsIntoEachFrequencyOnce() {
        SO2 so2 = Groups.so2();
        for (int l = 0; l <= 4; l++) {
            Representation<SO2Element> res = so3.irrep(l).restrict(so3.embeddingOfSO2(so2));
            List<String> names = res.irreps().stream().map(Irrep::name).sorted().toList();
            List<String> expected = java.util.stream.IntStream.rangeClosed(0, l).mapToObj(k -> "psi[" + k + "]").sorted().toList();
            assertEquals(expected, names, "Res_SO(2) psi[" + l + "]");
        }
        // O(3) -> SO(3): 2o restricts to psi[2]
        assertEquals(List.of(so3.irrep(2)), o3.irrep("2o").restrict(so3.embeddingInO3(o3)).irreps());
    }

    @Test
    void polyhedralGroupsHaveTheirCharacterTables() {
        PolyhedralGroup octa = Groups.octahedral();
        PolyhedralGroup ico = Groups.icosahedral();
        assertEquals(24, octa.order());
        assertEquals(60, ico.order());
        assertEquals(List.of("A1:1", "T1:3", "E:2", "T2:3", "A2:1"),
                octa.irreps().stream().map(p -> p.name() + ":" + p.dimension()).toList());
        assertEquals(List.of("A:1", "T1:3", "H:5", "T2:3", "G:4"),
                ico.irreps().stream().map(p -> p.name() + ":" + p.dimension()).toList());
        SubgroupEmbedding<SO3Element, SO3Element> inOcta = octa.embeddingInSO3(so3);
        assertEquals(List.of(octa.irrep("E"), octa.irrep("T2")), sortByName(so3.irrep(2).restrict(inOcta).irreps()));
        assertEquals(List.of(octa.irrep("A2"), octa.irrep("T1"), octa.irrep("T2")), sortByName(so3.irrep(3).restrict(inOcta).irreps()));
        assertEquals(List.of(ico.irrep("G"), ico.irrep("T2")), sortByName(so3.irrep(3).restrict(ico.embeddingInSO3(so3)).irreps()));
        // every cube rotation maps the cube's vertices (±1, ±1, ±1) to themselves
        for (SO3Element g : octa.elements()) {
            double[] v = Matrices.apply(g.matrix(), new double[] {1, 1, 1});
            for (double c : v) {
                assertEquals(1.0, Math.abs(c), 1e-12);
            }
        }
    }

    private static <E extends GroupElement> List<Irrep<E>> sortByName(List<Irrep<E>> irreps) {
        return irreps.stream().sorted(java.util.Comparator.comparing(Irrep::name)).toList();
    }

    @Test
    void so3GridIsNearUniform() {
        int n = 512;
        List<SO3Element> grid = so3.grid(n);
        assertEquals(n, grid.size());
        double minDistance = Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                minDistance = Math.min(minDistance, grid.get(i).distance(grid.get(j)));
            }
        }
        // covering: a random rotation is never far from the grid
        SplittableRandom rng = new SplittableRandom(42);
        double maxGap = 0;
        for (int t = 0; t < 2000; t++) {
            SO3Element r = so3.random(rng);
            double best = Double.MAX_VALUE;
            for (SO3Element g : grid) {
                best = Math.min(best, r.distance(g));
            }
            maxGap = Math.max(maxGap, best);
        }
        // n points on the half 3-sphere of volume π²: spacing ~ (π²/n)^(1/3) ≈ 0.27 for n = 512
        double spacing = Math.cbrt(Math.PI * Math.PI / n);
        assertTrue(minDistance > 0.3 * spacing, "no two grid rotations nearly coincide: " + minDistance);
        assertTrue(maxGap < 1.0 * spacing, "grid covers SO(3): largest gap " + maxGap);
    }

    @Test
    void badRotationsAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> so3.element(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0.1, 1}}));
        assertTrue(e.getMessage().toLowerCase().contains("orthogonal"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> so3.element(new double[][] {{-1, 0, 0}, {0, 1, 0}, {0, 0, 1}}));
        assertTrue(e.getMessage().toLowerCase().contains("det"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SO3Element(new Quaternion(1, 1, 0, 0)));
        assertTrue(e.getMessage().contains("unit quaternion"), e.getMessage());
        PolyhedralGroup octa = Groups.octahedral();
        SO3Element notInCube = so3.element(0.1, 0.2, 0.3);
        e = assertThrows(IllegalArgumentException.class, () -> octa.irrep("T1").matrix(notInCube));
        assertTrue(e.getMessage().contains("Octahedral"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> octa.irrep("T3"));
        assertTrue(e.getMessage().contains("T3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> o3.irrep("1x"));
        assertTrue(e.getMessage().contains("\"1x\""), e.getMessage());
        @SuppressWarnings({"unchecked", "rawtypes"})
        Representation<GroupElement> untyped = (Representation) so3.irrep(2);
        e = assertThrows(IllegalArgumentException.class, () -> untyped.matrix(o3.identity()));
        assertTrue(e.getMessage().contains("SO(3)") && e.getMessage().contains("O3Element"), e.getMessage());
    }
}

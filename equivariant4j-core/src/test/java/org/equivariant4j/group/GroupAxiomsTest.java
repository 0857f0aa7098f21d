package org.equivariant4j.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.equivariant4j.linalg.Matrices;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GroupAxiomsTest {

    static Stream<Group<?>> groups() {
        return TestGroups.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groups")
    <E extends GroupElement> void axioms(Group<E> g) {
        SplittableRandom rng = new SplittableRandom(1);
        E e = g.identity();
        for (int t = 0; t < 20; t++) {
            E a = g.random(rng);
            E b = g.random(rng);
            E c = g.random(rng);
            assertTrue(g.isClose(g.compose(g.compose(a, b), c), g.compose(a, g.compose(b, c)), 1e-9), "associativity");
            assertTrue(g.isClose(g.compose(e, a), a, 1e-12), "left identity");
            assertTrue(g.isClose(g.compose(a, e), a, 1e-12), "right identity");
            assertTrue(g.isClose(g.compose(a, g.inverse(a)), e, 1e-9), "inverse");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groups")
    <E extends GroupElement> void standardActionIsAnOrthogonalHomomorphism(Group<E> g) {
        SplittableRandom rng = new SplittableRandom(2);
        for (int t = 0; t < 20; t++) {
            E a = g.random(rng);
            E b = g.random(rng);
            double[][] ab = g.standardAction(g.compose(a, b));
            double[][] aThenB = Matrices.multiply(g.standardAction(a), g.standardAction(b));
            assertTrue(Matrices.maxAbsDifference(ab, aThenB) < 1e-10);
            assertTrue(Matrices.isOrthogonal(g.standardAction(a), 1e-12));
            assertEquals(g.actionDimension(), g.standardAction(a).length);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groups")
    <E extends GroupElement> void finiteGroupsHaveAConsistentTable(Group<E> g) {
        if (!(g instanceof FiniteGroup<E> f)) {
            return;
        }
        List<E> elements = f.elements();
        assertEquals(f.order(), elements.size());
        assertTrue(f.isClose(elements.get(0), f.identity()), "identity first");
        for (int i = 0; i < f.order(); i++) {
            assertEquals(i, f.indexOf(elements.get(i)));
            boolean[] seen = new boolean[f.order()];
            for (int j = 0; j < f.order(); j++) {
                int k = f.productIndex(i, j);
                assertTrue(f.isClose(elements.get(k), f.compose(elements.get(i), elements.get(j))));
                seen[k] = true;
            }
            for (boolean s : seen) {
                assertTrue(s, "each row of the Cayley table is a permutation");
            }
        }
        assertEquals(f.order(), f.grid(f.order()).size());
    }
}

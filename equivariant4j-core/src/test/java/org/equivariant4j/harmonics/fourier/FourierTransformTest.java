package org.equivariant4j.harmonics.fourier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.equivariant4j.group.DihedralElement;
import org.equivariant4j.group.DihedralGroup;
import org.equivariant4j.group.FiniteGroup;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.SO2;
import org.equivariant4j.group.SO2Element;
import org.equivariant4j.linalg.Matrices;
import org.junit.jupiter.api.Test;

class FourierTransformTest {

    @Test
    void finiteGroupRoundTripAndShiftTheorem() {
        for (FiniteGroup<?> g : List.of(Groups.cyclic(7), Groups.cyclic(8), Groups.dihedral(5), Groups.dihedral(6))) {
            roundTripAndShift(g);
        }
    }

    private static <E extends GroupElement> void roundTripAndShift(FiniteGroup<E> g) {
        FourierTransform<E> ft = FourierTransform.of(g);
        SplittableRandom rng = new SplittableRandom(31);
        double[] f = rng.doubles(g.order(), -1, 1).toArray();
        assertArrayEquals(f, ft.inverse(ft.forward(f)), 1e-12, "inverse ∘ forward = id on " + g.name());
        E h = g.element(g.order() - 1);
        double[] shifted = new double[g.order()];
        for (int i = 0; i < g.order(); i++) {
            shifted[i] = f[g.indexOf(g.compose(g.inverse(h), g.element(i)))];
        }
        List<double[][]> a = ft.forward(f);
        List<double[][]> b = ft.forward(shifted);
        for (int p = 0; p < a.size(); p++) {
            double[][] expected = Matrices.multiply(ft.irreps().get(p).matrix(h), a.get(p));
            assertTrue(Matrices.maxAbsDifference(expected, b.get(p)) < 1e-12, "shift theorem on " + g.name());
        }
    }

    @Test
    void bandLimitedSO2RoundTrip() {
        SO2 so2 = Groups.so2();
        int l = 3;
        FourierTransform<SO2Element> ft = FourierTransform.bandLimited(so2, 2 * l + 1, l);
        double[] f = new double[2 * l + 1];
        for (int i = 0; i < f.length; i++) {
            double t = ft.grid().get(i).angle();
            f[i] = 0.3 + Math.cos(t) - 0.5 * Math.sin(2 * t) + 0.25 * Math.cos(3 * t + 0.4);
        }
        assertArrayEquals(f, ft.inverse(ft.forward(f)), 1e-12);
        var e = assertThrows(IllegalArgumentException.class, () -> FourierTransform.bandLimited(so2, 6, 3));
        assertTrue(e.getMessage().contains("at least 2L+1 = 7"), e.getMessage());
        DihedralGroup d3 = Groups.dihedral(3);
        FourierTransform<DihedralElement> fd = FourierTransform.of(d3);
        var e2 = assertThrows(IllegalArgumentException.class, () -> fd.forward(new double[5]));
        assertTrue(e2.getMessage().contains("(6), got 5"), e2.getMessage());
    }
}

package org.equivariant4j.o3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.O3;
import org.equivariant4j.group.O3Element;
import org.equivariant4j.linalg.Matrices;
import org.junit.jupiter.api.Test;

class IrrepsTest {

    @Test
    void parsesAndPrintsLikeE3nn() {
        Irreps x = Irreps.parse("16x0e+8x1o+4x2e");
        assertEquals("16x0e+8x1o+4x2e", x.toString());
        assertEquals(16 + 24 + 20, x.dim());
        assertEquals(28, x.numIrreps());
        assertEquals(2, x.lmax());
        assertEquals(3, x.size());
        assertEquals(new MulIrrep(8, new Irrep(1, -1)), x.get(1));
        assertEquals(Irreps.parse("1x0e+2x1o"), Irreps.parse(" 0e + 2 x 1o "));
        assertEquals("1x1o+1x2e+1x3o", Irreps.parse("1y+2y+3y").toString());
        assertEquals("0x2e", Irreps.parse("0x2e").toString());
        assertEquals(0, Irreps.parse("0x2e").dim());
        assertTrue(Irreps.parse("").isEmpty());
        assertEquals("", Irreps.empty().toString());
        assertEquals(Irreps.parse("1x0e+1x1o+1x2e+1x3o"), Irreps.sphericalHarmonics(3));
        assertEquals(Irreps.parse("1x0e+1x1e+1x2e"), Irreps.sphericalHarmonics(2, 1));
        assertEquals(new Irrep(3, 1), Irrep.parse("3e"));
        assertEquals(-1, Irrep.parse("1o").p());
    }

    @Test
    void typosNameThePosition() {
        assertMessage("16x0q", "position 4", "'q'");
        assertMessage("x1o", "position 0", "multiplicity");
        assertMessage("-1x0e", "position 0", "'-'");
        assertMessage("8x1o+4x2", "position 8", "parity letter");
        assertMessage("8x1o++2e", "position 5", "empty");
        assertMessage("8x1o+e", "position 5", "degree");
        assertMessage("2e1", "position 2", "after the parity letter");
        assertThrows(IllegalArgumentException.class, () -> Irrep.parse("1"));
        assertThrows(IllegalArgumentException.class, () -> new Irrep(1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Irrep(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> Irreps.empty().lmax());
    }

    private static void assertMessage(String text, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Irreps.parse(text));
        assertTrue(e.getMessage().contains("\"" + text + "\""), e.getMessage());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), e.getMessage());
        }
    }

    @Test
    void slicesSimplifySortRegroupCount() {
        Irreps x = Irreps.parse("2x0e+1x1o+3x2e");
        List<Irreps.Slice> s = x.slices();
        assertEquals(new Irreps.Slice(0, 2), s.get(0));
        assertEquals(new Irreps.Slice(2, 5), s.get(1));
        assertEquals(new Irreps.Slice(5, 20), s.get(2));
        assertEquals(20, x.offset(3));
        // e3nn's documented examples
        assertEquals("2x1e+1x0e+1x1e", Irreps.parse("1e+1e+0e+1e").simplify().toString());
        assertEquals("2x1e", Irreps.parse("1e+0x0e+1e").simplify().toString());
        Irreps.Sorted sorted = Irreps.parse("2o+1e+0e+1e").sort();
        assertEquals("1x0e+1x1e+1x1e+1x2o", sorted.irreps().toString());
        assertArrayEquals(new int[] {3, 1, 0, 2}, sorted.p());
        assertArrayEquals(new int[] {2, 1, 3, 0}, sorted.inv());
        assertEquals("1x0o+1x0e+1x1o+1x1e", Irreps.parse("1e+0e+1o+0o").sort().irreps().toString());
        assertEquals("2x0e+2x1o", Irreps.parse("1o+0e+1o+0e").regroup().toString());
        assertEquals(3, Irreps.parse("1o+0e+2x1o").count(Irrep.parse("1o")));
        assertTrue(Irreps.parse("1o").contains(Irrep.parse("1o")));
        assertFalse(Irreps.parse("0x1o").contains(Irrep.parse("1o")));
        assertEquals(List.of(Irrep.parse("1o"), Irrep.parse("0e")), Irreps.parse("1o+0e+2x1o").irreps());
    }

    @Test
    void matricesAreAnOrthogonalRepresentationWithParity() {
        O3 o3 = Groups.o3();
        Irreps x = Irreps.parse("2x0e+1x0o+1x1o+1x1e+1x2e+1x3o");
        SplittableRandom rng = new SplittableRandom(3);
        for (int t = 0; t < 5; t++) {
            O3Element a = o3.random(rng);
            O3Element b = o3.random(rng);
            double[][] ab = x.matrix(o3.compose(a, b));
            assertTrue(Matrices.maxAbsDifference(ab, Matrices.multiply(x.matrix(a), x.matrix(b))) < 1e-12);
            assertTrue(Matrices.isOrthogonal(x.matrix(a), 1e-12));
        }
        double[][] inv = x.matrix(o3.inversion());
        double[] expected = {1, 1, -1, -1, -1, -1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1};
        assertEquals(expected.length, x.dim());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], inv[i][i], 1e-12);
        }
        // l = 1 odd is the standard action on (x, y, z)
        O3Element g = o3.random(rng);
        assertTrue(Matrices.maxAbsDifference(g.matrix(), Irrep.parse("1o").matrix(g)) < 1e-12);
        assertTrue(Matrices.maxAbsDifference(x.matrix(g), x.representation().matrix(g)) < 1e-12);
    }

    @Test
    void couplingRuleAndOrder() {
        assertEquals(List.of(Irrep.parse("1e"), Irrep.parse("2e"), Irrep.parse("3e")),
                Irrep.parse("1o").times(Irrep.parse("2o")));
        assertTrue(Irrep.parse("1o").couplesTo(Irrep.parse("1o"), Irrep.parse("1e")));
        assertFalse(Irrep.parse("1o").couplesTo(Irrep.parse("1o"), Irrep.parse("1o")));
        assertFalse(Irrep.parse("1o").couplesTo(Irrep.parse("1o"), Irrep.parse("3e")));
        assertTrue(Irrep.parse("0o").compareTo(Irrep.parse("0e")) < 0);
        assertTrue(Irrep.parse("0e").compareTo(Irrep.parse("1o")) < 0);
    }

    @Test
    void randomFeatures() {
        Irreps x = Irreps.parse("3x0e+2x1o+1x2e");
        double[] plain = x.random(1000, false, new SplittableRandom(1));
        double m2 = 0;
        for (double v : plain) {
            m2 += v * v;
        }
        assertEquals(1, m2 / plain.length, 0.05);
        double[] unit = x.random(2, true, new SplittableRandom(1));
        for (int r = 0; r < 2; r++) {
            int o = r * x.dim() + 3 + 3; // second 1o copy
            assertEquals(1, unit[o] * unit[o] + unit[o + 1] * unit[o + 1] + unit[o + 2] * unit[o + 2], 1e-12);
            assertEquals(1, Math.abs(unit[r * x.dim()]), 1e-12);
        }
    }
}

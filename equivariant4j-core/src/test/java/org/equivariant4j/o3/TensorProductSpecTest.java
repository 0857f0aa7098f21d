package org.equivariant4j.o3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TensorProductSpecTest {

    @Test
    void fullyConnectedPathsWeightsAndCoefficients() {
        TensorProductSpec s = TensorProductSpec.fullyConnected(Irreps.parse("2x0e+1x1o+1x2e"), Irreps.parse("1x0e+1x1o"),
                Irreps.parse("2x0e+2x1o+1x1e+1x2e"));
        int[][] expected = {{0, 0, 0}, {0, 1, 1}, {1, 0, 1}, {1, 1, 0}, {1, 1, 2}, {1, 1, 3}, {2, 0, 3}, {2, 1, 1}};
        assertEquals(expected.length, s.paths().size());
        // e3nn 0.5.1's coefficients for this product (tensor_product.json)
        double[] coefficients = {Math.sqrt(1 / 3.0), Math.sqrt(3 / 4.0), Math.sqrt(3 / 4.0), Math.sqrt(1 / 3.0),
            Math.sqrt(3.0), Math.sqrt(5 / 2.0), Math.sqrt(5 / 2.0), Math.sqrt(3 / 4.0)};
        int offset = 0;
        for (int k = 0; k < expected.length; k++) {
            TensorProductSpec.Path p = s.paths().get(k);
            assertArrayEquals(expected[k], new int[] {p.instruction().in1(), p.instruction().in2(), p.instruction().out()});
            assertEquals(coefficients[k], p.coefficient(), 1e-15, "path " + k);
            assertEquals(offset, p.weightOffset());
            offset += p.weightCount();
        }
        assertEquals(17, s.weightNumel());
        assertEquals(17, offset);
        assertArrayEquals(new int[] {2, 1, 2}, s.paths().get(0).weightShape());
        assertArrayEquals(new boolean[] {true, true, true, true}, s.outputMask());
    }

    @Test
    void elementAndPathNormalisationAsDocumentedByE3nn() {
        Irreps a = Irreps.parse("2x0e+1x1o");
        Irreps b = Irreps.parse("1x0e+1x1o");
        TensorProductSpec element = TensorProductSpec.fullyConnected(a, b, b);
        // 0e output: fan-in 2 + 1 = 3, alpha 1/3; 1o output: fan-in 2 + 1 = 3, alpha 3/3
        assertEquals(Math.sqrt(1 / 3.0), element.paths().get(0).coefficient(), 1e-15);
        assertEquals(1.0, element.paths().get(1).coefficient(), 1e-15);
        TensorProductSpec path = TensorProductSpec.fullyConnectedBuilder(a, b, b)
                .pathNormalization(PathNormalization.PATH).build();
        // path (0e x 0e -> 0e): fan-in 2, two paths into 0e: alpha = 1/4
        assertEquals(0.5, path.paths().get(0).coefficient(), 1e-15);
        TensorProductSpec norm = TensorProductSpec.fullyConnectedBuilder(a, b, b)
                .irrepNormalization(IrrepNormalization.NORM).build();
        // (1o x 1o -> 0e): alpha = 3·3 / 3
        assertEquals(Math.sqrt(3.0), norm.paths().get(3).coefficient(), 1e-15);
        // splitting 10x0e into 3x0e+7x0e keeps every coefficient (element normalisation)
        TensorProductSpec ten = TensorProductSpec.fullyConnected(Irreps.parse("10x0e"), Irreps.parse("0e"), Irreps.parse("0e"));
        TensorProductSpec split = TensorProductSpec.fullyConnected(Irreps.parse("3x0e+7x0e"), Irreps.parse("0e"),
                Irreps.parse("0e"));
        assertEquals(ten.paths().get(0).coefficient(), split.paths().get(1).coefficient(), 1e-15);
    }

    @Test
    void fullElementwiseAndSquare() {
        TensorProductSpec full = TensorProductSpec.full(Irreps.parse("2x1o"), Irreps.parse("1o+1o"), null);
        assertEquals("4x0e+4x1e+4x2e", full.out().toString());
        assertEquals(Irreps.parse("2x1o"), full.in2());
        assertEquals(0, full.weightNumel());

        TensorProductSpec filtered = TensorProductSpec.full(Irreps.parse("1o+1e"), Irreps.parse("1o"),
                List.of(Irrep.parse("0e"), Irrep.parse("0o")));
        assertEquals("1x0o+1x0e", filtered.out().toString());

        TensorProductSpec ew = TensorProductSpec.elementwise(Irreps.parse("5x1o+5x1e"), Irreps.parse("10x1e"),
                List.of(Irrep.parse("0e"), Irrep.parse("0o")));
        assertEquals("5x0o+5x0e", ew.out().toString());
        assertEquals("5x1e+5x1e", ew.in2().toString());
        assertThrows(IllegalArgumentException.class,
                () -> TensorProductSpec.elementwise(Irreps.parse("2x0e"), Irreps.parse("3x0e"), null));

        // e3nn's test: TensorSquare(TensorSquare("1o").irreps_out).irreps_out.simplify() == "2x0e+2x2e+4e"
        TensorProductSpec first = TensorProductSpec.square(Irreps.parse("1o"), (List<Irrep>) null);
        assertEquals("1x0e+1x2e", first.out().toString());
        assertEquals("2x0e+2x2e+1x4e", TensorProductSpec.square(first.out(), (List<Irrep>) null).out().simplify().toString());
        TensorProductSpec weighted = TensorProductSpec.square(Irreps.parse("3x1o"), Irreps.parse("2x0e+1x1e"));
        // u<vw for 0e and 1e (3 pairs x out mul), uuw for even 0e only
        assertEquals(3 * 2 + 3 * 1 + 3 * 2, weighted.weightNumel());
        // the diagonal 0e constant: (2l+1)/(dim + 2) = 1/5, fan-in of 0e: 3 (u<v) + 3 (uuw)
        assertEquals(Math.sqrt(0.2 / 6), weighted.paths().get(1).coefficient(), 1e-15);
    }

    @Test
    void badInstructionsNameThePath() {
        Irreps one = Irreps.parse("1x1o");
        IllegalArgumentException rule = assertThrows(IllegalArgumentException.class, () -> TensorProductSpec
                .builder(one, one, Irreps.parse("1x1o")).instruction(0, 0, 0, ConnectionMode.UVW, true).build());
        assertTrue(rule.getMessage().contains("instruction 0") && rule.getMessage().contains("1o x 1o -> 1o")
                && rule.getMessage().contains("selection rule") && rule.getMessage().contains("0e, 1e, 2e"),
                rule.getMessage());
        IllegalArgumentException far = assertThrows(IllegalArgumentException.class, () -> TensorProductSpec
                .builder(one, one, Irreps.parse("1x3e")).instruction(0, 0, 0, ConnectionMode.UVW, true).build());
        assertTrue(far.getMessage().contains("1o x 1o -> 3e"), far.getMessage());
        IllegalArgumentException mode = assertThrows(IllegalArgumentException.class, () -> TensorProductSpec
                .builder(Irreps.parse("2x1o"), one, Irreps.parse("3x0e")).instruction(0, 0, 0, ConnectionMode.UVU, true)
                .build());
        assertTrue(mode.getMessage().contains("uvu") && mode.getMessage().contains("mul_out = mul1"), mode.getMessage());
        IllegalArgumentException index = assertThrows(IllegalArgumentException.class, () -> TensorProductSpec
                .builder(one, one, one).instruction(0, 1, 0, ConnectionMode.UVW, true).build());
        assertTrue(index.getMessage().contains("input 2 entry 1"), index.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TensorProductSpec
                .builder(one, one, Irreps.parse("1x1e")).instruction(0, 0, 0, ConnectionMode.UVW, false).build());
    }
}

package org.equivariant4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScaleKernelBasisTest {

    @Test
    void scalesAreGeometric() {
        double[] s = ScaleKernelBasis.scales(5, 2);
        assertEquals(5, s.length);
        for (int i = 0; i < 5; i++) {
            assertEquals(Math.pow(2, i / 2.0), s[i], 1e-15);
        }
        assertEquals(2.0, s[2], 1e-15);
        assertEquals(4.0, s[4], 1e-15);
    }

    @Test
    void ordersAreGradedAndSizesMatch() {
        int[][] o = ScaleKernelBasis.orders(7);
        int[][] expected = {{0, 0}, {1, 0}, {0, 1}, {2, 0}, {1, 1}, {0, 2}, {3, 0}};
        for (int i = 0; i < 7; i++) {
            assertArrayEquals(expected[i], o[i]);
        }
        assertEquals(1, ScaleKernelBasis.sizeForOrder(0));
        assertEquals(6, ScaleKernelBasis.sizeForOrder(2));
        assertEquals(10, ScaleKernelBasis.sizeForOrder(3));
        ScaleKernelBasis b = ScaleKernelBasis.builder(3, 2).basisOrder(3).kernelSize(25).build();
        assertEquals(10, b.numBasis());
        assertEquals(3, b.maxOrder());
        assertArrayEquals(new long[] {3, 10, 25, 25}, b.shape());
        assertEquals(3 * 10 * 25 * 25, b.flat().length);
        double[][][][] t = b.tensor();
        assertEquals(3, t.length);
        assertEquals(10, t[0].length);
        assertEquals(25, t[0][0].length);
        assertEquals(25, t[0][0][0].length);
    }

    @Test
    void hermiteFunctionsMatchClosedForms() {
        for (double u : new double[] {-2.3, -0.4, 0, 0.7, 3.1}) {
            double g = Math.pow(Math.PI, -0.25) * Math.exp(-u * u / 2);
            double[] h = ScaleKernelBasis.hermiteFunctions(3, u);
            assertEquals(g, h[0], 1e-15);
            assertEquals(g * 2 * u / Math.sqrt(2), h[1], 1e-15);
            assertEquals(g * (4 * u * u - 2) / Math.sqrt(8), h[2], 1e-14);
            assertEquals(g * (8 * u * u * u - 12 * u) / Math.sqrt(48), h[3], 1e-14);
        }
    }

    /** ψ_{p,q} is orthonormal in L²(ℝ²): a fine Riemann sum (σ = 4 pixels at scale 1) converges spectrally. */
    @Test
    void basisIsOrthonormalWhenWellSampled() {
        ScaleKernelBasis b = ScaleKernelBasis.builder(1, 1).basisOrder(3).sigma(4).kernelSize(71).build();
        double[][][][] t = b.tensor();
        int nb = b.numBasis();
        for (int i = 0; i < nb; i++) {
            for (int j = 0; j < nb; j++) {
                double dot = 0;
                for (int a = 0; a < 71; a++) {
                    for (int c = 0; c < 71; c++) {
                        dot += t[0][i][a][c] * t[0][j][a][c];
                    }
                }
                assertEquals(i == j ? 1 : 0, dot, 1e-10, "<psi_" + i + ", psi_" + j + ">");
            }
        }
    }

    /** Entry [a][c] is ψ(x = c − r, y = r − a); the dilation law ψ_{2s}(2x) = ψ_s(x)/4; orientation of derivatives. */
    @Test
    void samplingConventionAndDilation() {
        ScaleKernelBasis b = ScaleKernelBasis.builder(5, 2).kernelSize(31).build();
        double[][][][] t = b.tensor();
        int r = 15;
        for (int i = 0; i < 5; i++) {
            for (int f = 0; f < b.numBasis(); f++) {
                for (int a = 0; a < 31; a += 3) {
                    for (int c = 0; c < 31; c += 2) {
                        assertEquals(b.value(f, b.scale(i), c - r, r - a), t[i][f][a][c], 1e-15);
                    }
                }
                // dilation law, continuous form
                assertEquals(b.value(f, 1.3, 0.4, -0.9) / 4, b.value(f, 2.6, 0.8, -1.8), 1e-15);
                // sampled form: scale index i+2 (twice the scale) at twice the offset
                if (i + 2 < 5) {
                    for (int dx = -3; dx <= 3; dx++) {
                        for (int dy = -3; dy <= 3; dy++) {
                            assertEquals(t[i][f][r - dy][r + dx] / 4, t[i + 2][f][r - 2 * dy][r + 2 * dx], 1e-14);
                        }
                    }
                }
            }
        }
        // ψ_(1,0) ∝ x e^{...}: positive to the right (column > centre); ψ_(0,1) ∝ y: positive above (row < centre)
        assertTrue(t[0][1][r][r + 1] > 0 && t[0][1][r][r - 1] < 0);
        assertTrue(t[0][2][r - 1][r] > 0 && t[0][2][r + 1][r] < 0);
        assertEquals(0, t[0][1][r][r], 0);
    }

    /** The mass Σψ_{(0,0),s} (the response to a constant image) is the same at every scale: the s⁻² normalisation. */
    @Test
    void massIsScaleIndependent() {
        ScaleKernelBasis b = ScaleKernelBasis.builder(5, 2).basisOrder(0).maxTruncation(1e-6).build();
        double[][][][] t = b.tensor();
        double expected = 2 * Math.sqrt(Math.PI) * b.sigma(); // ∫ σ⁻¹ φ_0(x/σ) φ_0(y/σ) = σ⁻¹ (σ √2 π^{1/4})²
        for (int i = 0; i < 5; i++) {
            double sum = 0;
            for (double[] row : t[i][0]) {
                for (double v : row) {
                    sum += v;
                }
            }
            assertEquals(expected, sum, 2e-6 * expected, "scale " + b.scale(i));
        }
    }

    @Test
    void truncationShrinksWithKernelSizeAndDefaultKernelIsTheSmallestAdmissible() {
        double prev = 1;
        for (int k = 5; k <= 41; k += 2) {
            double tr = ScaleKernelBasis.truncation(1, 2.83, 2, k);
            assertTrue(tr <= prev, "monotone in k");
            prev = tr;
        }
        assertTrue(prev < 1e-8);
        ScaleKernelBasis b = ScaleKernelBasis.builder(4, 2).build();
        int k = b.kernelSize();
        assertTrue(b.truncation() <= ScaleKernelBasis.DEFAULT_MAX_TRUNCATION);
        assertTrue(ScaleKernelBasis.truncation(1, Math.pow(2, 1.5), 2, k - 2) > ScaleKernelBasis.DEFAULT_MAX_TRUNCATION);
        assertEquals(21, k);
        assertEquals(k, ScaleKernelBasis.builder(4, 2).minimumKernelSize());
    }

    @Test
    void badConfigurationsNameExpectedAndActual() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScaleKernelBasis.builder(0, 2));
        assertTrue(e.getMessage().contains(">= 1") && e.getMessage().contains("got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScaleKernelBasis.builder(3, 0));
        assertTrue(e.getMessage().contains("per octave") && e.getMessage().contains("got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScaleKernelBasis.builder(4, 2).kernelSize(9).build());
        assertTrue(e.getMessage().contains("expected k >= 21") && e.getMessage().contains("got k = 9")
                && e.getMessage().contains("2.828"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScaleKernelBasis.builder(4, 2).kernelSize(20));
        assertTrue(e.getMessage().contains("odd") && e.getMessage().contains("got 20"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ScaleKernelBasis.builder(4, 2).sigma(0));
        assertThrows(IllegalArgumentException.class, () -> ScaleKernelBasis.builder(4, 2).basisSize(0));
        assertThrows(IllegalArgumentException.class, () -> ScaleKernelBasis.builder(4, 2).maxTruncation(1));
    }
}

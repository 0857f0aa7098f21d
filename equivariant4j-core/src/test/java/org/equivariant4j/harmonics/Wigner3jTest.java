package org.equivariant4j.harmonics;

import org.equivariant4j.group.Rotations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Wigner3jTest {

    @Test
    void matchesE3nnFixtureForAllKeys() throws IOException {
        JsonNode values = O3Fixtures.load("wigner_3j.json").get("values");
        double worst = 0;
        int checked = 0;
        for (var it = values.fields(); it.hasNext(); ) {
            var e = it.next();
            String[] ls = e.getKey().split(",");
            double[][][] expected = O3Fixtures.tensor(e.getValue());
            double[][][] got = Wigner3j.of(Integer.parseInt(ls[0].trim()), Integer.parseInt(ls[1].trim()),
                    Integer.parseInt(ls[2].trim()));
            worst = Math.max(worst, Linalg.maxDiff(expected, got));
            checked++;
        }
        assertEquals(values.size(), checked);
        assertTrue(checked >= 40);
        assertTrue(worst < 1e-10, "max fixture error " + worst);
        System.out.println("[harmonics] wigner_3j.json max error " + worst + " over " + checked + " triples");
    }

    @Test
    void referenceValues() {
        assertEquals(1, Wigner3j.of(0, 0, 0)[0][0][0], 1e-15);
        double[][][] c110 = Wigner3j.of(1, 1, 0);
        double[][][] c011 = Wigner3j.of(0, 1, 1);
        double[][][] c101 = Wigner3j.of(1, 0, 1);
        double[][][] c111 = Wigner3j.of(1, 1, 1);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double delta = i == j ? 1 / Math.sqrt(3) : 0;
                assertEquals(delta, c110[i][j][0], 1e-15);
                assertEquals(delta, c011[0][i][j], 1e-15);
                assertEquals(delta, c101[i][0][j], 1e-15);
                for (int k = 0; k < 3; k++) {
                    assertEquals(levi(i, j, k) / Math.sqrt(6), c111[i][j][k], 1e-15);
                }
            }
        }
        assertEquals(0.4082482905, c111[0][1][2], 1e-10);
        double[][][] c112 = Wigner3j.of(1, 1, 2);
        double s10 = Math.sqrt(10) / 10, s30 = Math.sqrt(30) / 30;
        double[][][] expected = new double[3][3][5];
        expected[0][0][2] = -s30;
        expected[0][0][4] = -s10;
        expected[0][1][1] = s10;
        expected[0][2][0] = s10;
        expected[1][0][1] = s10;
        expected[1][1][2] = 2 * s30;
        expected[1][2][3] = s10;
        expected[2][0][0] = s10;
        expected[2][1][3] = s10;
        expected[2][2][2] = -s30;
        expected[2][2][4] = s10;
        assertTrue(Linalg.maxDiff(expected, c112) < 1e-15);
    }

    private static int levi(int i, int j, int k) {
        return (i - j) * (j - k) * (k - i) / 2;
    }

    @Test
    void invariantUnderRotations() {
        SplittableRandom rng = new SplittableRandom(9);
        int[][] triples = {{1, 2, 3}, {2, 2, 2}, {2, 3, 4}, {3, 3, 5}, {4, 3, 5}, {5, 7, 9}, {8, 8, 8}, {6, 10, 12},
            {12, 9, 20}, {20, 20, 20}};
        for (int[] t : triples) {
            double[][] r = Rotations.randomMatrix(rng);
            double[][][] c = Wigner3j.of(t[0], t[1], t[2]);
            double[][][] rotated = Linalg.rotate3(c, WignerD.fromMatrix(t[0], r), WignerD.fromMatrix(t[1], r),
                    WignerD.fromMatrix(t[2], r));
            double err = Linalg.maxDiff(c, rotated);
            assertTrue(err < 1e-10, "triple " + t[0] + "," + t[1] + "," + t[2] + " invariance error " + err);
            assertEquals(1, frobenius(c), 1e-13);
        }
    }

    @Test
    void unitNormAndPermutationSymmetries() {
        for (int l1 = 0; l1 <= 5; l1++) {
            for (int l2 = 0; l2 <= 5; l2++) {
                for (int l3 = Math.abs(l1 - l2); l3 <= Math.min(5, l1 + l2); l3++) {
                    double[][][] c = Wigner3j.of(l1, l2, l3);
                    assertEquals(2 * l1 + 1, c.length);
                    assertEquals(2 * l2 + 1, c[0].length);
                    assertEquals(2 * l3 + 1, c[0][0].length);
                    assertEquals(1, frobenius(c), 1e-14);
                    double sign = ((l1 + l2 + l3) & 1) == 0 ? 1 : -1;
                    double[][][] cyclic = Wigner3j.of(l2, l3, l1); // C_ijk = C'_jki
                    double[][][] swapped = Wigner3j.of(l2, l1, l3); // C_ijk = sign·C'_jik
                    for (int i = 0; i <= 2 * l1; i++) {
                        for (int j = 0; j <= 2 * l2; j++) {
                            for (int k = 0; k <= 2 * l3; k++) {
                                assertEquals(c[i][j][k], cyclic[j][k][i], 1e-14);
                                assertEquals(c[i][j][k], sign * swapped[j][i][k], 1e-14);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Gaunt relation: ∫ Y^{l1}_i Y^{l2}_j Y^{l3}_k dΩ = g·C_ijk with g(1,2,3) = 0.8462843753 (e3nn.md §2.4). */
    @Test
    void gauntRelation() {
        int nt = 4, nphi = 7;
        double[] nodes = new double[nt], weights = new double[nt];
        WignerD.gaussLegendre(nt, nodes, weights);
        double[][][] integral = new double[3][5][7];
        for (int a = 0; a < nt; a++) {
            double s = Math.sqrt(1 - nodes[a] * nodes[a]);
            for (int b = 0; b < nphi; b++) {
                double phi = 2 * Math.PI * b / nphi;
                double[] y = SphericalHarmonics.evaluate(3, s * Math.sin(phi), nodes[a], s * Math.cos(phi));
                double w = weights[a] * 2 * Math.PI / nphi;
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 5; j++) {
                        for (int k = 0; k < 7; k++) {
                            integral[i][j][k] += w * y[1 + i] * y[4 + j] * y[9 + k];
                        }
                    }
                }
            }
        }
        double[][][] c = Wigner3j.of(1, 2, 3);
        double g = 0.8462843753;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 5; j++) {
                for (int k = 0; k < 7; k++) {
                    assertEquals(g * c[i][j][k], integral[i][j][k], 1e-9);
                }
            }
        }
    }

    @Test
    void allTriplesUpToEightAreFastAndNormalised() {
        long start = System.nanoTime();
        int count = 0;
        double worst = 0;
        for (int l1 = 0; l1 <= 8; l1++) {
            for (int l2 = 0; l2 <= 8; l2++) {
                for (int l3 = Math.abs(l1 - l2); l3 <= Math.min(8, l1 + l2); l3++) {
                    worst = Math.max(worst, Math.abs(1 - frobenius(Wigner3j.of(l1, l2, l3))));
                    count++;
                }
            }
        }
        double ms = (System.nanoTime() - start) / 1e6;
        System.out.println("[harmonics] " + count + " Wigner 3j triples (l <= 8), first pass in this JVM: " + ms + " ms");
        assertTrue(worst < 1e-14);
        assertEquals(6, nonZeros(Wigner3j.of(1, 1, 1)));
        assertEquals(25, nonZeros(Wigner3j.of(2, 2, 2)));
        assertEquals(42, nonZeros(Wigner3j.of(3, 3, 3)));
        assertEquals(97, nonZeros(Wigner3j.of(4, 4, 4)));
        assertEquals(93, nonZeros(Wigner3j.of(4, 3, 5)));
    }

    @Test
    void rejectsTriangleViolation() {
        var e = assertThrows(IllegalArgumentException.class, () -> Wigner3j.of(1, 1, 3));
        assertTrue(e.getMessage().contains("(1, 1, 3)") && e.getMessage().contains("triangle"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Wigner3j.of(5, 1, 2));
        assertTrue(e.getMessage().contains("(5, 1, 2)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Wigner3j.of(-1, 1, 1));
        assertTrue(e.getMessage().contains("(-1, 1, 1)"), e.getMessage());
    }

    private static int nonZeros(double[][][] c) {
        int n = 0;
        for (double[][] a : c) {
            for (double[] b : a) {
                for (double v : b) {
                    if (Math.abs(v) > 1e-12) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    private static double frobenius(double[][][] c) {
        double s = 0;
        for (double[][] a : c) {
            for (double[] b : a) {
                for (double v : b) {
                    s += v * v;
                }
            }
        }
        return Math.sqrt(s);
    }
}

package org.equivariant4j.kernel;

import org.equivariant4j.linalg.SparseMatrix;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.equivariant4j.group.CyclicGroup;
import org.equivariant4j.group.DihedralGroup;
import org.equivariant4j.group.FiniteGroup;
import org.equivariant4j.group.Groups;
import org.junit.jupiter.api.Test;

class KernelTransformsTest {

    /** Counter-clockwise rotation by 90° of a k×k array under DESIGN's pixel convention (numpy's rot90). */
    static double[] rot90(double[] a, int k) {
        double[] out = new double[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                // pixel (i, j) at (x, y) moves to (−y, x): row k−1−j, column i
                out[(k - 1 - j) * k + i] = a[i * k + j];
            }
        }
        return out;
    }

    /** The mirror x ↦ −x: columns reversed. */
    static double[] flipX(double[] a, int k) {
        double[] out = new double[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                out[i * k + (k - 1 - j)] = a[i * k + j];
            }
        }
        return out;
    }

    static double[] random(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    @Test
    void rot90IsCounterClockwiseOnAKnownArray() {
        // 3×3 with a single 1 at the right-hand middle pixel (x = 1, y = 0): rotated by +90° it goes to the top (x = 0, y = 1)
        double[] a = {0, 0, 0, 0, 0, 1, 0, 0, 0};
        assertArrayEquals(new double[] {0, 1, 0, 0, 0, 0, 0, 0, 0}, rot90(a, 3));
        KernelTransforms t = KernelTransforms.of(Groups.cyclic(4), 3, KernelInterpolation.BILINEAR);
        assertArrayEquals(new double[] {0, 1, 0, 0, 0, 0, 0, 0, 0}, t.transform(1, a));
        // an asymmetric 2×3-pattern in a 5×5 kernel
        double[] b = new double[25];
        b[0 * 5 + 3] = 1; // top row, right of centre: (x, y) = (1, 2)
        b[2 * 5 + 4] = 2; // middle row, rightmost: (2, 0)
        double[] rb = t(Groups.cyclic(4), 5).transform(1, b);
        assertEquals(1, rb[1 * 5 + 0], 0.0); // (1, 2) -> (−2, 1): row 1, column 0
        assertEquals(2, rb[0 * 5 + 2], 0.0); // (2, 0) -> (0, 2): row 0, column 2
        assertEquals(3, java.util.Arrays.stream(rb).sum(), 0.0);
    }

    private static KernelTransforms t(FiniteGroup<?> g, int k) {
        return KernelTransforms.of(g, k, KernelInterpolation.BILINEAR);
    }

    @Test
    void c4AndD4AreExactPermutationRepresentationsForOddAndEvenK() {
        for (int k : new int[] {1, 2, 3, 4, 5, 7}) {
            for (FiniteGroup<?> g : new FiniteGroup<?>[] {Groups.cyclic(4), Groups.dihedral(4), Groups.cyclic(2), Groups.dihedral(1),
                    Groups.dihedral(2), Groups.cyclic(1)}) {
                KernelTransforms t = t(g, k);
                assertTrue(t.isExact(), g + " k=" + k);
                assertFalse(t.isMasked());
                assertEquals(k * k, t.activePixels());
                int n = g.order();
                for (int a = 0; a < n; a++) {
                    assertTrue(t.spatial(a).isPermutation(), g + " element " + a + " k=" + k);
                    for (int b = 0; b < n; b++) {
                        assertEquals(0.0, t.spatial(a).multiply(t.spatial(b)).maxAbsDifference(t.spatial(g.productIndex(a, b))),
                                g + " T(g)T(h) = T(gh), k=" + k);
                        assertEquals(0.0, t.groupAction(a).multiply(t.groupAction(b)).maxAbsDifference(t.groupAction(g.productIndex(a, b))),
                                g + " U(g)U(h) = U(gh), k=" + k);
                    }
                }
                assertEquals(0.0, t.spatial(0).maxAbsDifference(SparseMatrix.identity(k * k)));
            }
        }
    }

    @Test
    void rotationAndFlipDirectionsArePinned() {
        for (int k : new int[] {3, 4, 5}) {
            double[] kappa = random(k * k, 11 + k);
            CyclicGroup c4 = Groups.cyclic(4);
            KernelTransforms tc = t(c4, k);
            double[] r = kappa;
            for (int q = 0; q < 4; q++) {
                assertArrayEquals(r, tc.transform(q, kappa), 0.0, "C4 r^" + q + " = rot90^" + q + ", k=" + k);
                r = rot90(r, k);
            }
            DihedralGroup d4 = Groups.dihedral(4);
            KernelTransforms td = t(d4, k);
            for (int q = 0; q < 4; q++) {
                double[] rq = kappa;
                double[] rqf = flipX(kappa, k);
                for (int i = 0; i < q; i++) {
                    rq = rot90(rq, k);
                    rqf = rot90(rqf, k);
                }
                // r^q f^j acts as: first the flip, then the rotation
                assertArrayEquals(rq, td.transform(d4.indexOf(d4.element(0, q)), kappa), 0.0);
                assertArrayEquals(rqf, td.transform(d4.indexOf(d4.element(1, q)), kappa), 0.0, "D4 r^" + q + " f, k=" + k);
            }
        }
    }

    @Test
    void c8UsesOneDiscMaskForAllElementsAndExactQuarterTurns() {
        CyclicGroup c8 = Groups.cyclic(8);
        for (KernelInterpolation interp : KernelInterpolation.values()) {
            KernelTransforms t = KernelTransforms.of(c8, 5, interp);
            assertTrue(t.isMasked());
            assertFalse(t.isExact());
            assertEquals(21, t.activePixels(), "disc of radius 2.5 in a 5×5 grid");
            assertTrue(t.isGridPreserving(2) && t.isGridPreserving(4) && !t.isGridPreserving(1));
            boolean[] mask = t.mask();
            double[] kappa = random(25, 5);
            double[] masked = kappa.clone();
            for (int p = 0; p < 25; p++) {
                if (!mask[p]) {
                    masked[p] = 0;
                }
            }
            assertArrayEquals(masked, t.transform(0, kappa), 0.0, "T(e) is the mask");
            assertArrayEquals(rot90(masked, 5), t.transform(2, kappa), 0.0, "r^2 of C8 = +90°");
            assertArrayEquals(rot90(rot90(masked, 5), 5), t.transform(4, kappa), 0.0);
            for (int h = 0; h < 8; h++) {
                double[] out = t.transform(h, kappa);
                for (int p = 0; p < 25; p++) {
                    if (!mask[p]) {
                        assertEquals(0.0, out[p], 0.0, "outside the disc");
                    }
                }
            }
            if (interp != KernelInterpolation.SINC) {
                // a constant kernel on the disc stays (nearly) constant in the interior under a 45° rotation
                double[] ones = new double[25];
                java.util.Arrays.fill(ones, 1.0);
                double[] r45 = t.transform(1, ones);
                assertEquals(1.0, r45[12], 1e-12, "centre");
            }
        }
    }

    @Test
    void c8RepresentationErrorIsMeasuredAndBounded() {
        CyclicGroup c8 = Groups.cyclic(8);
        for (int k : new int[] {5, 7}) {
            for (KernelInterpolation interp : KernelInterpolation.values()) {
                KernelTransforms t = KernelTransforms.of(c8, k, interp);
                double worstRandom = 0;
                double worstSmooth = 0;
                double worstQuarter = 0;
                for (int a = 0; a < 8; a++) {
                    for (int b = 0; b < 8; b++) {
                        SparseMatrix lhs = t.spatial(a).multiply(t.spatial(b));
                        SparseMatrix rhs = t.spatial(c8.productIndex(a, b));
                        double e = relativeError(lhs, rhs, k, false);
                        worstRandom = Math.max(worstRandom, e);
                        worstSmooth = Math.max(worstSmooth, relativeError(lhs, rhs, k, true));
                        if (t.isGridPreserving(a) && t.isGridPreserving(b)) {
                            worstQuarter = Math.max(worstQuarter, e);
                        }
                    }
                }
                System.out.printf("C8 k=%d %-8s max_{g,h} ||T(g)T(h)k - T(gh)k|| / ||T(gh)k||: white-noise kernels %.3f,"
                        + " smooth (Gaussian-blob) kernels %.4f%n", k, interp, worstRandom, worstSmooth);
                assertEquals(0.0, worstQuarter, 0.0, "products of quarter turns are exact");
                assertTrue(worstRandom > 1e-3, "45° products are not exact with interpolation");
                assertTrue(worstRandom < 1.0, interp + " k=" + k + ": " + worstRandom);
                // measured (k = 5 / 7): bilinear 0.209 / 0.193, bicubic 0.064 / 0.067, sinc 0.063 / 0.020 (the double
                // 45° interpolation against one exact 90° permutation, with blobs up to 1 px off-centre cut by the disc)
                double bound = switch (interp) {
                    case BILINEAR -> k == 5 ? 0.25 : 0.24;
                    case BICUBIC -> k == 5 ? 0.08 : 0.08;
                    case SINC -> k == 5 ? 0.08 : 0.03;
                };
                assertTrue(worstSmooth < bound, interp + " k=" + k + " smooth: " + worstSmooth);
            }
        }
    }

    /** max over 20 kernels of ‖(A − B)κ‖ / ‖Bκ‖; white noise or off-centre Gaussian blobs (σ = 1 px). */
    private static double relativeError(SparseMatrix a, SparseMatrix b, int k, boolean smooth) {
        double worst = 0;
        SplittableRandom rng = new SplittableRandom(99);
        for (int s = 0; s < 20; s++) {
            double[] v;
            if (smooth) {
                v = new double[k * k];
                double c = (k - 1) / 2.0;
                double x0 = rng.nextDouble(-1, 1);
                double y0 = rng.nextDouble(-1, 1);
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) {
                        double dx = j - c - x0;
                        double dy = c - i - y0;
                        v[i * k + j] = Math.exp(-(dx * dx + dy * dy) / 2);
                    }
                }
            } else {
                v = random(k * k, 100 + s);
            }
            double[] av = a.apply(v);
            double[] bv = b.apply(v);
            double num = 0;
            double den = 0;
            for (int i = 0; i < av.length; i++) {
                num += (av[i] - bv[i]) * (av[i] - bv[i]);
                den += bv[i] * bv[i];
            }
            worst = Math.max(worst, Math.sqrt(num / den));
        }
        return worst;
    }

    @Test
    void stackedLayoutsMatchTheBlocks() {
        DihedralGroup d4 = Groups.dihedral(4);
        KernelTransforms t = t(d4, 3);
        int n = 9;
        int h = d4.order();
        double[][] lift = t.liftingMatrix().toDense();
        double[] liftT = t.liftingBasis().values();
        for (int g = 0; g < h; g++) {
            double[][] s = t.spatial(g).toDense();
            for (int x = 0; x < n; x++) {
                for (int y = 0; y < n; y++) {
                    assertEquals(s[x][y], lift[g * n + x][y], 0.0);
                    assertEquals(s[x][y], liftT[y * (h * n) + g * n + x], 0.0);
                }
            }
        }
        double[] gT = t.groupBasis().values();
        int block = h * n;
        for (int g = 0; g < h; g++) {
            double[][] u = t.groupAction(g).toDense();
            for (int r = 0; r < block; r++) {
                for (int c = 0; c < block; c++) {
                    assertEquals(u[r][c], gT[c * (h * block) + g * block + r], 0.0);
                }
            }
        }
        // (U(g)κ)(x, h') = κ(g⁻¹x, g⁻¹h'): check one entry by hand for g = r (index 1), h' = r (index 1): reads h'' = e
        double[] kappa = random(block, 3);
        double[] out = t.groupAction(1).apply(kappa);
        double[] slice = java.util.Arrays.copyOfRange(kappa, 0, n); // κ(·, e)
        double[] expected = rot90(slice, 3);
        assertArrayEquals(expected, java.util.Arrays.copyOfRange(out, n, 2 * n), 0.0);
    }

    @Test
    void badInputsAreRefusedWithClearMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t(Groups.cyclic(4), 0));
        assertTrue(e.getMessage().contains("kernel size must be >= 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Groups.cyclic(0));
        assertThrows(IllegalArgumentException.class, () -> Groups.dihedral(0));
        // even k is accepted: default disc radius k/2 keeps 12 of 16 pixels; quarter turns stay exact
        KernelTransforms even = t(Groups.cyclic(8), 4);
        assertEquals(12, even.activePixels());
        assertTrue(even.spatial(2).isPartialPermutation());
        assertEquals(4, KernelTransforms.of(Groups.cyclic(8), 4, KernelInterpolation.BILINEAR, 1.5).activePixels());
        assertThrows(IllegalArgumentException.class, () -> KernelTransforms.of(Groups.cyclic(8), 5, KernelInterpolation.BILINEAR, -1));
        e = assertThrows(IllegalArgumentException.class, () -> t(Groups.octahedral(), 3));
        assertTrue(e.getMessage().contains("plane"), e.getMessage());
        assertThrows(NullPointerException.class, () -> KernelTransforms.of(Groups.cyclic(4), 3, null));
    }

    @Test
    void interpolationKernelsAreInterpolating() {
        assertEquals(1.0, GridResampling.keys(0), 0);
        assertEquals(0.0, GridResampling.keys(1), 0);
        assertEquals(0.0, GridResampling.keys(2), 0);
        assertEquals(1.0, GridResampling.dirichlet(0, 5), 1e-15);
        for (int m = 1; m < 5; m++) {
            assertEquals(0.0, GridResampling.dirichlet(m, 5), 1e-12);
        }
    }

    @Test
    void sparseMatrixBasics() {
        double[][] a = {{0, 2, 0}, {1, 0, 3}};
        SparseMatrix s = SparseMatrix.fromDense(a);
        assertEquals(3, s.nonZeros());
        assertEquals(3.0, s.get(1, 2));
        assertArrayEquals(new double[] {0, 1}, s.transpose().toDense()[0], 0);
        double[][] p = s.multiply(s.transpose()).toDense();
        assertArrayEquals(new double[] {4, 0}, p[0], 0);
        assertArrayEquals(new double[] {0, 10}, p[1], 0);
        assertArrayEquals(new double[] {2, 7}, s.apply(new double[] {1, 1, 2}), 0);
    }
}

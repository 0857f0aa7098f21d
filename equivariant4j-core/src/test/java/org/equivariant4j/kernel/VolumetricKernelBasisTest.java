package org.equivariant4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.equivariant4j.group.CyclicGroup;
import org.equivariant4j.group.CylindricalGroup;
import org.equivariant4j.group.DihedralGroup;
import org.equivariant4j.group.FiniteGroup;
import org.equivariant4j.group.Group;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.O2;
import org.equivariant4j.group.O3;
import org.equivariant4j.group.O3Element;
import org.equivariant4j.group.PointGroup;
import org.equivariant4j.group.PolyhedralGroup;
import org.equivariant4j.group.Quadrature;
import org.equivariant4j.group.SO2;
import org.equivariant4j.group.SO3;
import org.equivariant4j.group.SO3Element;
import org.equivariant4j.group.SubgroupEmbedding;
import org.equivariant4j.linalg.Matrices;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.Representation;
import org.junit.jupiter.api.Test;

/** The steerable kernel bases on R³: spherical harmonics, per-irrep-pair counts for every G ≤ O(3) we ship, steerability. */
class VolumetricKernelBasisTest {
    private static final O3 O3 = Groups.o3();
    private static final SO3 SO3 = Groups.so3();
    private static final SphericalHarmonicFunctions HARMONICS = new SphericalHarmonicFunctions(O3);
    private static final GaussianRadialProfile ONE_RING = GaussianRadialProfile.uniform(new double[] {1.0}, 0.6);

    @Test
    void sphericalHarmonicsTransformUnderTheirO3Irreps() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int l = 0; l <= 6; l++) {
            Irrep<O3Element> j = HARMONICS.irrep(l);
            assertEquals(l + (l % 2 == 0 ? "e" : "o"), j.name());
            for (int t = 0; t < 20; t++) {
                O3Element g = O3.random(rng);
                double[] x = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
                double[] lhs = HARMONICS.evaluate(l, Matrices.apply(O3.standardAction(g), x));
                double[] rhs = Matrices.apply(j.matrix(g), HARMONICS.evaluate(l, x));
                for (int m = 0; m < lhs.length; m++) {
                    assertEquals(rhs[m], lhs[m], 1e-12, "Y_" + l + "(gx) = J(g) Y(x) at " + g);
                }
                double norm = 0;
                for (double v : lhs) {
                    norm += v * v;
                }
                assertEquals(1.0, norm, 1e-12, "|Y_l| = 1");
            }
        }
        assertEquals(1.0, HARMONICS.evaluate(0, new double[3])[0]);
        assertEquals(0.0, Matrices.maxAbs(new double[][] {HARMONICS.evaluate(2, new double[3])}));
        // l = 1 is (x, y, z)/|x|
        double[] y1 = HARMONICS.evaluate(1, new double[] {0, 0, 2});
        assertEquals(1.0, y1[2], 1e-15);
    }

    /** The elements to integrate over, with weights: all of a finite group, exact quadratures of the continuous ones. */
    @SuppressWarnings("unchecked")
    private static <E extends GroupElement> Quadrature<E> quadrature(Group<E> g, int degree) {
        if (g instanceof SO2 || g instanceof O2 || g instanceof CylindricalGroup) {
            // characters are trigonometric polynomials of degree ≤ the sum of the frequencies: more rotations are exact
            List<E> grid = g.grid(degree + 1);
            double[] w = new double[grid.size()];
            java.util.Arrays.fill(w, 1.0 / grid.size());
            return new Quadrature<>(grid, w);
        }
        return Quadrature.of(g, (degree + 1) / 2);
    }

    /** dim Hom_G(ψ_in ⊗ Res J_l, ψ_out) = ∫_G χ_in χ_{J_l} χ_out dg. */
    static <E extends GroupElement> int characterCount(Group<E> g, SubgroupEmbedding<E, O3Element> iota, Irrep<E> in,
            Irrep<E> out, int l) {
        Quadrature<E> q = quadrature(g, in.frequency() + l + out.frequency());
        Irrep<O3Element> j = HARMONICS.irrep(l);
        double s = 0;
        for (int i = 0; i < q.elements().size(); i++) {
            E h = q.elements().get(i);
            s += q.weights()[i] * in.character(h) * j.character(iota.include(h)) * out.character(h);
        }
        long r = Math.round(s);
        assertEquals(r, s, 1e-9, "character inner product is an integer");
        return (int) r;
    }

    static <E extends GroupElement> void assertCountsMatchTheory(Group<E> g, SubgroupEmbedding<E, O3Element> iota,
            List<Irrep<E>> irreps, int maxDegree) {
        HarmonicIntertwiners<E, O3Element> solver = new HarmonicIntertwiners<>(iota, HARMONICS);
        FrequencyCutoff all = r -> maxDegree;
        int total = 0;
        for (Irrep<E> in : irreps) {
            for (Irrep<E> out : irreps) {
                SteerableKernelBasis<E> basis = SteerableKernelBasis.of(solver, in, out, ONE_RING, all, null);
                int expected = 0;
                for (int l = 0; l <= maxDegree; l++) {
                    int perL = characterCount(g, iota, in, out, l);
                    int degree = l;
                    int actual = (int) basis.attributes().stream().filter(a -> a.frequency() == degree).count();
                    assertEquals(perL, actual, g.name() + " " + in.name() + " -> " + out.name() + " at degree " + l);
                    expected += perL;
                }
                assertEquals(expected, basis.size());
                total += expected;
            }
        }
        System.out.printf("%s: %d irrep pairs, %d basis elements up to degree %d, all equal to the character count%n",
                g.name(), irreps.size() * irreps.size(), total, maxDegree);
    }

    @Test
    void so3AndO3CountsAreTheTriangleAndParityRules() {
        SubgroupEmbedding<SO3Element, O3Element> so3in = SO3.embeddingInO3(O3);
        HarmonicIntertwiners<SO3Element, O3Element> s = new HarmonicIntertwiners<>(so3in, HARMONICS);
        HarmonicIntertwiners<O3Element, O3Element> o = new HarmonicIntertwiners<>(O3.identityEmbedding(), HARMONICS);
        for (int lin = 0; lin <= 2; lin++) {
            for (int lout = 0; lout <= 2; lout++) {
                for (int j = 0; j <= 5; j++) {
                    int triangle = j >= Math.abs(lin - lout) && j <= lin + lout ? 1 : 0;
                    assertEquals(triangle, s.solve(SO3.irrep(lin), SO3.irrep(lout), j).size(),
                            "SO(3): one element per J in |l_in - l_out| .. l_in + l_out");
                    for (int pin : new int[] {1, -1}) {
                        for (int pout : new int[] {1, -1}) {
                            int parity = pin * pout == (j % 2 == 0 ? 1 : -1) ? 1 : 0;
                            assertEquals(triangle * parity, o.solve(O3.irrep(lin, pin), O3.irrep(lout, pout), j).size(),
                                    "O(3): J allowed when p_in p_out = (-1)^J");
                        }
                    }
                }
            }
        }
        assertCountsMatchTheory(SO3, so3in, SO3.irreps(2), 4);
        assertCountsMatchTheory(O3, O3.identityEmbedding(), O3.irreps(2), 4);
    }

    @Test
    void polyhedralAndPointGroupCountsEqualTheCharacterCount() {
        PolyhedralGroup octa = Groups.octahedral();
        assertCountsMatchTheory(octa, octa.embeddingInSO3(SO3).then(SO3.embeddingInO3(O3)), octa.irreps(), 5);
        PolyhedralGroup ico = Groups.icosahedral();
        assertCountsMatchTheory(ico, ico.embeddingInSO3(SO3).then(SO3.embeddingInO3(O3)), ico.irreps(), 4);
        PointGroup fullOcta = Groups.fullOctahedral();
        assertCountsMatchTheory(fullOcta, fullOcta.embeddingInO3(O3), fullOcta.irreps(), 5);
    }

    @Test
    void axialMirrorInversionAndTrivialCountsEqualTheCharacterCount() {
        SO2 so2 = Groups.so2();
        assertCountsMatchTheory(so2, O3.dihedralEmbedding(so2), so2.irreps(3), 4);
        O2 o2 = Groups.o2();
        assertCountsMatchTheory(o2, O3.conicalEmbedding(o2), o2.irreps(3), 4);
        assertCountsMatchTheory(o2, O3.dihedralEmbedding(o2), o2.irreps(3), 4);
        for (int n : new int[] {2, 4}) {
            CyclicGroup cn = Groups.cyclic(n);
            assertCountsMatchTheory(cn, O3.conicalEmbedding(cn), cn.irreps(), 4);
            DihedralGroup dn = Groups.dihedral(n);
            assertCountsMatchTheory(dn, O3.conicalEmbedding(dn), dn.irreps(), 4);
        }
        DihedralGroup mirror = Groups.dihedral(1);
        assertCountsMatchTheory(mirror, O3.conicalEmbedding(mirror), mirror.irreps(), 4);
        CyclicGroup c2 = Groups.cyclic(2);
        assertCountsMatchTheory(c2, O3.inversionEmbedding(c2), c2.irreps(), 4);
        CylindricalGroup cyl = Groups.cylindrical();
        assertCountsMatchTheory(cyl, O3.cylinderEmbedding(cyl), cyl.irreps(2), 4);
        // the trivial group: every direction function, Σ_l (2l + 1) = 25 harmonics up to degree 4
        CyclicGroup c1 = Groups.cyclic(1);
        HarmonicIntertwiners<?, O3Element> t = new HarmonicIntertwiners<>(O3.conicalEmbedding(c1), HARMONICS);
        assertEquals(25, SteerableKernelBasis.of(cast(t), c1.trivialIrrep(), c1.trivialIrrep(), ONE_RING, r -> 4, null).size());
        // the inversion: trivial -> trivial keeps the even degrees only (1 + 5 + 9)
        var inv = new HarmonicIntertwiners<>(O3.inversionEmbedding(c2), HARMONICS);
        assertEquals(15, SteerableKernelBasis.of(inv, c2.trivialIrrep(), c2.trivialIrrep(), ONE_RING, r -> 4, null).size());
    }

    @SuppressWarnings("unchecked")
    private static <E extends GroupElement> HarmonicIntertwiners<E, O3Element> cast(HarmonicIntertwiners<?, O3Element> s) {
        return (HarmonicIntertwiners<E, O3Element>) s;
    }

    /** κ_k(gx) = ρ_out(g) κ_k(x) ρ_in(g)ᵀ at random points, for random (or all) elements. */
    static <E extends GroupElement> void assertSteerable(SteerableKernelBasis<E> basis, SubgroupEmbedding<E, O3Element> iota,
            long seed) {
        Group<E> g = basis.inRepresentation().group();
        SplittableRandom rng = new SplittableRandom(seed);
        int o = basis.outSize();
        int i = basis.inSize();
        List<E> elements = new ArrayList<>();
        if (g instanceof FiniteGroup<E> f) {
            elements.addAll(f.elements());
        } else {
            for (int t = 0; t < 6; t++) {
                elements.add(g.random(rng));
            }
        }
        assertTrue(basis.size() > 0, basis.toString());
        for (E h : elements) {
            double[][] a = O3.standardAction(iota.include(h));
            double[][] pts = new double[6][];
            for (int q = 0; q < 3; q++) {
                pts[q] = new double[] {2 * rng.nextGaussian(), 2 * rng.nextGaussian(), 2 * rng.nextGaussian()};
                pts[q + 3] = Matrices.apply(a, pts[q]);
            }
            double[] v = basis.sample(pts);
            double[][] rIn = basis.inRepresentation().matrix(h);
            double[][] rOut = basis.outRepresentation().matrix(h);
            for (int k = 0; k < basis.size(); k++) {
                for (int q = 0; q < 3; q++) {
                    double[][] at = new double[o][i];
                    double[][] atG = new double[o][i];
                    for (int oo = 0; oo < o; oo++) {
                        for (int ii = 0; ii < i; ii++) {
                            at[oo][ii] = v[((k * o + oo) * i + ii) * 6 + q];
                            atG[oo][ii] = v[((k * o + oo) * i + ii) * 6 + q + 3];
                        }
                    }
                    double[][] expected = Matrices.multiply(rOut, at, Matrices.transpose(rIn));
                    assertTrue(Matrices.maxAbsDifference(expected, atG) < 1e-11,
                            basis + " element " + k + " " + basis.attributes().get(k) + " fails at " + h);
                }
            }
        }
    }

    @Test
    void basesOfMixedAndRegularRepresentationsAreSteerable() {
        GaussianRadialProfile rings = GaussianRadialProfile.defaults(5, 1);
        FrequencyCutoff cutoff = FrequencyCutoff.volumetricDefaults(5);
        SubgroupEmbedding<SO3Element, O3Element> so3in = SO3.embeddingInO3(O3);
        var s = new HarmonicIntertwiners<>(so3in, HARMONICS);
        Representation<SO3Element> band = Representation.directSum("band", SO3.irreps(2));
        assertSteerable(SteerableKernelBasis.of(s, band, band, rings, cutoff, null), so3in, 1);
        var o = new HarmonicIntertwiners<>(O3.identityEmbedding(), HARMONICS);
        Representation<O3Element> mix = Representation.directSum("mix", O3.irrep(1, 1), O3.irrep(0, -1), O3.irrep(2, 1));
        assertSteerable(SteerableKernelBasis.of(o, mix, O3.irrep(1, -1), rings, cutoff, null), O3.identityEmbedding(), 2);
        PolyhedralGroup octa = Groups.octahedral();
        SubgroupEmbedding<SO3Element, O3Element> octaIn = octa.embeddingInSO3(SO3).then(so3in);
        var os = new HarmonicIntertwiners<>(octaIn, HARMONICS);
        assertSteerable(SteerableKernelBasis.of(os, octa.trivialIrrep(), octa.regularRepresentation(), rings, cutoff, null),
                octaIn, 3);
        PointGroup fullOcta = Groups.fullOctahedral();
        var fs = new HarmonicIntertwiners<>(fullOcta.embeddingInO3(O3), HARMONICS);
        assertSteerable(SteerableKernelBasis.of(fs, fullOcta.irrep("T1u"), fullOcta.irrep("Eg"), rings, cutoff, null),
                fullOcta.embeddingInO3(O3), 4);
    }

    @Test
    void sampledVolumetricBasesAreIndependentAndTheDefaultCutoffsAreEscnns() {
        assertEquals(2, FrequencyCutoff.volumetricDefaults(3).maxFrequency(GaussianRadialProfile.defaults(3, 1)));
        assertEquals(2, FrequencyCutoff.volumetricDefaults(5).maxFrequency(GaussianRadialProfile.defaults(5, 1)));
        assertEquals(3, FrequencyCutoff.volumetricDefaults(7).maxFrequency(GaussianRadialProfile.defaults(7, 1)));
        assertEquals(3.0, FrequencyCutoff.volumetricDefaults(7).maxFrequency(2.0));
        assertEquals(2.0, FrequencyCutoff.volumetricDefaults(7).maxFrequency(3.0));
        var s = new HarmonicIntertwiners<>(SO3.embeddingInO3(O3), HARMONICS);
        Representation<SO3Element> band = Representation.directSum("band", SO3.irreps(1));
        SteerableKernelBasis<SO3Element> basis = SteerableKernelBasis.of(s, band, band, GaussianRadialProfile.defaults(5, 1),
                FrequencyCutoff.volumetricDefaults(5), null);
        SampledKernelBasis sampled = SampledKernelBasis.of(basis, KernelGrid.volumetric(5, 1));
        // the ring of radius 0 keeps only degree 0: psi[0]->psi[0] and psi[1]->psi[1] (2); rings 1 and 2 keep degrees 0..2:
        // 0->0 (1), 0->1 (1), 1->0 (1), 1->1 (J = 0, 1, 2: 3), per ring 6
        assertEquals(2 + 2 * 6, sampled.size());
        int k = sampled.size();
        double[] v = sampled.values();
        int block = sampled.outSize() * sampled.inSize() * sampled.points();
        double[][] gram = new double[k][k];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                double sum = 0;
                for (int j = 0; j < block; j++) {
                    sum += v[a * block + j] * v[b * block + j];
                }
                gram[a][b] = sum;
            }
        }
        double[] eig = org.equivariant4j.linalg.SymmetricEigen.of(gram).values();
        assertTrue(eig[0] > 1e-6 * eig[k - 1], "sampled basis is rank deficient: smallest eigenvalue " + eig[0]);
    }
}

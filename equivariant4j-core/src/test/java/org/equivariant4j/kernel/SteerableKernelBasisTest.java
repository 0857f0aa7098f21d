package org.equivariant4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.equivariant4j.group.CyclicElement;
import org.equivariant4j.group.CyclicGroup;
import org.equivariant4j.group.DihedralElement;
import org.equivariant4j.group.DihedralGroup;
import org.equivariant4j.group.FiniteGroup;
import org.equivariant4j.group.Group;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.O2;
import org.equivariant4j.group.O2Element;
import org.equivariant4j.group.SO2;
import org.equivariant4j.group.SO2Element;
import org.equivariant4j.group.SubgroupEmbedding;
import org.equivariant4j.linalg.Matrices;
import org.equivariant4j.linalg.SymmetricEigen;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.Representation;
import org.junit.jupiter.api.Test;

class SteerableKernelBasisTest {
    private static final O2 O2 = Groups.o2();
    private static final CircularHarmonicFunctions HARMONICS = new CircularHarmonicFunctions(O2);

    @Test
    void circularHarmonicsTransformUnderTheirO2Irreps() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int f = 0; f <= 7; f++) {
            Irrep<O2Element> j = HARMONICS.irrep(f);
            for (int t = 0; t < 20; t++) {
                O2Element g = O2.random(rng);
                double[] x = {rng.nextGaussian(), rng.nextGaussian()};
                double[] gx = Matrices.apply(O2.standardAction(g), x);
                double[] lhs = HARMONICS.evaluate(f, gx);
                double[] rhs = Matrices.apply(j.matrix(g), HARMONICS.evaluate(f, x));
                for (int m = 0; m < lhs.length; m++) {
                    assertEquals(rhs[m], lhs[m], 1e-12, "Y_" + f + "(gx) = J(g) Y(x) at " + g);
                }
            }
        }
        assertEquals(1.0, HARMONICS.evaluate(0, new double[] {0, 0})[0]);
        assertEquals(0.0, HARMONICS.evaluate(3, new double[] {0, 0})[1]);
    }

    /** κ_k(gx) = ρ_out(g) κ_k(x) ρ_in(g)ᵀ for every element, at random points. */
    static <E extends GroupElement> void assertSteerable(SteerableKernelBasis<E> basis, SubgroupEmbedding<E, O2Element> iota,
            long seed) {
        Group<E> g = basis.inRepresentation().group();
        SplittableRandom rng = new SplittableRandom(seed);
        int o = basis.outSize();
        int i = basis.inSize();
        for (int t = 0; t < 6; t++) {
            E h = g.random(rng);
            double[][] a = O2.standardAction(iota.include(h));
            double[][] pts = new double[8][];
            for (int q = 0; q < 4; q++) {
                pts[q] = new double[] {2 * rng.nextGaussian(), 2 * rng.nextGaussian()};
                pts[q + 4] = Matrices.apply(a, pts[q]);
            }
            double[] v = basis.sample(pts);
            double[][] rIn = basis.inRepresentation().matrix(h);
            double[][] rOut = basis.outRepresentation().matrix(h);
            for (int k = 0; k < basis.size(); k++) {
                for (int q = 0; q < 4; q++) {
                    double[][] at = new double[o][i];
                    double[][] atG = new double[o][i];
                    for (int oo = 0; oo < o; oo++) {
                        for (int ii = 0; ii < i; ii++) {
                            at[oo][ii] = v[((k * o + oo) * i + ii) * 8 + q];
                            atG[oo][ii] = v[((k * o + oo) * i + ii) * 8 + q + 4];
                        }
                    }
                    double[][] expected = Matrices.multiply(rOut, at, Matrices.transpose(rIn));
                    assertTrue(Matrices.maxAbsDifference(expected, atG) < 1e-11,
                            basis + " element " + k + " " + basis.attributes().get(k) + " fails at " + h);
                }
            }
        }
    }

    /** The theory's count: dim Hom_G(ψ_in ⊗ Res J_f, ψ_out) = ∫_G χ_in χ_J χ_out (exact quadrature for SO(2), O(2)). */
    static <E extends GroupElement> int characterCount(Group<E> g, SubgroupEmbedding<E, O2Element> iota, Irrep<E> in,
            Irrep<E> out, int f) {
        List<E> elements = new ArrayList<>();
        if (g instanceof FiniteGroup<E> finite) {
            elements.addAll(finite.elements());
        } else {
            // the integrand is a trigonometric polynomial of degree ≤ k_in + f + k_out: M larger than that is exact
            int m = 2 * (in.frequency() + f + out.frequency()) + 3;
            elements.addAll(g.grid(m));
        }
        Irrep<O2Element> j = HARMONICS.irrep(f);
        double s = 0;
        for (E h : elements) {
            s += in.character(h) * j.character(iota.include(h)) * out.character(h);
        }
        double count = s / elements.size();
        long r = Math.round(count);
        assertEquals(r, count, 1e-9, "character inner product is an integer");
        return (int) r;
    }

    static <E extends GroupElement> void assertCountsMatchTheory(Group<E> g, SubgroupEmbedding<E, O2Element> iota,
            List<Irrep<E>> irreps, int maxFrequency) {
        HarmonicIntertwiners<E, O2Element> solver = new HarmonicIntertwiners<>(iota, HARMONICS);
        GaussianRadialProfile oneRing = GaussianRadialProfile.uniform(new double[] {1.0}, 0.6);
        FrequencyCutoff all = r -> maxFrequency;
        for (Irrep<E> in : irreps) {
            for (Irrep<E> out : irreps) {
                SteerableKernelBasis<E> basis = SteerableKernelBasis.of(solver, in, out, oneRing, all, null);
                int expected = 0;
                for (int f = 0; f <= maxFrequency; f++) {
                    int perF = characterCount(g, iota, in, out, f);
                    int freq = f;
                    int actual = (int) basis.attributes().stream().filter(a -> a.frequency() == freq).count();
                    assertEquals(perF, actual, g.name() + " " + in.name() + " -> " + out.name() + " at frequency " + f);
                    expected += perF;
                }
                assertEquals(expected, basis.size());
            }
        }
    }

    @Test
    void basisSizesEqualTheCharacterCountPerIrrepPairIncludingAliasing() {
        for (int n : new int[] {1, 2, 3, 4, 5, 8}) {
            CyclicGroup cn = Groups.cyclic(n);
            assertCountsMatchTheory(cn, cn.embeddingInO2(O2), cn.irreps(), 9);
            DihedralGroup dn = Groups.dihedral(n);
            assertCountsMatchTheory(dn, dn.embeddingInO2(O2), dn.irreps(), 9);
        }
        SO2 so2 = Groups.so2();
        assertCountsMatchTheory(so2, so2.embeddingInO2(O2), so2.irreps(4), 9);
        assertCountsMatchTheory(O2, O2.identityEmbedding(), O2.irreps(4), 9);
        DihedralGroup d1 = Groups.dihedral(1);
        assertCountsMatchTheory(d1, d1.embeddingInO2(O2, Math.PI / 3), d1.irreps(), 6);
    }

    @Test
    void knownCountsPinTheConstruction() {
        GaussianRadialProfile oneRing = GaussianRadialProfile.uniform(new double[] {1.0}, 0.6);
        FrequencyCutoff upTo3 = r -> 3;
        // SO(2): trivial -> trivial keeps only the isotropic (f = 0) filter; psi[1] -> psi[1] has f = 0 (2: identity and
        // the complex structure) and f = 2 (2 more)
        SO2 so2 = Groups.so2();
        HarmonicIntertwiners<SO2Element, O2Element> s = new HarmonicIntertwiners<>(so2.embeddingInO2(O2), HARMONICS);
        assertEquals(1, SteerableKernelBasis.of(s, so2.irrep(0), so2.irrep(0), oneRing, upTo3, null).size());
        assertEquals(4, SteerableKernelBasis.of(s, so2.irrep(1), so2.irrep(1), oneRing, upTo3, null).size());
        // C2 aliases frequency 2 onto the trivial irrep: trivial -> trivial has f = 0 (1) and f = 2 (2)
        CyclicGroup c2 = Groups.cyclic(2);
        HarmonicIntertwiners<CyclicElement, O2Element> c = new HarmonicIntertwiners<>(c2.embeddingInO2(O2), HARMONICS);
        SteerableKernelBasis<CyclicElement> b = SteerableKernelBasis.of(c, c2.irrep(0), c2.irrep(0), oneRing, upTo3, null);
        assertEquals(3, b.size());
        assertEquals(List.of(0, 2, 2), b.attributes().stream().map(BasisAttributes::frequency).toList());
        // O(2): trivial -> trivial keeps the isotropic filter only; trivial -> psi[1,1] is the gradient-like f = 1 filter
        HarmonicIntertwiners<O2Element, O2Element> o = new HarmonicIntertwiners<>(O2.identityEmbedding(), HARMONICS);
        assertEquals(1, SteerableKernelBasis.of(o, O2.trivialIrrep(), O2.trivialIrrep(), oneRing, upTo3, null).size());
        assertEquals(1, SteerableKernelBasis.of(o, O2.trivialIrrep(), O2.irrep(1, 1), oneRing, upTo3, null).size());
        assertEquals(0, SteerableKernelBasis.of(o, O2.trivialIrrep(), O2.irrep(1, 0), oneRing, upTo3, null).size());
        // the trivial group: every pixel function, 1 + 2·3 harmonics per ring for one channel
        CyclicGroup c1 = Groups.cyclic(1);
        HarmonicIntertwiners<CyclicElement, O2Element> t = new HarmonicIntertwiners<>(c1.embeddingInO2(O2), HARMONICS);
        assertEquals(7, SteerableKernelBasis.of(t, c1.irrep(0), c1.irrep(0), oneRing, upTo3, null).size());
    }

    @Test
    void basesOfIrrepsAndRegularRepresentationsAreSteerable() {
        GaussianRadialProfile rings = GaussianRadialProfile.defaults(5, 1);
        FrequencyCutoff cutoff = FrequencyCutoff.defaults(5);
        CyclicGroup c8 = Groups.cyclic(8);
        var c8s = new HarmonicIntertwiners<>(c8.embeddingInO2(O2), HARMONICS);
        assertSteerable(SteerableKernelBasis.of(c8s, c8.regularRepresentation(), c8.regularRepresentation(), rings, cutoff,
                null), c8.embeddingInO2(O2), 2);
        assertSteerable(SteerableKernelBasis.of(c8s, c8.trivialIrrep(), c8.regularRepresentation(), rings, cutoff, null),
                c8.embeddingInO2(O2), 3);
        DihedralGroup d4 = Groups.dihedral(4);
        var d4s = new HarmonicIntertwiners<>(d4.embeddingInO2(O2, 0.3), HARMONICS);
        Representation<DihedralElement> mix = Representation.directSum("mix", d4.irrep(1, 1), d4.regularRepresentation(),
                d4.irrep(0, 2));
        assertSteerable(SteerableKernelBasis.of(d4s, mix, d4.regularRepresentation(), rings, cutoff, null),
                d4.embeddingInO2(O2, 0.3), 4);
        SO2 so2 = Groups.so2();
        var so2s = new HarmonicIntertwiners<>(so2.embeddingInO2(O2), HARMONICS);
        Representation<SO2Element> band = Representation.directSum("band", so2.irreps(3));
        assertSteerable(SteerableKernelBasis.of(so2s, band, band, rings, cutoff, null), so2.embeddingInO2(O2), 5);
        var o2s = new HarmonicIntertwiners<>(O2.identityEmbedding(), HARMONICS);
        Representation<O2Element> o2band = Representation.directSum("band", O2.irreps(3));
        assertSteerable(SteerableKernelBasis.of(o2s, o2band, O2.irrep(1, 2), rings, cutoff, null), O2.identityEmbedding(), 6);
    }

    @Test
    void sampledElementsAreLinearlyIndependentAndNormalisedLikeEscnn() {
        CyclicGroup c4 = Groups.cyclic(4);
        var solver = new HarmonicIntertwiners<>(c4.embeddingInO2(O2), HARMONICS);
        SteerableKernelBasis<CyclicElement> basis = SteerableKernelBasis.of(solver, c4.regularRepresentation(),
                c4.regularRepresentation(), GaussianRadialProfile.defaults(7, 1), FrequencyCutoff.defaults(7), null);
        SampledKernelBasis sampled = SampledKernelBasis.of(basis, KernelGrid.planar(7, 1));
        assertEquals(basis.size(), sampled.size(), "nothing vanishes on the 7x7 grid with the default cut-off");
        int k = sampled.size();
        int block = sampled.outSize() * sampled.inSize() * sampled.points();
        double[] v = sampled.values();
        double[][] gram = new double[k][k];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                double s = 0;
                for (int j = 0; j < block; j++) {
                    s += v[a * block + j] * v[b * block + j];
                }
                gram[a][b] = s;
            }
            assertEquals(sampled.attributes().get(a).outIrrepDimension(), gram[a][a], 1e-9, "Σ B² = dim ψ_out");
        }
        double[] eig = SymmetricEigen.of(gram).values();
        assertTrue(eig[0] > 1e-6 * eig[k - 1], "sampled basis is rank deficient: smallest eigenvalue " + eig[0]);
    }

    @Test
    void elementsThatVanishOnTheGridAreDropped() {
        CyclicGroup c1 = Groups.cyclic(1);
        var solver = new HarmonicIntertwiners<>(c1.embeddingInO2(O2), HARMONICS);
        // frequency 1 on the ring of radius 0 is zero at the only grid point it reaches (the centre)
        SteerableKernelBasis<CyclicElement> basis = SteerableKernelBasis.of(solver, c1.trivialIrrep(), c1.trivialIrrep(),
                GaussianRadialProfile.uniform(new double[] {0.0}, 0.005), r -> 1, null);
        assertEquals(3, basis.size());
        assertEquals(1, SampledKernelBasis.of(basis, KernelGrid.planar(3, 1)).size());
    }

    @Test
    void escnnDefaultsForRingsAndCutoffs() {
        GaussianRadialProfile k5 = GaussianRadialProfile.defaults(5, 1);
        assertEquals(List.of(0.0, 1.0, 2.0), java.util.Arrays.stream(k5.radii()).boxed().toList());
        assertEquals(List.of(0.005, 0.6, 0.4), java.util.Arrays.stream(k5.sigmas()).boxed().toList());
        assertEquals(List.of(0.0, 2.0, 4.0), java.util.Arrays.stream(GaussianRadialProfile.defaults(5, 2).radii()).boxed().toList());
        int[][] expected = {{3, 2}, {5, 2}, {7, 3}, {9, 6}};
        for (int[] e : expected) {
            assertEquals(e[1], FrequencyCutoff.defaults(e[0]).maxFrequency(GaussianRadialProfile.defaults(e[0], 1)), "k = " + e[0]);
        }
        assertEquals(3.0, FrequencyCutoff.defaults(7).maxFrequency(2.0));
        assertThrows(IllegalArgumentException.class, () -> GaussianRadialProfile.uniform(new double[] {-1}, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new GaussianRadialProfile(new double[] {1}, new double[] {0}));
        assertThrows(IllegalArgumentException.class, () -> FrequencyCutoff.proportional(Double.NaN));
    }
}

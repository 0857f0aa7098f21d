package org.equivariant4j.nn.potential;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.O3Element;
import org.equivariant4j.group.SO3Element;
import org.equivariant4j.harmonics.SphereGrid;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.graph.GraphTopology;
import org.equivariant4j.nn.lifted.SphereFiber;
import org.equivariant4j.nn.ops.Gradients;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.nn.testing.Equivariance;
import org.equivariant4j.nn.testing.EuclideanMotion;
import org.equivariant4j.o3.Irreps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The potentials in float64: energies invariant and forces equivariant under random rotations, reflections and
 * translations, and under permutations of the atoms; forces against finite differences of the energy, and the
 * derivative of the forces (what training on forces back-propagates) against finite differences of the forces;
 * parameters saved and loaded; energies continuous where an atom crosses the cut-off.
 */
class PotentialTest {
    private static final DataType F64 = DataType.FLOAT64;
    private static final int ATOMS = 6;
    private static final int GRAPHS = 2;
    private static final int SPECIES = 3;
    private static int savedThreads;

    @BeforeAll
    static void singleThreaded() {
        Engine.getInstance();
        savedThreads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
    }

    @AfterAll
    static void restoreThreads() {
        JniUtils.setNumThreads(savedThreads);
    }

    /** The four potentials, small, seeded; the cut-off 2.4 leaves some pairs of the test molecules uncoupled. */
    private static List<LongFunction<PotentialModel>> models() {
        return List.of(
                seed -> NequipPotential.builder(SPECIES).hidden(Irreps.parse("4x0e+2x1o+2x1e+1x2e+1x2o")).layers(2)
                        .maxRadius(2.4).radial(6, 1, 8).numNeighbors(4).seed(seed).build(),
                seed -> {
                    Engine.getInstance().setRandomSeed((int) seed);
                    return new SchNetPotential(SPECIES, 8, 2, 10, 2.4);
                },
                seed -> {
                    Engine.getInstance().setRandomSeed((int) seed);
                    return new EgnnPotential(SPECIES, 8, 2, 100, new DistanceBasis(4, 3.0));
                },
                seed -> new SegnnPotential(SPECIES, 8, 1, 2, 100, new DistanceBasis(4, 3.0), seed));
    }

    /** The lifted potential on the 12 icosahedron vertices: exact only for the 120 elements of I_h that permute them. */
    private static PotentialModel ponita(long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        return new PonitaPotential(SPECIES, new SphereFiber(SphereGrid.icosahedral(12)), 8, 2, 2, 2.4);
    }

    /** The continuous-group potentials and the lifted one. */
    private static List<LongFunction<PotentialModel>> allModels() {
        List<LongFunction<PotentialModel>> all = new java.util.ArrayList<>(models());
        all.add(PotentialTest::ponita);
        return all;
    }

    private static NDArray positions(NDManager m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[GRAPHS * ATOMS * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble(-1.2, 1.2);
        }
        return Tensors.fromFlat(m, x, new Shape(GRAPHS * ATOMS, 3), F64);
    }

    private static NDArray oneHot(NDManager m, long[] perm) {
        double[] h = new double[GRAPHS * ATOMS * SPECIES];
        for (int i = 0; i < GRAPHS * ATOMS; i++) {
            int atom = perm == null ? i : (int) perm[i];
            h[i * SPECIES + atom % SPECIES] = 1;
        }
        return Tensors.fromFlat(m, h, new Shape(GRAPHS * ATOMS, SPECIES), F64);
    }

    private static long[] graphIndex() {
        long[] g = new long[GRAPHS * ATOMS];
        for (int i = 0; i < g.length; i++) {
            g[i] = i / ATOMS;
        }
        return g;
    }

    static GraphBatch batch(PotentialModel model, NDArray x, NDArray species) {
        return GraphBatch.radiusGraph(x, model.cutoff(), graphIndex()).nodeFeatures(species).build();
    }

    /** Energies and forces of the positions in.get(0) (a copy, so the caller's array keeps no gradient). */
    private static ForceField.Prediction predict(PotentialModel model, ParameterStore ps, NDList in, NDArray species) {
        return ForceField.predict(model, ps, batch(model, in.get(0).duplicate(), species), false, false);
    }

    private static PotentialModel initialised(LongFunction<PotentialModel> f, long seed, NDManager m) {
        PotentialModel model = f.apply(seed);
        model.initialize(m, F64, new Shape(1, SPECIES));
        model.setEnergyStatistics(1.7, new double[] {-1.0, 0.5, 2.0});
        return model;
    }

    @Test
    void energiesInvariantForcesEquivariantUnderE3() {
        for (LongFunction<PotentialModel> f : models()) {
            try (NDManager m = NDManager.newBaseManager()) {
                PotentialModel model = initialised(f, 3, m);
                ParameterStore ps = new ParameterStore(m, false);
                NDArray species = oneHot(m, null);
                Function<NDList, NDArray> energy = in -> predict(model, ps, in, species).energies();
                Function<NDList, NDArray> forces = in -> predict(model, ps, in, species).forces();
                NDList in = new NDList(positions(m, 5));
                List<EuclideanMotion> g = EuclideanMotion.randomElements(4, 3.0, new SplittableRandom(7));
                Equivariance.Report re = Equivariance.check(energy, List.of(EuclideanMotion.onPositions()),
                        Equivariance.invariant(), g, in);
                Equivariance.Report rf = Equivariance.check(forces, List.of(EuclideanMotion.onPositions()),
                        EuclideanMotion.onVectors(), g, in);
                System.out.printf("[potential] %s: energy invariance %.2e, force equivariance %.2e (float64)%n", model,
                        re.maxRelativeError(), rf.maxRelativeError());
                assertTrue(re.passes(1e-9), model + " energies: " + re);
                assertTrue(rf.passes(1e-9), model + " forces: " + rf);
                assertTrue(energy.apply(in).abs().max().getDouble() > 1e-3, "nonzero energies");
            }
        }
    }

    @Test
    void liftedPotentialIsExactForTheSymmetriesOfItsGrid() {
        try (NDManager m = NDManager.newBaseManager()) {
            PotentialModel model = initialised(PotentialTest::ponita, 3, m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray species = oneHot(m, null);
            Function<NDList, NDArray> energy = in -> predict(model, ps, in, species).energies();
            Function<NDList, NDArray> forces = in -> predict(model, ps, in, species).forces();
            NDList in = new NDList(positions(m, 5));
            // the icosahedral rotations and their compositions with the inversion (every fifth of the 120), translated
            SplittableRandom r = new SplittableRandom(8);
            List<EuclideanMotion> ih = new java.util.ArrayList<>();
            List<SO3Element> rotations = Groups.icosahedral().elements();
            for (int k = 0; k < rotations.size(); k += 5) {
                ih.add(new EuclideanMotion(new O3Element(rotations.get(k).rotation(), k % 2), r.nextDouble(-2, 2),
                        r.nextDouble(-2, 2), r.nextDouble(-2, 2)));
            }
            Equivariance.Report re = Equivariance.check(energy, List.of(EuclideanMotion.onPositions()), Equivariance.invariant(),
                    ih, in);
            Equivariance.Report rf = Equivariance.check(forces, List.of(EuclideanMotion.onPositions()),
                    EuclideanMotion.onVectors(), ih, in);
            Equivariance.Report random = Equivariance.check(forces, List.of(EuclideanMotion.onPositions()),
                    EuclideanMotion.onVectors(), EuclideanMotion.randomElements(4, 3.0, new SplittableRandom(7)), in);
            System.out.printf("[potential] %s: on I_h energy %.2e, forces %.2e; forces %.2e for random O(3) elements%n", model,
                    re.maxRelativeError(), rf.maxRelativeError(), random.maxRelativeError());
            assertTrue(re.passes(1e-9), model + " energies: " + re);
            assertTrue(rf.passes(1e-9), model + " forces: " + rf);
            assertTrue(random.maxRelativeError() > 1e-6, "a 12-point grid is not exact for every rotation: " + random);
        }
    }

    @Test
    void permutingAtomsPermutesForcesAndKeepsEnergies() {
        long[] perm = {3, 0, 5, 1, 2, 4, 10, 7, 6, 11, 9, 8};
        for (LongFunction<PotentialModel> f : allModels()) {
            try (NDManager m = NDManager.newBaseManager()) {
                PotentialModel model = initialised(f, 4, m);
                ParameterStore ps = new ParameterStore(m, false);
                NDArray x = positions(m, 6);
                NDArray p = m.create(perm);
                ForceField.Prediction a = ForceField.predict(model, ps, batch(model, x.duplicate(), oneHot(m, null)), false,
                        false);
                ForceField.Prediction b = ForceField.predict(model, ps, batch(model,
                        x.get(new ai.djl.ndarray.index.NDIndex("{}", p)), oneHot(m, perm)), false, false);
                assertArrayEquals(a.energies().toDoubleArray(), b.energies().toDoubleArray(), 1e-11, model + " energies");
                assertArrayEquals(a.forces().get(new ai.djl.ndarray.index.NDIndex("{}", p)).toDoubleArray(),
                        b.forces().toDoubleArray(), 1e-11, model + " forces");
            }
        }
    }

    @Test
    void forcesAndTheirDerivativesMatchFiniteDifferences() {
        double h = 1e-5;
        for (LongFunction<PotentialModel> f : models()) {
            try (NDManager m = NDManager.newBaseManager()) {
                PotentialModel model = initialised(f, 5, m);
                ParameterStore ps = new ParameterStore(m, false);
                NDArray species = oneHot(m, null);
                NDArray x = positions(m, 8);
                NDArray q = Tensors.fromFlat(m, new SplittableRandom(9).doubles(GRAPHS * ATOMS * 3, -1, 1).toArray(),
                        new Shape(GRAPHS * ATOMS, 3), F64);
                double[] x0 = x.toDoubleArray();
                double[] force;
                double[] hessQ;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray xx = x.duplicate();
                    ForceField.Prediction pr = ForceField.predict(model, ps, batch(model, xx, species), true, true);
                    force = pr.forces().toDoubleArray();
                    hessQ = Gradients.of(pr.forces().mul(q).sum(), xx, false).toDoubleArray();
                }
                double maxForce = 0;
                for (int k = 0; k < x0.length; k += 2) {
                    double ep = energyAt(model, ps, m, species, x0, k, h);
                    double em = energyAt(model, ps, m, species, x0, k, -h);
                    assertEquals(-(ep - em) / (2 * h), force[k], 1e-6 * Math.max(1, Math.abs(force[k])), model + " force " + k);
                    maxForce = Math.max(maxForce, Math.abs(force[k]));
                }
                for (int k = 1; k < x0.length; k += 5) {
                    double fp = forceDotQ(model, ps, m, species, q, x0, k, h);
                    double fm = forceDotQ(model, ps, m, species, q, x0, k, -h);
                    assertEquals((fp - fm) / (2 * h), hessQ[k], 1e-5 * Math.max(1, Math.abs(hessQ[k])), model
                            + " d(F.q)/dx " + k);
                }
                assertTrue(maxForce > 1e-3, model + ": forces reach the positions " + maxForce);
            }
        }
    }

    private static double energyAt(PotentialModel model, ParameterStore ps, NDManager m, NDArray species, double[] x0, int k,
            double h) {
        double[] moved = x0.clone();
        moved[k] += h;
        try (NDScope scope = new NDScope()) {
            NDArray x = Tensors.fromFlat(m, moved, new Shape(GRAPHS * ATOMS, 3), F64);
            return model.energies(ps, batch(model, x, species), false).sum().getDouble();
        }
    }

    private static double forceDotQ(PotentialModel model, ParameterStore ps, NDManager m, NDArray species, NDArray q,
            double[] x0, int k, double h) {
        double[] moved = x0.clone();
        moved[k] += h;
        try (NDScope scope = new NDScope()) {
            NDArray x = Tensors.fromFlat(m, moved, new Shape(GRAPHS * ATOMS, 3), F64);
            return ForceField.predict(model, ps, batch(model, x, species), false, false).forces().mul(q).sum().getDouble();
        }
    }

    @Test
    void saveLoadRoundTripsAndEnergiesAreContinuousAtTheCutoff() throws Exception {
        for (LongFunction<PotentialModel> f : allModels()) {
            try (NDManager m = NDManager.newBaseManager()) {
                PotentialModel model = initialised(f, 6, m);
                PotentialModel other = initialised(f, 60, m);
                NDArray species = oneHot(m, null);
                NDArray x = positions(m, 10);
                double[] e = model.energies(new ParameterStore(m, false), batch(model, x, species), false).toDoubleArray();
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                model.saveParameters(new DataOutputStream(bytes));
                other.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
                assertArrayEquals(e, other.energies(new ParameterStore(m, false), batch(other, x, species), false)
                        .toDoubleArray(), 0.0, model + " after loading");
                if (model.cutoff() < 10) {
                    // atom 1 on the line through atom 0, just inside and just outside the cut-off of atom 0
                    double[] at = x.toDoubleArray();
                    double[] inside = at.clone();
                    double[] outside = at.clone();
                    for (int c = 0; c < 3; c++) {
                        double dir = c == 0 ? 1 : 0;
                        inside[3 + c] = at[c] + dir * (model.cutoff() - 1e-7);
                        outside[3 + c] = at[c] + dir * (model.cutoff() + 1e-7);
                    }
                    ParameterStore ps = new ParameterStore(m, false);
                    double ei = model.energies(ps, batch(model, Tensors.fromFlat(m, inside, x.getShape(), F64), species),
                            false).getDouble(0);
                    double eo = model.energies(ps, batch(model, Tensors.fromFlat(m, outside, x.getShape(), F64), species),
                            false).getDouble(0);
                    // moving atom 1 by δ = 2e-7 along x changes E by −F_1x·δ through its other pairs; any more is a jump
                    double fx = ForceField.predict(model, ps, batch(model, Tensors.fromFlat(m, inside, x.getShape(), F64),
                            species), false, false).forces().getDouble(1, 0);
                    assertEquals(ei - fx * 2e-7, eo, 1e-10, model + ": energy jumps at the cut-off");
                }
            }
        }
    }
}

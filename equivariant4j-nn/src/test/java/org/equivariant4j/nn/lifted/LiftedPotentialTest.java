package org.equivariant4j.nn.lifted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.tracker.Tracker;
import java.nio.DoubleBuffer;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.equivariant4j.harmonics.SphereGrid;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.ops.FusedAdam;
import org.equivariant4j.nn.ops.Gradients;
import org.equivariant4j.nn.ops.SegmentSum;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.nn.testing.Equivariance;
import org.equivariant4j.nn.testing.EuclideanMotion;
import org.equivariant4j.o3.Irreps;
import org.junit.jupiter.api.Test;

/**
 * A lifted interatomic potential on a small synthetic molecule set (the MD17 task's model, tested without its data):
 * energy E = Σ_atoms of the network's scalar output on a radius graph with the smooth cutoff, forces F = −∂E/∂x by
 * automatic differentiation. The energy is invariant and the forces equivariant (exactly for the grid's symmetries),
 * the forces match finite differences, and training on energies and forces (a double backward through the network)
 * fits a Morse pair potential's forces.
 */
class LiftedPotentialTest {
    private static final Irreps SPECIES = Irreps.parse("2x0e");
    private static final int ATOMS = 6;
    private static final double CUTOFF = 3.0;

    /** Molecules of 6 atoms of two species: random positions ≥ 0.9 apart inside a ball of radius 1.5. */
    record Molecules(int count, double[] positions, double[] species, long[] graph) {
        static Molecules random(int count, SplittableRandom r) {
            double[] pos = new double[count * ATOMS * 3];
            double[] sp = new double[count * ATOMS * 2];
            long[] g = new long[count * ATOMS];
            for (int mol = 0; mol < count; mol++) {
                for (int a = 0; a < ATOMS; a++) {
                    int i = mol * ATOMS + a;
                    g[i] = mol;
                    sp[2 * i + (a % 3 == 0 ? 1 : 0)] = 1;
                    while (true) {
                        double[] p = {3 * r.nextDouble() - 1.5, 3 * r.nextDouble() - 1.5, 3 * r.nextDouble() - 1.5};
                        boolean ok = p[0] * p[0] + p[1] * p[1] + p[2] * p[2] <= 2.25;
                        for (int b = mol * ATOMS; b < i && ok; b++) {
                            double d2 = 0;
                            for (int c = 0; c < 3; c++) {
                                d2 += (p[c] - pos[3 * b + c]) * (p[c] - pos[3 * b + c]);
                            }
                            ok = d2 >= 0.81;
                        }
                        if (ok) {
                            System.arraycopy(p, 0, pos, 3 * i, 3);
                            break;
                        }
                    }
                }
            }
            return new Molecules(count, pos, sp, g);
        }

        /** Forces of the Morse potential Σ_{i<j} (1 − e^{−(r − 1.2)})² between atoms of one molecule. */
        double[] morseForces() {
            double[] f = new double[positions.length];
            for (int i = 0; i < graph.length; i++) {
                for (int j = 0; j < graph.length; j++) {
                    if (i == j || graph[i] != graph[j]) {
                        continue;
                    }
                    double[] d = new double[3];
                    double r2 = 0;
                    for (int c = 0; c < 3; c++) {
                        d[c] = positions[3 * i + c] - positions[3 * j + c];
                        r2 += d[c] * d[c];
                    }
                    double r = Math.sqrt(r2);
                    double e = Math.exp(-(r - 1.2));
                    double dEdr = 2 * (1 - e) * e;
                    for (int c = 0; c < 3; c++) {
                        f[3 * i + c] -= dEdr * d[c] / r;
                    }
                }
            }
            return f;
        }
    }

    private static PonitaModel potential(Fiber fiber, NDManager m, DataType dt, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        PonitaModel model = PonitaModel.builder(fiber, SPECIES, Irreps.parse("1x0e")).hidden(16).basis(16).layers(2).widening(2)
                .layerScale(1.0).cutoff(CUTOFF).build();
        model.initialize(m, dt);
        return model;
    }

    /** Energies [molecules] and forces [atoms, 3] (with the graph kept for a double backward). */
    private static NDList energyAndForces(PonitaModel model, ParameterStore ps, NDArray species, NDArray x, long[] graph,
            int molecules, boolean training) {
        x.setRequiresGradient(true);
        GraphBatch batch = GraphBatch.radiusGraph(x, CUTOFF, graph).nodeFeatures(species).build();
        NDArray atomic = model.forward(ps, batch, training);
        try (SegmentSum perMolecule = SegmentSum.of(x.getManager(), graph, molecules, x.getDataType())) {
            NDArray energy = perMolecule.sum(atomic).reshape(molecules);
            return new NDList(energy, Gradients.of(energy, x, true).neg());
        }
    }

    @Test
    void energyIsInvariantAndForcesEquivariant() {
        Molecules mol = Molecules.random(3, new SplittableRandom(1));
        Fiber fiber = new SphereFiber(SphereGrid.icosahedral(12));
        try (NDManager m = NDManager.newBaseManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            PonitaModel model = potential(fiber, m, DataType.FLOAT64, 2);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray species = Tensors.fromFlat(m, mol.species(), new Shape(mol.graph().length, 2), DataType.FLOAT64);
            NDArray x = Tensors.fromFlat(m, mol.positions(), new Shape(mol.graph().length, 3), DataType.FLOAT64);
            List<EuclideanMotion> ih = LiftedTestSupport.icosahedralWithInversion(new SplittableRandom(2));
            Equivariance.Report forces = Equivariance.check(
                    in -> energyAndForces(model, ps, species, in.get(0).duplicate(), mol.graph(), mol.count(), false).get(1),
                    List.of(EuclideanMotion.onPositions()), EuclideanMotion.onVectors(), ih, new NDList(x));
            Equivariance.Report energy = Equivariance.check(
                    in -> energyAndForces(model, ps, species, in.get(0).duplicate(), mol.graph(), mol.count(), false).get(0),
                    List.of(EuclideanMotion.onPositions()), Equivariance.invariant(), ih, new NDList(x));
            List<EuclideanMotion> random = EuclideanMotion.randomElements(4, 1, new SplittableRandom(3));
            Equivariance.Report approximate = Equivariance.check(
                    in -> energyAndForces(model, ps, species, in.get(0).duplicate(), mol.graph(), mol.count(), false).get(1),
                    List.of(EuclideanMotion.onPositions()), EuclideanMotion.onVectors(), random, new NDList(x));
            System.out.printf(Locale.ROOT, "lifted potential on %s: energy %.2e, forces %.2e (I_h, exact); forces %.2e for random"
                    + " O(3) elements%n", fiber.description(), energy.maxRelativeError(), forces.maxRelativeError(),
                    approximate.maxRelativeError());
            assertTrue(energy.passes(1e-9), energy.toString());
            assertTrue(forces.passes(1e-9), forces.toString());
        }
    }

    @Test
    void forcesAreMinusTheGradientOfTheEnergy() {
        Molecules mol = Molecules.random(2, new SplittableRandom(4));
        try (NDManager m = NDManager.newBaseManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            PonitaModel model = potential(new SphereFiber(SphereGrid.uniform(10)), m, DataType.FLOAT64, 3);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray species = Tensors.fromFlat(m, mol.species(), new Shape(mol.graph().length, 2), DataType.FLOAT64);
            NDArray x = Tensors.fromFlat(m, mol.positions(), new Shape(mol.graph().length, 3), DataType.FLOAT64);
            double[] f = energyAndForces(model, ps, species, x, mol.graph(), mol.count(), false).get(1).toDoubleArray();
            double[] x0 = mol.positions();
            double h = 1e-5;
            for (int k = 0; k < x0.length; k += 5) {
                double[] e = new double[2];
                for (int s = 0; s < 2; s++) {
                    double[] moved = x0.clone();
                    moved[k] += s == 0 ? h : -h;
                    try (NDScope scope = new NDScope()) {
                        NDArray xm = Tensors.fromFlat(m, moved, new Shape(mol.graph().length, 3), DataType.FLOAT64);
                        GraphBatch b = GraphBatch.radiusGraph(xm, CUTOFF, mol.graph()).nodeFeatures(species).build();
                        e[s] = model.forward(ps, b, false).sum().getDouble();
                    }
                }
                assertEquals(-(e[0] - e[1]) / (2 * h), f[k], 1e-7, "force entry " + k);
            }
        }
    }

    @Test
    void theForceLossGradientMatchesFiniteDifferences() {
        Molecules mol = Molecules.random(2, new SplittableRandom(6));
        try (NDManager m = NDManager.newBaseManager()) {
            PonitaModel model = potential(new SphereFiber(SphereGrid.uniform(10)), m, DataType.FLOAT64, 3);
            ParameterStore ps = new ParameterStore(m, false);
            int n = mol.graph().length;
            NDArray species = Tensors.fromFlat(m, mol.species(), new Shape(n, 2), DataType.FLOAT64);
            NDArray target = Tensors.fromFlat(m, mol.morseForces(), new Shape(n, 3), DataType.FLOAT64);
            java.util.function.DoubleSupplier lossValue = () -> {
                try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray x = Tensors.fromFlat(m, mol.positions(), new Shape(n, 3), DataType.FLOAT64);
                    return energyAndForces(model, ps, species, x, mol.graph(), mol.count(), false).get(1).sub(target).square()
                            .sum().getDouble();
                }
            };
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray x = Tensors.fromFlat(m, mol.positions(), new Shape(n, 3), DataType.FLOAT64);
                NDArray loss = energyAndForces(model, ps, species, x, mol.graph(), mol.count(), true).get(1).sub(target).square().sum();
                gc.backward(loss);
            }
            for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : model.getParameters()) {
                NDArray a = p.getValue().getArray();
                double[] g = a.getGradient().toType(DataType.FLOAT64, false).toDoubleArray(); // an unreached parameter: float32 zeros
                double[] a0 = a.toDoubleArray();
                for (int k = 0; k < a0.length; k += Math.max(1, a0.length / 2)) {
                    double h = 1e-6;
                    double[] plus = a0.clone();
                    plus[k] += h;
                    a.set(DoubleBuffer.wrap(plus));
                    double lp = lossValue.getAsDouble();
                    double[] minus = a0.clone();
                    minus[k] -= h;
                    a.set(DoubleBuffer.wrap(minus));
                    double lm = lossValue.getAsDouble();
                    a.set(DoubleBuffer.wrap(a0));
                    double fd = (lp - lm) / (2 * h);
                    assertEquals(fd, g[k], 1e-5 * Math.max(1, Math.abs(fd)), p.getKey() + "[" + k + "]");
                }
            }
        }
    }

    @Test
    void trainingOnForcesFitsAPairPotential() {
        Molecules mol = Molecules.random(8, new SplittableRandom(5));
        double[] target = mol.morseForces();
        try (NDManager m = NDManager.newBaseManager(); FusedAdam adam = FusedAdam.builder().learningRate(Tracker.fixed(1e-2f)).build()) {
            PonitaModel model = potential(new SphereFiber(SphereGrid.uniform(12)), m, DataType.FLOAT32, 4);
            ParameterStore ps = new ParameterStore(m, false);
            int n = mol.graph().length;
            NDArray species = Tensors.fromFlat(m, mol.species(), new Shape(n, 2), DataType.FLOAT32);
            NDArray fTarget = Tensors.fromFlat(m, target, new Shape(n, 3), DataType.FLOAT32);
            double first = 0;
            double last = 0;
            for (int step = 0; step < 40; step++) {
                try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray x = Tensors.fromFlat(m, mol.positions(), new Shape(n, 3), DataType.FLOAT32);
                    NDArray forces = energyAndForces(model, ps, species, x, mol.graph(), mol.count(), true).get(1);
                    NDArray loss = forces.sub(fTarget).square().mean();
                    gc.backward(loss);
                    last = loss.getFloat();
                    if (step == 0) {
                        first = last;
                    }
                }
                adam.step(model);
            }
            System.out.printf(Locale.ROOT, "lifted potential, force MSE on 8 Morse molecules: %.4f -> %.4f after 40 Adam steps%n",
                    first, last);
            assertTrue(last < 0.75 * first, first + " -> " + last);
        }
    }
}

package org.equivariant4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.equivariant4j.data.Conformations;
import org.equivariant4j.data.Elements;
import org.equivariant4j.data.SyntheticEthanol;
import org.equivariant4j.nn.potential.PotentialModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Velocity Verlet under a learned potential: initial velocities, second-order energy conservation, bad settings. */
class MolecularDynamicsTest {

    @Test
    void aMoleculeComesApartWhenAnAtomLeavesTheCutOffOrAPositionIsNotFinite() {
        double[] x = {0, 0, 0, 1, 0, 0, 0, 1.5, 0};
        assertEquals(null, MolecularDynamics.cameApart(x, 5));
        x[6] = 9;
        String apart = MolecularDynamics.cameApart(x, 5);
        assertTrue(apart != null && apart.startsWith("atom 2 is 8.14 A from the nearest other atom"), apart);
        x[6] = Double.NaN;
        assertEquals("atom 2 has a non-finite position", MolecularDynamics.cameApart(x, 5));
    }

    /**
     * The drift is the trend of the total energy, not its last value minus its first: a bounded oscillation about a line
     * leaves the line's rise, and the fluctuation is the oscillation's RMS.
     */
    @Test
    void driftIsTheTotalEnergysTrendAndFluctuationItsOscillationAboutIt() {
        int steps = 1001;   // odd: the run ends on a trough of the oscillation
        double[] flat = new double[steps + 1];
        double[] rising = new double[steps + 1];
        for (int s = 0; s <= steps; s++) {
            double wobble = 0.3 * (s % 2 == 0 ? 1 : -1);
            flat[s] = -97000 + wobble;
            rising[s] = -97000 + 2e-4 * s + wobble;
        }
        MolecularDynamics.Trajectory still = new MolecularDynamics.Trajectory(java.util.List.of(), flat, 0.5, null);
        assertEquals(-0.6, flat[steps] - flat[0], 1e-9);
        assertEquals(0, still.drift(), 5e-3);
        assertEquals(0.3, still.fluctuation(), 5e-3);
        assertEquals(0.6, still.maxDeviation(), 1e-9);
        MolecularDynamics.Trajectory drifting = new MolecularDynamics.Trajectory(java.util.List.of(), rising, 0.5, null);
        assertEquals(2e-4 * steps, drifting.drift(), 5e-3);
        assertEquals(0.3, drifting.fluctuation(), 5e-3);
        MolecularDynamics.Trajectory none = new MolecularDynamics.Trajectory(java.util.List.of(), new double[] {5}, 0.5, null);
        assertEquals(0, none.drift());
        assertEquals(0, none.fluctuation());
    }

    @Test
    void initialVelocitiesHaveNoMomentumAndExactlyTheTemperature() {
        double[] mass = {12.011, 12.011, 15.999, 1.008, 1.008, 1.008, 1.008, 1.008, 1.008};
        double[] v = MolecularDynamics.initialVelocities(mass, 500, 7);
        for (int c = 0; c < 3; c++) {
            double p = 0;
            for (int i = 0; i < mass.length; i++) {
                p += mass[i] * v[3 * i + c];
            }
            assertEquals(0, p, 1e-12);
        }
        assertEquals(0.5 * (3 * 9 - 3) * MolecularDynamics.BOLTZMANN * 500, MolecularDynamics.kinetic(mass, v), 1e-12);
    }

    /**
     * Velocity Verlet is symplectic and second order: on a smooth conservative potential (an untrained SchNet in float64,
     * forces of ethanol's size) the total energy's largest deviation shrinks four-fold when the time step halves.
     */
    @Test
    void totalEnergyIsConservedToSecondOrderInTheTimeStep(@TempDir Path dir) {
        Conformations c = Conformations.readExtendedXyz(SyntheticEthanol.write(dir.resolve("e.xyz"), 1, 0.05, 5));
        int[] z = c.atomicNumbers().get(0);
        try (NDManager m = NDManager.newBaseManager()) {
            PotentialModel model = Md17Task.build("schnet", 3);
            model.initialize(m, DataType.FLOAT64, new Shape(1, Md17Task.species().length));
            model.setEnergyStatistics(30, new double[Md17Task.species().length]);
            MolecularDynamics.Trajectory coarse = MolecularDynamics.run(model, m, DataType.FLOAT64, z, Md17Task.species(),
                    c.positions().get(0), 40, 0.5, 300, 1, 10);
            MolecularDynamics.Trajectory fine = MolecularDynamics.run(model, m, DataType.FLOAT64, z, Md17Task.species(),
                    c.positions().get(0), 80, 0.25, 300, 1, 10);
            assertTrue(coarse.finite() && fine.finite());
            assertEquals(41, coarse.totalEnergy().length);
            assertEquals(5, coarse.recorded().size());
            assertEquals(40, coarse.recorded().get(4).step());
            double kinetic = coarse.recorded().get(0).kinetic();
            assertEquals(0.5 * (3 * z.length - 3) * MolecularDynamics.BOLTZMANN * 300, kinetic, 1e-9);
            assertTrue(coarse.maxDeviation() < 0.05 * kinetic, coarse.maxDeviation() + " vs K " + kinetic);
            double ratio = coarse.maxDeviation() / fine.maxDeviation();
            assertTrue(ratio > 3 && ratio < 5.5, "deviation ratio " + ratio + " for a halved time step, expected about 4");
            double fluctuations = coarse.fluctuation() / fine.fluctuation();
            assertTrue(fluctuations > 3 && fluctuations < 5.5, "fluctuation ratio " + fluctuations + ", expected about 4");
            assertTrue(Math.abs(coarse.drift()) < coarse.maxDeviation(), coarse.drift() + " vs " + coarse.maxDeviation());
            // the atoms moved: this is not a trivial conservation
            double moved = 0;
            double[] x0 = coarse.recorded().get(0).positions();
            double[] x1 = coarse.recorded().get(4).positions();
            for (int i = 0; i < x0.length; i++) {
                moved = Math.max(moved, Math.abs(x1[i] - x0[i]));
            }
            assertTrue(moved > 0.05, "largest displacement " + moved);
            assertThrows(IllegalArgumentException.class, () -> MolecularDynamics.run(model, m, DataType.FLOAT64, z,
                    Md17Task.species(), c.positions().get(0), 0, 0.5, 300, 1, 10));
            assertEquals(null, coarse.failure());
            assertEquals(40, coarse.steps());
            // a potential a million times too steep throws the atoms apart: the run stops and says so
            model.setEnergyStatistics(1e6, new double[Md17Task.species().length]);
            MolecularDynamics.Trajectory exploded = MolecularDynamics.run(model, m, DataType.FLOAT64, z, Md17Task.species(),
                    c.positions().get(0), 20, 0.5, 300, 1, 10);
            assertTrue(exploded.steps() < 20 && exploded.failure() != null
                    && exploded.failure().contains("the molecule came apart"), exploded.failure());
        }
        assertEquals(1.008, Elements.mass(1), 1e-3);
    }
}

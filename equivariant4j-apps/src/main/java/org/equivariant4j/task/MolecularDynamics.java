package org.equivariant4j.task;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.equivariant4j.data.Elements;
import org.equivariant4j.model.MoleculeGraphs;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.potential.ForceField;
import org.equivariant4j.nn.potential.PotentialModel;

/**
 * Constant-energy (NVE) molecular dynamics of one molecule under a potential, by velocity Verlet, in MD17's units:
 * positions in Å, time in fs, masses in u, energies in kcal/mol, forces in kcal/mol/Å:
 *
 * <pre>
 *   v ← v + (Δt/2) F/m · c;   x ← x + Δt v;   F ← −∇E(x);   v ← v + (Δt/2) F/m · c        c = 4.184·10⁻⁴ Å/fs² per kcal/mol/(Å·u)
 * </pre>
 * The initial velocities are Maxwell–Boltzmann at a temperature (seeded), without centre-of-mass motion, scaled to that
 * temperature exactly (3n − 3 degrees of freedom). Velocity Verlet is symplectic: with exact forces of a smooth energy
 * the total energy oscillates by O(Δt²) about a constant and does not drift, so a drift measures a non-conservative or
 * non-smooth potential (or one that explodes). The drift is therefore the trend of the total energy, not its value at
 * the last step minus the first, which also holds the bounded O(Δt²) oscillation ({@link Trajectory#drift()}). Runs the
 * model in its own dtype (use float64 for the check).
 *
 * <p>A run stops early, as a failure the trajectory names ({@link Trajectory#failure}), when the total energy or a
 * position becomes non-finite or an atom moves farther than the model's cut-off from every other atom (the molecule came
 * apart; the potential no longer acts on that atom).
 */
public final class MolecularDynamics {
    /** One kcal/mol/(Å·u) in Å/fs². */
    public static final double ACCELERATION = 4.184e-4;
    /** Boltzmann's constant in kcal/mol/K. */
    public static final double BOLTZMANN = 0.0019872043;

    private MolecularDynamics() {}

    /**
     * A recorded state.
     *
     * @param step      the step number (0: the start)
     * @param positions [n·3] Å
     * @param velocities [n·3] Å/fs
     * @param forces    [n·3] kcal/mol/Å
     * @param potential E in kcal/mol
     * @param kinetic   K in kcal/mol
     */
    public record State(int step, double[] positions, double[] velocities, double[] forces, double potential, double kinetic) {
        /** E + K. */
        public double total() {
            return potential + kinetic;
        }
    }

    /**
     * A trajectory.
     *
     * @param recorded     every {@code recordEvery}-th state, and the last
     * @param totalEnergy  E + K after every step done (index 0: the start)
     * @param timeStep     Δt in fs
     * @param failure      why the run stopped early, or null when it did every step
     */
    public record Trajectory(List<State> recorded, double[] totalEnergy, double timeStep, String failure) {
        /** The steps done. */
        public int steps() {
            return totalEnergy.length - 1;
        }

        /**
         * The drift of the total energy over the run (kcal/mol): the least-squares line through (s, E_s + K_s), s = 0 …
         * steps, evaluated from the first step to the last, b · steps with
         * <pre>
         *   b = Σ (s − s̄)(E_s − Ē) / Σ (s − s̄)²
         * </pre>
         * The integrator's O(Δt²) oscillation averages out of the slope; a potential that is not conservative, or too
         * rough for the time step, leaves a trend. 0 for a run with no step done.
         */
        public double drift() {
            return totalEnergy.length < 2 ? 0 : trend()[1] * (totalEnergy.length - 1);
        }

        /** The root mean square of the total energy about its drift line (kcal/mol): the integrator's oscillation. */
        public double fluctuation() {
            int n = totalEnergy.length;
            if (n < 2) {
                return 0;
            }
            double[] line = trend();
            double sq = 0;
            for (int s = 0; s < n; s++) {
                double r = totalEnergy[s] - line[0] - line[1] * (s - (n - 1) / 2.0);
                sq += r * r;
            }
            return Math.sqrt(sq / n);
        }

        /** [Ē, b]: the mean total energy and the least-squares slope per step (at least two energies). */
        private double[] trend() {
            int n = totalEnergy.length;
            double mean = 0;
            for (double e : totalEnergy) {
                mean += e;
            }
            mean /= n;
            double centre = (n - 1) / 2.0;
            double sxy = 0;
            double sxx = 0;
            for (int s = 0; s < n; s++) {
                sxy += (s - centre) * (totalEnergy[s] - mean);
                sxx += (s - centre) * (s - centre);
            }
            return new double[] {mean, sxy / sxx};
        }

        /** The largest |E + K − (E + K)₀| along the run (kcal/mol). */
        public double maxDeviation() {
            double m = 0;
            for (double e : totalEnergy) {
                m = Math.max(m, Math.abs(e - totalEnergy[0]));
            }
            return m;
        }

        /** Whether every energy stayed finite (a potential that explodes gives NaN or infinity). */
        public boolean finite() {
            for (double e : totalEnergy) {
                if (!Double.isFinite(e)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Runs {@code steps} velocity-Verlet steps from positions {@code x0}.
     *
     * @param model       the potential (initialised; float64 recommended)
     * @param z           atomic numbers
     * @param species     the model's one-hot order of atomic numbers
     * @param x0          initial positions [n·3]
     * @param steps       number of steps
     * @param timeStep    Δt in fs
     * @param temperature of the initial velocities, K
     * @param seed        of the initial velocities
     * @param recordEvery record every this many steps
     */
    public static Trajectory run(PotentialModel model, NDManager manager, DataType dt, int[] z, int[] species, double[] x0,
            int steps, double timeStep, double temperature, long seed, int recordEvery) {
        if (steps < 1 || !(timeStep > 0) || !(temperature >= 0) || recordEvery < 1) {
            throw new IllegalArgumentException("dynamics need steps >= 1, a time step > 0, a temperature >= 0 and"
                    + " recordEvery >= 1, got " + steps + ", " + timeStep + ", " + temperature + ", " + recordEvery);
        }
        int n = z.length;
        double[] mass = new double[n];
        for (int i = 0; i < n; i++) {
            mass[i] = Elements.mass(z[i]);
        }
        double[] oneHot = new double[n * species.length];
        for (int i = 0; i < n; i++) {
            oneHot[i * species.length + MoleculeGraphs.index(species, z[i], 0, i)] = 1;
        }
        double[] x = x0.clone();
        double[] v = initialVelocities(mass, temperature, seed);
        ParameterStore ps = new ParameterStore(manager, false);
        double[][] ef = forces(model, ps, manager, dt, x, oneHot, species.length);
        double[] f = ef[1];
        double potential = ef[0][0];
        List<State> recorded = new ArrayList<>();
        double[] total = new double[steps + 1];
        total[0] = potential + kinetic(mass, v);
        recorded.add(new State(0, x.clone(), v.clone(), f.clone(), potential, kinetic(mass, v)));
        for (int s = 1; s <= steps; s++) {
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 3; c++) {
                    v[3 * i + c] += 0.5 * timeStep * f[3 * i + c] / mass[i] * ACCELERATION;
                    x[3 * i + c] += timeStep * v[3 * i + c];
                }
            }
            String apart = cameApart(x, model.cutoff());
            if (apart != null) {
                recorded.add(new State(s, x.clone(), v.clone(), f.clone(), Double.NaN, kinetic(mass, v)));
                return new Trajectory(recorded, java.util.Arrays.copyOf(total, s), timeStep, "step " + s + ": " + apart
                        + "; the potential exploded");
            }
            ef = forces(model, ps, manager, dt, x, oneHot, species.length);
            f = ef[1];
            potential = ef[0][0];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 3; c++) {
                    v[3 * i + c] += 0.5 * timeStep * f[3 * i + c] / mass[i] * ACCELERATION;
                }
            }
            double k = kinetic(mass, v);
            total[s] = potential + k;
            if (s % recordEvery == 0 || s == steps) {
                recorded.add(new State(s, x.clone(), v.clone(), f.clone(), potential, k));
            }
            if (!Double.isFinite(total[s])) {
                return new Trajectory(recorded, java.util.Arrays.copyOf(total, s + 1), timeStep, "step " + s
                        + ": the total energy became " + total[s] + "; the potential exploded");
            }
        }
        return new Trajectory(recorded, total, timeStep, null);
    }

    /** Null while every position is finite and every atom has another within {@code cutoff}; else what happened. */
    static String cameApart(double[] x, double cutoff) {
        int n = x.length / 3;
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) {
                return "atom " + i / 3 + " has a non-finite position";
            }
        }
        for (int i = 0; i < n && n > 1; i++) {
            double nearest = Double.POSITIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    double dx = x[3 * i] - x[3 * j];
                    double dy = x[3 * i + 1] - x[3 * j + 1];
                    double dz = x[3 * i + 2] - x[3 * j + 2];
                    nearest = Math.min(nearest, Math.sqrt(dx * dx + dy * dy + dz * dz));
                }
            }
            if (!(nearest < cutoff)) {
                return String.format(java.util.Locale.ROOT, "atom %d is %.3g A from the nearest other atom, beyond the"
                        + " cut-off %.3g A (the molecule came apart)", i, nearest, cutoff);
            }
        }
        return null;
    }

    /** [[E], F [n·3]] of one molecule. */
    private static double[][] forces(PotentialModel model, ParameterStore ps, NDManager m, DataType dt, double[] x,
            double[] oneHot, int species) {
        try (NDScope scope = new NDScope()) {
            GraphBatch g = MoleculeGraphs.batch(m, x, oneHot, new long[x.length / 3], 1, species, model.cutoff(), dt);
            ForceField.Prediction p = ForceField.predict(model, ps, g, false, false);
            return new double[][] {toDoubles(p.energies()), toDoubles(p.forces())};
        }
    }

    private static double[] toDoubles(ai.djl.ndarray.NDArray a) {
        return org.equivariant4j.nn.ops.Tensors.toDoubles(a);
    }

    /** ½ Σ m v² in kcal/mol. */
    static double kinetic(double[] mass, double[] v) {
        double k = 0;
        for (int i = 0; i < mass.length; i++) {
            for (int c = 0; c < 3; c++) {
                k += 0.5 * mass[i] * v[3 * i + c] * v[3 * i + c];
            }
        }
        return k / ACCELERATION;
    }

    /** Maxwell–Boltzmann velocities (Å/fs) at temperature T, no centre-of-mass motion, kinetic energy (3n − 3)kT/2. */
    static double[] initialVelocities(double[] mass, double temperature, long seed) {
        int n = mass.length;
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[3 * n];
        double[] p = new double[3];
        double total = 0;
        for (int i = 0; i < n; i++) {
            double sd = Math.sqrt(BOLTZMANN * temperature * ACCELERATION / mass[i]);
            for (int c = 0; c < 3; c++) {
                v[3 * i + c] = sd * rng.nextGaussian();
                p[c] += mass[i] * v[3 * i + c];
            }
            total += mass[i];
        }
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                v[3 * i + c] -= p[c] / total;
            }
        }
        double k = kinetic(mass, v);
        double target = 0.5 * (3 * n - 3) * BOLTZMANN * temperature;
        if (k > 0) {
            double s = Math.sqrt(target / k);
            for (int i = 0; i < v.length; i++) {
                v[i] *= s;
            }
        }
        return v;
    }
}

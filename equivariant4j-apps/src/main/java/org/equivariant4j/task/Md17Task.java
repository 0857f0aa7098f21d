package org.equivariant4j.task;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.equivariant4j.data.Conformations;
import org.equivariant4j.data.Elements;
import org.equivariant4j.data.ExtendedXyz;
import org.equivariant4j.data.Npy;
import org.equivariant4j.harmonics.SphereGrid;
import org.equivariant4j.model.MoleculeGraphs;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.lifted.SphereFiber;
import org.equivariant4j.nn.ops.ParameterCounts;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.nn.potential.DistanceBasis;
import org.equivariant4j.nn.potential.EgnnPotential;
import org.equivariant4j.nn.potential.ForceField;
import org.equivariant4j.nn.potential.NequipPotential;
import org.equivariant4j.nn.potential.PonitaPotential;
import org.equivariant4j.nn.potential.PotentialModel;
import org.equivariant4j.nn.potential.SchNetPotential;
import org.equivariant4j.nn.potential.SegnnPotential;
import org.equivariant4j.nn.testing.Equivariance;
import org.equivariant4j.nn.testing.EuclideanMotion;
import org.equivariant4j.o3.Irreps;

/**
 * Interatomic potentials on MD17 (ethanol by default): energies and forces of molecular conformations, learned from
 * reference energies and forces.
 *
 * <h2>Data</h2>
 * Extended XYZ frames with {@code energy=} (kcal/mol) and per-atom {@code forces} (kcal/mol/Å), positions in Å
 * ({@link Conformations}). A seeded permutation splits them into training, validation and test frames (1000 / 500 / 500
 * of MD17's 2000 ethanol sample frames by default).
 *
 * <h2>Models</h2> ({@link #DEFINITION}; one-hot species H, C, N, O, the atoms of every MD17 molecule)
 * <ul>
 *   <li>{@code nequip}: {@link NequipPotential}, features up to l = 2 of both parities, spherical harmonics l ≤ 2 of the
 *       edges, cut-off 5 Å with e3nn's smooth envelope, 3 interactions;</li>
 *   <li>{@code schnet}: the invariant baseline, {@link SchNetPotential}, distances only, of similar size;</li>
 *   <li>{@code egnn}, {@code segnn}: energy heads on EGNN and SEGNN, for comparison (all atom pairs);</li>
 *   <li>{@code ponita}: the lifted potential on R³ × S² ({@link PonitaPotential}: 12 orientations, radius graph with
 *       the smooth cut-off).</li>
 * </ul>
 * Each predicts E = Σ_i (σ ε_i + μ_{s_i}) with σ the training forces' RMS and μ the mean energy per atom (NequIP's
 * defaults), and forces F = −∂E/∂x by automatic differentiation.
 *
 * <h2>Training</h2> (the shared {@link TrainingRecipe}; every scalar of the loss is an engine-owned
 * {@link Tensors#scalar}) Adam with a cosine schedule, batches of frames, the loss per
 * molecule w_E ((Ê − E)/(n σ))² + w_F Σ_{i,c} ((F̂ − F)/σ)²/(3n), so the force term needs the second derivative;
 * validation by the force MAE, the best epoch's model is tested.
 *
 * <h2>Metrics</h2> {@code energy_mae}, {@code energy_rmse} (kcal/mol), {@code force_mae}, {@code force_rmse}
 * (kcal/mol/Å) on the test frames; {@code valid_force_mae}; {@code best_epoch}; {@code energy_invariance_error} and
 * {@code force_equivariance_error}: the trained model in float64 on up to 10 test frames under 4 random rotations and
 * reflections with translations (max |Ê(gx) − Ê(x)| / max |Ê(x) − Ē| with Ē the frames' mean energy, so that the
 * large constant of the atomic reference energies does not hide errors; max |F̂(gx) − Q F̂(x)| / max |F̂|); and, after a
 * molecular-dynamics check ({@link MolecularDynamics}), {@code md_energy_drift} (the total energy's least-squares trend
 * over the run), {@code md_energy_fluctuation} (its RMS about that trend), {@code md_max_energy_deviation} (the largest
 * |E + K − (E + K)₀|; all kcal/mol, over the steps done) and {@code md_steps_done} (fewer than asked when the potential
 * exploded).
 *
 * <h2>predict</h2> input: an extended XYZ file of frames with the same number of atoms (species and positions; other
 * columns ignored); output: {@code .npy} (S, 1 + 3n) float64, per frame the energy and then the forces row-major.
 */
public final class Md17Task {
    /** The task's name. */
    public static final String NAME = "md17";
    /** The models, in the order {@code all} trains them. */
    public static final List<String> MODELS = List.of("nequip", "schnet", "egnn", "segnn", "ponita");
    /** The models' one-hot species: H, C, N, O. */
    private static final int[] SPECIES = {1, 6, 7, 8};
    /** The cut-off radius of NequIP and SchNet, Å. */
    public static final double CUTOFF = 5.0;
    /** EGNN and SEGNN couple all atom pairs (no envelope): a radius beyond any molecule. */
    static final double ALL_PAIRS = 1e3;
    /** The EGNN and SEGNN heads' edge attributes: 16 Gaussians of the distance, centred from 0 to {@link #CUTOFF}. */
    static final DistanceBasis HEAD_DISTANCES = new DistanceBasis(16, CUTOFF);
    private static final String HEAD_DISTANCES_CARD = HEAD_DISTANCES.count() + " gaussians of the distance, 0 to "
            + HEAD_DISTANCES.end() + " A";
    /** Frames per inference batch. */
    static final int EVAL_BATCH = 50;
    /** NequIP's hidden irreps and interactions, SchNet's width and interactions. */
    static final Irreps NEQUIP_HIDDEN = Irreps.parse("16x0e+8x1o+8x1e+4x2e+4x2o");
    static final int NEQUIP_LAYERS = 3;
    static final int SCHNET_FEATURES = 64;
    /** The lifted potential: orientations (icosahedron vertices), channels per orientation, layers. */
    static final int PONITA_GRID = 12;
    static final int PONITA_HIDDEN = 32;
    static final int PONITA_LAYERS = 3;
    /** The lifted potential's ConvNeXt widening factor. */
    static final int PONITA_WIDENING = 2;
    static final int SCHNET_INTERACTIONS = 3;
    /** The task's models, input and predictions. */
    public static final TaskDefinition DEFINITION = new Definition();

    private Md17Task() {}

    /** Atomic numbers the models know, in one-hot order. */
    public static int[] species() {
        return SPECIES.clone();
    }

    /** The learning rate of every model without one of its own ({@link #defaultLearningRate}). */
    public static final double RATE = 5e-3;
    /** The SEGNN head's learning rate. */
    public static final double SEGNN_RATE = 5e-4;
    /** NequIP's learning rate under the long protocol. */
    public static final double NEQUIP_LONG_RATE = 2e-2;
    /** SchNet's learning rate under the long protocol. */
    public static final double SCHNET_LONG_RATE = 2e-3;

    /**
     * The learning rate a model trains with unless the caller gives one: 5e-3, and 5e-4 for the SEGNN head (the SEGNN
     * reference's rate; at 5e-3 the head diverged on MD17 ethanol, energies above 1e4 kcal/mol after 3 epochs of 200
     * frames, and it trained at 5e-4 to 2e-3). The long protocol gives NequIP and SchNet their own rates, each the best
     * measured (force weight 10): NequIP 2e-2 (force MAE after 30 epochs of 200 frames 1.80, 1.41 and 1.15 at 5e-3,
     * 1e-2 and 2e-2), SchNet 2e-3 (validation force MAE after the 300 epochs 0.545, 0.422, 0.429, 0.435 and 0.477 at 1e-3,
     * 2e-3, 3e-3, 5e-3 and 7e-3; at 1e-2 it collapsed to zero forces after epoch 25).
     *
     * @param longProtocol the long protocol ({@code md17 --long}) rather than the default run
     */
    public static double defaultLearningRate(String model, boolean longProtocol) {
        return switch (model) {
            case "segnn" -> SEGNN_RATE;
            case "nequip" -> longProtocol ? NEQUIP_LONG_RATE : RATE;
            case "schnet" -> longProtocol ? SCHNET_LONG_RATE : RATE;
            default -> RATE;
        };
    }

    /** Adam with a cosine schedule from {@code learningRate} to 1 % of it, no weight decay, lower force MAE is better. */
    public static TrainingSettings settings(int epochs, int batchSize, long seed, double learningRate, int evalInterval,
            int workers) {
        return new TrainingSettings(epochs, batchSize, seed, learningRate, TrainingSettings.Schedule.COSINE, 0.0, evalInterval,
                false, workers);
    }

    /**
     * The weights of the energy and force terms of the loss.
     *
     * @param energy w_E, ≥ 0
     * @param forces w_F, ≥ 0 (0: energy-only training, no second derivative)
     */
    public record LossWeights(double energy, double forces) {
        public LossWeights {
            if (!(energy >= 0) || !(forces >= 0) || !Double.isFinite(energy + forces) || energy + forces == 0) {
                throw new IllegalArgumentException("the loss weights must be finite, >= 0 and not both 0, got energy "
                        + energy + " and forces " + forces);
            }
        }
    }

    /** The three splits of a run and where they came from. */
    public record Splits(Conformations train, Conformations valid, Conformations test, String source) {
        public Splits {
            if (train.size() < 1 || valid.size() < 1 || test.size() < 1) {
                throw new IllegalArgumentException("every split needs at least one frame; got train " + train.size()
                        + ", valid " + valid.size() + ", test " + test.size());
            }
        }

        Map<String, Object> describe() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("source", source);
            d.put("train", train.size());
            d.put("valid", valid.size());
            d.put("test", test.size());
            d.put("crc32c", train.crc32c() + valid.crc32c() + test.crc32c());
            return d;
        }
    }

    /**
     * A seeded split of {@code all}: a random permutation of the frames, the first {@code train} for training, the next
     * {@code valid} for validation, the next {@code test} for testing.
     */
    public static Splits split(Conformations all, int train, int valid, int test, long seed) {
        if (train < 1 || valid < 1 || test < 1) {
            throw new IllegalArgumentException("--train, --valid and --test must be >= 1, got " + train + ", " + valid + ", "
                    + test);
        }
        if ((long) train + valid + test > all.size()) {
            throw new IllegalArgumentException(all.source() + " has " + all.size() + " frames; the split needs " + train
                    + " + " + valid + " + " + test + " = " + (train + valid + test));
        }
        for (int[] z : all.atomicNumbers()) {
            for (int i = 0; i < z.length; i++) {
                MoleculeGraphs.index(SPECIES, z[i], 0, i);
            }
        }
        int[] p = SampleOrder.shuffled(all.size(), new SplittableRandom(seed));
        return new Splits(all.subset(java.util.Arrays.copyOfRange(p, 0, train), "train"),
                all.subset(java.util.Arrays.copyOfRange(p, train, train + valid), "valid"),
                all.subset(java.util.Arrays.copyOfRange(p, train + valid, train + valid + test), "test"), all.source());
    }

    /**
     * What one model's run produced.
     *
     * @param name              the model
     * @param params            learnable parameters
     * @param secondsPerEpoch   median seconds per training epoch
     * @param epochs            epochs trained
     * @param bestEpoch         epoch of the best validation force MAE
     * @param validForceMae     that MAE
     * @param test              errors on the test frames
     * @param energyInvariance  see the class doc
     * @param forceEquivariance see the class doc
     * @param curveEpochs       epochs at which validation ran
     * @param trainCurve        mean training loss of those epochs
     * @param validCurve        validation force MAE at those epochs
     * @param resumed           whether training continued from a checkpoint
     * @param trajectory        the dynamics check, or null when not run
     */
    public record Run(String name, long params, double secondsPerEpoch, int epochs, int bestEpoch, double validForceMae,
            Errors test, double energyInvariance, double forceEquivariance, double[] curveEpochs, double[] trainCurve,
            double[] validCurve, boolean resumed, MolecularDynamics.Trajectory trajectory) {}

    /**
     * Predictions against references.
     *
     * @param energyMae   kcal/mol
     * @param energyRmse  kcal/mol
     * @param forceMae    kcal/mol/Å, over all components
     * @param forceRmse   kcal/mol/Å
     * @param forcesTrue  the reference force components (for parity plots)
     * @param forcesPredicted the predicted ones
     */
    public record Errors(double energyMae, double energyRmse, double forceMae, double forceRmse, double[] forcesTrue,
            double[] forcesPredicted) {}

    /**
     * The dynamics check after training.
     *
     * @param steps       velocity-Verlet steps (0: none)
     * @param timeStep    fs
     * @param temperature of the initial velocities, K
     * @param recordEvery record every this many steps
     */
    public record DynamicsSettings(int steps, double timeStep, double temperature, int recordEvery) {
        public DynamicsSettings {
            if (steps < 0 || !(timeStep > 0) || !(temperature >= 0) || recordEvery < 1) {
                throw new IllegalArgumentException("--md-steps must be >= 0, --md-time-step > 0, --md-temperature >= 0,"
                        + " got " + steps + ", " + timeStep + ", " + temperature);
            }
        }
    }

    /**
     * Trains a model with the shared recipe, tests the best epoch's model, measures its equivariance in float64, runs
     * the dynamics check from the first test frame, and (with a folder) saves it.
     */
    public static Run train(String name, Splits data, TrainingSettings settings, LossWeights weights,
            DynamicsSettings dynamics, TrainingRecipe.Listener listener, TrainingRecipe.Checkpointing checkpointing,
            Path saveDir) {
        ModelSpec spec = DEFINITION.model(name);
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = spec.create(settings.seed(), m);
            PotentialModel model = (PotentialModel) block;
            double[] stats = energyStatistics(data.train());
            model.setEnergyStatistics(stats[0], java.util.Arrays.copyOfRange(stats, 1, stats.length));
            Learner learner = new Learner(name, model, data, weights);
            TrainingOutcome out = TrainingRecipe.train(name, learner, settings, listener, checkpointing);
            ParameterStore ps = new ParameterStore(m, false);
            Errors test = evaluate(model, ps, m, data.test(), DataType.FLOAT32);
            double[] eq;
            MolecularDynamics.Trajectory trajectory = null;
            try (NDManager m64 = m.newSubManager()) {
                PotentialModel model64 = float64Copy(name, settings.seed(), block, m64);
                eq = equivarianceErrors(model64, m64, data.test(), settings.seed());
                if (dynamics.steps() > 0) {
                    trajectory = MolecularDynamics.run(model64, m64, DataType.FLOAT64, data.test().atomicNumbers().get(0),
                            SPECIES, data.test().positions().get(0), dynamics.steps(), dynamics.timeStep(),
                            dynamics.temperature(), settings.seed(), dynamics.recordEvery());
                }
            }
            Run run = new Run(name, ParameterCounts.learnable(block), out.secondsPerEpoch(), out.epochs(), out.bestEpoch(),
                    out.bestScore(), test, eq[0], eq[1], out.curveEpochsArray(), out.trainCurveArray(), out.validCurveArray(),
                    out.resumed(), trajectory);
            if (saveDir != null) {
                save(saveDir, spec, block, m, data, run, settings);
            }
            return run;
        }
    }

    /** [σ, μ_s…]: the RMS of the training force components and, for every species, the mean energy per atom. */
    static double[] energyStatistics(Conformations train) {
        double sq = 0;
        long count = 0;
        double perAtom = 0;
        for (int f = 0; f < train.size(); f++) {
            for (double v : train.forces().get(f)) {
                sq += v * v;
                count++;
            }
            perAtom += train.energies()[f] / train.atomicNumbers().get(f).length;
        }
        double[] out = new double[1 + SPECIES.length];
        out[0] = count == 0 || sq == 0 ? 1 : Math.sqrt(sq / count);
        java.util.Arrays.fill(out, 1, out.length, perAtom / train.size());
        return out;
    }

    /** The models as the recipe trains them. */
    private static final class Learner implements Trainable {
        private final String name;
        private final PotentialModel model;
        private final Conformations train;
        private final Conformations valid;
        private final LossWeights weights;
        private final double sigma;
        private final Map<String, Object> identity;

        Learner(String name, PotentialModel model, Splits data, LossWeights weights) {
            this.name = name;
            this.model = model;
            this.train = data.train();
            this.valid = data.valid();
            this.weights = weights;
            this.sigma = energyStatistics(train)[0];
            this.identity = new LinkedHashMap<>();
            identity.put("task", NAME);
            identity.put("model", name);
            identity.put("data", data.describe());
            identity.put("loss_weights", List.of(weights.energy(), weights.forces()));
        }

        @Override
        public Block block() {
            return model;
        }

        @Override
        public int trainingSamples() {
            return train.size();
        }

        @Override
        public NDArray loss(ParameterStore ps, NDManager m, int[] order, int from, int count, int batchSize) {
            GraphBatch g = MoleculeGraphs.batch(m, train, order, from, count, SPECIES, model.cutoff(), DataType.FLOAT32);
            double[] eRef = new double[count];
            double[] atoms = new double[count];
            List<double[]> fRef = new ArrayList<>();
            List<double[]> perAtom = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                int f = order[from + k];
                int n = train.atomicNumbers().get(f).length;
                eRef[k] = train.energies()[f];
                atoms[k] = n;
                fRef.add(train.forces().get(f));
                double[] w = new double[n];
                java.util.Arrays.fill(w, 1.0 / (3 * n));
                perAtom.add(w);
            }
            NDArray e;
            NDArray loss;
            if (weights.forces() > 0) {
                ForceField.Prediction p = ForceField.predict(model, ps, g, true, true);
                e = p.energies();
                NDArray fr = Tensors.fromFlat(m, concat(fRef), new Shape(g.numNodes(), 3), DataType.FLOAT32);
                NDArray w = Tensors.fromFlat(m, concat(perAtom), new Shape(g.numNodes(), 1), DataType.FLOAT32);
                loss = p.forces().sub(fr).square().mul(w).sum().mul(Tensors.scalar(fr, weights.forces() / (sigma * sigma)));
            } else {
                e = model.energies(ps, g, true);
                loss = null;
            }
            if (weights.energy() > 0) {
                NDArray er = Tensors.fromFlat(m, eRef, new Shape(count), DataType.FLOAT32);
                NDArray n = Tensors.fromFlat(m, atoms, new Shape(count), DataType.FLOAT32);
                NDArray le = e.sub(er).div(n).square().sum().mul(Tensors.scalar(er, weights.energy() / (sigma * sigma)));
                loss = loss == null ? le : loss.add(le);
            }
            return loss.div(Tensors.scalar(loss, batchSize));
        }

        @Override
        public double validate(ParameterStore ps, NDManager m) {
            return evaluate(model, ps, m, valid, DataType.FLOAT32).forceMae();
        }

        @Override
        public Map<String, Object> identity() {
            return identity;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static double[] concat(List<double[]> parts) {
        int n = 0;
        for (double[] p : parts) {
            n += p.length;
        }
        double[] out = new double[n];
        int o = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    /** Energies and forces of every frame (batches of {@value #EVAL_BATCH}) against the references. */
    static Errors evaluate(PotentialModel model, ParameterStore ps, NDManager m, Conformations d, DataType dt) {
        double[][] pred = predictAll(model, ps, m, d, dt);
        double ae = 0;
        double se = 0;
        for (int f = 0; f < d.size(); f++) {
            double diff = pred[0][f] - d.energies()[f];
            ae += Math.abs(diff);
            se += diff * diff;
        }
        double[] fTrue = concat(d.forces());
        double af = 0;
        double sf = 0;
        for (int i = 0; i < fTrue.length; i++) {
            double diff = pred[1][i] - fTrue[i];
            af += Math.abs(diff);
            sf += diff * diff;
        }
        return new Errors(ae / d.size(), Math.sqrt(se / d.size()), af / fTrue.length, Math.sqrt(sf / fTrue.length), fTrue,
                pred[1]);
    }

    /** [energies [S], forces [Σ 3n]] of every frame, in frame order. */
    static double[][] predictAll(PotentialModel model, ParameterStore ps, NDManager m, Conformations d, DataType dt) {
        double[] e = new double[d.size()];
        List<double[]> forces = new ArrayList<>();
        int[] idx = SampleOrder.identity(d.size());
        for (int s = 0; s < d.size(); s += EVAL_BATCH) {
            int count = Math.min(EVAL_BATCH, d.size() - s);
            try (NDScope scope = new NDScope()) {
                GraphBatch g = MoleculeGraphs.batch(m, d, idx, s, count, SPECIES, model.cutoff(), dt);
                ForceField.Prediction p = ForceField.predict(model, ps, g, false, false);
                System.arraycopy(Tensors.toDoubles(p.energies()), 0, e, s, count);
                forces.add(Tensors.toDoubles(p.forces()));
            }
        }
        return new double[][] {e, concat(forces)};
    }

    /** The architecture of a model, not initialised. */
    static PotentialModel build(String name, long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        return switch (name) {
            case "nequip" -> NequipPotential.builder(SPECIES.length).hidden(NEQUIP_HIDDEN).layers(NEQUIP_LAYERS).lmax(2)
                    .maxRadius(CUTOFF).radial(8, 2, 32).numNeighbors(8).seed(seed).build();
            case "schnet" -> new SchNetPotential(SPECIES.length, SCHNET_FEATURES, SCHNET_INTERACTIONS, 25, CUTOFF);
            case "egnn" -> new EgnnPotential(SPECIES.length, 64, 4, ALL_PAIRS, HEAD_DISTANCES);
            case "segnn" -> new SegnnPotential(SPECIES.length, 64, 1, 4, ALL_PAIRS, HEAD_DISTANCES, seed);
            case "ponita" -> new PonitaPotential(SPECIES.length, new SphereFiber(SphereGrid.icosahedral(PONITA_GRID)), PONITA_HIDDEN,
                    PONITA_LAYERS, PONITA_WIDENING, CUTOFF);
            default -> throw new IllegalArgumentException("unknown " + NAME + " model '" + name + "'; expected one of " + MODELS);
        };
    }

    /** The trained float32 model's parameters in a float64 copy of it (for equivariance checks and dynamics). */
    static PotentialModel float64Copy(String name, long seed, Block trained, NDManager m) {
        PotentialModel copy = build(name, seed);
        copy.initialize(m, DataType.FLOAT64, new Shape(1, SPECIES.length));
        ai.djl.util.PairList<String, Parameter> from = trained.getParameters();
        ai.djl.util.PairList<String, Parameter> to = copy.getParameters();
        for (int i = 0; i < from.size(); i++) {
            NDArray target = to.get(i).getValue().getArray();
            try (NDArray v = from.get(i).getValue().getArray().toType(DataType.FLOAT64, true)) {
                target.set(new NDIndex("..."), v);
            }
        }
        return copy;
    }

    /** [energy invariance, force equivariance] of a float64 model on up to 10 frames (see the class doc). */
    static double[] equivarianceErrors(PotentialModel model, NDManager m, Conformations d, long seed) {
        int count = Math.min(10, d.size());
        ParameterStore ps = new ParameterStore(m, false);
        List<EuclideanMotion> motions = EuclideanMotion.randomElements(4, 2.0, new SplittableRandom(seed ^ 0x5eed));
        try (NDScope scope = new NDScope()) {
            GraphBatch g0 = MoleculeGraphs.batch(m, d, SampleOrder.identity(d.size()), 0, count, SPECIES, model.cutoff(),
                    DataType.FLOAT64);
            NDArray species = g0.nodeFeatures().orElseThrow();
            Function<NDArray, GraphBatch> at = x -> GraphBatch.builder(g0.topology()).positions(x.duplicate())
                    .nodeFeatures(species).build();
            double[] e0 = Tensors.toDoubles(ForceField.predict(model, ps, g0, false, false).energies());
            double mean = java.util.Arrays.stream(e0).average().orElseThrow();
            Equivariance.Report e = Equivariance.check(in -> {
                NDArray energies = ForceField.predict(model, ps, at.apply(in.get(0)), false, false).energies();
                return energies.sub(Tensors.scalar(energies, mean));
            }, List.of(EuclideanMotion.onPositions()), Equivariance.invariant(), motions, new NDList(g0.positions()));
            Equivariance.Report f = Equivariance.check(in -> ForceField.predict(model, ps, at.apply(in.get(0)), false, false)
                    .forces(), List.of(EuclideanMotion.onPositions()), EuclideanMotion.onVectors(), motions,
                    new NDList(g0.positions()));
            return new double[] {e.maxRelativeError(), f.maxRelativeError()};
        }
    }

    private static void save(Path dir, ModelSpec spec, Block block, NDManager m, Splits data, Run run,
            TrainingSettings settings) {
        Npy.NpyArray example = asInput(data.test().subset(SampleOrder.identity(Math.min(10, data.test().size())), null));
        Npy.NpyArray predictions = DEFINITION.predict(spec, block, m, example);
        ModelCard card = ModelCard.of(spec, run.params(), settings.seed(), data.describe(),
                ModelCard.training(settings, run.epochs(), run.bestEpoch(), run.resumed()), toResult(run).metrics(),
                DEFINITION.inputOutput(ModelSpec.ordered("atoms", data.test().atomicNumbers().get(0).length)),
                ModelSpec.ordered("content", "energies and forces", "shape", "(S, 1 + 3n)",
                        "format", "float64 .npy: per frame the energy (kcal/mol), then the forces (kcal/mol/A) row-major"));
        SavedModel.save(dir, card, block, DEFINITION, example, predictions);
    }

    /** Frames as a {@code predict} input array (S, n, 4): atomic number, x, y, z. */
    static Npy.NpyArray asInput(Conformations d) {
        int n = d.atomicNumbers().get(0).length;
        double[] out = new double[d.size() * n * 4];
        for (int f = 0; f < d.size(); f++) {
            for (int i = 0; i < n; i++) {
                out[(f * n + i) * 4] = d.atomicNumbers().get(f)[i];
                System.arraycopy(d.positions().get(f), 3 * i, out, (f * n + i) * 4 + 1, 3);
            }
        }
        return Npy.NpyArray.of(out, d.size(), n, 4);
    }

    /** Converts a run to the shared results schema. */
    public static Results.ModelResult toResult(Run r) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("energy_mae", r.test().energyMae());
        metrics.put("force_mae", r.test().forceMae());
        metrics.put("energy_rmse", r.test().energyRmse());
        metrics.put("force_rmse", r.test().forceRmse());
        metrics.put("valid_force_mae", r.validForceMae());
        metrics.put("best_epoch", (double) r.bestEpoch());
        metrics.put("energy_invariance_error", r.energyInvariance());
        metrics.put("force_equivariance_error", r.forceEquivariance());
        if (r.trajectory() != null) {
            metrics.put("md_energy_drift", r.trajectory().drift());
            metrics.put("md_energy_fluctuation", r.trajectory().fluctuation());
            metrics.put("md_max_energy_deviation", r.trajectory().maxDeviation());
            metrics.put("md_steps_done", (double) r.trajectory().steps());
        }
        return new Results.ModelResult(r.name(), r.params(), r.secondsPerEpoch(), r.epochs(), metrics);
    }

    /** The task's models and its {@code predict} input and output. */
    private static final class Definition implements TaskDefinition {
        private final List<ModelSpec> models = List.of(
                spec("nequip", "NequIP-style equivariant potential (e3nn point convolutions, gates)",
                        ModelSpec.ordered("hidden_irreps", NEQUIP_HIDDEN.toString(), "interactions", NEQUIP_LAYERS,
                                "lmax_edges", 2, "cutoff", CUTOFF, "radial", "8 gaussians, 2 x 32 silu", "envelope",
                                "e3nn smooth cut-off"),
                        "hidden " + NEQUIP_HIDDEN + " (the reachable part per layer)"),
                spec("schnet", "SchNet-style invariant continuous-filter network (distances only)",
                        ModelSpec.ordered("features", SCHNET_FEATURES, "interactions", SCHNET_INTERACTIONS, "rbf", 25,
                                "cutoff", CUTOFF, "envelope", "cosine"),
                        SCHNET_FEATURES + "x0e per atom (invariant)"),
                spec("egnn", "energy head on EGNN (all atom pairs)",
                        ModelSpec.ordered("hidden", 64, "layers", 4, "pairs", "all", "edge_attributes", HEAD_DISTANCES_CARD),
                        "64x0e per atom, positions updated"),
                spec("segnn", "energy head on SEGNN (all atom pairs)",
                        ModelSpec.ordered("hidden_features", 64, "lmax", 1, "layers", 4, "pairs", "all", "edge_scalars",
                                "the distance and " + HEAD_DISTANCES_CARD),
                        "32x0e+32x1o per atom"),
                spec("ponita", "lifted potential on position-orientation space R3 x S2 (PONITA; no Clebsch-Gordan products)",
                        ModelSpec.ordered("fiber", PONITA_GRID + " icosahedron vertices on S2", "hidden", PONITA_HIDDEN, "layers",
                                PONITA_LAYERS, "widening", PONITA_WIDENING, "cutoff", CUTOFF, "envelope", "smooth"),
                        PONITA_HIDDEN + " channels on each of " + PONITA_GRID + " orientations per atom"));

        private static ModelSpec spec(String name, String description, Map<String, Object> config, String hidden) {
            Map<String, Object> c = new LinkedHashMap<>(config);
            c.put("species", MoleculeGraphs.symbols(SPECIES));
            return new ModelSpec(NAME, name, description, c,
                    ModelSpec.ordered("group", "E(3) x S_n",
                            "input", "one-hot species (4x0e), positions (1x1o, translating)",
                            "hidden", hidden,
                            "output", "energy (0e, invariant); forces -dE/dx (1x1o)"),
                    (seed, m) -> {
                        PotentialModel b = build(name, seed);
                        b.initialize(m, DataType.FLOAT32, new Shape(1, SPECIES.length));
                        return b;
                    });
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public List<ModelSpec> models() {
            return models;
        }

        @Override
        public Map<String, Object> inputOutput(Map<String, Object> cardInput) {
            Map<String, Object> in = new LinkedHashMap<>(cardInput);
            in.put("format", "extended XYZ (species, positions in A), frames of equally many atoms of "
                    + MoleculeGraphs.symbols(SPECIES));
            return in;
        }

        @Override
        public TableLayout tableLayout(Map<String, Object> cardInput) {
            return TableLayout.perItem(
                    List.of(TableLayout.Column.perItem("species", TableLayout.ElementType.INT, 1,
                                    "atomic number of each atom, of " + MoleculeGraphs.symbols(SPECIES)).allowing(SPECIES),
                            TableLayout.Column.perItem("positions", TableLayout.ElementType.DOUBLE, 3,
                                    "x, y, z of each atom in A, atom after atom")),
                    List.of(TableLayout.Column.scalar("energy", TableLayout.ElementType.DOUBLE, "predicted energy in kcal/mol"),
                            TableLayout.Column.perItem("forces", TableLayout.ElementType.DOUBLE, 3,
                                    "predicted force on each atom in kcal/mol/A")),
                    1);
        }

        @Override
        public Npy.NpyArray readInput(Path file, Map<String, Object> cardInput) {
            List<ExtendedXyz.Frame> frames = ExtendedXyz.read(file);
            int n = frames.get(0).atoms();
            double[] out = new double[frames.size() * n * 4];
            for (int f = 0; f < frames.size(); f++) {
                ExtendedXyz.Frame fr = frames.get(f);
                if (fr.atoms() != n) {
                    throw new IllegalArgumentException(file + ": frame " + f + " has " + fr.atoms() + " atoms, frame 0 has "
                            + n + "; predict takes frames of equally many atoms");
                }
                for (int i = 0; i < n; i++) {
                    int z;
                    try {
                        z = Elements.atomicNumber(fr.species().get(i));
                        MoleculeGraphs.index(SPECIES, z, f, i);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
                    }
                    out[(f * n + i) * 4] = z;
                    System.arraycopy(fr.positions()[i], 0, out, (f * n + i) * 4 + 1, 3);
                }
            }
            return Npy.NpyArray.of(out, frames.size(), n, 4);
        }

        @Override
        public void writeInput(Path file, Npy.NpyArray input) {
            int[] s = input.shape();
            double[] a = input.asDoubles();
            List<ExtendedXyz.Frame> frames = new ArrayList<>();
            for (int f = 0; f < s[0]; f++) {
                List<String> sp = new ArrayList<>();
                double[][] pos = new double[s[1]][3];
                for (int i = 0; i < s[1]; i++) {
                    sp.add(Elements.symbol((int) a[(f * s[1] + i) * 4]));
                    System.arraycopy(a, (f * s[1] + i) * 4 + 1, pos[i], 0, 3);
                }
                frames.add(new ExtendedXyz.Frame(sp, pos, Map.of(), Map.of()));
            }
            ExtendedXyz.write(file, frames);
        }

        @Override
        public String exampleInputName() {
            return "example_input.xyz";
        }

        @Override
        public int predictBatch() {
            return EVAL_BATCH;
        }

        @Override
        public Npy.NpyArray predict(ModelSpec spec, Block block, NDManager manager, Npy.NpyArray input) {
            int[] s = input.shape();
            double[] a = input.asDoubles();
            List<int[]> z = new ArrayList<>();
            List<double[]> pos = new ArrayList<>();
            List<double[]> zeros = new ArrayList<>();
            for (int f = 0; f < s[0]; f++) {
                int[] zz = new int[s[1]];
                double[] p = new double[3 * s[1]];
                for (int i = 0; i < s[1]; i++) {
                    zz[i] = (int) a[(f * s[1] + i) * 4];
                    System.arraycopy(a, (f * s[1] + i) * 4 + 1, p, 3 * i, 3);
                }
                z.add(zz);
                pos.add(p);
                zeros.add(new double[3 * s[1]]);
            }
            Conformations d = new Conformations(z, pos, new double[s[0]], zeros, "predict input");
            double[][] pred = predictAll((PotentialModel) block, new ParameterStore(manager, false), manager, d,
                    DataType.FLOAT32);
            int width = 1 + 3 * s[1];
            double[] out = new double[s[0] * width];
            for (int f = 0; f < s[0]; f++) {
                out[f * width] = pred[0][f];
                System.arraycopy(pred[1], f * 3 * s[1], out, f * width + 1, 3 * s[1]);
            }
            return Npy.NpyArray.of(out, s[0], width);
        }
    }
}

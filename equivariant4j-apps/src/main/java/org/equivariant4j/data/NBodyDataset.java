package org.equivariant4j.data;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * The charged N-body benchmark of EGNN/SEGNN ({@code nbody_small}): three splits of simulated 5-particle systems,
 * stored as the original {@code generate_dataset.py} stores them.
 *
 * <p><b>Files</b> (in one directory, suffix {@value #DEFAULT_SUFFIX}), for each split {@code train}, {@code valid},
 * {@code test}:
 * <ul>
 *   <li>{@code loc_<split>_<suffix>.npy}, {@code vel_<split>_<suffix>.npy}: (S, T, 3, N) float64, T = 49 frames;</li>
 *   <li>{@code charges_<split>_<suffix>.npy}: (S, N, 1) float64 (the generator draws from a float array
 *       [−1., 0., 1.]; files with integer charges are accepted too);</li>
 *   <li>{@code edges_<split>_<suffix>.npy}: (S, N, N) = q qᵀ, float64 (integers accepted).</li>
 * </ul>
 * {@link #generate} also writes {@code nbody_<suffix>.properties} with the seed, the split sizes, the simulator
 * parameters and a checksum of every file, so that a cache is only reused for the dataset it holds, intact.
 *
 * <p><b>Generation</b> follows {@code generate_dataset.py}: one {@link NumpyRandomState} seeded once, and the train,
 * valid and test simulations drawn from it in that order (default seed 43 with 10 000 / 2 000 / 2 000 simulations).
 * All initial conditions are drawn sequentially first (with the noise draws each simulation consumes), then the
 * systems are integrated in parallel; the result does not depend on the number of threads.
 *
 * <p><b>Samples</b> ({@link Split}) are those of the EGNN loader: the first {@code maxSamples} simulations (train
 * 3000, valid and test all 2000 by default), converted to float32 and transposed to (S, N, 3); input = positions and
 * velocities of frame {@value #DEFAULT_INPUT_FRAME} (t = 3.1), target = positions of frame
 * {@value #DEFAULT_TARGET_FRAME} (t = 4.1). Both frames are parameters of {@link #split(Part, int, int, int)}.
 */
public final class NBodyDataset {

    /** File-name suffix of the benchmark files ({@code --sufix small} of the original command). */
    public static final String DEFAULT_SUFFIX = "charged5_initvel1small";
    /** Seed of the benchmark's generation command. */
    public static final long DEFAULT_SEED = 43;
    public static final int DEFAULT_NUM_TRAIN = 10_000;
    public static final int DEFAULT_NUM_VALID = 2_000;
    public static final int DEFAULT_NUM_TEST = 2_000;
    /** Training simulations the benchmark uses (the first 3000 of 10 000). */
    public static final int DEFAULT_MAX_TRAIN_SAMPLES = 3_000;
    /** Input frame (t = 3.1). */
    public static final int DEFAULT_INPUT_FRAME = 30;
    /** Target frame (t = 4.1). */
    public static final int DEFAULT_TARGET_FRAME = 40;

    /** The three splits, in the order they are drawn from the random stream. */
    public enum Part {
        TRAIN("train"), VALID("valid"), TEST("test");

        private final String tag;

        Part(String tag) {
            this.tag = tag;
        }

        /** The name used in file names. */
        public String tag() {
            return tag;
        }
    }

    /**
     * One split as stored: S simulations of N particles with T saved frames, in the file layout.
     *
     * @param loc     positions (S, T, 3, N)
     * @param vel     velocities (S, T, 3, N)
     * @param charges charges (S, N)
     */
    public record RawSplit(int numSims, int numFrames, int numParticles, double[] loc, double[] vel,
                           double[] charges) {

        public RawSplit {
            long n = (long) numSims * numFrames * 3 * numParticles;
            if (loc.length != n || vel.length != n || charges.length != (long) numSims * numParticles) {
                throw new IllegalArgumentException("raw split arrays do not match (S, T, N) = (" + numSims + ", "
                        + numFrames + ", " + numParticles + "): loc " + loc.length + ", vel " + vel.length
                        + ", charges " + charges.length);
            }
        }

        /** q qᵀ per simulation, (S, N, N). */
        public double[] edges() {
            int n = numParticles;
            double[] e = new double[numSims * n * n];
            for (int s = 0; s < numSims; s++) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        e[(s * n + i) * n + j] = charges[s * n + i] * charges[s * n + j];
                    }
                }
            }
            return e;
        }
    }

    private final Map<Part, RawSplit> parts;

    private NBodyDataset(Map<Part, RawSplit> parts) {
        this.parts = new EnumMap<>(parts);
    }

    /** A dataset from splits already in memory (e.g. simulated without files). */
    public static NBodyDataset of(RawSplit train, RawSplit valid, RawSplit test) {
        Map<Part, RawSplit> m = new EnumMap<>(Part.class);
        m.put(Part.TRAIN, Objects.requireNonNull(train, "train"));
        m.put(Part.VALID, Objects.requireNonNull(valid, "valid"));
        m.put(Part.TEST, Objects.requireNonNull(test, "test"));
        return new NBodyDataset(m);
    }

    /** The stored arrays of one split. */
    public RawSplit raw(Part part) {
        return parts.get(part);
    }

    /** Number of simulations stored for a split. */
    public int numSims(Part part) {
        return parts.get(part).numSims();
    }

    // ------------------------------------------------------------------ files

    /** {@code dir/<array>_<split>_<suffix>.npy}, e.g. {@code loc_train_charged5_initvel1small.npy}. */
    public static Path file(Path dir, String array, Part part, String suffix) {
        return dir.resolve(array + "_" + part.tag() + "_" + suffix + ".npy");
    }

    /** Loads the benchmark files ({@value #DEFAULT_SUFFIX}) from {@code dir}. */
    public static NBodyDataset load(Path dir) {
        return load(dir, DEFAULT_SUFFIX);
    }

    /**
     * Loads the twelve files of a dataset, whether written by {@link #generate} or by the original Python generator.
     *
     * @throws IllegalArgumentException if a file is missing, not an .npy file of a supported dtype, or has a shape
     *                                  that does not fit the others (the message names the file and both shapes)
     */
    public static NBodyDataset load(Path dir, String suffix) {
        Objects.requireNonNull(dir, "dir");
        Map<Part, RawSplit> m = new EnumMap<>(Part.class);
        for (Part part : Part.values()) {
            m.put(part, loadPart(dir, part, suffix));
        }
        NBodyDataset ds = new NBodyDataset(m);
        int n = ds.raw(Part.TRAIN).numParticles();
        for (Part part : Part.values()) {
            if (ds.raw(part).numParticles() != n) {
                throw new IllegalArgumentException("splits disagree on the number of particles: train has " + n
                        + ", " + part.tag() + " has " + ds.raw(part).numParticles());
            }
        }
        return ds;
    }

    private static RawSplit loadPart(Path dir, Part part, String suffix) {
        Path locFile = file(dir, "loc", part, suffix);
        Path velFile = file(dir, "vel", part, suffix);
        Path chargesFile = file(dir, "charges", part, suffix);
        Path edgesFile = file(dir, "edges", part, suffix);
        for (Path f : new Path[] {locFile, velFile, chargesFile, edgesFile}) {
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException("missing N-body file " + f + " (expected loc, vel, charges and"
                        + " edges files for the " + part.tag() + " split with suffix '" + suffix + "')");
            }
        }
        Npy.NpyArray loc = Npy.read(locFile);
        int[] ls = loc.shape();
        if (ls.length != 4 || ls[2] != 3) {
            throw new IllegalArgumentException(locFile + ": expected shape (S, T, 3, N) but got "
                    + Npy.shapeString(ls));
        }
        requireFloat(loc, locFile);
        loc.requireFinite(locFile);
        int s = ls[0];
        int t = ls[1];
        int n = ls[3];
        Npy.NpyArray vel = Npy.read(velFile);
        requireShape(vel, velFile, s, t, 3, n);
        requireFloat(vel, velFile);
        vel.requireFinite(velFile);
        Npy.NpyArray charges = Npy.read(chargesFile);
        requireShape(charges, chargesFile, s, n, 1);
        charges.requireFinite(chargesFile);
        Npy.NpyArray edges = Npy.read(edgesFile);
        requireShape(edges, edgesFile, s, n, n);
        double[] q = charges.asDoubles();
        double[] e = edges.asDoubles();
        for (int k = 0; k < s; k++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double expected = q[k * n + i] * q[k * n + j];
                    if (e[(k * n + i) * n + j] != expected) {
                        throw new IllegalArgumentException(edgesFile + ": edges[" + k + ", " + i + ", " + j + "] = "
                                + e[(k * n + i) * n + j] + " but charges give q_i q_j = " + expected
                                + " (the edges file does not belong to " + chargesFile.getFileName() + ")");
                    }
                }
            }
        }
        return new RawSplit(s, t, n, loc.asDoubles(), vel.asDoubles(), q);
    }

    private static void requireShape(Npy.NpyArray a, Path file, int... expected) {
        if (!Arrays.equals(a.shape(), expected)) {
            throw new IllegalArgumentException(file + ": expected shape " + Npy.shapeString(expected)
                    + " to match the loc file, but got " + Npy.shapeString(a.shape()));
        }
    }

    private static void requireFloat(Npy.NpyArray a, Path file) {
        if (a.dtype() != Npy.DType.FLOAT64 && a.dtype() != Npy.DType.FLOAT32) {
            throw new IllegalArgumentException(file + ": expected dtype '<f8' (or '<f4') but got '"
                    + a.dtype().descr() + "'");
        }
    }

    /** Writes the twelve files atomically (each file is replaced as a whole). */
    public void save(Path dir, String suffix) {
        for (Part part : Part.values()) {
            RawSplit r = raw(part);
            int s = r.numSims();
            int t = r.numFrames();
            int n = r.numParticles();
            Npy.write(file(dir, "loc", part, suffix), r.loc(), s, t, 3, n);
            Npy.write(file(dir, "vel", part, suffix), r.vel(), s, t, 3, n);
            Npy.write(file(dir, "edges", part, suffix), r.edges(), s, n, n);
            Npy.write(file(dir, "charges", part, suffix), r.charges(), s, n, 1);
        }
    }

    // ------------------------------------------------------------------ generation

    /**
     * {@link #generate(Path, long, int, int, int, ChargedParticlesSimulation.Config, String, int, Consumer)} with the
     * benchmark's seed 43, 10 000 / 2 000 / 2 000 simulations, the default simulator and 2 threads: loads
     * {@code cacheDir} if it already holds them, else simulates them (about 10 s of CPU time) and writes them there
     * (165 MB).
     *
     * @param notes receives one line for each repair of the cache (damaged file, leftovers of an interrupted write)
     */
    public static NBodyDataset loadOrGenerate(Path cacheDir, Consumer<String> notes) {
        return generate(cacheDir, DEFAULT_SEED, DEFAULT_NUM_TRAIN, DEFAULT_NUM_VALID, DEFAULT_NUM_TEST,
                ChargedParticlesSimulation.Config.defaults(), DEFAULT_SUFFIX, 2, notes);
    }

    /** As {@link #loadOrGenerate(Path, Consumer)} with other seed and sizes; repairs go unreported. */
    public static NBodyDataset generate(Path cacheDir, long seed, int numTrain, int numValid, int numTest) {
        return generate(cacheDir, seed, numTrain, numValid, numTest, ChargedParticlesSimulation.Config.defaults(),
                DEFAULT_SUFFIX, 2, note -> { });
    }

    /**
     * Generates (or loads from the cache) a dataset like {@code generate_dataset.py --seed seed --num-train numTrain
     * --num-valid numValid --num-test numTest}, with the given simulator parameters and file suffix.
     *
     * <p>The cache heals itself. Its metadata file ({@code nbody_<suffix>.properties}, written last) records the seed,
     * sizes, simulator parameters and a CRC-32C checksum of every file. The cache is reused when the metadata records
     * this dataset and every file matches its checksum; a damaged or missing file, metadata without checksums, files
     * without metadata, or hidden temporary files left by an interrupted write are reported to {@code notes} in one line
     * each and the cache is written anew. A cache that holds a different dataset is an error (nothing is overwritten
     * silently). Runs sharing a cache take turns: a lock file ({@code nbody.lock}) serialises checking and writing.
     *
     * @param threads threads integrating the systems (the result does not depend on it)
     * @param notes   receives one line for each repair
     */
    public static NBodyDataset generate(Path cacheDir, long seed, int numTrain, int numValid, int numTest,
                                        ChargedParticlesSimulation.Config config, String suffix, int threads,
                                        Consumer<String> notes) {
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(config, "config");
        if (numTrain < 0 || numValid < 0 || numTest < 0) {
            throw new IllegalArgumentException("split sizes must be >= 0, got " + numTrain + ", " + numValid + ", "
                    + numTest);
        }
        Properties wanted = metadata(seed, numTrain, numValid, numTest, config, suffix);
        Path metaFile = cacheDir.resolve("nbody_" + suffix + ".properties");
        try (FolderLock lock = FolderLock.acquire(cacheDir, "nbody.lock", true,
                () -> notes.accept("waiting for another run that is writing the N-body cache " + cacheDir))) {
            int leftovers = AtomicFiles.removeLeftovers(cacheDir);
            if (leftovers > 0) {
                notes.accept("removed " + leftovers + " temporary file(s) of an interrupted write from " + cacheDir);
            }
            String problem = cacheProblem(cacheDir, suffix, metaFile, wanted);
            if (problem == null) {
                return load(cacheDir, suffix);
            }
            if (!problem.isEmpty()) {
                notes.accept(problem + "; generating the N-body cache anew");
            }
            NBodyDataset ds = simulate(seed, numTrain, numValid, numTest, config, threads);
            ds.save(cacheDir, suffix);
            writeMetadata(cacheDir, seed, numTrain, numValid, numTest, config, suffix);
            return ds;
        }
    }

    private static final String[] ARRAYS = {"loc", "vel", "charges", "edges"};

    /**
     * Writes the metadata file {@code nbody_<suffix>.properties} that {@link #generate} writes last: the dataset's
     * description and the CRC-32C of each of the twelve files already in {@code dir}. A folder with these files and this
     * metadata is a cache {@link #generate} reuses (e.g. one written by a cluster job).
     */
    public static void writeMetadata(Path dir, long seed, int numTrain, int numValid, int numTest,
                                     ChargedParticlesSimulation.Config config, String suffix) {
        Properties p = metadata(seed, numTrain, numValid, numTest, config, suffix);
        for (Part part : Part.values()) {
            for (String a : ARRAYS) {
                Path f = file(dir, a, part, suffix);
                p.setProperty("crc32c." + f.getFileName(), checksum(f));
            }
        }
        writeProperties(dir.resolve("nbody_" + suffix + ".properties"), p);
    }

    /**
     * Why the cache cannot be used as it is: null when it holds this dataset intact, "" when it holds nothing yet,
     * else one line saying what is wrong.
     *
     * @throws IllegalArgumentException when it holds another dataset
     */
    private static String cacheProblem(Path dir, String suffix, Path metaFile, Properties wanted) {
        boolean anyFile = false;
        for (Part part : Part.values()) {
            for (String a : ARRAYS) {
                anyFile |= Files.exists(file(dir, a, part, suffix));
            }
        }
        if (!Files.isRegularFile(metaFile)) {
            return anyFile ? "cache " + dir + " has N-body files but no metadata (" + metaFile.getFileName()
                    + "; an interrupted write?)" : "";
        }
        Properties found = readProperties(metaFile);
        Properties described = new Properties();
        found.forEach((k, v) -> {
            if (!k.toString().startsWith("crc32c.")) {
                described.put(k, v);
            }
        });
        if (!described.equals(wanted)) {
            throw new IllegalArgumentException("cache " + dir + " holds another N-body dataset (" + metaFile.getFileName()
                    + ": " + describe(found) + "; wanted " + describe(wanted) + "); use another --cache folder or delete"
                    + " these files");
        }
        for (Part part : Part.values()) {
            for (String a : ARRAYS) {
                Path f = file(dir, a, part, suffix);
                String expected = found.getProperty("crc32c." + f.getFileName());
                if (expected == null) {
                    return "cache metadata " + metaFile + " has no checksum for " + f.getFileName()
                            + " (written by an older version)";
                }
                if (!Files.isRegularFile(f)) {
                    return "cache file " + f + " is missing";
                }
                String actual = checksum(f);
                if (!actual.equals(expected)) {
                    return "cache file " + f + " is damaged (CRC-32C " + actual + ", the metadata records " + expected + ")";
                }
            }
        }
        return null;
    }

    /** CRC-32C of a file's bytes, as 8 hex digits. */
    static String checksum(Path file) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(1 << 20);
            while (ch.read(buf) >= 0) {
                buf.flip();
                crc.update(buf);
                buf.clear();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + AtomicFiles.reason(e), e);
        }
        return String.format(java.util.Locale.ROOT, "%08x", crc.getValue());
    }

    /** Simulates the three splits in memory (no files), drawing train, valid, test in that order from one stream. */
    public static NBodyDataset simulate(long seed, int numTrain, int numValid, int numTest,
                                        ChargedParticlesSimulation.Config config, int threads) {
        ChargedParticlesSimulation sim = new ChargedParticlesSimulation(config);
        NumpyRandomState rs = new NumpyRandomState(seed);
        int[] sizes = {numTrain, numValid, numTest};
        // all randomness first, in the original order; integration consumes none
        Map<Part, List<ChargedParticlesSimulation.InitialState>> initial = new EnumMap<>(Part.class);
        for (Part part : Part.values()) {
            List<ChargedParticlesSimulation.InitialState> states = new ArrayList<>();
            for (int s = 0; s < sizes[part.ordinal()]; s++) {
                states.add(sim.sampleInitial(rs));
            }
            initial.put(part, states);
        }
        Map<Part, RawSplit> m = new EnumMap<>(Part.class);
        for (Part part : Part.values()) {
            ChargedParticlesSimulation.Batch b = sim.integrateAll(initial.get(part), threads);
            m.put(part, new RawSplit(b.size(), config.savedFrames(), config.numParticles(), b.loc(), b.vel(),
                    b.charges()));
            initial.put(part, null);
        }
        return new NBodyDataset(m);
    }

    private static Properties metadata(long seed, int numTrain, int numValid, int numTest,
                                       ChargedParticlesSimulation.Config c, String suffix) {
        Properties p = new Properties();
        p.setProperty("seed", Long.toString(seed));
        p.setProperty("num_train", Integer.toString(numTrain));
        p.setProperty("num_valid", Integer.toString(numValid));
        p.setProperty("num_test", Integer.toString(numTest));
        p.setProperty("suffix", suffix);
        p.setProperty("simulator", "numParticles=" + c.numParticles() + " boxSize=" + c.boxSize()
                + " locStd=" + c.locStd() + " velNorm=" + c.velNorm()
                + " interactionStrength=" + c.interactionStrength() + " noiseVar=" + c.noiseVar()
                + " dt=" + c.dt() + " maxForce=" + c.maxForce() + " length=" + c.length()
                + " sampleFreq=" + c.sampleFreq() + " chargeTypes=" + Arrays.toString(c.chargeTypes())
                + " chargeProbs=" + Arrays.toString(c.chargeProbs()) + " dotProduct=" + c.dotProduct());
        return p;
    }

    private static String describe(Properties p) {
        return "seed " + p.getProperty("seed") + ", sizes " + p.getProperty("num_train") + "/"
                + p.getProperty("num_valid") + "/" + p.getProperty("num_test");
    }

    private static Properties readProperties(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return p;
    }

    private static void writeProperties(Path file, Properties p) {
        AtomicFiles.write(file, tmp -> {
            StringWriter sw = new StringWriter();
            p.store(sw, null);
            // without Properties.store's date comment and in sorted order, so the same dataset gives the same bytes
            String text = sw.toString().lines().filter(l -> !l.startsWith("#")).sorted()
                    .collect(java.util.stream.Collectors.joining("\n", "# equivariant4j charged N-body dataset\n", "\n"));
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write(text);
            }
        });
    }

    // ------------------------------------------------------------------ samples

    /** The benchmark's training samples: the first {@code maxSamples} simulations, frames 30 → 40. */
    public Split train(int maxSamples) {
        return split(Part.TRAIN, maxSamples, DEFAULT_INPUT_FRAME, DEFAULT_TARGET_FRAME);
    }

    /** The benchmark's validation samples: the first {@code maxSamples} simulations, frames 30 → 40. */
    public Split valid(int maxSamples) {
        return split(Part.VALID, maxSamples, DEFAULT_INPUT_FRAME, DEFAULT_TARGET_FRAME);
    }

    /** The benchmark's test samples: the first {@code maxSamples} simulations, frames 30 → 40. */
    public Split test(int maxSamples) {
        return split(Part.TEST, maxSamples, DEFAULT_INPUT_FRAME, DEFAULT_TARGET_FRAME);
    }

    /**
     * Samples of one split: the first {@code min(maxSamples, S)} simulations (as the loader's
     * {@code [:max_samples]}), input frame {@code inputFrame}, target frame {@code targetFrame}
     * ({@code nbody_small_out_dist} uses 20 → 30).
     *
     * @throws IllegalArgumentException if {@code maxSamples < 0} or a frame is outside [0, T)
     */
    public Split split(Part part, int maxSamples, int inputFrame, int targetFrame) {
        RawSplit r = raw(part);
        if (maxSamples < 0) {
            throw new IllegalArgumentException("maxSamples must be >= 0, got " + maxSamples);
        }
        return new Split(r, Math.min(maxSamples, r.numSims()), inputFrame, targetFrame);
    }

    /**
     * Samples in the loader's layout, float32: positions and velocities (S, N, 3), charges (S, N), edge attributes
     * (S, N(N−1)) in the fully connected i-major edge order ({@link #edgeRows()}, {@link #edgeCols()}).
     * Arrays are computed on each call (callers may modify them).
     */
    public static final class Split {
        private final RawSplit raw;
        private final int size;
        private final int inputFrame;
        private final int targetFrame;

        private Split(RawSplit raw, int size, int inputFrame, int targetFrame) {
            checkFrame(raw, inputFrame, "inputFrame");
            checkFrame(raw, targetFrame, "targetFrame");
            this.raw = raw;
            this.size = size;
            this.inputFrame = inputFrame;
            this.targetFrame = targetFrame;
        }

        private static void checkFrame(RawSplit raw, int frame, String name) {
            if (frame < 0 || frame >= raw.numFrames()) {
                throw new IllegalArgumentException(name + " " + frame + " is not one of the " + raw.numFrames()
                        + " frames (0.." + (raw.numFrames() - 1) + ") of the data");
            }
        }

        /** The same simulations with other input and target frames. */
        public Split withFrames(int newInputFrame, int newTargetFrame) {
            return new Split(raw, size, newInputFrame, newTargetFrame);
        }

        /** Number of samples S. */
        public int size() {
            return size;
        }

        public int numParticles() {
            return raw.numParticles();
        }

        /** Number of stored frames per simulation (49). */
        public int numFrames() {
            return raw.numFrames();
        }

        public int inputFrame() {
            return inputFrame;
        }

        public int targetFrame() {
            return targetFrame;
        }

        /** Positions of a frame, (S, N, 3) float32. */
        public float[] positions(int frame) {
            return frame(raw.loc(), frame);
        }

        /** Velocities of a frame, (S, N, 3) float32. */
        public float[] velocities(int frame) {
            return frame(raw.vel(), frame);
        }

        /** Input positions (frame {@link #inputFrame()}), (S, N, 3). */
        public float[] inputPositions() {
            return positions(inputFrame);
        }

        /** Input velocities (frame {@link #inputFrame()}), (S, N, 3). */
        public float[] inputVelocities() {
            return velocities(inputFrame);
        }

        /** Target positions (frame {@link #targetFrame()}), (S, N, 3). */
        public float[] targetPositions() {
            return positions(targetFrame);
        }

        /** Charges, (S, N) float32 (the loader's (S, N, 1) without the last axis). */
        public float[] charges() {
            int n = raw.numParticles();
            float[] out = new float[size * n];
            for (int k = 0; k < size * n; k++) {
                out[k] = (float) raw.charges()[k];
            }
            return out;
        }

        /** Source node of each of the N(N−1) directed edges: 0,0,0,0,1,1,… (i-major, i ≠ j). */
        public int[] edgeRows() {
            return edgeIndex(true);
        }

        /** Target node of each edge: 1,2,3,4,0,2,… */
        public int[] edgeCols() {
            return edgeIndex(false);
        }

        private int[] edgeIndex(boolean rows) {
            int n = raw.numParticles();
            int[] out = new int[n * (n - 1)];
            int e = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (i != j) {
                        out[e++] = rows ? i : j;
                    }
                }
            }
            return out;
        }

        /** Edge attributes q_row·q_col, (S, N(N−1)) float32, in the order of {@link #edgeRows()}. */
        public float[] edgeAttr() {
            int n = raw.numParticles();
            int m = n * (n - 1);
            float[] out = new float[size * m];
            double[] q = raw.charges();
            for (int s = 0; s < size; s++) {
                int e = 0;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        if (i != j) {
                            out[s * m + e++] = (float) (q[s * n + i] * q[s * n + j]);
                        }
                    }
                }
            }
            return out;
        }

        private float[] frame(double[] data, int frame) {
            checkFrame(raw, frame, "frame");
            int n = raw.numParticles();
            int t = raw.numFrames();
            float[] out = new float[size * n * 3];
            for (int s = 0; s < size; s++) {
                int base = ((s * t) + frame) * 3 * n;
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < 3; c++) {
                        out[(s * n + i) * 3 + c] = (float) data[base + c * n + i];
                    }
                }
            }
            return out;
        }
    }
}

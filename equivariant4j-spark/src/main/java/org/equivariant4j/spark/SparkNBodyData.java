package org.equivariant4j.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.equivariant4j.data.AtomicFiles;
import org.equivariant4j.data.ChargedParticlesSimulation;
import org.equivariant4j.data.NBodyDataset;
import org.equivariant4j.data.Npy;
import org.equivariant4j.data.NumpyRandomState;

/**
 * The charged N-body dataset generated on a cluster: the simulations of {@link NBodyDataset#simulate} (train, valid,
 * test drawn in that order from one numpy stream) cut into partitions of consecutive simulations. The driver walks the
 * random stream once (drawing initial states is cheap; integrating them is the work) and hands each partition a copy of
 * the stream at its first draw, so every partition redraws exactly its own initial states and integrates them. The
 * result, one row per simulation in order, is the same dataset bit for bit: {@link #writeNpy} writes the twelve
 * {@code .npy} files and the metadata that the single-JVM generator writes, byte for byte.
 *
 * <p>Rows: {@code split} ("train", "valid", "test"), {@code index} (within the split), {@code charges} (N),
 * {@code loc} and {@code vel} (T·3·N, frames of (3, N)).
 */
public final class SparkNBodyData {
    private SparkNBodyData() {}

    /** The table's schema. */
    public static final StructType SCHEMA = new StructType()
            .add("split", DataTypes.StringType, false)
            .add("index", DataTypes.IntegerType, false)
            .add("charges", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("loc", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("vel", DataTypes.createArrayType(DataTypes.DoubleType, false), false);

    /** What a dataset is: the single-JVM generator's arguments. */
    public record Spec(long seed, int numTrain, int numValid, int numTest, ChargedParticlesSimulation.Config config)
            implements java.io.Serializable {
        public Spec {
            if (seed < 0 || seed > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("seed must be in [0, 2^32 - 1] (numpy's legacy seeding), got " + seed);
            }
            if (numTrain < 0 || numValid < 0 || numTest < 0 || (long) numTrain + numValid + numTest > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("split sizes must be >= 0 with a total below 2^31, got " + numTrain + ", "
                        + numValid + ", " + numTest);
            }
        }

        /** All simulations: train, valid and test. */
        public int total() {
            return numTrain + numValid + numTest;
        }

        /** The split of simulation {@code global} (draw order). */
        NBodyDataset.Part part(int global) {
            return global < numTrain ? NBodyDataset.Part.TRAIN
                    : global < numTrain + numValid ? NBodyDataset.Part.VALID : NBodyDataset.Part.TEST;
        }

        /** Its index within that split. */
        int index(int global) {
            return switch (part(global)) {
                case TRAIN -> global;
                case VALID -> global - numTrain;
                case TEST -> global - numTrain - numValid;
            };
        }

        int size(NBodyDataset.Part part) {
            return switch (part) {
                case TRAIN -> numTrain;
                case VALID -> numValid;
                case TEST -> numTest;
            };
        }
    }

    /** One partition's work: simulations {@code [first, first + count)} in draw order, the stream at {@code first}'s draw. */
    record Chunk(int first, int count, NumpyRandomState stream) implements java.io.Serializable {}

    /**
     * One partition's simulations, integrated: {@code loc} and {@code vel} (count, T, 3, N) and {@code charges} (count, N)
     * in draw order from simulation {@code first} on (a block may cross from one split to the next).
     */
    public record Block(int first, int count, double[] loc, double[] vel, double[] charges) implements java.io.Serializable {}

    /** The simulated dataset: its spec and its blocks, one per partition, in draw order. Lazy until used. */
    public record Simulations(Spec spec, JavaRDD<Block> blocks) {
        /** The same simulations, kept once computed (for writing them twice). */
        public Simulations cache() {
            return new Simulations(spec, blocks.persist(StorageLevel.MEMORY_AND_DISK()));
        }

        /** The simulations as a table of one row per simulation ({@link #SCHEMA}), in draw order. */
        public Dataset<Row> table(SparkSession spark) {
            Spec sp = spec;
            int frames = sp.config().savedFrames();
            int n = sp.config().numParticles();
            JavaRDD<Row> rows = blocks.flatMap(b -> {
                List<Row> out = new ArrayList<>(b.count());
                int size = frames * 3 * n;
                for (int k = 0; k < b.count(); k++) {
                    int global = b.first() + k;
                    NBodyDataset.Part part = sp.part(global);
                    out.add(RowFactory.create(part.tag(), sp.index(global),
                            Arrays.copyOfRange(b.charges(), k * n, (k + 1) * n),
                            Arrays.copyOfRange(b.loc(), k * size, (k + 1) * size),
                            Arrays.copyOfRange(b.vel(), k * size, (k + 1) * size)));
                }
                return out.iterator();
            });
            return spark.createDataFrame(rows, SCHEMA);
        }
    }

    /** The dataset in partitions of {@code perPartition} consecutive simulations. */
    public static Simulations simulate(SparkSession spark, Spec spec, int perPartition) {
        if (perPartition < 1) {
            throw new IllegalArgumentException("simulations per partition must be >= 1, got " + perPartition);
        }
        ChargedParticlesSimulation sim = new ChargedParticlesSimulation(spec.config());
        NumpyRandomState rs = new NumpyRandomState(spec.seed());
        List<Chunk> chunks = new ArrayList<>();
        for (int first = 0; first < spec.total(); first += perPartition) {
            int count = Math.min(perPartition, spec.total() - first);
            chunks.add(new Chunk(first, count, rs.copy()));
            for (int k = 0; k < count; k++) {
                sim.sampleInitial(rs);
            }
        }
        JavaRDD<Block> blocks = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(chunks, Math.max(1, chunks.size()))
                .map(chunk -> simulateChunk(spec.config(), chunk));
        return new Simulations(spec, blocks);
    }

    private static Block simulateChunk(ChargedParticlesSimulation.Config config, Chunk chunk) {
        ChargedParticlesSimulation sim = new ChargedParticlesSimulation(config);
        NumpyRandomState rs = chunk.stream().copy();
        List<ChargedParticlesSimulation.InitialState> initial = new ArrayList<>(chunk.count());
        for (int k = 0; k < chunk.count(); k++) {
            initial.add(sim.sampleInitial(rs));
        }
        return toBlock(chunk.first(), sim.integrateAll(initial, 1));
    }

    private static Block toBlock(int first, ChargedParticlesSimulation.Batch b) {
        return new Block(first, b.size(), b.loc(), b.vel(), b.charges());
    }

    /**
     * Writes the dataset's {@code .npy} files and metadata into a new folder {@code dir}, atomically, streaming the
     * blocks in order through the driver (one block at a time is held): the files {@code nbody --data} reads and that
     * {@link NBodyDataset#generate} writes for the same spec, byte for byte.
     *
     * @throws IllegalArgumentException when {@code dir} exists and is not empty
     */
    public static void writeNpy(Simulations simulations, Path dir, String suffix) {
        requireNewFolder(dir);
        Spec spec = simulations.spec();
        ChargedParticlesSimulation.Config c = spec.config();
        int frames = c.savedFrames();
        int n = c.numParticles();
        int size = frames * 3 * n;
        AtomicFiles.writeFolder(dir, tmp -> {
            Map<NBodyDataset.Part, Npy.Sink[]> sinks = new EnumMap<>(NBodyDataset.Part.class);
            for (NBodyDataset.Part part : NBodyDataset.Part.values()) {
                int s = spec.size(part);
                sinks.put(part, new Npy.Sink[] {sink(tmp, "loc", part, suffix, s, frames, 3, n),
                    sink(tmp, "vel", part, suffix, s, frames, 3, n), sink(tmp, "edges", part, suffix, s, n, n),
                    sink(tmp, "charges", part, suffix, s, n, 1)});
            }
            boolean written = false;
            JavaRDD<Block> unpersist = null;
            try {
                int next = 0;
                // compute every block in parallel first (kept on the executors, spilling to disk), then stream them in
                // order: toLocalIterator alone would compute one partition after the other
                JavaRDD<Block> blocks = simulations.blocks();
                if (blocks.getStorageLevel().equals(StorageLevel.NONE())) {
                    blocks = blocks.persist(StorageLevel.MEMORY_AND_DISK());
                    unpersist = blocks;
                }
                blocks.count();
                Iterator<Block> it = blocks.toLocalIterator();
                while (it.hasNext()) {
                    Block b = it.next();
                    if (b.first() != next) {
                        throw new IllegalStateException("blocks out of order: simulation " + b.first() + " came after "
                                + next);
                    }
                    double[] edges = new NBodyDataset.RawSplit(b.count(), frames, n, b.loc(), b.vel(), b.charges()).edges();
                    for (int k = 0; k < b.count(); k++) {
                        Npy.Sink[] out = sinks.get(spec.part(b.first() + k));
                        out[0].write(b.loc(), k * size, size);
                        out[1].write(b.vel(), k * size, size);
                        out[2].write(edges, k * n * n, n * n);
                        out[3].write(b.charges(), k * n, n);
                    }
                    next += b.count();
                }
                // a file that did not get all its values throws here; the temporary folder is then deleted whole
                for (Npy.Sink[] four : sinks.values()) {
                    for (Npy.Sink sink : four) {
                        sink.close();
                    }
                }
                written = true;
            } finally {
                if (unpersist != null) {
                    unpersist.unpersist(false);
                }
                if (!written) {
                    for (Npy.Sink[] four : sinks.values()) {
                        for (Npy.Sink sink : four) {
                            try {
                                sink.close();
                            } catch (IOException | IllegalStateException ignored) {
                                // incomplete: the folder goes away with the failure being reported
                            }
                        }
                    }
                }
            }
            NBodyDataset.writeMetadata(tmp, spec.seed(), spec.numTrain(), spec.numValid(), spec.numTest(), c, suffix);
        });
    }

    private static Npy.Sink sink(Path dir, String array, NBodyDataset.Part part, String suffix, int... shape)
            throws IOException {
        return Npy.Sink.open(NBodyDataset.file(dir, array, part, suffix), Npy.DType.FLOAT64, shape);
    }

    static void requireNewFolder(Path dir) {
        if (Files.isDirectory(dir)) {
            try (var s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new IllegalArgumentException("--out " + dir + " is not empty; choose a new folder");
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
            }
        } else if (Files.exists(dir)) {
            throw new IllegalArgumentException("--out " + dir + " is a file; expected a new folder");
        }
    }
}

package org.equivariant4j.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
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

        int total() {
            return numTrain + numValid + numTest;
        }

        int size(NBodyDataset.Part part) {
            return switch (part) {
                case TRAIN -> numTrain;
                case VALID -> numValid;
                case TEST -> numTest;
            };
        }
    }

    /** One partition: simulations {@code [first, first + count)} in draw order, and the stream at {@code first}'s draw. */
    record Chunk(int first, int count, NumpyRandomState stream) implements java.io.Serializable {}

    /**
     * The dataset as a table of one row per simulation, in draw order, {@code perPartition} simulations a partition.
     * Lazy: the integration runs when the table is written or collected.
     */
    public static Dataset<Row> simulate(SparkSession spark, Spec spec, int perPartition) {
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
        JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(chunks, Math.max(1, chunks.size()))
                .flatMap(chunk -> simulateChunk(spec, chunk));
        return spark.createDataFrame(rows, SCHEMA);
    }

    private static Iterator<Row> simulateChunk(Spec spec, Chunk chunk) {
        ChargedParticlesSimulation sim = new ChargedParticlesSimulation(spec.config());
        NumpyRandomState rs = chunk.stream().copy();
        List<ChargedParticlesSimulation.InitialState> initial = new ArrayList<>(chunk.count());
        for (int k = 0; k < chunk.count(); k++) {
            initial.add(sim.sampleInitial(rs));
        }
        return new Iterator<>() {
            private int k;

            @Override
            public boolean hasNext() {
                return k < chunk.count();
            }

            @Override
            public Row next() {
                int global = chunk.first() + k;
                ChargedParticlesSimulation.Trajectory t = sim.integrate(initial.get(k));
                initial.set(k, null);
                k++;
                NBodyDataset.Part part = global < spec.numTrain() ? NBodyDataset.Part.TRAIN
                        : global < spec.numTrain() + spec.numValid() ? NBodyDataset.Part.VALID : NBodyDataset.Part.TEST;
                int index = part == NBodyDataset.Part.TRAIN ? global
                        : part == NBodyDataset.Part.VALID ? global - spec.numTrain() : global - spec.numTrain() - spec.numValid();
                return RowFactory.create(part.tag(), index, t.charges(), t.loc(), t.vel());
            }
        };
    }

    /**
     * Writes the dataset's {@code .npy} files and metadata into a new folder {@code dir}, atomically, streaming the rows
     * in order through the driver (nothing is held whole): the files {@code nbody --data} reads and that
     * {@link NBodyDataset#generate} writes for the same spec, byte for byte.
     *
     * @throws IllegalArgumentException when {@code dir} exists and is not empty, or the table is not this spec's
     */
    public static void writeNpy(Dataset<Row> simulations, Spec spec, Path dir, String suffix) {
        requireNewFolder(dir);
        ChargedParticlesSimulation.Config c = spec.config();
        int frames = c.savedFrames();
        int n = c.numParticles();
        AtomicFiles.writeFolder(dir, tmp -> {
            Iterator<Row> rows = simulations.toLocalIterator();
            for (NBodyDataset.Part part : NBodyDataset.Part.values()) {
                int s = spec.size(part);
                Npy.Sink loc = sink(tmp, "loc", part, suffix, s, frames, 3, n);
                Npy.Sink vel = sink(tmp, "vel", part, suffix, s, frames, 3, n);
                Npy.Sink edges = sink(tmp, "edges", part, suffix, s, n, n);
                Npy.Sink charges = sink(tmp, "charges", part, suffix, s, n, 1);
                for (int k = 0; k < s; k++) {
                    if (!rows.hasNext()) {
                        throw new IllegalArgumentException("the table ends before " + part.tag() + " simulation " + k);
                    }
                    Row r = rows.next();
                    if (!r.getString(0).equals(part.tag()) || r.getInt(1) != k) {
                        throw new IllegalArgumentException("expected " + part.tag() + " simulation " + k + ", the table"
                                + " has " + r.getString(0) + " " + r.getInt(1) + " there");
                    }
                    ChargedParticlesSimulation.Trajectory t = new ChargedParticlesSimulation.Trajectory(
                            doubles(r.getList(3), frames * 3 * n, "loc"), doubles(r.getList(4), frames * 3 * n, "vel"),
                            doubles(r.getList(2), n, "charges"));
                    loc.write(t.loc(), 0, t.loc().length);
                    vel.write(t.vel(), 0, t.vel().length);
                    edges.write(t.edges(), 0, n * n);
                    charges.write(t.charges(), 0, n);
                }
                // an incomplete file throws here; the temporary folder is then deleted whole
                for (Npy.Sink k : List.of(loc, vel, edges, charges)) {
                    k.close();
                }
            }
            if (rows.hasNext()) {
                throw new IllegalArgumentException("the table has more simulations than " + spec.total());
            }
            NBodyDataset.writeMetadata(tmp, spec.seed(), spec.numTrain(), spec.numValid(), spec.numTest(), c, suffix);
        });
    }

    private static Npy.Sink sink(Path dir, String array, NBodyDataset.Part part, String suffix, int... shape)
            throws IOException {
        return Npy.Sink.open(NBodyDataset.file(dir, array, part, suffix), Npy.DType.FLOAT64, shape);
    }

    private static double[] doubles(List<Object> list, int expected, String what) {
        if (list.size() != expected) {
            throw new IllegalArgumentException(what + " holds " + list.size() + " numbers, expected " + expected);
        }
        double[] d = new double[expected];
        for (int k = 0; k < expected; k++) {
            d[k] = ((Number) list.get(k)).doubleValue();
        }
        return d;
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

package org.equivariant4j.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import ai.djl.pytorch.jni.JniUtils;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.equivariant4j.cli.Main;
import org.equivariant4j.data.ChargedParticlesSimulation;
import org.equivariant4j.data.NBodyDataset;
import org.equivariant4j.data.Npy;
import org.equivariant4j.group.Rotations;
import org.equivariant4j.linalg.Matrices;
import org.equivariant4j.spark.SparkScoring;
import org.equivariant4j.task.SavedModel;
import picocli.CommandLine;

/**
 * Throughput of {@link SparkScoring} in {@code local[2]} against single-JVM batch prediction of the same saved model on
 * the same rows, in one process: an N-body EGNN (trained for one epoch here; the cost of a prediction does not depend on
 * the weights) scores {@code rows} distinct 5-body states: 1 000 simulated systems, each row one of them turned by a
 * seeded random rotation of its own (a rotated state is as valid as the simulated one; repeating the systems unchanged
 * would let Parquet's dictionary shrink the columns that pass through, which a table of distinct systems does not
 * allow). The single-JVM side times
 * {@link SavedModel#predict} on the states already in memory, in its two best configurations (one caller with 2
 * PyTorch threads; two callers on halves with 1 thread each, PyTorch's thread count being process-wide); the Spark side
 * reads Parquet, checks the table, scores (1 thread per task) and writes Parquet. Repetitions alternate them; the
 * medians are printed, the ratio against the better single-JVM configuration, and Spark's time split into checks,
 * model, row conversion and the rest (Parquet, Spark's scheduling).
 *
 * <p>Run (Spark needs its --add-opens flags, listed in equivariant4j-spark/pom.xml as spark.jvm.flags):
 * {@code java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 $SPARK_FLAGS -cp "$(cat
 * equivariant4j-bench/target/classpath.txt):equivariant4j-bench/target/classes"
 * org.equivariant4j.bench.SparkScoringBenchmark [rows] [repetitions] [batch]} (defaults 200 000, 3, 256).
 */
public final class SparkScoringBenchmark {
    private SparkScoringBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : SparkScoring.Options.defaults().batchSize();
        System.setProperty("log4j2.configurationFile", org.equivariant4j.spark.SparkCommands.QUIET_LOGGING);
        Path dir = Files.createTempDirectory("spark-scoring-bench");
        Path model = trainEgnn(dir);

        NBodyDataset.Split s = NBodyDataset.simulate(7, 0, 0, 1000, ChargedParticlesSimulation.Config.defaults(), 2)
                .test(1000);
        int n = s.numParticles();
        float[] x = s.inputPositions();
        float[] v = s.inputVelocities();
        float[] q = s.charges();
        float[] states = new float[rows * n * 7];
        List<Row> table = new ArrayList<>(rows);
        SplittableRandom rng = new SplittableRandom(11);
        for (int k = 0; k < rows; k++) {
            // every row a distinct state: system k mod 1 000 turned by a random rotation of its own (positions and
            // velocities alike, charges unchanged), as a table of a million simulated systems would be
            int sys = k % s.size();
            double[][] rot = Rotations.randomMatrix(rng);
            float[] pos = new float[3 * n];
            float[] vel = new float[3 * n];
            float[] ch = new float[n];
            for (int i = 0; i < n; i++) {
                int at = (sys * n + i) * 3;
                double[] p = Matrices.apply(rot, new double[] {x[at], x[at + 1], x[at + 2]});
                double[] u = Matrices.apply(rot, new double[] {v[at], v[at + 1], v[at + 2]});
                for (int c = 0; c < 3; c++) {
                    pos[3 * i + c] = (float) p[c];
                    vel[3 * i + c] = (float) u[c];
                    states[(k * n + i) * 7 + c] = pos[3 * i + c];
                    states[(k * n + i) * 7 + 3 + c] = vel[3 * i + c];
                }
                ch[i] = q[sys * n + i];
                states[(k * n + i) * 7 + 6] = ch[i];
            }
            table.add(RowFactory.create(k, pos, vel, ch));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType)
                .add("positions", DataTypes.createArrayType(DataTypes.FloatType, false))
                .add("velocities", DataTypes.createArrayType(DataTypes.FloatType, false))
                .add("charges", DataTypes.createArrayType(DataTypes.FloatType, false));
        SparkSession spark = SparkSession.builder().master("local[2]").appName("spark-scoring-bench")
                .config("spark.ui.enabled", "false").getOrCreate();
        Path input = dir.resolve("states.parquet");
        spark.createDataFrame(table, schema).repartition(8).write().parquet(input.toString());
        table = null;
        System.out.printf(Locale.ROOT, "input: %d rows in %.1f MB of Parquet%n", rows, bytes(input) / 1e6);

        Npy.NpyArray array = Npy.NpyArray.of(states, rows, n, 7);
        int half = rows / 2;
        Npy.NpyArray first = Npy.NpyArray.of(Arrays.copyOf(states, half * n * 7), half, n, 7);
        Npy.NpyArray second = Npy.NpyArray.of(Arrays.copyOfRange(states, half * n * 7, rows * n * 7), rows - half, n, 7);
        double[] oneCaller = new double[repetitions];
        double[] twoCallers = new double[repetitions];
        SparkScoring.Report[] reports = new SparkScoring.Report[repetitions];
        SparkScoring.Options options = new SparkScoring.Options(batch, 1);
        try (SavedModel saved = SavedModel.load(model); SavedModel other = SavedModel.load(model)) {
            saved.predict(Npy.NpyArray.of(Arrays.copyOf(states, 256 * n * 7), 256, n, 7)); // warm-up
            other.predict(Npy.NpyArray.of(Arrays.copyOf(states, 256 * n * 7), 256, n, 7));
            SparkScoring.scoreParquet(spark, model, input.toString(), dir.resolve("warm.parquet").toString(), options);
            for (int r = 0; r < repetitions; r++) {
                JniUtils.setNumThreads(2);
                long t0 = System.nanoTime();
                saved.predict(array);
                oneCaller[r] = rows / ((System.nanoTime() - t0) / 1e9);
                JniUtils.setNumThreads(1);
                t0 = System.nanoTime();
                Thread helper = new Thread(() -> other.predict(second));
                helper.start();
                saved.predict(first);
                helper.join();
                twoCallers[r] = rows / ((System.nanoTime() - t0) / 1e9);
                reports[r] = SparkScoring.scoreParquet(spark, model, input.toString(),
                        dir.resolve("out-" + r + ".parquet").toString(), options);
                System.out.printf(Locale.ROOT, "repetition %d: single JVM %.0f rows/s (one caller, 2 PyTorch threads), %.0f"
                        + " rows/s (two callers on halves, 1 thread each); Spark local[2] %.0f rows/s, ratio to the better"
                        + " single JVM %.2f (%s)%n", r + 1, oneCaller[r], twoCallers[r], reports[r].rowsPerSecond(),
                        reports[r].rowsPerSecond() / Math.max(oneCaller[r], twoCallers[r]), reports[r]);
            }
        }
        SparkScoring.Report med = Arrays.stream(reports)
                .sorted((a, b) -> Double.compare(a.rowsPerSecond(), b.rowsPerSecond())).toList().get(repetitions / 2);
        double singleMedian = Math.max(PairedTiming.median(oneCaller), PairedTiming.median(twoCallers));
        double total = med.checkSeconds() + med.scoreSeconds();
        System.out.printf(Locale.ROOT, "nbody/egnn, %d rows, batch %d (Spark rounds it up to whole forward batches),"
                + " medians of %d%n", rows, batch, repetitions);
        System.out.printf(Locale.ROOT, "single JVM (SavedModel.predict, states in memory): %.0f rows/s with one caller and 2"
                + " PyTorch threads, %.0f rows/s with two callers on halves and 1 thread each%n", PairedTiming.median(oneCaller),
                PairedTiming.median(twoCallers));
        System.out.printf(Locale.ROOT, "Spark local[2] (Parquet in, checks, scoring, Parquet out; 1 PyTorch thread per task):"
                + " %.0f rows/s%n", med.rowsPerSecond());
        System.out.printf(Locale.ROOT, "ratio Spark / best single JVM: %.2f%n", med.rowsPerSecond() / singleMedian);
        System.out.printf(Locale.ROOT, "where the Spark run's %.2f s went: checks %.2f s, scoring and writing %.2f s; summed"
                + " over the 2 tasks: model %.2f s, row conversion %.2f s%n", total, med.checkSeconds(), med.scoreSeconds(),
                med.predictSeconds(), med.convertSeconds());
        System.out.printf(Locale.ROOT, "best single JVM time for the same rows: %.2f s%n", rows / singleMedian);
        spark.stop();
    }

    /** The bytes of the files in a folder (a Parquet table). */
    private static long bytes(Path folder) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.list(folder)) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static Path trainEgnn(Path dir) {
        Path data = dir.resolve("nbody");
        NBodyDataset.simulate(43, 100, 20, 20, ChargedParticlesSimulation.Config.defaults(), 2).save(data,
                NBodyDataset.DEFAULT_SUFFIX);
        CommandLine cmd = Main.commandLine();
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute("nbody", "--model", "egnn", "--epochs", "1", "--train-size", "100", "--quiet", "--data",
                data.toString(), "--out", dir.resolve("out").toString(), "--save", dir.resolve("models").toString());
        if (code != 0) {
            throw new IllegalStateException("training failed: " + err);
        }
        return dir.resolve("models/egnn");
    }
}

package org.equivariant4j.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.equivariant4j.data.ChargedParticlesSimulation;
import org.equivariant4j.data.NBodyDataset;
import org.equivariant4j.spark.SparkNBodyData;

/**
 * Generating the charged N-body dataset with Spark in {@code local[2]} against the single-JVM generator
 * ({@link NBodyDataset#generate}, 2 integration threads) in one process: the benchmark's seed and sizes (default
 * 10 000 / 2 000 / 2 000), the {@code .npy} files and metadata written by each, repetitions alternating, medians
 * printed with their ratio; every Spark repetition's files are compared byte for byte with the single JVM's.
 *
 * <p>Run (Spark's --add-opens flags as for {@link SparkScoringBenchmark}): {@code ... org.equivariant4j.bench
 * .SparkNBodyDataBenchmark [train] [valid] [test] [repetitions] [per-partition]}.
 */
public final class SparkNBodyDataBenchmark {
    private SparkNBodyDataBenchmark() {}

    public static void main(String[] args) throws Exception {
        int train = args.length > 0 ? Integer.parseInt(args[0]) : NBodyDataset.DEFAULT_NUM_TRAIN;
        int valid = args.length > 1 ? Integer.parseInt(args[1]) : NBodyDataset.DEFAULT_NUM_VALID;
        int test = args.length > 2 ? Integer.parseInt(args[2]) : NBodyDataset.DEFAULT_NUM_TEST;
        int repetitions = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int perPartition = args.length > 4 ? Integer.parseInt(args[4]) : 500;
        System.setProperty("log4j2.configurationFile", org.equivariant4j.spark.SparkCommands.QUIET_LOGGING);
        SparkSession spark = SparkSession.builder().master("local[2]").appName("spark-nbody-bench")
                .config("spark.ui.enabled", "false").getOrCreate();
        SparkNBodyData.Spec spec = new SparkNBodyData.Spec(NBodyDataset.DEFAULT_SEED, train, valid, test,
                ChargedParticlesSimulation.Config.defaults());
        Path dir = Files.createTempDirectory("spark-nbody-bench");
        double[] single = new double[repetitions + 1];
        double[] spread = new double[repetitions + 1];
        for (int r = 0; r <= repetitions; r++) { // round 0 warms up
            Path a = dir.resolve("single-" + r);
            long t0 = System.nanoTime();
            NBodyDataset.generate(a, spec.seed(), train, valid, test, spec.config(), NBodyDataset.DEFAULT_SUFFIX, 2,
                    note -> { });
            single[r] = (System.nanoTime() - t0) / 1e9;
            Path b = dir.resolve("spark-" + r);
            t0 = System.nanoTime();
            SparkNBodyData.writeNpy(SparkNBodyData.simulate(spark, spec, perPartition), b, NBodyDataset.DEFAULT_SUFFIX);
            spread[r] = (System.nanoTime() - t0) / 1e9;
            List<Path> files;
            try (Stream<Path> s = Files.list(a)) {
                files = s.filter(f -> f.getFileName().toString().endsWith(".npy")
                        || f.getFileName().toString().endsWith(".properties")).toList();
            }
            for (Path f : files) {
                if (Files.mismatch(f, b.resolve(f.getFileName())) != -1) {
                    throw new IllegalStateException(f.getFileName() + " differs between the single JVM and Spark");
                }
            }
            System.out.printf(Locale.ROOT, "%s: single JVM %.2f s, Spark local[2] %.2f s (%d files identical)%n",
                    r == 0 ? "warm-up" : "repetition " + r, single[r], spread[r], files.size());
        }
        double s = PairedTiming.median(Arrays.copyOfRange(single, 1, single.length));
        double p = PairedTiming.median(Arrays.copyOfRange(spread, 1, spread.length));
        System.out.printf(Locale.ROOT, "%d simulations, %d per partition: single JVM %.2f s, Spark local[2] %.2f s (medians);"
                + " throughput Spark / single JVM %.2f%n", spec.total(), perPartition, s, p, s / p);
        spark.stop();
    }

}

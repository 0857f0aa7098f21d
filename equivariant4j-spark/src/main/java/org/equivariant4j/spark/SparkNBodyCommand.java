package org.equivariant4j.spark;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.equivariant4j.data.ChargedParticlesSimulation;
import org.equivariant4j.data.NBodyDataset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code equivariant4j spark-nbody-data}: the charged N-body dataset generated with Spark ({@link SparkNBodyData}), as
 * the {@code .npy} folder {@code nbody --data} reads (byte-identical to the single-JVM generator's) and/or a Parquet
 * table of one row per simulation.
 */
@Command(name = "spark-nbody-data",
        mixinStandardHelpOptions = true,
        description = {"Generate the charged N-body dataset with Apache Spark, partitions of consecutive simulations.",
            "--out writes the .npy files (and metadata) nbody --data reads, byte for byte those of the single-JVM"
                    + " generator; --parquet writes one row per simulation (split, index, charges, loc, vel)."})
final class SparkNBodyCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", description = "A new folder for the .npy files.")
    Path out;

    @Option(names = "--parquet", paramLabel = "PATH", description = "A new Parquet folder (any Hadoop file system).")
    String parquet;

    @Option(names = "--seed", defaultValue = "" + NBodyDataset.DEFAULT_SEED, description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--num-train", defaultValue = "" + NBodyDataset.DEFAULT_NUM_TRAIN,
            description = "Training simulations (default: ${DEFAULT-VALUE}).")
    int numTrain;

    @Option(names = "--num-valid", defaultValue = "" + NBodyDataset.DEFAULT_NUM_VALID,
            description = "Validation simulations (default: ${DEFAULT-VALUE}).")
    int numValid;

    @Option(names = "--num-test", defaultValue = "" + NBodyDataset.DEFAULT_NUM_TEST,
            description = "Test simulations (default: ${DEFAULT-VALUE}).")
    int numTest;

    @Option(names = "--per-partition", defaultValue = "500", paramLabel = "N",
            description = "Simulations per partition (default: ${DEFAULT-VALUE}).")
    int perPartition;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: the one spark-submit sets, else local[*]).")
    String master;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (out == null && parquet == null) {
            throw new IllegalArgumentException("give --out DIR (.npy files), --parquet PATH, or both");
        }
        if (perPartition < 1) {
            throw new IllegalArgumentException("--per-partition must be >= 1, got " + perPartition);
        }
        SparkNBodyData.Spec data = new SparkNBodyData.Spec(seed, numTrain, numValid, numTest,
                ChargedParticlesSimulation.Config.defaults());
        if (out != null) {
            SparkNBodyData.requireNewFolder(out);
        }
        PrintWriter w = spec.commandLine().getOut();
        try (LocalSession session = LocalSession.start("equivariant4j spark-nbody-data", master)) {
            SparkSession spark = session.spark();
            if (parquet != null) {
                SparkPaths.requireNew(spark, "--parquet", parquet);
            }
            long t0 = System.nanoTime();
            SparkNBodyData.Simulations sims = SparkNBodyData.simulate(spark, data, perPartition);
            if (parquet != null && out != null) {
                sims = sims.cache(); // simulate once for both outputs
            }
            if (parquet != null) {
                sims.table(spark).write().parquet(parquet);
                w.printf("wrote %s%n", parquet);
            }
            if (out != null) {
                SparkNBodyData.writeNpy(sims, out, NBodyDataset.DEFAULT_SUFFIX);
                w.printf("wrote %s%n", out);
            }
            w.printf(Locale.ROOT, "%d simulations (seed %d, %d / %d / %d) in %d partitions on %s: %.1f s%n",
                    numTrain + numValid + numTest, seed, numTrain, numValid, numTest,
                    sims.blocks().getNumPartitions(), spark.sparkContext().master(), (System.nanoTime() - t0) / 1e9);
        }
        w.flush();
        return 0;
    }
}

package org.equivariant4j.spark;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code equivariant4j spark-predict}: scores a model saved with {@code --save} on a Parquet table with Spark and writes
 * the table with the predictions as new columns ({@link SparkScoring}).
 */
@Command(name = "spark-predict",
        mixinStandardHelpOptions = true,
        description = {"Score a model saved with --save on a Parquet table with Apache Spark; write the table with the"
                + " predictions as new columns (Parquet).",
            "nbody: positions (3n), velocities (3n), charges (n) per row -> predicted_positions (3n).",
            "md17: species (n atomic numbers), positions (3n, A) -> energy (kcal/mol), forces (3n, kcal/mol/A).",
            "rotmnist: image (height*width gray levels in [0, 1]) -> probabilities (10).",
            "voxels: voxels (D^3 occupancies) -> probabilities.",
            "Other columns pass through. The table is checked before any scoring."})
final class SparkPredictCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "A model folder written by --save, readable at this path on every executor.")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "Parquet file or folder (any Hadoop file system).")
    String input;

    @Option(names = "--output", required = true, paramLabel = "PATH", description = "Where to write the scored table (a new Parquet folder).")
    String output;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: the one spark-submit sets, else local[*]).")
    String master;

    @Option(names = "--batch-size", defaultValue = "256", paramLabel = "N",
            description = "Rows per prediction batch, at least; rounded up to whole forward batches of the model's task"
                    + " (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--threads-per-task", defaultValue = "1", paramLabel = "N",
            description = "PyTorch threads of each Spark task (default: ${DEFAULT-VALUE}; 0 leaves the executors' setting).")
    int threadsPerTask;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        }
        if (threadsPerTask < 0) {
            throw new IllegalArgumentException("--threads-per-task must be >= 0, got " + threadsPerTask);
        }
        if (!java.nio.file.Files.isDirectory(model)) {
            throw new IllegalArgumentException("--model " + model + " is not a model folder (expected a folder written by"
                    + " --save)");
        }
        PrintWriter w = spec.commandLine().getOut();
        try (LocalSession session = LocalSession.start("equivariant4j spark-predict", master)) {
            SparkSession spark = session.spark();
            SparkScoring.Report r = SparkScoring.scoreParquet(spark, model, input, output,
                    new SparkScoring.Options(batchSize, threadsPerTask));
            w.printf(Locale.ROOT, "scored %d rows with %s on %s in %.1f s (%.0f rows/s): checks %.1f s, scoring and writing"
                    + " %.1f s; summed over tasks: model %.1f s, row conversion %.1f s%n",
                    r.rows(), r.model(), spark.sparkContext().master(), r.checkSeconds() + r.scoreSeconds(),
                    r.rowsPerSecond(), r.checkSeconds(), r.scoreSeconds(), r.predictSeconds(), r.convertSeconds());
            w.printf("wrote %s%n", output);
        }
        w.flush();
        return 0;
    }
}

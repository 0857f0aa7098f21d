package org.equivariant4j.spark;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.AtomicType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.util.LongAccumulator;
import org.equivariant4j.task.ModelCard;
import org.equivariant4j.task.SavedModel;
import org.equivariant4j.task.TableLayout;
import org.equivariant4j.task.TaskDefinition;
import org.equivariant4j.task.Tasks;

/**
 * Scores a saved model ({@link SavedModel}, any task) on a Spark table: one row per sample, the columns of the task's
 * {@link TableLayout} (N-body states: {@code positions}, {@code velocities}, {@code charges}; molecules:
 * {@code species}, {@code positions}; images: {@code image}; volumes: {@code voxels}); the predictions come back as
 * new columns ({@code predicted_positions}; {@code energy}, {@code forces}; {@code probabilities}), every other column
 * passes through. An executor loads the model once per concurrently running task and keeps it for later partitions
 * (a DJL model serves one forward call at a time); each partition is scored in batches.
 *
 * <pre>{@code
 * Dataset<Row> scored = SparkScoring.score(spark.read().parquet("states.parquet"), Path.of("models/egnn"),
 *         SparkScoring.Options.defaults());
 * scored.write().parquet("predictions.parquet");
 * }</pre>
 *
 * <p>Everything is checked before any partition is scored: the model folder (card, checksum), the table's schema
 * against the model's layout, and the contents (one pass: null arrays and elements, non-finite numbers, array lengths,
 * allowed values).
 * The model folder must be readable at the same path on every executor (a shared file system).
 */
public final class SparkScoring {
    /**
     * How partitions are scored.
     *
     * @param batchSize      rows per prediction batch, at least: rounded up to a whole number of the task's forward
     *                       batches ({@link TaskDefinition#predictBatch}: 100 N-body states, 50 molecules, 250 images,
     *                       32 volumes), so that no forward call but a partition's last runs on a remainder
     * @param threadsPerTask PyTorch intra-op threads an executor uses while scoring (process-wide on the executor; in
     *                       local mode that is this JVM), or 0 to leave the executor's setting alone. One thread per
     *                       task, with as many tasks as cores, is what the benchmark found fastest
     */
    public record Options(int batchSize, int threadsPerTask) implements java.io.Serializable {
        public Options {
            if (batchSize < 1 || threadsPerTask < 0) {
                throw new IllegalArgumentException("batch size must be >= 1 and threads per task >= 0, got " + batchSize
                        + " and " + threadsPerTask);
            }
        }

        /** 256 rows per batch (rounded up to whole forward batches of the task), one PyTorch thread per task. */
        public static Options defaults() {
            return new Options(256, 1);
        }
    }

    private SparkScoring() {}

    /**
     * What a scoring run did and where its time went: the checks, then scoring and writing (wall-clock seconds); within
     * the scoring, summed over the tasks, the model's predictions and converting rows to arrays and back.
     */
    public record Report(String model, long rows, double checkSeconds, double scoreSeconds, double predictSeconds,
            double convertSeconds) {
        /** Rows per second over checks and scoring. */
        public double rowsPerSecond() {
            return rows / (checkSeconds + scoreSeconds);
        }
    }

    /** A table checked and ready to score: {@link #table} is lazy; the accumulators fill when it runs. */
    public record Scoring(Dataset<Row> table, String model, TableLayout layout, long rows, double checkSeconds,
            LongAccumulator predictNanos, LongAccumulator convertNanos) {}

    /**
     * Checks {@code table} for the model in {@code modelDir} and returns the scored table (lazy).
     *
     * @throws IllegalArgumentException for a model folder that cannot be used, a table without the model's columns or
     *                                  with output columns already present, or contents the model cannot take
     */
    public static Dataset<Row> score(Dataset<Row> table, Path modelDir, Options options) {
        return prepare(table, modelDir, options).table();
    }

    /** As {@link #score}, with the row count, the check's time and the accumulators of the scoring's time. */
    public static Scoring prepare(Dataset<Row> table, Path modelDir, Options options) {
        long t0 = System.nanoTime();
        Path dir = modelDir.toAbsolutePath().normalize();
        // the card alone says what the table must hold: check the schema before loading the engine and the model
        final ModelCard card = SavedModel.readCard(dir);
        TableLayout layout;
        TaskDefinition task;
        try {
            task = Tasks.byName(card.task());
            layout = task.tableLayout(card.input());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model card " + dir.resolve(SavedModel.CARD) + ": " + e.getMessage(), e);
        }
        String name = card.task() + "/" + card.model();
        TableCheck.schema(table.schema(), layout, name);
        SavedModel.load(dir).close(); // the whole folder (checksum, parameters) checked once, on the driver
        long rows = TableCheck.contents(table, layout, name);
        double checkSeconds = (System.nanoTime() - t0) / 1e9;

        List<String> fields = List.of(table.schema().fieldNames());
        int[] inputIndex = layout.inputs().stream().mapToInt(c -> fields.indexOf(c.name())).toArray();
        DataType[] inputElement = TableCheck.inputElements(table.schema(), layout);
        SparkSession spark = table.sparkSession();
        LongAccumulator predict = spark.sparkContext().longAccumulator("equivariant4j predict ns");
        LongAccumulator convert = spark.sparkContext().longAccumulator("equivariant4j convert ns");
        PartitionScorer scorer = new PartitionScorer(new ExecutorModels.Key(dir.toString(), card.parametersCrc32c()),
                layout, inputIndex, inputElement, batchRows(options.batchSize(), task.predictBatch()),
                options.threadsPerTask(), predict, convert);
        // Spark's internal rows in and out: no boxed Row, no element-by-element conversion of the arrays
        JavaRDD<InternalRow> scored = internalRows(table).mapPartitions(scorer);
        Dataset<Row> out = ((org.apache.spark.sql.classic.SparkSession) spark).internalCreateDataFrame(scored.rdd(),
                TableCheck.scoredSchema(table.schema(), layout), false);
        return new Scoring(out, name, layout, rows, checkSeconds, predict, convert);
    }

    /** {@code rows} rounded up to a multiple of {@code forwardBatch}. */
    static int batchRows(int rows, int forwardBatch) {
        return Math.toIntExact(((long) rows + forwardBatch - 1) / forwardBatch * forwardBatch);
    }

    /**
     * The Parquet path of a column's single leaf as Spark writes it: the column of a number or string, the elements of
     * an array of them ({@code name.list.element}); null for nested columns (structs, maps, arrays of those).
     */
    static String leafPath(StructField f) {
        DataType t = f.dataType();
        if (t instanceof ArrayType a) {
            return a.elementType() instanceof AtomicType ? f.name() + ".list.element" : null;
        }
        return t instanceof AtomicType ? f.name() : null;
    }

    /**
     * The table's rows in Spark's internal format (the rows of its physical plan: a row object may be reused for the
     * next row). Needs a classic (in-process) Spark session, whose plans run here.
     */
    static JavaRDD<InternalRow> internalRows(Dataset<Row> table) {
        if (!(table instanceof org.apache.spark.sql.classic.Dataset<Row> d)) {
            throw new IllegalArgumentException("scoring needs a table of a classic Spark session (the driver runs the"
                    + " job), got a " + table.getClass().getName());
        }
        return d.queryExecution().toRdd().toJavaRDD();
    }

    /**
     * Reads Parquet, scores it and writes Parquet (floating-point prediction columns without a dictionary, and the
     * columns passed through without one where no input file has one: {@link ParquetDictionaries}): the job of
     * {@code equivariant4j spark-predict}. A job that fails leaves no output behind.
     *
     * @throws IllegalArgumentException when the output exists, or as {@link #score}
     */
    public static Report scoreParquet(SparkSession spark, Path modelDir, String input, String output, Options options) {
        SparkPaths.requireNew(spark, "--output", output);
        Dataset<Row> table = SparkPaths.readParquet(spark, "--input", input);
        Scoring s = prepare(table, modelDir, options);
        long t0 = System.nanoTime();
        try {
            // without a Parquet dictionary: the floating-point predictions (they seldom repeat: a dictionary costs time
            // and rarely saves space), and a column passed through whose input files hold none (its values barely
            // repeat, so Parquet gave the dictionary up: Spark's default writer ends up writing it so too, but only
            // after hashing its values into a dictionary it abandons). Parquet's per-column setting names the leaf.
            Set<String> plain = new HashSet<>(ParquetDictionaries.withoutDictionary(table));
            s.layout().outputs().stream().filter(c -> c.type() != TableLayout.ElementType.INT)
                    .forEach(c -> plain.add(c.name()));
            DataFrameWriter<Row> writer = s.table().write();
            for (StructField f : s.table().schema().fields()) {
                String leaf = leafPath(f);
                if (leaf != null && plain.contains(f.name())) {
                    writer = writer.option("parquet.enable.dictionary#" + leaf, "false");
                }
            }
            writer.parquet(output);
        } catch (Exception e) { // Spark's job failures are checked exceptions thrown unchecked
            SparkPaths.deleteQuietly(spark, output); // it did not exist before: leave no partial table behind
            throw SparkPaths.explained(e);
        }
        double scoreSeconds = (System.nanoTime() - t0) / 1e9;
        return new Report(s.model(), s.rows(), s.checkSeconds(), scoreSeconds, s.predictNanos().value() / 1e9,
                s.convertNanos().value() / 1e9);
    }
}

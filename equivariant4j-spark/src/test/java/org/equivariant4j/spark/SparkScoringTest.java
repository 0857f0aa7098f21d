package org.equivariant4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.equivariant4j.data.ChargedParticlesSimulation;
import org.equivariant4j.data.Elements;
import org.equivariant4j.data.ExtendedXyz;
import org.equivariant4j.data.MnistIdx;
import org.equivariant4j.data.NBodyDataset;
import org.equivariant4j.data.Npy;
import org.equivariant4j.data.SyntheticEthanol;
import org.equivariant4j.task.SavedModel;
import org.equivariant4j.task.SyntheticDigits;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scoring saved models of three tasks on Parquet tables in local[2]: the new columns equal the single-JVM predictions
 * of the same model on the same samples, other columns pass through, and every table the model cannot take is refused
 * before any scoring, with a message naming the column.
 */
class SparkScoringTest {
    @TempDir
    static Path dir;
    static SparkSession spark;
    static Path models;

    @BeforeAll
    static void setUp() throws Exception {
        spark = LocalSpark.session();
        models = LocalSpark.models();
    }

    // ------------------------------------------------------------------ N-body states

    static final StructType NBODY = new StructType().add("id", DataTypes.IntegerType)
            .add("positions", DataTypes.createArrayType(DataTypes.FloatType))
            .add("velocities", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("charges", DataTypes.createArrayType(DataTypes.IntegerType));

    /** 37 systems (5 particles) of a fresh simulation: rows and the (S, n, 7) input predict takes. */
    static List<Row> nbodyRows(float[] states) {
        NBodyDataset.Split s = NBodyDataset.simulate(7, 0, 0, 37, ChargedParticlesSimulation.Config.defaults(), 2)
                .test(37);
        int n = s.numParticles();
        float[] x = s.inputPositions();
        float[] v = s.inputVelocities();
        float[] q = s.charges();
        List<Row> rows = new ArrayList<>();
        for (int k = 0; k < s.size(); k++) {
            List<Float> pos = new ArrayList<>();
            List<Double> vel = new ArrayList<>();
            List<Integer> ch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 3; c++) {
                    pos.add(x[(k * n + i) * 3 + c]);
                    vel.add((double) v[(k * n + i) * 3 + c]);
                    states[(k * n + i) * 7 + c] = x[(k * n + i) * 3 + c];
                    states[(k * n + i) * 7 + 3 + c] = v[(k * n + i) * 3 + c];
                }
                ch.add(Math.round(q[k * n + i]));
                states[(k * n + i) * 7 + 6] = Math.round(q[k * n + i]);
            }
            rows.add(RowFactory.create(k, pos, vel, ch));
        }
        return rows;
    }

    @Test
    void nbodyStatesGetThePredictionsOfTheSavedModel() throws Exception {
        float[] states = new float[37 * 5 * 7];
        Path in = dir.resolve("states.parquet");
        spark.createDataFrame(nbodyRows(states), NBODY).repartition(3).write().parquet(in.toString());
        Path out = dir.resolve("states-scored.parquet");
        SparkScoring.Report report = SparkScoring.scoreParquet(spark, models.resolve("egnn"), in.toString(), out.toString(),
                new SparkScoring.Options(8, 1));
        assertEquals(37, report.rows());
        assertEquals("nbody/egnn", report.model());
        assertTrue(report.predictSeconds() > 0 && report.rowsPerSecond() > 0, report.toString());

        float[] expected;
        try (SavedModel m = SavedModel.load(models.resolve("egnn"))) {
            expected = m.predict(Npy.NpyArray.of(states, 37, 5, 7)).asFloats();
        }
        List<Row> scored = spark.read().parquet(out.toString()).orderBy("id").collectAsList();
        assertEquals(37, scored.size());
        assertEquals(List.of("id", "positions", "velocities", "charges", "predicted_positions"),
                Arrays.asList(scored.get(0).schema().fieldNames()));
        double worst = 0;
        for (Row r : scored) {
            int k = r.getInt(0);
            List<Float> p = r.getList(4);
            assertEquals(15, p.size());
            for (int j = 0; j < 15; j++) {
                worst = Math.max(worst, Math.abs(p.get(j) - expected[k * 15 + j]));
            }
        }
        assertTrue(worst < 1e-5, "largest difference to the single-JVM predictions: " + worst);

        // the predictions are written without a dictionary; the columns passed through keep Spark's default (one, for
        // values that repeat: each system 20 times here)
        Path repeated = dir.resolve("states-repeated.parquet");
        spark.read().parquet(in.toString()).crossJoin(spark.range(20)).drop("id").coalesce(1).write()
                .parquet(repeated.toString());
        Path repeatedOut = dir.resolve("states-repeated-scored.parquet");
        SparkScoring.scoreParquet(spark, models.resolve("egnn"), repeated.toString(), repeatedOut.toString(),
                new SparkScoring.Options(64, 1));
        assertTrue(withDictionary(repeated).containsAll(List.of("positions.list.element", "velocities.list.element")));
        assertEquals(withDictionary(repeated), withDictionary(repeatedOut));

        // a column the input's files hold without a dictionary (as Parquet writes values that barely repeat) is passed
        // through without one; the others keep theirs
        Path plain = dir.resolve("states-plain-velocities.parquet");
        spark.read().parquet(repeated.toString()).write().option("parquet.enable.dictionary#velocities.list.element",
                "false").parquet(plain.toString());
        java.util.Set<String> without = ParquetDictionaries.withoutDictionary(spark.read().parquet(plain.toString()));
        assertTrue(without.contains("velocities") && !without.contains("positions") && !without.contains("charges"),
                without.toString());
        Path plainOut = dir.resolve("states-plain-velocities-scored.parquet");
        SparkScoring.scoreParquet(spark, models.resolve("egnn"), plain.toString(), plainOut.toString(),
                new SparkScoring.Options(64, 1));
        assertEquals(List.of("charges.list.element", "positions.list.element"), withDictionary(plain).stream()
                .filter(c -> !c.equals("id")).toList());
        assertEquals(withDictionary(plain), withDictionary(plainOut));
        assertEquals(spark.read().parquet(repeatedOut.toString()).collectAsList().stream().map(Row::toString).sorted()
                .toList(), spark.read().parquet(plainOut.toString()).collectAsList().stream().map(Row::toString).sorted()
                .toList());
    }

    @Test
    void batchesAreWholeForwardBatchesOfTheTask() {
        assertEquals(300, SparkScoring.batchRows(256, 100));
        assertEquals(300, SparkScoring.batchRows(300, 100));
        assertEquals(32, SparkScoring.batchRows(1, 32));
        assertEquals(100, org.equivariant4j.task.Tasks.byName("nbody").predictBatch());
    }

    /** The leaf columns of a Parquet table that some file stores with a dictionary page, sorted. */
    static List<String> withDictionary(Path table) throws Exception {
        java.util.TreeSet<String> found = new java.util.TreeSet<>();
        try (java.util.stream.Stream<Path> files = Files.list(table)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".parquet")).toList()) {
                try (org.apache.parquet.hadoop.ParquetFileReader reader = org.apache.parquet.hadoop.ParquetFileReader.open(
                        org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(f.toUri()),
                                new org.apache.hadoop.conf.Configuration()))) {
                    for (var block : reader.getFooter().getBlocks()) {
                        for (var column : block.getColumns()) {
                            if (column.hasDictionaryPage()) {
                                found.add(column.getPath().toDotString());
                            }
                        }
                    }
                }
            }
        }
        return List.copyOf(found);
    }

    // ------------------------------------------------------------------ images and molecules

    @Test
    void imagesAndMoleculesToo() throws Exception {
        MnistIdx.Digits d = SyntheticDigits.digits(21, 11);
        int count = d.images().count();
        float[] pixels = new float[count * 28 * 28];
        List<Row> rows = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            List<Double> img = new ArrayList<>();
            for (int p = 0; p < 28 * 28; p++) {
                pixels[k * 784 + p] = (d.images().pixels()[k * 784 + p] & 0xff) / 255f;
                img.add((double) pixels[k * 784 + p]);
            }
            rows.add(RowFactory.create("digit-" + k, img));
        }
        StructType images = new StructType().add("name", DataTypes.StringType)
                .add("image", DataTypes.createArrayType(DataTypes.DoubleType));
        Dataset<Row> scored = SparkScoring.score(spark.createDataFrame(rows, images), models.resolve("c4"),
                new SparkScoring.Options(4, 0));
        float[] expected;
        try (SavedModel m = SavedModel.load(models.resolve("c4"))) {
            expected = m.predict(Npy.NpyArray.of(pixels, count, 28, 28)).asFloats();
        }
        for (Row r : scored.collectAsList()) {
            int k = Integer.parseInt(r.getString(0).substring(6));
            List<Float> p = r.getList(2);
            for (int c = 0; c < 10; c++) {
                assertEquals(expected[k * 10 + c], p.get(c), 1e-6);
            }
        }

        List<ExtendedXyz.Frame> frames = ExtendedXyz.read(SyntheticEthanol.write(dir.resolve("mol.xyz"), 9, 0.05, 5));
        int n = frames.get(0).atoms();
        double[] input = new double[frames.size() * n * 4];
        List<Row> mols = new ArrayList<>();
        for (int f = 0; f < frames.size(); f++) {
            List<Integer> species = new ArrayList<>();
            List<Double> pos = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int z = Elements.atomicNumber(frames.get(f).species().get(i));
                species.add(z);
                input[(f * n + i) * 4] = z;
                for (int c = 0; c < 3; c++) {
                    pos.add(frames.get(f).positions()[i][c]);
                    input[(f * n + i) * 4 + 1 + c] = frames.get(f).positions()[i][c];
                }
            }
            mols.add(RowFactory.create((long) f, species, pos));
        }
        StructType molecules = new StructType().add("frame", DataTypes.LongType)
                .add("species", DataTypes.createArrayType(DataTypes.IntegerType))
                .add("positions", DataTypes.createArrayType(DataTypes.DoubleType));
        List<Row> result = SparkScoring.score(spark.createDataFrame(mols, molecules), models.resolve("schnet"),
                        new SparkScoring.Options(4, 1))
                .orderBy("frame").collectAsList();
        double[] want;
        try (SavedModel m = SavedModel.load(models.resolve("schnet"))) {
            want = m.predict(Npy.NpyArray.of(input, frames.size(), n, 4)).asDoubles();
        }
        int width = 1 + 3 * n;
        for (Row r : result) {
            int f = (int) r.getLong(0);
            assertEquals(want[f * width], r.getDouble(3), 1e-4 * Math.max(1, Math.abs(want[f * width])));
            List<Double> forces = r.getList(4);
            assertEquals(3 * n, forces.size());
            for (int j = 0; j < 3 * n; j++) {
                assertEquals(want[f * width + 1 + j], forces.get(j), 1e-4);
            }
        }
    }

    // ------------------------------------------------------------------ refusals, before any scoring

    private static String refusal(Dataset<Row> table, String model) {
        return assertThrows(IllegalArgumentException.class,
                () -> SparkScoring.score(table, models.resolve(model), SparkScoring.Options.defaults()))
                .getMessage();
    }

    @Test
    void tablesTheModelCannotTakeAreRefusedBeforeScoring() throws Exception {
        Dataset<Row> good = spark.createDataFrame(nbodyRows(new float[37 * 35]), NBODY);

        String missing = refusal(good.drop("charges"), "egnn");
        assertTrue(missing.contains("no column 'charges' that nbody/egnn reads") && missing.contains("charge of each particle"),
                missing);

        String otherTask = refusal(good, "c4");
        assertTrue(otherTask.contains("no column 'image' that rotmnist/c4 reads"), otherTask);

        String text = refusal(good.withColumn("charges", org.apache.spark.sql.functions.lit("x")), "egnn");
        assertTrue(text.contains("column 'charges' must be an array of numbers") && text.contains("got string"), text);

        String already = refusal(good.withColumn("predicted_positions", org.apache.spark.sql.functions.lit(1)), "egnn");
        assertTrue(already.contains("already has a column 'predicted_positions'"), already);

        // one row's velocities one number short
        String shortRow = refusal(good.withColumn("velocities", org.apache.spark.sql.functions.expr(
                "IF(id = 5, slice(velocities, 1, 14), velocities)")), "egnn");
        assertTrue(shortRow.startsWith("1 of 37 rows cannot go to nbody/egnn")
                && shortRow.contains("velocities holds 14 numbers but positions has 5 items (expected 3 per item)"), shortRow);

        String nan = refusal(good.withColumn("positions", org.apache.spark.sql.functions.expr(
                "IF(id < 3, transform(positions, x -> CAST('NaN' AS FLOAT)), positions)")), "egnn");
        assertTrue(nan.startsWith("3 of 37 rows") && nan.contains("positions holds NaN or an infinity"), nan);

        String inf = refusal(good.withColumn("velocities", org.apache.spark.sql.functions.expr(
                "IF(id = 9, transform(velocities, x -> double('-inf')), velocities)")), "egnn");
        assertTrue(inf.startsWith("1 of 37 rows") && inf.contains("velocities holds NaN or an infinity"), inf);

        String one = refusal(good.withColumn("positions", org.apache.spark.sql.functions.expr("slice(positions, 1, 3)"))
                .withColumn("velocities", org.apache.spark.sql.functions.expr("slice(velocities, 1, 3)"))
                .withColumn("charges", org.apache.spark.sql.functions.expr("slice(charges, 1, 1)")), "egnn");
        assertTrue(one.contains("positions holds 1 items, expected at least 2"), one);

        String nulls = refusal(good.withColumn("charges", org.apache.spark.sql.functions.expr(
                "IF(id = 0, CAST(NULL AS ARRAY<INT>), charges)")), "egnn");
        assertTrue(nulls.contains("charges is null"), nulls);

        StructType molecules = new StructType().add("species", DataTypes.createArrayType(DataTypes.IntegerType))
                .add("positions", DataTypes.createArrayType(DataTypes.DoubleType));
        String species = refusal(spark.createDataFrame(List.of(RowFactory.create(List.of(6, 9), List.of(0.0, 0.0, 0.0, 1.0,
                0.0, 0.0))), molecules), "schnet");
        assertTrue(species.contains("species holds a value outside {1, 6, 7, 8}"), species);

        // a null element inside an array is found by the check too, before any scoring, and nothing is written
        Path withNull = dir.resolve("null-element.parquet");
        good.withColumn("charges", org.apache.spark.sql.functions.expr("IF(id = 30, array(1, NULL, 1, -1, 1), charges)"))
                .write().parquet(withNull.toString());
        String nullRefusal = refusal(spark.read().parquet(withNull.toString()), "egnn");
        assertTrue(nullRefusal.startsWith("1 of 37 rows cannot go to nbody/egnn (e.g. in file:")
                && nullRefusal.endsWith("column charges has a null element (number 1 of 5 in a row)"), nullRefusal);
        Path nullOut = dir.resolve("null-element-scored.parquet");
        String nullElement = assertThrows(IllegalArgumentException.class, () -> SparkScoring.scoreParquet(spark,
                models.resolve("egnn"), withNull.toString(), nullOut.toString(), SparkScoring.Options.defaults()))
                .getMessage();
        assertTrue(nullElement.contains("column charges has a null element (number 1 of 5 in a row)"), nullElement);
        assertFalse(Files.exists(nullOut));

        Path exists = Files.createDirectories(dir.resolve("taken"));
        String taken = assertThrows(IllegalArgumentException.class, () -> SparkScoring.scoreParquet(spark,
                models.resolve("egnn"), dir.resolve("nothing.parquet").toString(), exists.toString(),
                SparkScoring.Options.defaults())).getMessage();
        assertTrue(taken.contains("--output " + exists + " already exists"), taken);
        String absent = assertThrows(IllegalArgumentException.class, () -> SparkScoring.scoreParquet(spark,
                models.resolve("egnn"), dir.resolve("nothing.parquet").toString(), dir.resolve("new").toString(),
                SparkScoring.Options.defaults()))
                .getMessage();
        assertTrue(absent.contains("--input " + dir.resolve("nothing.parquet") + " does not exist"), absent);
        assertFalse(Files.exists(dir.resolve("new")));
    }
}

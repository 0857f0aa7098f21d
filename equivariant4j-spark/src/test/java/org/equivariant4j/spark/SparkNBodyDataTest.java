package org.equivariant4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.equivariant4j.data.ChargedParticlesSimulation;
import org.equivariant4j.data.NBodyDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The N-body dataset generated in partitions equals the single-JVM generator's, file for file and byte for byte. */
class SparkNBodyDataTest {
    static final SparkNBodyData.Spec SPEC = new SparkNBodyData.Spec(43, 30, 7, 11,
            ChargedParticlesSimulation.Config.defaults());

    @Test
    void partitionsOfSimulationsWriteTheSingleJvmFilesByteForByte(@TempDir Path dir) throws Exception {
        SparkSession spark = LocalSpark.session();
        Path single = dir.resolve("single");
        NBodyDataset.generate(single, 43, 30, 7, 11);
        for (int perPartition : new int[] {7, 100}) {
            Path spread = dir.resolve("spark-" + perPartition);
            SparkNBodyData.writeNpy(SparkNBodyData.simulate(spark, SPEC, perPartition), spread, NBodyDataset.DEFAULT_SUFFIX);
            List<Path> files;
            try (Stream<Path> s = Files.list(single)) {
                files = s.filter(f -> !f.getFileName().toString().equals("nbody.lock")).sorted().toList();
            }
            assertEquals(13, files.size(), files.toString()); // 12 arrays and the metadata
            for (Path f : files) {
                assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(spread.resolve(f.getFileName())),
                        f.getFileName() + " with " + perPartition + " simulations a partition");
            }
        }
    }

    @Test
    void theTableHoldsTheSameSimulationsAndOutputFoldersAreChecked(@TempDir Path dir) {
        SparkSession spark = LocalSpark.session();
        Path table = dir.resolve("sims.parquet");
        SparkNBodyData.simulate(spark, SPEC, 5).table(spark).write().parquet(table.toString());
        NBodyDataset.RawSplit valid = NBodyDataset.simulate(43, 30, 7, 11, SPEC.config(), 2).raw(NBodyDataset.Part.VALID);
        Row r = spark.read().parquet(table.toString()).where("split = 'valid' AND index = 6").first();
        int size = valid.numFrames() * 3 * valid.numParticles();
        List<Double> loc = r.getList(3);
        for (int k = 0; k < size; k++) {
            assertEquals(valid.loc()[6 * size + k], loc.get(k), 0.0);
        }
        assertEquals(48, spark.read().parquet(table.toString()).count());

        Path used = dir.resolve("used");
        SparkNBodyData.Spec small = new SparkNBodyData.Spec(1, 2, 1, 1, SPEC.config());
        SparkNBodyData.writeNpy(SparkNBodyData.simulate(spark, small, 2), used, NBodyDataset.DEFAULT_SUFFIX);
        String notEmpty = assertThrows(IllegalArgumentException.class, () -> SparkNBodyData.writeNpy(
                SparkNBodyData.simulate(spark, SPEC, 5), used, NBodyDataset.DEFAULT_SUFFIX)).getMessage();
        assertTrue(notEmpty.contains("--out " + used + " is not empty"), notEmpty);
        String seed = assertThrows(IllegalArgumentException.class,
                () -> new SparkNBodyData.Spec(-1, 1, 1, 1, SPEC.config())).getMessage();
        assertTrue(seed.contains("seed must be in [0, 2^32 - 1]"), seed);
    }
}

package org.equivariant4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.equivariant4j.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The Spark jobs on the command line: found through the provider, run in local[2], errors as one line. */
class SparkCommandsTest {
    record Result(int exitCode, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void generateThenScoreFromTheCommandLine(@TempDir Path dir) throws Exception {
        LocalSpark.session();
        Path models = LocalSpark.models();
        Result help = run("--help");
        assertTrue(help.out().contains("spark-predict") && help.out().contains("spark-nbody-data"), help.out());

        Path table = dir.resolve("sims.parquet");
        Result gen = run("spark-nbody-data", "--parquet", table.toString(), "--out", dir.resolve("npy").toString(),
                "--num-train", "6", "--num-valid", "2", "--num-test", "2", "--per-partition", "3", "--master", "local[2]");
        assertEquals(0, gen.exitCode(), gen.err());
        assertTrue(gen.out().contains("10 simulations (seed 43, 6 / 2 / 2) in 4 partitions"), gen.out());

        Path states = dir.resolve("states.parquet");
        LocalSpark.session().createDataFrame(SparkScoringTest.nbodyRows(new float[37 * 35]), SparkScoringTest.NBODY)
                .write().parquet(states.toString());
        Path scored = dir.resolve("scored.parquet");
        Result p = run("spark-predict", "--model", models.resolve("egnn").toString(), "--input", states.toString(),
                "--output", scored.toString(), "--batch-size", "16");
        assertEquals(0, p.exitCode(), p.err());
        assertTrue(p.out().contains("scored 37 rows with nbody/egnn"), p.out());
        assertEquals(37, LocalSpark.session().read().parquet(scored.toString()).count());

        Result wrongModel = run("spark-predict", "--model", models.resolve("c4").toString(), "--input", states.toString(),
                "--output", dir.resolve("x.parquet").toString());
        assertEquals(1, wrongModel.exitCode());
        assertTrue(wrongModel.err().startsWith("equivariant4j: error: the table has no column 'image' that rotmnist/c4"
                + " reads"), wrongModel.err());
        Result neither = run("spark-nbody-data");
        assertEquals(1, neither.exitCode());
        assertTrue(neither.err().contains("give --out DIR (.npy files), --parquet PATH, or both"), neither.err());
    }
}

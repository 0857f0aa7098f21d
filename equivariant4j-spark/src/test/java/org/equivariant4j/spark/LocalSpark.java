package org.equivariant4j.spark;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.equivariant4j.cli.Main;
import org.equivariant4j.data.ChargedParticlesSimulation;
import org.equivariant4j.data.NBodyDataset;
import org.equivariant4j.data.SyntheticEthanol;
import org.equivariant4j.task.SyntheticDigits;
import picocli.CommandLine;

/** What the Spark tests share: one local[2] session and three small saved models (N-body, digits, molecules). */
final class LocalSpark {
    private static SparkSession session;
    private static Path models;

    private LocalSpark() {}

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder().master("local[2]").appName("equivariant4j-tests")
                    .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
            session.sparkContext().setLogLevel("ERROR");
        }
        return session;
    }

    /** A folder with models egnn (nbody), c4 (rotmnist) and schnet (md17), each trained for one epoch on little data. */
    static synchronized Path models() throws Exception {
        if (models == null) {
            Path dir = Files.createTempDirectory("equivariant4j-spark-models");
            dir.toFile().deleteOnExit();
            Path nbody = dir.resolve("nbody");
            NBodyDataset.simulate(43, 100, 20, 20, ChargedParticlesSimulation.Config.defaults(), 2).save(nbody,
                    NBodyDataset.DEFAULT_SUFFIX);
            run("nbody", "--model", "egnn", "--epochs", "1", "--train-size", "100", "--quiet", "--data", nbody.toString(),
                    "--out", dir.resolve("out-nbody").toString(), "--save", dir.resolve("models").toString());
            Path mnist = dir.resolve("mnist");
            SyntheticDigits.writeTestSet(mnist, SyntheticDigits.digits(64 + 16 + 16, 2));
            run("rotmnist", "--model", "c4", "--epochs", "1", "--data", mnist.toString(), "--train-size", "64",
                    "--valid-size", "16", "--test-size", "16", "--batch-size", "32", "--angle-step", "0", "--quiet",
                    "--out", dir.resolve("out-mnist").toString(), "--save", dir.resolve("models").toString());
            Path xyz = SyntheticEthanol.write(dir.resolve("ethanol.xyz"), 40, 0.05, 3);
            run("md17", "--model", "schnet", "--data", xyz.toString(), "--epochs", "1", "--train", "20", "--valid", "10",
                    "--test", "10", "--md-steps", "10", "--quiet", "--out", dir.resolve("out-md17").toString(),
                    "--save", dir.resolve("models").toString());
            models = dir.resolve("models");
        }
        return models;
    }

    private static void run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setErr(new PrintWriter(err));
        cmd.setOut(new PrintWriter(new StringWriter()));
        int code = cmd.execute(args);
        if (code != 0) {
            throw new IllegalStateException(String.join(" ", args) + " failed: " + err);
        }
    }
}

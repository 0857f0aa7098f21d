package org.equivariant4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.equivariant4j.data.ChargedParticlesSimulation;
import org.equivariant4j.data.NBodyDataset;
import org.equivariant4j.data.Npy;
import org.equivariant4j.task.NBodyTask;
import org.equivariant4j.task.Results;
import org.equivariant4j.task.StopSignal;
import org.equivariant4j.task.TrainingRecipe;
import org.equivariant4j.task.TrainingStopped;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NBodyCommandTest {
    @TempDir
    static Path shared;
    static Path data;

    @BeforeAll
    static void simulate() {
        data = shared.resolve("data");
        NBodyDataset.simulate(43, 200, 100, 100, ChargedParticlesSimulation.Config.defaults(), 2)
                .save(data, NBodyDataset.DEFAULT_SUFFIX);
    }

    /** The results JSON without its timings (the only values that may differ between equal runs). */
    static JsonNode withoutTimings(Path json) throws Exception {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        for (JsonNode m : root.get("models")) {
            ((ObjectNode) m).remove("seconds_per_epoch");
        }
        return root;
    }

    @Test
    void runsOnGivenDataWritesJsonPlotAndModelsThatPredictAsTrained(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Path models = dir.resolve("models");
        MainTest.Result r = MainTest.run("nbody", "--model", "all", "--epochs", "1", "--train-size", "200", "--quiet",
                "--data", data.toString(), "--out", out.toString(), "--save", models.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("egnn") && r.out().contains("linear") && r.out().contains("test_mse"), r.out());
        assertTrue(r.out().contains("5 particles, 49 frames (30 -> 40); train 200, valid 100, test 100"), r.out());
        Results results = Results.read(out.resolve("results.json"));
        assertEquals("nbody", results.task());
        assertEquals(NBodyTask.DEFAULT_MODELS.size(), results.models().size());
        assertEquals(2, ((Number) results.config().get("data_parallel_workers")).intValue(), results.config().toString());
        for (Results.ModelResult m : results.models()) {
            assertTrue(m.metrics().keySet().containsAll(List.of("test_mse", "valid_mse", "equivariance_error")), m.toString());
        }
        assertTrue(Files.size(out.resolve("learning_curves.png")) > 1000);
        assertFalse(Files.exists(out.resolve("checkpoints")), "a completed run leaves no checkpoints");
        // predict repeats, through the command line, the predictions made at the end of training, bit for bit
        for (String m : NBodyTask.DEFAULT_MODELS) {
            Path model = models.resolve(m);
            Path predictions = dir.resolve(m + ".npy");
            MainTest.Result p = MainTest.run("predict", "--model", model.toString(), "--input",
                    model.resolve("example_input.npy").toString(), "--output", predictions.toString());
            assertEquals(0, p.exitCode(), p.err());
            assertTrue(p.out().contains("(100, 5, 3)") && p.out().contains("predicted positions of nbody/" + m), p.out());
            assertTrue(java.util.Arrays.equals(Files.readAllBytes(model.resolve("example_predictions.npy")),
                    Files.readAllBytes(predictions)), m + ": the same bytes");
        }
        // the same seed and threads give the same metrics, bit for bit
        Path again = dir.resolve("again");
        MainTest.Result r2 = MainTest.run("nbody", "--model", "all", "--epochs", "1", "--train-size", "200", "--quiet",
                "--data", data.toString(), "--out", again.toString());
        assertEquals(0, r2.exitCode(), r2.err());
        JsonNode a = withoutTimings(out.resolve("results.json"));
        ((ObjectNode) a).remove("config");
        JsonNode b = withoutTimings(again.resolve("results.json"));
        ((ObjectNode) b).remove("config");
        assertEquals(a, b);
    }

    /**
     * A run interrupted (here: stopped through the recipe, as Ctrl-C does; scripts/resume-test.sh sends a real SIGINT) is
     * continued by --resume to the result of an uninterrupted run; without --resume its checkpoints are not overwritten.
     */
    @Test
    void resumeFinishesAnInterruptedRunAsIfUninterrupted(@TempDir Path dir) throws Exception {
        String[] common = {"nbody", "--model", "egnn", "--epochs", "3", "--train-size", "200", "--quiet", "--threads", "1",
            "--data", data.toString()};
        Path full = dir.resolve("full");
        assertEquals(0, MainTest.run(concat(common, "--out", full.toString())).exitCode());

        // the interrupted run's checkpoint, written where the command keeps them
        Path out = dir.resolve("out");
        NBodyDataset ds = NBodyDataset.load(data);
        NBodyTask.Splits splits = new NBodyTask.Splits(ds.train(200), ds.valid(2000), ds.test(2000), data.toString());
        StopSignal stop = new StopSignal();
        assertThrows(TrainingStopped.class, () -> NBodyTask.train("egnn", splits, NBodyTask.settings(3, 1, 1, 1),
                new TrainingRecipe.Listener() {
                    @Override
                    public void stepDone(int epoch, int step, double loss) {
                        if (epoch == 2 && step == 1) {
                            stop.request();
                        }
                    }
                }, new TrainingRecipe.Checkpointing(out.resolve("checkpoints/egnn.ckpt"), 10, false, stop), null));

        MainTest.Result fresh = MainTest.run(concat(common, "--out", out.toString()));
        assertEquals(1, fresh.exitCode());
        assertTrue(fresh.err().contains("holds checkpoints of an interrupted run (egnn.ckpt): add --resume"), fresh.err());
        MainTest.Result resumed = MainTest.run(concat(common, "--out", out.toString(), "--resume"));
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertEquals(withoutTimings(full.resolve("results.json")).get("models"),
                withoutTimings(out.resolve("results.json")).get("models"));
        assertFalse(Files.exists(out.resolve("checkpoints")), "the completed run removed its checkpoints");
        MainTest.Result again = MainTest.run(concat(common, "--out", out.toString(), "--resume"));
        assertEquals(1, again.exitCode());
        assertTrue(again.err().contains("--resume: no checkpoint in"), again.err());
    }

    static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** Every bad input is one clear line, and it comes before any training (no results are written). */
    @Test
    void badInputIsOneClearLineBeforeAnyWork(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Path nan = dir.resolve("nan");
        NBodyDataset.load(data).save(nan, NBodyDataset.DEFAULT_SUFFIX);
        double[] loc = Npy.read(NBodyDataset.file(nan, "loc", NBodyDataset.Part.VALID, NBodyDataset.DEFAULT_SUFFIX)).asDoubles();
        loc[7] = Double.NaN;
        Npy.write(NBodyDataset.file(nan, "loc", NBodyDataset.Part.VALID, NBodyDataset.DEFAULT_SUFFIX), loc, 100, 49, 3, 5);
        Path ckptOut = dir.resolve("with-checkpoints");
        Files.createDirectories(ckptOut.resolve("checkpoints"));
        Files.writeString(ckptOut.resolve("checkpoints/egnn.ckpt"), "x");
        String d = data.toString();
        Object[][] cases = {
            {new String[] {"--model", "transformer"}, "--model must be one of [linear, gnn, egnn, segnn, segnn-ref, ponita, ponita-se3]"},
            {new String[] {"--data", dir.resolve("missing").toString()}, "is not a folder"},
            {new String[] {"--threads", "0", "--data", d}, "--threads must be >= 1, got 0"},
            {new String[] {"--threads", "4096", "--data", d}, "exceeds the"},
            {new String[] {"--epochs", "0", "--data", d}, "--epochs must be >= 1, got 0"},
            {new String[] {"--train-size", "50", "--data", d}, "--train-size must be at least one batch (100), got 50"},
            {new String[] {"--train-size", "5000", "--data", d}, "--train-size 5000 but the data has only 200 training systems"},
            {new String[] {"--eval-interval", "0", "--data", d}, "--eval-interval must be >= 1, got 0"},
            {new String[] {"--checkpoint-every", "-1", "--data", d}, "--checkpoint-every must be >= 0, got -1"},
            {new String[] {"--out", file.toString(), "--data", d}, "is a file; expected a folder"},
            {new String[] {"--json", dir.toString(), "--data", d}, "is a folder; expected a file path"},
            {new String[] {"--json", "", "--data", d}, "needs a file path"},
            {new String[] {"--save", file.toString(), "--data", d}, "--save " + file + " is a file"},
            {new String[] {"--out", ckptOut.toString(), "--data", d}, "holds checkpoints of an interrupted run"},
            {new String[] {"--resume", "--data", d}, "--resume: no checkpoint in"},
            {new String[] {"--train-size", "200", "--data", nan.toString()}, "element (0, 0, 1, 2) is NaN; expected finite values"},
            {new String[] {"--init", "numpy", "--data", d}, "--init must be java or torch, got 'numpy'"},
            {new String[] {"--init", "torch", "--data", d}, "--init torch draws the initial weights of segnn and segnn-ref only,"
                    + " but --model includes gnn"},
            {new String[] {"--init", "torch", "--model", "segnn,egnn", "--data", d}, "but --model includes egnn"},
        };
        for (Object[] c : cases) {
            String[] args = (String[]) c[0];
            Path out = dir.resolve("out-" + Math.abs(java.util.Arrays.hashCode(args)));
            String[] all = args[0].equals("--out") ? concat(new String[] {"nbody", "--quiet", "--epochs", "1"}, args)
                    : concat(concat(new String[] {"nbody", "--quiet"}, args), "--out", out.toString());
            MainTest.Result r = MainTest.run(all);
            assertNotEquals(0, r.exitCode(), String.join(" ", args));
            assertEquals(1, r.err().strip().lines().count(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().contains((String) c[1]), String.join(" ", args) + ": " + r.err());
            assertFalse(Files.exists(out.resolve("results.json")), "nothing trained for " + String.join(" ", args));
        }
    }
}

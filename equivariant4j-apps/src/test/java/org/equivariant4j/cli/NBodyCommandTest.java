package org.equivariant4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.equivariant4j.data.ChargedParticlesSimulation;
import org.equivariant4j.data.NBodyDataset;
import org.equivariant4j.task.Results;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NBodyCommandTest {

    @Test
    void runsOnGivenDataAndWritesJsonAndPlot(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        NBodyDataset.simulate(43, 200, 100, 100, ChargedParticlesSimulation.Config.defaults(), 2)
                .save(data, NBodyDataset.DEFAULT_SUFFIX);
        Path out = dir.resolve("out");
        MainTest.Result r = MainTest.run("nbody", "--model", "all", "--epochs", "1", "--train-size", "200", "--quiet",
                "--data", data.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("egnn") && r.out().contains("linear") && r.out().contains("test_mse"), r.out());
        Results results = Results.read(out.resolve("results.json"));
        assertEquals("nbody", results.task());
        assertEquals(3, results.models().size());
        assertEquals(2, ((Number) results.config().get("data_parallel_workers")).intValue(), results.config().toString());
        for (Results.ModelResult m : results.models()) {
            assertTrue(m.metrics().keySet().containsAll(java.util.List.of("test_mse", "valid_mse", "equivariance_error")), m.toString());
        }
        assertTrue(Files.size(out.resolve("learning_curves.png")) > 1000);
    }

    @Test
    void badInputIsOneClearLine(@TempDir Path dir) {
        MainTest.Result r = MainTest.run("nbody", "--model", "transformer");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("--model must be one of") && r.err().lines().count() == 1, r.err());
        r = MainTest.run("nbody", "--data", dir.resolve("missing").toString(), "--quiet");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("missing"), r.err());
        r = MainTest.run("nbody", "--threads", "0", "--quiet");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("--threads must be >= 1, got 0") && r.err().lines().count() == 1, r.err());
    }
}

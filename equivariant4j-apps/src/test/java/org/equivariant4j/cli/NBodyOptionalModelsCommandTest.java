package org.equivariant4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.equivariant4j.data.ChargedParticlesSimulation;
import org.equivariant4j.data.NBodyDataset;
import org.equivariant4j.task.Results;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The N-body models that {@code --model all} leaves out (SEGNN on both inputs, the lifted ones) through the command
 * line: each trains, reports, saves, and predicts as it trained.
 */
class NBodyOptionalModelsCommandTest {
    @ParameterizedTest
    @CsvSource({"segnn, SEGNN_G+P", "segnn-ref, centred on the mean of its own", "ponita, position-orientation space",
        "ponita-se3, lifted to SE(3)"})
    void trainsSavesAndPredictsBitForBit(String name, String description, @TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        NBodyDataset.simulate(43, 200, 100, 100, ChargedParticlesSimulation.Config.defaults(), 2)
                .save(data, NBodyDataset.DEFAULT_SUFFIX);
        Path out = dir.resolve("out");
        Path models = dir.resolve("models");
        MainTest.Result r = MainTest.run("nbody", "--model", name, "--epochs", "1", "--train-size", "200", "--quiet",
                "--data", data.toString(), "--out", out.toString(), "--save", models.toString());
        assertEquals(0, r.exitCode(), r.err());
        Results results = Results.read(out.resolve("results.json"));
        assertEquals(1, results.models().size());
        Results.ModelResult m = results.models().get(0);
        assertEquals(name, m.name());
        assertTrue(m.metrics().get("test_mse") < 0.3 && m.metrics().get("equivariance_error") < 0.1, m.toString());
        Path model = models.resolve(name);
        assertTrue(Files.readString(model.resolve("model.json")).contains(description));
        Path predictions = dir.resolve("p.npy");
        MainTest.Result p = MainTest.run("predict", "--model", model.toString(), "--input",
                model.resolve("example_input.npy").toString(), "--output", predictions.toString());
        assertEquals(0, p.exitCode(), p.err());
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(model.resolve("example_predictions.npy")),
                Files.readAllBytes(predictions)));
    }

    /** {@code --init torch}: SEGNN starts from PyTorch's draw (NBodySegnnReferenceTest), and the run says so. */
    @Test
    void torchInitialWeightsAreRecordedInResultsAndCard(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        NBodyDataset.simulate(43, 100, 100, 100, ChargedParticlesSimulation.Config.defaults(), 2)
                .save(data, NBodyDataset.DEFAULT_SUFFIX);
        Path out = dir.resolve("out");
        Path models = dir.resolve("models");
        MainTest.Result r = MainTest.run("nbody", "--model", "segnn", "--init", "torch", "--seed", "42", "--epochs", "1",
                "--train-size", "100", "--quiet", "--data", data.toString(), "--out", out.toString(), "--save",
                models.toString());
        assertEquals(0, r.exitCode(), r.err());
        Results results = Results.read(out.resolve("results.json"));
        assertEquals("torch", results.config().get("initial_weights"));
        assertTrue(results.models().get(0).metrics().get("equivariance_error") < 1e-4, results.models().get(0).toString());
        JsonNode training = new ObjectMapper().readTree(models.resolve("segnn/model.json").toFile()).get("training");
        assertEquals("torch", training.get("initial_weights").asText(), training.toString());
    }
}

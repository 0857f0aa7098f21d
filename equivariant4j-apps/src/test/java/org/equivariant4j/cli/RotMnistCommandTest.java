package org.equivariant4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.task.SyntheticDigits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotMnistCommandTest {

    @Test
    void unknownModelIsOneClearLine(@TempDir Path dir) {
        MainTest.Result r = MainTest.run("rotmnist", "--model", "resnet", "--data", dir.toString());
        assertEquals(1, r.exitCode());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--model must be one of [cnn, c4, c8, d4]") && r.err().contains("got 'resnet'"), r.err());
        MainTest.Result list = MainTest.run("rotmnist", "--model", "c4,x9", "--data", dir.toString());
        assertEquals(1, list.exitCode());
        assertTrue(list.err().contains("got 'x9'"), list.err());
    }

    @Test
    void missingDataFolderSaysWhereItLookedAndHowToFixIt(@TempDir Path dir) {
        Path missing = dir.resolve("no-mnist-here");
        MainTest.Result r = MainTest.run("rotmnist", "--model", "c4", "--data", missing.toString());
        assertEquals(1, r.exitCode());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(missing.toString()) && r.err().contains("not found") && r.err().contains("--data DIR"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        // a folder without the files
        MainTest.Result empty = MainTest.run("rotmnist", "--data", dir.toString());
        assertEquals(1, empty.exitCode());
        assertTrue(empty.err().contains("has no t10k-images-idx3-ubyte.gz"), empty.err());
        // bad numbers
        MainTest.Result epochs = MainTest.run("rotmnist", "--epochs", "0", "--data", dir.toString());
        assertEquals(1, epochs.exitCode());
        assertTrue(epochs.err().contains("--epochs must be >= 1, got 0"), epochs.err());
    }

    @Test
    void defaultDataFolderIsNextToTheRepository() {
        String root = System.getProperty("equivariant4j.root");
        if (root != null) {
            assertEquals(Path.of(root).resolve("../shared/data/mnist").toAbsolutePath().normalize(), RotMnistCommand.defaultDataDir());
        }
        assertTrue(RotMnistCommand.defaultDataDir().endsWith(Path.of("shared", "data", "mnist")));
    }

    @Test
    void tinyEndToEndRunWritesTableJsonAndPlot(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("mnist");
        SyntheticDigits.writeTestSet(data, SyntheticDigits.digits(128 + 64 + 64, 2));
        Path out = dir.resolve("out");
        MainTest.Result r = MainTest.run("rotmnist", "--model", "cnn,c4", "--epochs", "1", "--data", data.toString(),
                "--train-size", "128", "--valid-size", "64", "--test-size", "64", "--angle-step", "90", "--batch-size", "32",
                "--out", out.toString(), "--quiet", "--seed", "4");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("upright") && r.out().contains("rotated") && r.out().contains("params"), r.out());
        assertTrue(r.out().contains("c4") && r.out().contains("37594"), r.out());
        Path png = out.resolve("accuracy_vs_angle.png");
        assertTrue(Files.size(png) > 1000, "plot written");
        JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEquals("rotmnist", json.get("task").asText());
        assertEquals(4, json.get("config").get("seed").asInt());
        assertEquals(128, json.get("config").get("train_size").asInt());
        List<String> names = new ArrayList<>();
        for (JsonNode m : json.get("models")) {
            names.add(m.get("name").asText());
            assertTrue(m.get("params").asLong() > 30_000);
            assertTrue(m.get("seconds_per_epoch").asDouble() > 0);
            assertEquals(1, m.get("epochs").asInt());
            JsonNode metrics = m.get("metrics");
            for (String k : List.of("accuracy_upright", "accuracy_rotated", "valid_accuracy", "best_epoch")) {
                assertTrue(metrics.has(k), "metric " + k + " in " + metrics);
            }
            double acc = metrics.get("accuracy_rotated").asDouble();
            assertTrue(acc >= 0 && acc <= 1, metrics.toString());
        }
        assertEquals(List.of("cnn", "c4"), names);
    }
}

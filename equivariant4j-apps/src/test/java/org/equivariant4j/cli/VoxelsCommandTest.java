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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VoxelsCommandTest {

    @Test
    void tinyEndToEndRunWritesTableJsonConfusionAndPlot(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        MainTest.Result r = MainTest.run("voxels", "--model", "cnn,o3", "--epochs", "1", "--train-per-class", "2",
                "--valid-per-class", "1", "--test-per-class", "2", "--sweep-per-class", "1", "--angle-step", "90",
                "--batch-size", "8", "--out", out.toString(), "--quiet", "--seed", "3");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("train 24 and valid 12 (canonical, noisy), test 24 (random rotations)"), r.out());
        assertTrue(r.out().contains("model") && r.out().contains("rotated") && r.out().contains("inv. cube"), r.out());
        assertTrue(r.out().contains("o3 confusion on rotated shapes: mirror images taken for each other: chiral_1 <-> chiral_2"),
                r.out());
        assertTrue(Files.size(out.resolve("accuracy_vs_angle.png")) > 1000, "plot written");
        List<String> csv = Files.readAllLines(out.resolve("confusion_o3.csv"));
        assertEquals(13, csv.size());
        assertTrue(csv.get(0).startsWith("true\\predicted,chiral_1,chiral_2,square"), csv.get(0));
        JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEquals("voxels", json.get("task").asText());
        assertEquals(3, json.get("config").get("seed").asInt());
        assertFalse(json.get("config").get("train_rotated").asBoolean());
        assertEquals(12, json.get("config").get("classes").size());
        List<String> names = new ArrayList<>();
        for (JsonNode m : json.get("models")) {
            names.add(m.get("name").asText());
            assertTrue(m.get("params").asLong() > 0);
            assertEquals(1, m.get("epochs").asInt());
            JsonNode metrics = m.get("metrics");
            double acc = metrics.get("accuracy_rotated").asDouble();
            assertTrue(acc >= 0 && acc <= 1, metrics.toString());
            double cube = metrics.get("invariance_error_cube").asDouble();
            assertTrue("o3".equals(m.get("name").asText()) ? cube < 1e-5 : cube > 1e-2, m.get("name") + ": " + cube);
        }
        assertEquals(List.of("cnn", "o3"), names);
    }

    @Test
    void badOptionsAreOneClearLineBeforeAnyWork(@TempDir Path dir) {
        String[][] cases = {
            {"--model", "resnet", "--model must be one of [cnn, octa, so3, o3]"},
            {"--epochs", "0", "--epochs must be >= 1, got 0"},
            {"--lr", "5", "--lr must be a finite learning rate in (0, 1], got 5.0"},
            {"--angle-step", "0", "--angle-step must be between 1 and 180 degrees, got 0.0"},
            {"--sweep-per-class", "99", "--sweep-per-class (99) cannot exceed --test-per-class (50)"},
            {"--batch-size", "1000", "the training set (480 shapes) is smaller than one batch (--batch-size 1000)"},
            {"--threads", "9999", "exceeds the"},
        };
        for (String[] c : cases) {
            Path out = dir.resolve("out");
            MainTest.Result r = MainTest.run("voxels", "--quiet", "--out", out.toString(), c[0], c[1]);
            assertEquals(1, r.exitCode(), c[0] + " " + c[1]);
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(c[2]), c[0] + " " + c[1] + ": " + r.err());
            assertFalse(Files.exists(out.resolve("results.json")), "nothing trained");
        }
        MainTest.Result help = MainTest.run("voxels", "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.err().isEmpty(), help.err());
        String text = help.out().replaceAll("\\s+", " ");
        assertTrue(text.contains("--train-rotated") && text.contains("cosine-decayed to 1% (default: 5e-3)")
                && text.contains("1 for rotmnist and voxels"), help.out());
    }
}

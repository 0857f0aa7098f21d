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
        MainTest.Result r = MainTest.run("rotmnist", "--model", "resnet", "--data", dir.toString(), "--out", dir.resolve("out").toString());
        assertEquals(1, r.exitCode());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--model must be one of [cnn, c4, c8, d4, c8-steerable, c16, so2, o2]") && r.err().contains("got 'resnet'"), r.err());
        MainTest.Result list = MainTest.run("rotmnist", "--model", "c4,x9", "--data", dir.toString(), "--out", dir.resolve("out").toString());
        assertEquals(1, list.exitCode());
        assertTrue(list.err().contains("got 'x9'"), list.err());
    }

    @Test
    void missingDataFolderSaysWhereItLookedAndHowToFixIt(@TempDir Path dir) {
        Path missing = dir.resolve("no-mnist-here");
        MainTest.Result r = MainTest.run("rotmnist", "--model", "c4", "--data", missing.toString(), "--out", dir.resolve("out").toString());
        assertEquals(1, r.exitCode());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(missing.toString()) && r.err().contains("not found") && r.err().contains("--data DIR"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        // a folder without the files
        MainTest.Result empty = MainTest.run("rotmnist", "--data", dir.toString(), "--out", dir.resolve("out").toString());
        assertEquals(1, empty.exitCode());
        assertTrue(empty.err().contains("has no t10k-images-idx3-ubyte.gz"), empty.err());
        // bad numbers
        MainTest.Result epochs = MainTest.run("rotmnist", "--epochs", "0", "--data", dir.toString(), "--out", dir.resolve("out").toString());
        assertEquals(1, epochs.exitCode());
        assertTrue(epochs.err().contains("--epochs must be >= 1, got 0"), epochs.err());
        // a pooling blur: a finite sigma in [0, 2], for the steerable models only (refused before the data is read)
        for (String bad : new String[] {"-1", "NaN", "2.5"}) {
            MainTest.Result blur = MainTest.run("rotmnist", "--model", "so2", "--pool-blur", bad, "--data", missing.toString(),
                    "--out", dir.resolve("out").toString());
            assertEquals(1, blur.exitCode());
            assertTrue(blur.err().contains("--pool-blur must be a Gaussian sigma between 0 (no blur) and 2.0 pixels, got "
                    + Double.parseDouble(bad)), blur.err());
        }
        MainTest.Result regular = MainTest.run("rotmnist", "--pool-blur", "0.66", "--data", missing.toString(),
                "--out", dir.resolve("out").toString());
        assertEquals(1, regular.exitCode());
        assertTrue(regular.err().contains("--pool-blur applies to the steerable models [c8-steerable, c16, so2, o2], not to"
                + " [cnn, c4, c8, d4]; choose them with --model"), regular.err());
        MainTest.Result padded = MainTest.run("rotmnist", "--model", "c4,so2", "--pad-background", "--data",
                missing.toString(), "--out", dir.resolve("out").toString());
        assertEquals(1, padded.exitCode());
        assertTrue(padded.err().contains("--pad-background applies to the steerable models [c8-steerable, c16, so2, o2], not"
                + " to [c4]; choose them with --model"), padded.err());
        MainTest.Result both = MainTest.run("rotmnist", "--model", "so2", "--pad-background", "--pool-blur", "0.66", "--data",
                missing.toString(), "--out", dir.resolve("out").toString());
        assertEquals(1, both.exitCode());
        assertTrue(both.err().contains("--pad-background and --pool-blur cannot be combined"), both.err());
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

    /** Numbers out of range and data the models cannot take: one clear line each, before any training. */
    @Test
    void badNumbersAndImageSizesAreOneClearLine(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("mnist");
        SyntheticDigits.writeTestSet(data, SyntheticDigits.digits(128 + 64 + 64, 2));
        Path small = dir.resolve("small");
        java.nio.file.Files.createDirectories(small);
        org.equivariant4j.data.MnistIdx.writeImages(small.resolve("t10k-images-idx3-ubyte"),
                new org.equivariant4j.data.MnistIdx.Images(300, 20, 20, new byte[300 * 400]));
        java.nio.file.Files.write(small.resolve("t10k-labels-idx1-ubyte"), java.nio.ByteBuffer.allocate(8 + 300)
                .putInt(org.equivariant4j.data.MnistIdx.LABELS_MAGIC).putInt(300).array());
        String d = data.toString();
        String[][] cases = {
            {"--lr", "NaN", "--lr must be a finite learning rate in (0, 1], got NaN"},
            {"--lr", "5", "--lr must be a finite learning rate in (0, 1], got 5.0"},
            {"--lr", "0", "--lr must be a finite learning rate in (0, 1], got 0.0"},
            {"--angle-step", "0.001", "--angle-step must be 0 (no sweep) or between 1.0 and 360 degrees"},
            {"--angle-step", "-5", "--angle-step must be 0 (no sweep) or between 1.0 and 360 degrees"},
            {"--batch-size", "1", "--batch-size must be >= 2, got 1"},
            {"--train-size", "32", "--train-size 32 is smaller than one batch (--batch-size 64)"},
            {"--test-size", "0", "must be >= 1, got 128, 64, 0"},
            {"--threads", "9999", "exceeds the"},
            {"--valid-size", "9999", "the splits need 128 + 9999 + 64"},
        };
        for (String[] c : cases) {
            java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
            options.put("--model", "c4");
            options.put("--epochs", "1");
            options.put("--data", d);
            options.put("--train-size", "128");
            options.put("--valid-size", "64");
            options.put("--test-size", "64");
            options.put("--out", dir.resolve("out").toString());
            options.put(c[0], c[1]);
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("rotmnist", "--quiet"));
            options.forEach((k, v) -> {
                args.add(k);
                args.add(v);
            });
            MainTest.Result r = MainTest.run(args.toArray(new String[0]));
            assertEquals(1, r.exitCode(), c[0] + " " + c[1]);
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(c[2]), c[0] + " " + c[1] + ": " + r.err());
        }
        MainTest.Result r = MainTest.run("rotmnist", "--model", "c4", "--data", small.toString(), "--train-size", "100",
                "--valid-size", "100", "--test-size", "100", "--quiet", "--out", dir.resolve("out").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("need square images with an even side of at least 22 pixels (MNIST: 28×28), got 20×20"),
                r.err());
        assertFalse(java.nio.file.Files.exists(dir.resolve("out/results.json")), "nothing trained");
        // --help formats cleanly (no picocli warnings about '%')
        MainTest.Result help = MainTest.run("rotmnist", "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.err().isEmpty(), help.err());
        assertTrue(help.out().replaceAll("\\s+", " ").contains("cosine-decayed to 1% (default: 3e-3)"), help.out());
    }
}

package org.equivariant4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.equivariant4j.data.ChargedParticlesSimulation;
import org.equivariant4j.data.MnistIdx;
import org.equivariant4j.data.NBodyDataset;
import org.equivariant4j.data.Npy;
import org.equivariant4j.task.SyntheticDigits;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** predict: models saved by both tasks, their inputs (.npy, IDX, PNG), and every card or input it must refuse. */
class PredictCommandTest {
    @TempDir
    static Path dir;
    static Path egnn;
    static Path c4;

    @BeforeAll
    static void trainAndSave() throws Exception {
        Path data = dir.resolve("nbody");
        NBodyDataset.simulate(43, 100, 20, 20, ChargedParticlesSimulation.Config.defaults(), 2).save(data,
                NBodyDataset.DEFAULT_SUFFIX);
        MainTest.Result r = MainTest.run("nbody", "--model", "egnn", "--epochs", "1", "--train-size", "100", "--quiet",
                "--data", data.toString(), "--out", dir.resolve("out-nbody").toString(), "--save", dir.resolve("models").toString());
        assertEquals(0, r.exitCode(), r.err());
        Path mnist = dir.resolve("mnist");
        SyntheticDigits.writeTestSet(mnist, SyntheticDigits.digits(64 + 16 + 16, 2));
        r = MainTest.run("rotmnist", "--model", "c4", "--epochs", "1", "--data", mnist.toString(), "--train-size", "64",
                "--valid-size", "16", "--test-size", "16", "--batch-size", "32", "--angle-step", "0", "--quiet",
                "--out", dir.resolve("out-mnist").toString(), "--save", dir.resolve("models").toString());
        assertEquals(0, r.exitCode(), r.err());
        egnn = dir.resolve("models/egnn");
        c4 = dir.resolve("models/c4");
    }

    private static MainTest.Result predict(Path model, Path input, Path output) {
        return MainTest.run("predict", "--model", model.toString(), "--input", input.toString(), "--output", output.toString());
    }

    @Test
    void newNBodyStatesOfAnyParticleCountAndImagesAsIdxOrPng() throws Exception {
        // 2 systems of 3 particles, float64
        double[] states = new double[2 * 3 * 7];
        for (int i = 0; i < states.length; i++) {
            states[i] = Math.sin(i);
        }
        Path in = dir.resolve("three.npy");
        Npy.write(in, states, 2, 3, 7);
        Path out = dir.resolve("three-out.npy");
        MainTest.Result r = predict(egnn, in, out);
        assertEquals(0, r.exitCode(), r.err());
        assertArrayEquals(new int[] {2, 3, 3}, Npy.read(out).shape());

        // a PNG of the first example digit gives the same probabilities as that digit in the IDX example
        MnistIdx.Images images = MnistIdx.readImages(c4.resolve("example_input.idx"));
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 28; i++) {
            for (int j = 0; j < 28; j++) {
                int v = images.pixel(0, i, j);
                img.getRaster().setSample(j, i, 0, v);
            }
        }
        Path png = dir.resolve("digit.png");
        javax.imageio.ImageIO.write(img, "png", png.toFile());
        Path pngOut = dir.resolve("digit.npy");
        r = predict(c4, png, pngOut);
        assertEquals(0, r.exitCode(), r.err());
        float[] fromPng = Npy.read(pngOut).asFloats();
        float[] example = Npy.read(c4.resolve("example_predictions.npy")).asFloats();
        assertEquals(10, fromPng.length);
        for (int k = 0; k < 10; k++) {
            assertEquals(example[k], fromPng[k], 1e-6f, "class " + k);
        }
        Path idxOut = dir.resolve("idx.npy");
        r = predict(c4, c4.resolve("example_input.idx"), idxOut);
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(idxOut), Files.readAllBytes(c4.resolve("example_predictions.npy"))));
    }

    /** Cards it does not understand, damaged parameters and inputs the model cannot take: one clear line each. */
    @Test
    void refusesWhatItDoesNotUnderstand() throws Exception {
        Path out = dir.resolve("refused.npy");
        String card = Files.readString(egnn.resolve("model.json"));
        Object[][] cards = {
            {"{ not json", "is not valid JSON of a model card"},
            {card.replace("\"equivariant4j-model\"", "\"something-else\""), "has format 'something-else'"},
            {card.replace("\"format_version\" : 1", "\"format_version\" : 7"), "has format version 7; this version of"
                    + " equivariant4j reads version 1"},
            {card.replace("\"task\" : \"nbody\"", "\"task\" : \"weather\""), "unknown task 'weather'"},
            {card.replace("\"model\" : \"egnn\"", "\"model\" : \"tfn\""), "unknown nbody model 'tfn'"},
            {card.replace("\"hidden\" : 64", "\"hidden\" : 32"), "this version builds it as"},
            {card.replace("\"parameters_crc32c\" : \"", "\"parameters_crc32c\" : \"0"), "is damaged: CRC-32C"},
        };
        for (Object[] c : cards) {
            Path bad = dir.resolve("bad-" + Math.abs(c[0].hashCode()));
            Files.createDirectories(bad);
            Files.copy(egnn.resolve("parameters.params"), bad.resolve("parameters.params"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(bad.resolve("model.json"), (String) c[0]);
            MainTest.Result r = predict(bad, egnn.resolve("example_input.npy"), out);
            assertEquals(1, r.exitCode(), (String) c[1]);
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains((String) c[1]), c[1] + " in " + r.err());
        }
        Path wrongShape = dir.resolve("wrong.npy");
        Npy.write(wrongShape, new double[12], 2, 6);
        Path nan = dir.resolve("nan.npy");
        double[] v = new double[14];
        v[9] = Double.NaN;
        Npy.write(nan, v, 1, 2, 7);
        Path small = dir.resolve("small.idx");
        MnistIdx.writeImages(small, new MnistIdx.Images(1, 20, 20, new byte[400]));
        Object[][] inputs = {
            {egnn, dir.resolve("missing.npy"), out, "does not exist"},
            {egnn, wrongShape, out, "expected an N-body input of shape (S, n, 7)"},
            {egnn, nan, out, "element (0, 1, 2) is NaN"},
            {egnn, egnn.resolve("example_input.npy"), dir, "is a folder; expected a file path"},
            {egnn, egnn.resolve("example_input.npy"), egnn.resolve("example_input.npy"), "is the input file"},
            {c4, small, out, "the model was trained on 28×28 images, got 20×20"},
            {c4, egnn.resolve("model.json"), out, "not an IDX images file"},
            {dir.resolve("nowhere"), egnn.resolve("example_input.npy"), out, "does not exist (expected a folder written by --save)"},
            {dir, egnn.resolve("example_input.npy"), out, "has no model.json"},
        };
        for (Object[] c : inputs) {
            MainTest.Result r = predict((Path) c[0], (Path) c[1], (Path) c[2]);
            assertEquals(1, r.exitCode(), (String) c[3]);
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains((String) c[3]), c[3] + " in " + r.err());
        }
        assertFalse(Files.exists(out), "nothing written");
    }
}

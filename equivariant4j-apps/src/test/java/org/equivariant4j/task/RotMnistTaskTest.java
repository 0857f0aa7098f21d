package org.equivariant4j.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.equivariant4j.data.ImageRotation;
import org.equivariant4j.data.MnistIdx;
import org.equivariant4j.model.DigitModels;
import org.equivariant4j.nn.testing.ImageActions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotMnistTaskTest {

    /** An initialised model on {@code m}, with non-trivial running statistics (one training-mode forward). */
    private static Block model(NDManager m, String name, NDArray x) {
        return model(m, name, x, DigitModels.Options.PLAIN);
    }

    /** As {@link #model(NDManager, String, NDArray)}, built with the steerable models' options. */
    private static Block model(NDManager m, String name, NDArray x, DigitModels.Options options) {
        Block b = DigitModels.build(name, 7, options);
        b.initialize(m, DataType.FLOAT32, x.getShape());
        ParameterStore ps = new ParameterStore(m, false);
        b.forward(ps, new NDList(x), true);
        return b;
    }

    private static NDArray logits(NDManager m, Block b, NDArray x, boolean training) {
        return b.forward(new ParameterStore(m, false), new NDList(x), training).singletonOrThrow();
    }

    private static double relativeError(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat() / b.abs().max().getFloat();
    }

    private static void assertInvariant(String name, List<UnaryOperator<NDArray>> actions) {
        assertInvariant(name, DigitModels.Options.PLAIN, actions);
    }

    private static void assertInvariant(String name, double poolBlur, List<UnaryOperator<NDArray>> actions) {
        assertInvariant(name, new DigitModels.Options(poolBlur, false), actions);
    }

    private static void assertInvariant(String name, DigitModels.Options options, List<UnaryOperator<NDArray>> actions) {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(11);
            NDArray x = m.randomNormal(new Shape(3, 1, 28, 28));
            Block b = model(m, name, x, options);
            for (boolean training : new boolean[] {false, true}) {
                NDArray y = logits(m, b, x, training);
                assertTrue(y.abs().max().getFloat() > 1e-3, "non-trivial logits");
                for (int k = 0; k < actions.size(); k++) {
                    double err = relativeError(logits(m, b, actions.get(k).apply(x), training), y);
                    assertTrue(err < 1e-4, name + " action " + k + " (training " + training + "): relative error " + err);
                }
            }
        }
    }

    @Test
    void c4ModelIsInvariantToRot90EndToEnd() {
        assertInvariant("c4", List.of(x -> ImageActions.rot90(x, 1), x -> ImageActions.rot90(x, 2), x -> ImageActions.rot90(x, 3)));
    }

    @Test
    void d4ModelIsInvariantToRot90AndFlips() {
        assertInvariant("d4", List.of(x -> ImageActions.rot90(x, 1), ImageActions::flipX, x -> ImageActions.rot90(ImageActions.flipX(x), 1),
                x -> x.flip(2)));
    }

    @Test
    void c8ModelIsInvariantToRot90() {
        assertInvariant("c8", List.of(x -> ImageActions.rot90(x, 1), x -> ImageActions.rot90(x, 3)));
    }

    /** The steerable models end in invariant fields: invariant to rot90 (and flips for O(2)) in both modes. */
    @Test
    void steerableModelsAreInvariantToRot90AndO2AlsoToFlips() {
        List<UnaryOperator<NDArray>> quarterTurns = List.of(x -> ImageActions.rot90(x, 1), x -> ImageActions.rot90(x, 2));
        assertInvariant("c8-steerable", quarterTurns);
        assertInvariant("c16", quarterTurns);
        assertInvariant("so2", quarterTurns);
        assertInvariant("o2", List.of(x -> ImageActions.rot90(x, 1), ImageActions::flipX));
    }

    /**
     * The blur before each pooling (an isotropic Gaussian, symmetric on the grid) keeps the exact invariances: so2 and
     * c8-steerable to rot90, o2 to rot90 and flips; and it is really applied (the logits change against the same
     * weights without it). The regular models refuse it.
     */
    @Test
    void poolBlurKeepsTheExactInvariances() {
        List<UnaryOperator<NDArray>> quarterTurns = List.of(x -> ImageActions.rot90(x, 1), x -> ImageActions.rot90(x, 3));
        assertInvariant("so2", 1.0, quarterTurns);
        assertInvariant("c8-steerable", 0.66, quarterTurns);
        assertInvariant("o2", 0.7, List.of(x -> ImageActions.rot90(x, 1), ImageActions::flipX,
                x -> ImageActions.rot90(ImageActions.flipX(x), 1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DigitModels.build("c4", 1, new DigitModels.Options(0.66, false)));
        assertTrue(e.getMessage().contains("applies to the steerable models [c8-steerable, c16, so2, o2], not to 'c4'"),
                e.getMessage());
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(11);
            NDArray x = m.randomNormal(new Shape(3, 1, 28, 28));
            m.getEngine().setRandomSeed(5);
            Block plain = model(m, "so2", x, DigitModels.Options.PLAIN);
            m.getEngine().setRandomSeed(5);
            Block blurred = model(m, "so2", x, new DigitModels.Options(1.0, false));
            double err = relativeError(logits(m, blurred, x, false), logits(m, plain, x, false));
            assertTrue(err > 1e-2, "the blur changes the logits of the same weights, got " + err);
        }
    }

    /**
     * Background padding (replicate padding, then convolutions without padding, a k1 head on a 2×2 map) keeps the exact
     * invariances and is recorded in the architecture; the regular models refuse it, and so does a blur with it.
     */
    @Test
    void backgroundPaddingKeepsTheExactInvariances() {
        DigitModels.Options padded = new DigitModels.Options(0, true);
        List<UnaryOperator<NDArray>> quarterTurns = List.of(x -> ImageActions.rot90(x, 1), x -> ImageActions.rot90(x, 2));
        assertInvariant("so2", padded, quarterTurns);
        assertInvariant("c8-steerable", padded, quarterTurns);
        assertInvariant("o2", padded, List.of(x -> ImageActions.rot90(x, 1), ImageActions::flipX));
        assertEquals(true, DigitModels.architecture("so2", padded).get(DigitModels.PAD_BACKGROUND_KEY));
        assertEquals(null, DigitModels.architecture("so2", DigitModels.Options.PLAIN).get(DigitModels.PAD_BACKGROUND_KEY));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DigitModels.build("cnn", 1, padded));
        assertTrue(e.getMessage().contains("background padding applies to the steerable models [c8-steerable, c16, so2, o2],"
                + " not to 'cnn'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DigitModels.Options(0.66, true));
        assertTrue(e.getMessage().contains("background padding and a pooling blur cannot be combined"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RotMnistTask.Config(2, 1, 16, 3e-3, 90, 0.66, true));
        assertTrue(e.getMessage().contains("--pad-background and --pool-blur cannot be combined"), e.getMessage());
    }

    @Test
    void poolBlurOutsideZeroToTwoIsRefused() {
        for (double bad : new double[] {-0.5, Double.NaN, Double.POSITIVE_INFINITY, 2.5}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new RotMnistTask.Config(2, 1, 16, 3e-3, 90, bad, false));
            assertTrue(e.getMessage().contains("--pool-blur must be a Gaussian sigma between 0 (no blur) and 2.0 pixels, got "
                    + bad), e.getMessage());
        }
    }

    @Test
    void cnnIsNotInvariant() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(11);
            NDArray x = m.randomNormal(new Shape(6, 1, 28, 28));
            Block b = model(m, "cnn", x);
            double err = relativeError(logits(m, b, ImageActions.rot90(x, 1), false), logits(m, b, x, false));
            assertTrue(err > 1e-2, "a plain CNN changes its logits under rot90, got " + err);
        }
    }

    @Test
    void parameterCountsAreAsDocumentedAndClose() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, Long> expected = Map.of(
                    // conv 1→32 k5, 4 × conv 32→32 k3, BN γβ × 5, Linear 32→10
                    "cnn", 32L * 25 + 4 * 32 * 32 * 9 + 5 * 2 * 32 + 32 * 10 + 10,
                    // lifting 1→16 k5, 4 × group conv 16·4 → 16 k3, BN, Linear
                    "c4", 16L * 25 + 4 * 16 * 16 * 4 * 9 + 5 * 2 * 16 + 16 * 10 + 10,
                    "c8", 11L * 25 + 4 * 11 * 11 * 8 * 9 + 5 * 2 * 11 + 11 * 10 + 10,
                    "d4", 11L * 25 + 4 * 11 * 11 * 8 * 9 + 5 * 2 * 11 + 11 * 10 + 10);
            assertEquals(38_314L, expected.get("cnn"));
            assertEquals(37_594L, expected.get("c4"));
            assertEquals(35_353L, expected.get("c8"));
            // the steerable models: their counts as built (escnn's basis sizes for k = 5 and 3), all smaller than the CNN
            Map<String, Long> steerable = Map.of("c8-steerable", 30_936L, "c16", 27_946L, "so2", 24_312L, "o2", 21_690L);
            for (String name : RotMnistTask.MODELS) {
                Block b = RotMnistTask.newModel(name, 1);
                b.initialize(m, DataType.FLOAT32, new Shape(2, 1, 28, 28));
                long params = RotMnistTask.countParameters(b);
                if (steerable.containsKey(name)) {
                    assertEquals(steerable.get(name), params, name);
                    assertTrue(params < 38_314, name + " no larger than the CNN");
                } else {
                    assertEquals(expected.get(name), params, name);
                    assertTrue(Math.abs(params - 38_314) < 0.1 * 38_314, name + " within 10% of the CNN");
                }
                assertEquals(new Shape(2, 10), b.getOutputShapes(new Shape[] {new Shape(2, 1, 28, 28)})[0], name);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RotMnistTask.newModel("c5", 1));
        assertTrue(e.getMessage().contains("unknown rotmnist model 'c5'") && e.getMessage().contains("cnn, c4, c8, d4"),
                e.getMessage());
    }

    @Test
    void splitsAndSeededTestRotations() {
        MnistIdx.Digits d = SyntheticDigits.digits(100, 3);
        RotMnistTask.Data a = RotMnistTask.prepare(d, 50, 20, 25, 9);
        assertEquals(50, a.train().count());
        assertEquals(20, a.valid().count());
        assertEquals(25, a.testUpright().count());
        assertEquals(d.label(0), a.train().labels()[0]);
        assertEquals(d.label(50), a.valid().labels()[0]);
        assertEquals(d.label(75), a.testUpright().labels()[0], "test = the last digits");
        assertArrayEquals(d.normalizedPixels(75, 25), a.testUpright().pixels());
        for (double angle : a.testAngles()) {
            assertTrue(angle >= 0 && angle < 360, "angle " + angle);
        }
        assertArrayEquals(a.testAngles(), RotMnistTask.prepare(d, 50, 20, 25, 9).testAngles(), "same seed, same angles");
        assertTrue(a.testAngles()[0] != RotMnistTask.prepare(d, 50, 20, 25, 10).testAngles()[0], "another seed, other angles");
        assertArrayEquals(a.testUpright().rotated(a.testAngles()).pixels(), a.testRotated().pixels());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RotMnistTask.prepare(d, 70, 20, 25, 1));
        assertTrue(e.getMessage().contains("need 70 + 20 + 25 = 115 digits, the data has 100"), e.getMessage());
        // --train-rotated: training and validation digits rotated once each, by seeded angles; the test split is unchanged
        RotMnistTask.Data r = RotMnistTask.prepare(d, 50, 20, 25, 9, true, false);
        assertTrue(r.trainRotated() && !a.trainRotated());
        assertArrayEquals(a.testRotated().pixels(), r.testRotated().pixels());
        assertArrayEquals(a.train().labels(), r.train().labels());
        assertTrue(!java.util.Arrays.equals(a.train().pixels(), r.train().pixels()), "training digits are rotated");
        assertArrayEquals(r.train().pixels(), RotMnistTask.prepare(d, 50, 20, 25, 9, true, false).train().pixels(), "seeded");
        // --redraw-rotations: the training digits stay upright in the data (each batch rotates them afresh), the
        // validation digits are those of --train-rotated; without --train-rotated it is refused
        RotMnistTask.Data rr = RotMnistTask.prepare(d, 50, 20, 25, 9, true, true);
        assertTrue(rr.redrawn() && !r.redrawn());
        assertArrayEquals(a.train().pixels(), rr.train().pixels());
        assertArrayEquals(r.valid().pixels(), rr.valid().pixels());
        e = assertThrows(IllegalArgumentException.class, () -> RotMnistTask.prepare(d, 50, 20, 25, 9, false, true));
        assertTrue(e.getMessage().contains("needs rotated training"), e.getMessage());
        // a batch with angles is the rotated digits, standardised
        try (NDManager m = NDManager.newBaseManager()) {
            int[] order = {3, 0, 7};
            double[] deg = {30, 200, 90};
            float[] got = a.train().batch(m, order, 0, 3, deg).toFloatArray();
            int size = a.train().height() * a.train().width();
            for (int k = 0; k < 3; k++) {
                float[] one = rotatedDigit(a, order[k], deg[k]);
                for (int p = 0; p < size; p++) {
                    assertEquals((one[p] - RotMnistTask.PIXEL_MEAN) / RotMnistTask.PIXEL_STD, got[k * size + p], 1e-6);
                }
            }
        }
        assertArrayEquals(new double[] {0, 90, 180, 270, 360}, RotMnistTask.sweepAngles(90));
        assertEquals(25, RotMnistTask.sweepAngles(15).length);
        assertEquals(0, RotMnistTask.sweepAngles(0).length);
    }

    private static float[] rotatedDigit(RotMnistTask.Data a, int index, double degrees) {
        int size = a.train().height() * a.train().width();
        float[] img = java.util.Arrays.copyOfRange(a.train().pixels(), index * size, (index + 1) * size);
        return ImageRotation.of(a.train().height(), a.train().width(), degrees).apply(img);
    }

    @Test
    void tinyTrainingRunLowersTheLossAndWritesResults(@TempDir Path dir) throws Exception {
        MnistIdx.Digits d = SyntheticDigits.digits(128 + 32 + 32, 5);
        RotMnistTask.Data data = RotMnistTask.prepare(d, 128, 32, 32, 1);
        RotMnistTask.Config cfg = new RotMnistTask.Config(2, 1, 16, 3e-3, 90, 0, false);
        int[] batches = {0};
        RotMnistTask.Run run = RotMnistTask.train("c4", data, cfg, new TrainingRecipe.Listener() {
            @Override
            public void stepDone(int epoch, int step, double loss) {
                assertTrue(Double.isFinite(loss));
                batches[0]++;
            }
        }, null, dir.resolve("c4"), "synthetic");
        assertEquals(2 * 8, batches[0]);
        assertEquals(37_594, run.params());
        double[] loss = run.trainLoss();
        assertTrue(loss[1] < 0.9 * loss[0], "training loss per epoch should fall: " + java.util.Arrays.toString(loss));
        // (no accuracy threshold: after 16 steps the batch norms' running statistics are still mostly their initial values)
        assertTrue(run.validAccuracy() >= 0 && run.validAccuracy() <= 1, "validation accuracy " + run.validAccuracy());
        assertTrue(run.bestEpoch() >= 1 && run.bestEpoch() <= 2);
        assertEquals(run.validAccuracy(), java.util.Arrays.stream(run.validCurve()).max().orElseThrow(), 0);
        assertArrayEquals(new double[] {0, 90, 180, 270, 360}, run.sweepAngles());
        // exact C4 invariance: accuracy is the same at every multiple of 90°
        for (double acc : run.sweepAccuracy()) {
            assertEquals(run.accuracyUpright(), acc, 0, java.util.Arrays.toString(run.sweepAccuracy()));
        }
        assertTrue(run.secondsPerEpoch() > 0);

        Path json = dir.resolve("r.json");
        new Results("rotmnist", Map.of("epochs", 2), List.of(RotMnistTask.toResult(run))).write(json);
        Results back = Results.read(json);
        Results.ModelResult r = back.models().get(0);
        assertEquals("c4", r.name());
        assertEquals(List.of("accuracy_upright", "accuracy_rotated", "valid_accuracy", "best_epoch"), List.copyOf(r.metrics().keySet()));
        assertEquals(run.accuracyRotated(), r.metrics().get("accuracy_rotated"), 0);
        String text = java.nio.file.Files.readString(json);
        assertTrue(text.contains("\"seconds_per_epoch\"") && text.contains("\"accuracy_upright\""), text);

        // the saved model: its card describes the architecture, and it predicts its example input exactly as training did
        try (SavedModel model = SavedModel.load(dir.resolve("c4"))) {
            ModelCard card = model.card();
            assertEquals("rotmnist", card.task());
            assertEquals("C4", card.config().get("group"));
            assertEquals(16, ((Number) card.config().get("width")).intValue());
            assertEquals(28, ((Number) card.input().get("height")).intValue());
            assertEquals(run.accuracyRotated(), card.metrics().get("accuracy_rotated"), 0);
            org.equivariant4j.data.Npy.NpyArray expected = org.equivariant4j.data.Npy.read(dir.resolve("c4")
                    .resolve(card.examplePredictions()));
            org.equivariant4j.data.Npy.NpyArray again = model.predict(dir.resolve("c4").resolve(card.exampleInput()));
            assertArrayEquals(new int[] {32, 10}, again.shape());
            assertTrue(java.util.Arrays.equals(expected.asFloats(), again.asFloats()), "bit for bit");
            float[] p = again.asFloats();
            double sum = 0;
            for (int k = 0; k < 10; k++) {
                sum += p[k];
            }
            assertEquals(1.0, sum, 1e-5, "probabilities");
        }
    }

    /** A model trained with a pooling blur records it in its card, and the loaded model blurs as the trained one did. */
    @Test
    void savedModelKeepsItsPoolBlur(@TempDir Path dir) throws Exception {
        MnistIdx.Digits d = SyntheticDigits.digits(64 + 16 + 16, 3);
        RotMnistTask.Data data = RotMnistTask.prepare(d, 64, 16, 16, 1);
        RotMnistTask.Run run = RotMnistTask.train("c16", data, new RotMnistTask.Config(1, 1, 16, 3e-3, 0, 1.5, false),
                new TrainingRecipe.Listener() {}, null, dir.resolve("c16"), "synthetic");
        try (SavedModel model = SavedModel.load(dir.resolve("c16"))) {
            ModelCard card = model.card();
            assertEquals(1.5, ((Number) card.config().get("pool_blur_sigma")).doubleValue(), 0);
            assertEquals(27_946, run.params(), "the blur has no parameters");
            assertEquals(run.params(), card.parameters());
            org.equivariant4j.data.Npy.NpyArray expected = org.equivariant4j.data.Npy.read(dir.resolve("c16")
                    .resolve(card.examplePredictions()));
            org.equivariant4j.data.Npy.NpyArray again = model.predict(dir.resolve("c16").resolve(card.exampleInput()));
            assertTrue(java.util.Arrays.equals(expected.asFloats(), again.asFloats()), "bit for bit");
        }
        // the plain model records no blur; a configuration with one selects the blurred model; a bad one is refused
        ModelSpec plain = RotMnistTask.DEFINITION.model("c16");
        assertTrue(!plain.config().containsKey("pool_blur_sigma"), plain.config().toString());
        assertEquals(1.5, ((Number) RotMnistTask.DEFINITION.model("c16", Map.of("pool_blur_sigma", 1.5)).config()
                .get("pool_blur_sigma")).doubleValue(), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RotMnistTask.DEFINITION.model("c16", Map.of("pool_blur_sigma", -1.0)));
        assertTrue(e.getMessage().contains("got -1.0"), e.getMessage());
    }

    /** A model trained with background padding records it, and the loaded model predicts bit for bit as trained. */
    @Test
    void savedModelKeepsItsBackgroundPadding(@TempDir Path dir) throws Exception {
        MnistIdx.Digits d = SyntheticDigits.digits(64 + 16 + 16, 3);
        RotMnistTask.Data data = RotMnistTask.prepare(d, 64, 16, 16, 1);
        RotMnistTask.train("o2", data, new RotMnistTask.Config(1, 1, 16, 3e-3, 0, 0, true), new TrainingRecipe.Listener() {},
                null, dir.resolve("o2"), "synthetic");
        try (SavedModel model = SavedModel.load(dir.resolve("o2"))) {
            assertEquals(true, model.card().config().get(DigitModels.PAD_BACKGROUND_KEY));
            org.equivariant4j.data.Npy.NpyArray expected = org.equivariant4j.data.Npy.read(dir.resolve("o2")
                    .resolve(model.card().examplePredictions()));
            org.equivariant4j.data.Npy.NpyArray again = model.predict(dir.resolve("o2").resolve(model.card().exampleInput()));
            assertTrue(java.util.Arrays.equals(expected.asFloats(), again.asFloats()), "bit for bit");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RotMnistTask.DEFINITION.model("o2", Map.of(DigitModels.PAD_BACKGROUND_KEY, "yes")));
        assertTrue(e.getMessage().contains("pad_background must be true or false, got yes"), e.getMessage());
    }
}

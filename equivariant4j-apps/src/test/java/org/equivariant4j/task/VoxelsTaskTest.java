package org.equivariant4j.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.equivariant4j.data.Npy;
import org.equivariant4j.data.VoxelShapes;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.nn.field.EquivariantBlock;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.field.GSpaces;
import org.equivariant4j.nn.field.GeometricTensor;
import org.equivariant4j.nn.testing.Equivariance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VoxelsTaskTest {

    /** Max over the 48 symmetries of the cube (rotations and rotoinversions) of the relative change of the logits. */
    private static double[] cubeErrors(Block b, NDManager m, VoxelShapes.Volumes v) {
        GSpace oh = GSpaces.fullOctaOnR3();
        FieldType scalar = FieldType.of(oh, 1, oh.trivialRepr());
        ParameterStore ps = new ParameterStore(m, false);
        NDArray x = VoxelsTask.batch(m, v, SampleOrder.identity(v.count()), 0, v.count());
        NDArray y = b.forward(ps, new NDList(x), false).singletonOrThrow();
        double scale = y.abs().max().getFloat();
        assertTrue(scale > 1e-3, "non-trivial logits");
        double rotations = 0;
        double reflections = 0;
        for (GroupElement g : oh.gridElements()) {
            NDArray gy = b.forward(ps, new NDList(GeometricTensor.of(x, scalar).transform(g).tensor()), false).singletonOrThrow();
            double err = gy.sub(y).abs().max().getFloat() / scale;
            if (determinant(oh.baseAction(g)) > 0) {
                rotations = Math.max(rotations, err);
            } else {
                reflections = Math.max(reflections, err);
            }
        }
        return new double[] {rotations, reflections};
    }

    private static double determinant(double[][] a) {
        return a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
                + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    }

    /** The models as the task builds them, with batch-norm statistics from one training-mode pass. */
    @Test
    void equivariantModelsAreExactlyInvariantToTheCubeRotationsAndO3AlsoToMirrors() {
        VoxelShapes.Volumes v = VoxelShapes.generate(1, VoxelShapes.Rendering.defaults().withNoise(0.06, 0.3), true, 3);
        for (String name : VoxelsTask.MODELS) {
            try (NDManager m = NDManager.newBaseManager()) {
                Block b = VoxelsTask.DEFINITION.model(name).create(5, m);
                NDArray x = VoxelsTask.batch(m, v, SampleOrder.identity(v.count()), 0, v.count());
                b.forward(new ParameterStore(m, false), new NDList(x), true);
                double[] err = cubeErrors(b, m, v);
                switch (name) {
                    case "cnn" -> assertTrue(err[0] > 1e-2, "the plain CNN is not invariant: " + err[0]);
                    case "o3" -> assertTrue(err[0] < 1e-5 && err[1] < 1e-5, name + ": " + Arrays.toString(err));
                    case "so3" -> {
                        // the logits: rotations exact, mirror images not forced together (at initialisation the
                        // pseudoscalars' means are small: 2.5e-5 against 3.8e-7 for seed 5)
                        assertTrue(err[0] < 1e-5 && err[1] > 10 * err[0], name + ": " + Arrays.toString(err));
                        // the features before the linear layer: exactly O(3)-equivariant on the 48 symmetries of the
                        // cube, scalars kept and pseudoscalars negated by the rotoinversions
                        EquivariantBlock trunk = (EquivariantBlock) b.getChildren().get(0).getValue();
                        Equivariance.Report report = Equivariance.check(trunk, VoxelsTask.batch(m, v,
                                SampleOrder.identity(v.count()), 0, v.count()));
                        assertTrue(report.elementsChecked() == 48 && report.passes(1e-5), "so3's pooled features: " + report);
                    }
                    default -> assertTrue(err[0] < 1e-5 && err[1] > 100 * err[0], name + " (rotations exact, mirror images told apart): "
                            + Arrays.toString(err));
                }
            }
        }
    }

    /**
     * The hidden fields: 15 channels per multiplicity, degrees up to 2, O(3) with both parities (o3); so3's moments
     * 2m each of 0e, 1o, 2e, its products the irreps the docs name, its readout as many pseudoscalars as scalars.
     */
    @Test
    void hiddenTypesHoldTheIrrepsTheDocsName() {
        FieldType type = org.equivariant4j.model.VoxelModels.hiddenType("o3", 3);
        assertEquals(45, type.size());
        assertEquals(Map.of("0e", 6L, "0o", 6L, "1o", 3L, "1e", 3L, "2e", 3L), counts(type));
        assertEquals(Map.of("0e", 8L, "1o", 8L, "2e", 8L), counts(org.equivariant4j.model.VoxelModels.so3MomentType(4)));
        assertEquals(Map.of("0e", 16L, "0o", 16L), counts(org.equivariant4j.model.VoxelModels.readoutType(32)));
        assertEquals(24 * 2, org.equivariant4j.model.VoxelModels.hiddenType("octa", 2).size());
        try (NDManager m = NDManager.newBaseManager()) {
            Block so3 = VoxelsTask.DEFINITION.model("so3").create(1, m);
            List<FieldType> products = ((org.equivariant4j.nn.field.EquivariantSequential) so3.getChildren().get(0).getValue())
                    .blocks().stream().filter(b -> b instanceof org.equivariant4j.nn.activation.TensorProductNonlinearity)
                    .map(EquivariantBlock::outType).toList();
            assertEquals(2, products.size());
            // (1o,1o) -> 0e 1e 2e, (2e,1o) -> 1o 2o, (2e,2e) -> 0e 1e 2e, (0e,1o) -> 1o, (0e,2e) -> 2e, (0e,0e) -> 0e; 4 of each
            assertEquals(Map.of("0e", 12L, "1e", 8L, "2e", 12L, "1o", 8L, "2o", 4L), counts(products.get(0)));
            // (1e,1o) and (2o,2e) give pseudoscalars, the five others scalars
            assertEquals(Map.of("0o", 8L, "0e", 20L), counts(products.get(1)));
        }
    }

    private static Map<String, Long> counts(FieldType type) {
        return type.representations().stream()
                .collect(Collectors.groupingBy(r -> r.name(), java.util.TreeMap::new, Collectors.counting()));
    }

    @Test
    void badSettingsNameTheOptionAndTheValue() {
        Object[][] cases = {
            {new int[] {0, 16, 4, 1, 2, 1}, 15.0, "--epochs must be >= 1, got 0"},
            {new int[] {1, 1, 4, 1, 2, 1}, 15.0, "--batch-size must be >= 2, got 1"},
            {new int[] {1, 16, 0, 1, 2, 1}, 15.0, "got 0, 1, 2, 1"},
            {new int[] {1, 16, 4, 1, 2, 3}, 15.0, "--sweep-per-class (3) cannot exceed --test-per-class (2)"},
            {new int[] {1, 64, 4, 1, 2, 1}, 15.0, "the training set (48 shapes) is smaller than one batch (--batch-size 64)"},
            {new int[] {1, 16, 4, 1, 2, 1}, 0.5, "--angle-step must be between 1 and 180 degrees, got 0.5"},
        };
        for (Object[] c : cases) {
            int[] n = (int[]) c[0];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new VoxelsTask.Config(n[0], 1, n[1],
                    5e-3, n[2], n[3], n[4], n[5], (double) c[1], false));
            assertTrue(e.getMessage().contains((String) c[2]), e.getMessage());
        }
        IllegalArgumentException even = assertThrows(IllegalArgumentException.class,
                () -> org.equivariant4j.model.VoxelModels.create("so3", 16, 32, 4, 12, 1));
        assertTrue(even.getMessage().contains("odd size >= 3, got 16"), even.getMessage());
        IllegalArgumentException lr = assertThrows(IllegalArgumentException.class,
                () -> new VoxelsTask.Config(1, 1, 16, Double.NaN, 4, 1, 2, 1, 15, false));
        assertTrue(lr.getMessage().contains("--lr must be a finite learning rate in (0, 1], got NaN"), lr.getMessage());
    }

    @Test
    void tinyTrainingRunTestsSweepsAndSavesAModelThatPredictsTheSame(@TempDir Path dir) throws Exception {
        VoxelsTask.Config cfg = new VoxelsTask.Config(2, 7, 8, 5e-3, 2, 1, 2, 1, 90, false);
        VoxelsTask.Data data = VoxelsTask.prepare(cfg);
        assertEquals(24, data.train().count());
        assertEquals(12, data.valid().count());
        assertEquals(24, data.testRotated().count());
        assertArrayEquals(data.testRotated().labels(), data.testCanonical().labels());
        assertArrayEquals(new double[] {0, 90, 180}, data.sweepAngles());
        assertEquals(12, data.sweep().get(0).count());
        // the sweep's 0° shapes are the canonical renderings
        VoxelShapes.Volumes zero = data.sweep().get(0);
        assertArrayEquals(VoxelShapes.render(0, new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, VoxelShapes.Rendering.defaults(),
                new java.util.SplittableRandom(1)), Arrays.copyOf(zero.voxels(), 17 * 17 * 17));

        int[] steps = {0};
        VoxelsTask.Run run = VoxelsTask.train("so3", data, cfg, new TrainingRecipe.Listener() {
            @Override
            public void stepDone(int epoch, int step, double loss) {
                assertTrue(Double.isFinite(loss));
                steps[0]++;
            }
        }, null, dir.resolve("so3"));
        assertEquals(2 * 3, steps[0]);
        assertEquals(2, run.trainLoss().length);
        assertTrue(run.bestEpoch() >= 1 && run.bestEpoch() <= 2);
        assertEquals(run.validAccuracy(), Arrays.stream(run.validCurve()).max().orElseThrow(), 0);
        assertEquals(24, Arrays.stream(run.confusion()).flatMapToInt(Arrays::stream).sum());
        int correct = 0;
        for (int k = 0; k < 12; k++) {
            correct += run.confusion()[k][k];
        }
        assertEquals(run.accuracyRotated(), correct / 24.0, 1e-12);
        assertTrue(run.invarianceErrorCube() < 1e-5, "exact for the cube rotations: " + run.invarianceErrorCube());
        assertTrue(run.invarianceErrorRotated() > run.invarianceErrorCube(), "other rotations only approximately");
        assertEquals(3, run.sweepAccuracy().length);
        assertTrue(run.params() > 0 && run.secondsPerEpoch() > 0);

        Results.ModelResult r = VoxelsTask.toResult(run);
        assertEquals(List.of("accuracy_rotated", "accuracy_canonical", "mirror_confusion", "other_errors", "invariance_error_cube",
                "invariance_error_rotated", "valid_accuracy", "best_epoch"), List.copyOf(r.metrics().keySet()));

        try (SavedModel model = SavedModel.load(dir.resolve("so3"))) {
            ModelCard card = model.card();
            assertEquals("voxels", card.task());
            assertEquals("SO(3)", card.config().get("group"));
            assertEquals(17, ((Number) card.input().get("size")).intValue());
            Npy.NpyArray expected = Npy.read(dir.resolve("so3").resolve(card.examplePredictions()));
            Npy.NpyArray again = model.predict(dir.resolve("so3").resolve(card.exampleInput()));
            assertArrayEquals(new int[] {24, 12}, again.shape());
            assertArrayEquals(expected.asFloats(), again.asFloats(), "bit for bit");
            double sum = 0;
            for (int k = 0; k < 12; k++) {
                sum += again.asFloats()[k];
            }
            assertEquals(1.0, sum, 1e-5, "probabilities");
            // an input the models cannot take
            Path even = dir.resolve("even.npy");
            Npy.write(even, Npy.NpyArray.of(new float[2 * 16 * 16 * 16], 2, 16, 16, 16));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.predict(even));
            assertTrue(e.getMessage().contains("take odd sizes D >= 9 (they keep the centre), got D = 16"), e.getMessage());
        }
    }
}

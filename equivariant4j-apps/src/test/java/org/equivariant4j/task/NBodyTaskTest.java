package org.equivariant4j.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.data.ChargedParticlesSimulation;
import org.equivariant4j.data.NBodyDataset;
import org.equivariant4j.data.Npy;
import org.equivariant4j.model.NBodyGraphs;
import org.equivariant4j.nn.graph.GraphTopology;
import org.equivariant4j.nn.graph.SegnnModel;
import org.equivariant4j.nn.ops.ParameterCounts;
import org.equivariant4j.o3.PathNormalization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Short, seeded training runs on a small simulated dataset. */
class NBodyTaskTest {
    static NBodyDataset data;

    @BeforeAll
    static void simulate() {
        data = NBodyDataset.simulate(43, 300, 100, 100, ChargedParticlesSimulation.Config.defaults(), 2);
    }

    static NBodyTask.Splits splits(NBodyDataset d, int train, int valid, int test) {
        return new NBodyTask.Splits(d.train(train), d.valid(valid), d.test(test), "simulated");
    }

    /** The paper's Adam, with a higher learning rate so that a few epochs show learning. */
    static TrainingSettings settings(int epochs, int workers) {
        return new TrainingSettings(epochs, 100, 7, 1e-3, TrainingSettings.Schedule.CONSTANT, 1e-12, 1, false, workers);
    }

    @Test
    void segnnIsThePapersModelWithItsE3nnNormalisation() {
        ModelSpec spec = NBodyTask.DEFINITION.model("segnn");
        try (NDManager m = NDManager.newBaseManager()) {
            SegnnModel model = (SegnnModel) spec.create(1, m);
            assertEquals(PathNormalization.PATH, model.pathNormalization(), "e3nn 0.3.5, as the paper");
            assertEquals(147_424L, ParameterCounts.learnable(model));
        }
        assertTrue(String.valueOf(spec.config().get("path_normalization")).startsWith("PATH"), spec.config().toString());
    }

    /**
     * {@code segnn-ref} is SEGNN's network with the same parameters on the reference code's input: each particle
     * centred on the mean of its own three coordinates instead of on the centroid, which breaks rotation equivariance.
     */
    @Test
    void segnnRefIsTheSameNetworkOnTheReferenceCodesNonEquivariantInput() {
        try (NDManager m = NDManager.newBaseManager()) {
            GraphTopology pair = GraphTopology.fullyConnected(2, 1);
            NDArray x = m.create(new float[] {1, 2, 6, -1, 0, 4}, new Shape(2, 3));
            NDArray v = m.create(new float[] {0, 3, 4, 1, 0, 0}, new Shape(2, 3));
            NDArray q = m.create(new float[] {1, -1}, new Shape(2));
            // coordinate means 3 and 1; the centroid is (0, 1, 5)
            assertArrayEquals(new float[] {-2, -1, 3, 0, 3, 4, 5, -2, -1, 3, 1, 0, 0, 1},
                    NBodyGraphs.segnnReference(pair, x, v, q).nodeFeatures().orElseThrow().toFloatArray());
            assertArrayEquals(new float[] {1, 1, 1, 0, 3, 4, 5, -1, -1, -1, 1, 0, 0, 1},
                    NBodyGraphs.segnn(pair, x, v, q).nodeFeatures().orElseThrow().toFloatArray());

            Block segnn = NBodyTask.DEFINITION.model("segnn").create(3, m);
            Block ref = NBodyTask.DEFINITION.model("segnn-ref").create(3, m);
            assertEquals(ParameterCounts.learnable(segnn), ParameterCounts.learnable(ref));
            List<NDArray> a = segnn.getParameters().values().stream().map(Parameter::getArray).toList();
            List<NDArray> b = ref.getParameters().values().stream().map(Parameter::getArray).toList();
            for (int i = 0; i < a.size(); i++) {
                assertTrue(a.get(i).contentEquals(b.get(i)), "the same seed gives the same weights");
            }
            ParameterStore ps = new ParameterStore(m, false);
            NBodyTask.Samples test = NBodyTask.Samples.of(data.test(20));
            double equivariant = NBodyTask.equivarianceError(segnn, ps, m, NBodyTask.forward("segnn"), test, 1);
            double reference = NBodyTask.equivarianceError(ref, ps, m, NBodyTask.forward("segnn-ref"), test, 1);
            assertTrue(equivariant < 1e-5, "segnn: " + equivariant);
            assertTrue(reference > 1e-3, "segnn-ref is not equivariant: " + reference);
        }
        assertEquals(1000, NBodyTask.publishedEpochs("segnn-ref"));
    }

    @Test
    void egnnLearnsAndStaysEquivariant() {
        List<Double> losses = new ArrayList<>();
        NBodyTask.Run run = NBodyTask.train("egnn", splits(data, 300, 100, 100), settings(4, 1), new TrainingRecipe.Listener() {
            @Override
            public void epochDone(int epoch, double trainLoss, double validScore, int bestEpoch, double bestScore) {
                losses.add(trainLoss);
            }
        }, null, null);
        assertEquals(134_020, run.params());
        assertEquals(4, losses.size());
        double[] train = run.trainCurve();
        assertArrayEquals(losses.stream().mapToDouble(Double::doubleValue).toArray(), train);
        assertTrue(train[train.length - 1] < 0.7 * train[0], "training loss falls: " + java.util.Arrays.toString(train));
        double[] valid = run.validCurve();
        assertTrue(run.validMse() <= valid[0] && run.validMse() < 0.25, "validation improves: " + java.util.Arrays.toString(valid));
        assertEquals(run.validMse(), java.util.Arrays.stream(valid).min().orElseThrow(), 0, "the best epoch is kept");
        assertTrue(run.testMse() > 0 && Double.isFinite(run.testMse()));
        assertTrue(run.equivarianceError() < 1e-5, "trained EGNN is E(3)-equivariant: " + run.equivarianceError());
    }

    @Test
    void dataParallelWorkersTrainLikeOne() {
        // the same seeded run with 1 and 3 workers: the gradients agree up to float32 rounding, so do the curves
        for (String model : new String[] {"egnn", "gnn"}) {
            NBodyTask.Run one = NBodyTask.train(model, splits(data, 300, 100, 100), settings(2, 1), TrainingRecipe.Listener.NONE,
                    null, null);
            NBodyTask.Run three = NBodyTask.train(model, splits(data, 300, 100, 100), settings(2, 3), TrainingRecipe.Listener.NONE,
                    null, null);
            for (int i = 0; i < 2; i++) {
                double dt = Math.abs(three.trainCurve()[i] - one.trainCurve()[i]) / one.trainCurve()[i];
                double dv = Math.abs(three.validCurve()[i] - one.validCurve()[i]) / one.validCurve()[i];
                assertTrue(dt < 1e-3 && dv < 1e-3, model + " epoch " + (i + 1) + ": train " + one.trainCurve()[i] + " vs "
                        + three.trainCurve()[i] + ", valid " + one.validCurve()[i] + " vs " + three.validCurve()[i]);
            }
        }
    }

    @Test
    void gnnIsNotEquivariantAndLinearIsFitted() {
        NBodyTask.Run gnn = NBodyTask.train("gnn", splits(data, 300, 100, 100), settings(1, 1), TrainingRecipe.Listener.NONE,
                null, null);
        assertTrue(gnn.equivarianceError() > 1e-3, "the GNN baseline is not equivariant: " + gnn.equivarianceError());
        NBodyTask.Run lin = NBodyTask.linear(splits(data, 300, 100, 100), 7, null);
        assertTrue(lin.testMse() > 0.03 && lin.testMse() < 0.2, "x + t·v is a rough predictor: " + lin.testMse());
        assertTrue(lin.equivarianceError() < 1e-6, "x + t·v is equivariant: " + lin.equivarianceError());
        var e = assertThrows(IllegalArgumentException.class, () -> NBodyTask.train("transformer", splits(data, 300, 100, 100),
                settings(1, 1), TrainingRecipe.Listener.NONE, null, null));
        assertTrue(e.getMessage().contains("transformer") && e.getMessage().contains("egnn"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> settings(0, 1));
        assertTrue(e.getMessage().contains("--epochs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> settings(1, 0));
        assertTrue(e.getMessage().contains("--threads") && e.getMessage().contains("got 0"), e.getMessage());
    }

    /**
     * Nothing is tied to 5 particles or to large splits: 3-particle systems, a validation and a test split of one system
     * each train, evaluate and check equivariance.
     */
    @Test
    void anyParticleCountAndSplitSizeOfOne() {
        ChargedParticlesSimulation.Config three = new ChargedParticlesSimulation.Config(3, 5.0, 1.0, 0.5, 1.0, 0.0, 0.001, 100,
                5000, 100, new double[] {-1.0, 0.0, 1.0}, new double[] {0.5, 0.0, 0.5},
                ChargedParticlesSimulation.DotProduct.FUSED);
        NBodyDataset small = NBodyDataset.simulate(5, 100, 1, 1, three, 2);
        NBodyTask.Run run = NBodyTask.train("egnn", splits(small, 100, 1, 1), settings(2, 2), TrainingRecipe.Listener.NONE,
                null, null);
        assertTrue(Double.isFinite(run.testMse()) && Double.isFinite(run.validMse()), run.toString());
        assertTrue(run.equivarianceError() < 1e-5, "3 particles: " + run.equivarianceError());
        NBodyTask.Run lin = NBodyTask.linear(splits(small, 100, 1, 1), 1, null);
        assertTrue(Double.isFinite(lin.testMse()));
        var e = assertThrows(IllegalArgumentException.class, () -> splits(small, 100, 0, 1));
        assertTrue(e.getMessage().contains("at least one system") && e.getMessage().contains("valid 0"), e.getMessage());
    }

    /** A saved model predicts, through one Java call, exactly what training predicted for its example input. */
    @Test
    void savedModelRepeatsTheTrainingPredictionsBitForBit(@TempDir Path dir) {
        NBodyTask.Run run = NBodyTask.train("egnn", splits(data, 300, 100, 100), settings(1, 1), TrainingRecipe.Listener.NONE,
                null, dir.resolve("egnn"));
        NBodyTask.Run lin = NBodyTask.linear(splits(data, 300, 100, 100), 7, dir.resolve("linear"));
        for (String name : new String[] {"egnn", "linear"}) {
            Path folder = dir.resolve(name);
            try (SavedModel model = SavedModel.load(folder)) {
                ModelCard card = model.card();
                assertEquals("nbody", card.task());
                assertEquals(name, card.model());
                assertEquals(name.equals("egnn") ? run.testMse() : lin.testMse(), card.metrics().get("test_mse"), 0);
                Npy.NpyArray expected = Npy.read(folder.resolve(card.examplePredictions()));
                Npy.NpyArray again = model.predict(folder.resolve(card.exampleInput()));
                assertArrayEquals(new int[] {100, 5, 3}, again.shape());
                assertArrayEquals(expected.asFloats(), again.asFloats(), 0f, name);
                assertTrue(java.util.Arrays.equals(expected.asFloats(), again.asFloats()), name + ": bit for bit");
            }
        }
    }
}

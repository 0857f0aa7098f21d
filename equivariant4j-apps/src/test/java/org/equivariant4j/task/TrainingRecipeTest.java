package org.equivariant4j.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.equivariant4j.data.ChargedParticlesSimulation;
import org.equivariant4j.data.NBodyDataset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared recipe: interrupting and resuming changes nothing, divergence is named, checkpoints are checked. */
class TrainingRecipeTest {
    static NBodyTask.Splits data;

    @BeforeAll
    static void simulate() {
        NBodyDataset d = NBodyDataset.simulate(11, 200, 50, 50, ChargedParticlesSimulation.Config.defaults(), 2);
        data = new NBodyTask.Splits(d.train(200), d.valid(50), d.test(50), "simulated");
    }

    private static TrainingSettings settings(int workers) {
        return new TrainingSettings(3, 100, 3, 1e-3, TrainingSettings.Schedule.CONSTANT, 1e-12, 1, false, workers);
    }

    /** Raises the stop signal after {@code step} of {@code epoch}, as Ctrl-C would. */
    private static TrainingRecipe.Listener stopAt(StopSignal stop, int epoch, int step) {
        return new TrainingRecipe.Listener() {
            @Override
            public void stepDone(int e, int s, double loss) {
                if (e == epoch && s == step) {
                    stop.request();
                }
            }
        };
    }

    private static void assertSameRun(NBodyTask.Run expected, NBodyTask.Run actual) {
        assertArrayEquals(expected.trainCurve(), actual.trainCurve(), 0, "training curve");
        assertArrayEquals(expected.validCurve(), actual.validCurve(), 0, "validation curve");
        assertEquals(expected.bestEpoch(), actual.bestEpoch());
        assertEquals(expected.validMse(), actual.validMse(), 0);
        assertEquals(expected.testMse(), actual.testMse(), 0);
        assertEquals(expected.equivarianceError(), actual.equivarianceError(), 0);
        assertEquals(expected.epochs(), actual.epochs());
    }

    /**
     * A run stopped mid-epoch (and one stopped at the end of an epoch's steps, before its validation) and resumed from
     * its checkpoint ends bit for bit where the uninterrupted run ends, with one worker and with two.
     */
    @Test
    void resumingAnInterruptedRunGivesTheUninterruptedResult(@TempDir Path dir) {
        for (int workers : new int[] {1, 2}) {
            NBodyTask.Run full = NBodyTask.train("egnn", data, settings(workers), TrainingRecipe.Listener.NONE,
                    new TrainingRecipe.Checkpointing(dir.resolve("full-" + workers + ".ckpt"), 1, false, new StopSignal()), null);
            assertFalse(full.resumed());
            for (int[] at : new int[][] {{2, 1}, {2, 2}}) {
                Path ckpt = dir.resolve("stopped-" + workers + "-" + at[0] + "-" + at[1] + ".ckpt");
                StopSignal stop = new StopSignal();
                TrainingStopped stopped = assertThrows(TrainingStopped.class, () -> NBodyTask.train("egnn", data, settings(workers),
                        stopAt(stop, at[0], at[1]), new TrainingRecipe.Checkpointing(ckpt, 1, false, stop), null));
                assertEquals(ckpt, stopped.checkpoint());
                assertTrue(stopped.getMessage().contains("epoch " + at[0] + ", step " + at[1] + " of 2"), stopped.getMessage());
                NBodyTask.Run resumed = NBodyTask.train("egnn", data, settings(workers), TrainingRecipe.Listener.NONE,
                        new TrainingRecipe.Checkpointing(ckpt, 1, true, new StopSignal()), null);
                assertTrue(resumed.resumed());
                assertSameRun(full, resumed);
                // the finished checkpoint: resuming it again trains nothing and reports the same
                assertSameRun(full, NBodyTask.train("egnn", data, settings(workers), TrainingRecipe.Listener.NONE,
                        new TrainingRecipe.Checkpointing(ckpt, 1, true, new StopSignal()), null));
            }
        }
    }

    @Test
    void aCheckpointOfAnotherRunOrADamagedOneIsRefused(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("a.ckpt");
        StopSignal stop = new StopSignal();
        assertThrows(TrainingStopped.class, () -> NBodyTask.train("egnn", data, settings(1), stopAt(stop, 1, 1),
                new TrainingRecipe.Checkpointing(ckpt, 1, false, stop), null));
        TrainingSettings other = new TrainingSettings(3, 100, 3, 2e-3, TrainingSettings.Schedule.CONSTANT, 1e-12, 1, false, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NBodyTask.train("egnn", data, other,
                TrainingRecipe.Listener.NONE, new TrainingRecipe.Checkpointing(ckpt, 1, true, new StopSignal()), null));
        assertTrue(e.getMessage().contains("was written with other settings: learning_rate is 0.001 there and 0.002 now"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NBodyTask.train("gnn", data, settings(1),
                TrainingRecipe.Listener.NONE, new TrainingRecipe.Checkpointing(ckpt, 1, true, new StopSignal()), null));
        assertTrue(e.getMessage().contains("belongs to another run: model is egnn there and gnn now"), e.getMessage());
        byte[] bytes = Files.readAllBytes(ckpt);
        bytes[bytes.length / 2] ^= 1;
        Files.write(ckpt, bytes);
        e = assertThrows(IllegalArgumentException.class, () -> NBodyTask.train("egnn", data, settings(1),
                TrainingRecipe.Listener.NONE, new TrainingRecipe.Checkpointing(ckpt, 1, true, new StopSignal()), null));
        assertTrue(e.getMessage().contains("is damaged: its CRC-32C does not match"), e.getMessage());
        Files.write(ckpt, java.util.Arrays.copyOf(bytes, 100));
        e = assertThrows(IllegalArgumentException.class, () -> NBodyTask.train("egnn", data, settings(1),
                TrainingRecipe.Listener.NONE, new TrainingRecipe.Checkpointing(ckpt, 1, true, new StopSignal()), null));
        assertTrue(e.getMessage().contains("is damaged") && e.getMessage().contains("truncated"), e.getMessage());
    }

    /** A model whose loss turns NaN in its second epoch: the run stops there with a message that says so. */
    @Test
    void divergenceStopsWithTheEpoch() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block linear = Linear.builder().setUnits(1).build();
            linear.initialize(m, DataType.FLOAT32, new Shape(4, 2));
            int[] calls = {0};
            Trainable model = new Trainable() {
                @Override
                public Block block() {
                    return linear;
                }

                @Override
                public int trainingSamples() {
                    return 8;
                }

                @Override
                public NDArray loss(ParameterStore ps, NDManager mm, int[] order, int from, int count, int batchSize) {
                    NDArray out = linear.forward(ps, new NDList(mm.ones(new Shape(count, 2))), true).singletonOrThrow();
                    NDArray l = out.square().sum().div(batchSize);
                    return ++calls[0] > 3 ? l.mul(Float.NaN) : l;
                }

                @Override
                public double validate(ParameterStore ps, NDManager mm) {
                    return 1;
                }

                @Override
                public Map<String, Object> identity() {
                    return Map.of("task", "test");
                }
            };
            TrainingSettings s = new TrainingSettings(5, 4, 1, 0.01, TrainingSettings.Schedule.COSINE, 0, 1, false, 1);
            TrainingDiverged e = assertThrows(TrainingDiverged.class,
                    () -> TrainingRecipe.train("tiny", model, s, TrainingRecipe.Listener.NONE, null));
            assertTrue(e.getMessage().contains("training of tiny diverged") && e.getMessage().contains("epoch 2, step 2 of 2")
                    && e.getMessage().contains("NaN") && e.getMessage().contains("lower learning rate"), e.getMessage());
        }
    }
}

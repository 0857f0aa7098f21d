package org.equivariant4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.data.ChargedParticlesSimulation;
import org.equivariant4j.data.NBodyDataset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Short, seeded training runs on a small simulated dataset. */
class NBodyTaskTest {
    static NBodyDataset data;

    @BeforeAll
    static void simulate() {
        data = NBodyDataset.simulate(43, 300, 100, 100, ChargedParticlesSimulation.Config.defaults(), 2);
    }

    @Test
    void egnnLearnsAndStaysEquivariant() {
        NBodyTask.Config cfg = new NBodyTask.Config(4, 300, 7, 100, 1e-3, 1e-12, 1, 1);
        List<String> statuses = new ArrayList<>();
        NBodyTask.Run run = NBodyTask.train("egnn", data.train(300), data.valid(100), data.test(100), cfg, statuses::add);
        assertEquals(134_020, run.params());
        assertEquals(4, statuses.size());
        double[] train = run.trainCurve();
        assertTrue(train[train.length - 1] < 0.7 * train[0], "training loss falls: " + java.util.Arrays.toString(train));
        double[] valid = run.validCurve();
        assertTrue(run.validMse() <= valid[0] && run.validMse() < 0.25, "validation improves: " + java.util.Arrays.toString(valid));
        assertTrue(run.testMse() > 0 && Double.isFinite(run.testMse()));
        assertTrue(run.equivarianceError() < 1e-5, "trained EGNN is E(3)-equivariant: " + run.equivarianceError());
    }

    @Test
    void dataParallelWorkersTrainLikeOne() {
        // the same seeded run with 1 and 3 workers: the gradients agree up to float32 rounding, so do the curves
        for (String model : new String[] {"egnn", "gnn"}) {
            NBodyTask.Run one = NBodyTask.train(model, data.train(300), data.valid(100), data.test(100),
                    new NBodyTask.Config(2, 300, 7, 100, 1e-3, 1e-12, 1, 1), s -> { });
            NBodyTask.Run three = NBodyTask.train(model, data.train(300), data.valid(100), data.test(100),
                    new NBodyTask.Config(2, 300, 7, 100, 1e-3, 1e-12, 1, 3), s -> { });
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
        NBodyTask.Config cfg = new NBodyTask.Config(1, 300, 7, 100, 1e-3, 1e-12, 1, 1);
        NBodyTask.Run gnn = NBodyTask.train("gnn", data.train(300), data.valid(100), data.test(100), cfg, s -> { });
        assertTrue(gnn.equivarianceError() > 1e-3, "the GNN baseline is not equivariant: " + gnn.equivarianceError());
        NBodyTask.Run lin = NBodyTask.linear(data.train(300), data.valid(100), data.test(100));
        assertTrue(lin.testMse() > 0.03 && lin.testMse() < 0.2, "x + t·v is a rough predictor: " + lin.testMse());
        var e = assertThrows(IllegalArgumentException.class,
                () -> NBodyTask.train("transformer", data.train(300), data.valid(100), data.test(100), cfg, s -> { }));
        assertTrue(e.getMessage().contains("transformer") && e.getMessage().contains("egnn"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new NBodyTask.Config(0, 300, 7, 100, 1e-3, 1e-12, 1, 1));
        assertTrue(e.getMessage().contains("--epochs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new NBodyTask.Config(1, 300, 7, 100, 1e-3, 1e-12, 1, 0));
        assertTrue(e.getMessage().contains("--threads") && e.getMessage().contains("got 0"), e.getMessage());
    }
}

package org.equivariant4j.nn.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import org.junit.jupiter.api.Test;

class FusedAdamTest {

    private static SequentialBlock mlp(NDManager m, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        SequentialBlock b = new SequentialBlock().add(Linear.builder().setUnits(16).build()).add(Activation::tanh)
                .add(Linear.builder().setUnits(3).build()).add(Linear.builder().setUnits(2).optBias(false).build());
        b.initialize(m, DataType.FLOAT32, new Shape(8, 5));
        return b;
    }

    private static void backward(SequentialBlock b, NDArray x, NDArray y) {
        try (NDScope s = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray out = b.forward(new ParameterStore(x.getManager(), false), new ai.djl.ndarray.NDList(x), true)
                    .singletonOrThrow();
            gc.backward(out.sub(y).square().mean());
        }
    }

    @Test
    void matchesDjlAdamStepByStep() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialBlock a = mlp(m, 4);
            SequentialBlock b = mlp(m, 4);
            var pa = a.getParameters();
            var pb = b.getParameters();
            for (int i = 0; i < pa.size(); i++) {
                assertEquals(0f, pa.get(i).getValue().getArray().sub(pb.get(i).getValue().getArray()).abs().max().getFloat());
            }
            Optimizer djl = Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).optWeightDecays(1e-3f).build();
            FusedAdam fused = FusedAdam.builder().learningRate(Tracker.fixed(0.01f)).weightDecay(1e-3f).build();
            Engine.getInstance().setRandomSeed(9);
            NDArray x = m.randomNormal(new Shape(8, 5));
            NDArray y = m.randomNormal(new Shape(8, 2));
            double worst = 0;
            for (int step = 0; step < 20; step++) {
                backward(a, x, y);
                for (Pair<String, Parameter> p : pa) {
                    NDArray w = p.getValue().getArray();
                    try (NDArray g = w.getGradient()) {
                        djl.update(p.getValue().getId(), w, g);
                    }
                }
                backward(b, x, y);
                fused.step(b);
                for (int i = 0; i < pa.size(); i++) {
                    NDArray wa = pa.get(i).getValue().getArray();
                    NDArray wb = pb.get(i).getValue().getArray();
                    worst = Math.max(worst, wa.sub(wb).abs().max().getFloat());
                    // the gradients were zeroed, as DJL's update does
                    try (NDArray g = wb.getGradient()) {
                        assertEquals(0f, g.abs().max().getFloat());
                    }
                }
            }
            System.out.printf("FusedAdam vs DJL Adam, 20 steps: max |w_fused - w_djl| = %.3e%n", worst);
            assertTrue(worst < 1e-6, "fused Adam drifted from DJL's: " + worst);
            assertEquals(20, fused.steps());
            // the parameters did move
            SequentialBlock fresh = mlp(m, 4);
            assertTrue(fresh.getParameters().get(0).getValue().getArray().sub(pb.get(0).getValue().getArray()).abs().max()
                    .getFloat() > 0.05);
            fused.close();
        }
    }

    @Test
    void rejectsAChangedParameterSet() {
        try (NDManager m = NDManager.newBaseManager(); FusedAdam fused = FusedAdam.builder().build()) {
            SequentialBlock a = mlp(m, 1);
            NDArray x = m.randomNormal(new Shape(8, 5));
            NDArray y = m.randomNormal(new Shape(8, 2));
            backward(a, x, y);
            fused.step(a);
            SequentialBlock other = mlp(m, 2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fused.step(other));
            assertTrue(e.getMessage().contains("changed"), e.getMessage());
        }
    }

    /** An optimiser restored from another's state continues bit for bit as the original would have. */
    @Test
    void restoredStateContinuesBitForBit() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialBlock a = mlp(m, 6);
            SequentialBlock b = mlp(m, 6);
            Engine.getInstance().setRandomSeed(3);
            NDArray x = m.randomNormal(new Shape(8, 5));
            NDArray y = m.randomNormal(new Shape(8, 2));
            FusedAdam first = FusedAdam.builder().learningRate(Tracker.fixed(0.01f)).weightDecay(1e-3f).build();
            assertEquals(0, first.state().steps());
            for (int step = 0; step < 5; step++) {
                backward(a, x, y);
                first.step(a);
            }
            FusedAdam.State saved = first.state();
            assertEquals(5, saved.steps());
            // b takes a's parameters and the saved state; both continue for 5 more steps
            var pa = a.getParameters();
            var pb = b.getParameters();
            for (int i = 0; i < pa.size(); i++) {
                pb.get(i).getValue().getArray().set(new ai.djl.ndarray.index.NDIndex("..."), pa.get(i).getValue().getArray());
            }
            FusedAdam second = FusedAdam.builder().learningRate(Tracker.fixed(0.01f)).weightDecay(1e-3f).build();
            second.restore(b, saved);
            for (int step = 0; step < 5; step++) {
                backward(a, x, y);
                first.step(a);
                backward(b, x, y);
                second.step(b);
            }
            for (int i = 0; i < pa.size(); i++) {
                assertTrue(java.util.Arrays.equals(pa.get(i).getValue().getArray().toFloatArray(),
                        pb.get(i).getValue().getArray().toFloatArray()), pa.get(i).getKey());
            }
            assertEquals(10, second.steps());
            IllegalStateException late = assertThrows(IllegalStateException.class, () -> second.restore(b, saved));
            assertTrue(late.getMessage().contains("before the first step"), late.getMessage());
            FusedAdam third = FusedAdam.builder().build();
            IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                    () -> third.restore(b, new FusedAdam.State(3, new float[7], new float[7])));
            assertTrue(wrong.getMessage().contains("7 values"), wrong.getMessage());
            first.close();
            second.close();
        }
    }
}

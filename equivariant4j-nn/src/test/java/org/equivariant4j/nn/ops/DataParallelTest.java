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
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.nn.graph.DenseGraphs;
import org.equivariant4j.nn.graph.EgnnModel;
import org.equivariant4j.nn.graph.GraphBatch;
import org.junit.jupiter.api.Test;

class DataParallelTest {
    private static final int SYSTEMS = 9;

    /** A small N-body EGNN in float64 (fused TorchScript path) and its input: x, v [9, 5, 3], q [9, 5, 1], target. */
    private record Setup(EgnnModel model, NDArray x, NDArray v, NDArray q, NDArray y) {
        static Setup create(NDManager m) {
            Engine.getInstance().setRandomSeed(5);
            EgnnModel model = EgnnModel.builder(1, 2).hidden(16).layers(3).build();
            model.initialize(m, DataType.FLOAT64, new Shape(SYSTEMS * 5, 1), new Shape(SYSTEMS * 5, 3));
            NDArray x = m.randomNormal(new Shape(SYSTEMS, 5, 3), DataType.FLOAT64);
            NDArray v = m.randomNormal(new Shape(SYSTEMS, 5, 3), DataType.FLOAT64);
            NDArray q = m.randomUniform(-1, 1, new Shape(SYSTEMS, 5, 1), DataType.FLOAT64).sign();
            NDArray y = x.add(v.mul(0.7)).reshape(SYSTEMS * 5, 3);
            return new Setup(model, x, v, q, y);
        }

        /** Shard s of w: systems [s·9/w, (s+1)·9/w); its squared error over the whole batch's element count. */
        NDArray shardLoss(ParameterStore ps, int shard, int workers) {
            int lo = shard * SYSTEMS / workers;
            int hi = (shard + 1) * SYSTEMS / workers;
            String r = lo + ":" + hi;
            NDArray out = forward(ps, r, true);
            return out.sub(y.get((lo * 5) + ":" + (hi * 5))).square().sum().div(SYSTEMS * 15.0);
        }

        /**
         * The model on systems {@code rows} ("lo:hi"), fully connected: node feature ‖v‖, edge attributes
         * [q_i·q_j, ‖x_i − x_j‖²] built densely and taken off the diagonal.
         */
        NDArray forward(ParameterStore ps, String rows, boolean training) {
            NDArray xs = x.get(rows);
            NDArray vs = v.get(rows);
            NDArray qs = q.get(rows);
            int b = Math.toIntExact(xs.getShape().get(0));
            NDArray qq = qs.expandDims(2).mul(qs.expandDims(1));
            NDArray d2 = xs.expandDims(2).sub(xs.expandDims(1)).square().sum(new int[] {3}, true);
            NDArray v2 = vs.reshape(b * 5L, 3);
            GraphBatch g = GraphBatch.fullyConnected(5, b).positions(xs.reshape(b * 5L, 3)).vectors(v2)
                    .nodeFeatures(v2.norm(new int[] {1}, true)).edgeAttributes(DenseGraphs.offDiagonal(qq.concat(d2, 3))).build();
            return model.forward(ps, g, training);
        }

        List<NDArray> gradients() {
            List<NDArray> g = new ArrayList<>();
            for (Pair<String, Parameter> p : model.getParameters()) {
                // a parameter the loss never reaches (the last layer's node MLP) reads as float32 zeros in DJL
                NDArray grad = p.getValue().getArray().getGradient().toType(DataType.FLOAT64, false).duplicate();
                NDScope.unregister(grad);
                g.add(grad);
            }
            return g;
        }

        void zeroGradients() {
            for (Pair<String, Parameter> p : model.getParameters()) {
                p.getValue().getArray().getGradient().muli(0);
            }
        }
    }

    private static List<NDArray> fullBatchGradients(Setup s) {
        try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(s.shardLoss(new ParameterStore(s.x().getManager(), false), 0, 1));
        }
        List<NDArray> g = s.gradients();
        s.zeroGradients();
        return g;
    }

    private static double relativeDifference(List<NDArray> a, List<NDArray> b) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.size(); i++) {
            diff = Math.max(diff, a.get(i).sub(b.get(i)).abs().max().getDouble());
            scale = Math.max(scale, b.get(i).abs().max().getDouble());
        }
        assertTrue(scale > 0, "the reference gradient is zero");
        return diff / scale;
    }

    @Test
    void shardGradientsSumToTheBatchGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            Setup s = Setup.create(m);
            List<NDArray> full = fullBatchGradients(s);
            for (int workers : new int[] {1, 2, 3}) {
                try (DataParallel dp = DataParallel.create(s.model(), workers)) {
                    assertEquals(workers, dp.workers());
                    double loss = dp.backward(new ParameterStore(m, false), (ps, shard) -> s.shardLoss(ps, shard, workers));
                    List<NDArray> g = s.gradients();
                    s.zeroGradients();
                    double err = relativeDifference(g, full);
                    System.out.printf("DataParallel, %d workers: relative gradient difference to one batch %.2e (float64), loss %.6f%n",
                            workers, err, loss);
                    assertTrue(err < 1e-12, "workers " + workers + ": " + err);
                    assertTrue(loss > 0);
                }
            }
        }
    }

    @Test
    void isReproducibleAndFollowsOptimiserSteps() {
        try (NDManager m = NDManager.newBaseManager()) {
            Setup s = Setup.create(m);
            FusedAdam adam = FusedAdam.builder().learningRate(Tracker.fixed(0.05f)).build();
            try (DataParallel dp = DataParallel.create(s.model(), 2); adam) {
                ParameterStore ps = new ParameterStore(m, false);
                for (int step = 0; step < 3; step++) {
                    // the replicas must see the parameters after each Adam step
                    List<NDArray> full = fullBatchGradients(s);
                    dp.backward(ps, (p, shard) -> s.shardLoss(p, shard, 2));
                    List<NDArray> first = s.gradients();
                    s.zeroGradients();
                    dp.backward(ps, (p, shard) -> s.shardLoss(p, shard, 2));
                    List<NDArray> second = s.gradients();
                    assertEquals(0.0, relativeDifference(second, first), "step " + step + ": not bit-reproducible");
                    assertTrue(relativeDifference(second, full) < 1e-12, "step " + step);
                    adam.step(s.model());
                }
            }
        }
    }

    @Test
    void rejectsBadUse() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Setup s = Setup.create(m);
            List<NDArray> full = fullBatchGradients(s);
            IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> DataParallel.create(s.model(), 0));
            assertTrue(zero.getMessage().contains("at least 1 worker"), zero.getMessage());

            EgnnModel fresh = EgnnModel.builder(1, 2).hidden(8).layers(1).build();
            IllegalArgumentException uninit = assertThrows(IllegalArgumentException.class, () -> DataParallel.create(fresh, 2));
            assertTrue(uninit.getMessage().contains("not initialised"), uninit.getMessage());

            SequentialBlock withNorm = new SequentialBlock().add(Linear.builder().setUnits(4).build()).add(BatchNorm.builder().build());
            withNorm.initialize(m, DataType.FLOAT32, new Shape(3, 2));
            IllegalArgumentException norm = assertThrows(IllegalArgumentException.class, () -> DataParallel.create(withNorm, 2));
            assertTrue(norm.getMessage().contains("not trainable"), norm.getMessage());

            try (DataParallel dp = DataParallel.create(s.model(), 2)) {
                ParameterStore ps = new ParameterStore(m, false);
                IllegalArgumentException vector = assertThrows(IllegalArgumentException.class,
                        () -> dp.backward(ps, (p, shard) -> s.forward(p, ":", true).sum(new int[] {0})));
                assertTrue(vector.getMessage().contains("must be a scalar"), vector.getMessage());
                // a failure on a worker thread reaches the caller with its own message
                IllegalStateException worker = assertThrows(IllegalStateException.class, () -> dp.backward(ps, (p, shard) -> {
                    if (shard == 1) {
                        throw new IllegalStateException("shard 1 failed on purpose");
                    }
                    NDArray loss = s.shardLoss(p, shard, 2);
                    if (shard == 0) {
                        throw new IllegalStateException("shard 0 failed on purpose");
                    }
                    return loss;
                }));
                assertEquals("shard 0 failed on purpose", worker.getMessage());
                IllegalStateException other = assertThrows(IllegalStateException.class, () -> dp.backward(ps, (p, shard) -> {
                    NDArray loss = s.shardLoss(p, shard, 2);
                    if (shard == 0) {
                        throw new IllegalStateException("shard 0 failed after shard 1 may have finished");
                    }
                    return loss;
                }));
                assertTrue(other.getMessage().contains("shard 0 failed"), other.getMessage());
                // a failed batch leaves nothing behind in the replicas: the next one gives the batch gradient again
                s.zeroGradients();
                dp.backward(ps, (p, shard) -> s.shardLoss(p, shard, 2));
                assertTrue(relativeDifference(s.gradients(), full) < 1e-12);
                // loading parameters gives them new arrays: refused, not silently trained on the old ones
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                s.model().saveParameters(new java.io.DataOutputStream(bytes));
                s.model().loadParameters(m, new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
                IllegalStateException replaced = assertThrows(IllegalStateException.class,
                        () -> dp.backward(ps, (p, shard) -> s.shardLoss(p, shard, 2)));
                assertTrue(replaced.getMessage().contains("new array"), replaced.getMessage());
            }
        }
    }

    /**
     * The model outlives its data-parallel workers: a fused EGNN whose first call ran on a worker's replica still runs
     * after the replicas are freed (its TorchScript belongs to the model's own parameters).
     */
    @Test
    void theModelWorksAfterTheWorkersAreClosed() {
        try (NDManager m = NDManager.newBaseManager()) {
            Setup s = Setup.create(m);
            ParameterStore ps = new ParameterStore(m, false);
            double loss;
            try (DataParallel dp = DataParallel.create(s.model(), 2)) {
                loss = dp.backward(ps, (p, shard) -> {
                    if (shard == 0) {
                        try {
                            Thread.sleep(500); // the replica's worker calls the model first
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return s.shardLoss(p, shard, 2);
                });
            }
            try (NDScope scope = new NDScope()) {
                NDArray out = s.forward(ps, ":", false);
                double again = out.sub(s.y()).square().sum().div(SYSTEMS * 15.0).getDouble();
                assertEquals(loss, again, 1e-9 * loss);
            }
        }
    }

    /** Backward passes outside any NDScope leave no arrays behind (the sync methods' returned handles are closed). */
    @Test
    void backwardLeavesNoArraysBehind() {
        try (NDManager m = NDManager.newBaseManager()) {
            Setup s = Setup.create(m);
            ParameterStore ps = new ParameterStore(m, false);
            try (DataParallel dp = DataParallel.create(s.model(), 2)) {
                dp.backward(ps, (p, shard) -> s.shardLoss(p, shard, 2));
                int before = ((ai.djl.ndarray.BaseNDManager) m).getManagedArrays().size();
                for (int i = 0; i < 5; i++) {
                    dp.backward(ps, (p, shard) -> s.shardLoss(p, shard, 2));
                }
                assertEquals(before, ((ai.djl.ndarray.BaseNDManager) m).getManagedArrays().size(), "arrays left by backward");
            }
        }
    }
}

package org.equivariant4j.nn.ops;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Data-parallel gradients on one machine: a batch is split into as many shards as there are workers, every
 * worker thread runs forward and backward on its shard at the same time with its own copy of the
 * parameters, and the shard gradients are then summed into the block's parameters. When the batch loss is
 * the sum of the shard losses (e.g. a shard's squared error divided by the size of the whole batch), the
 * result is the batch gradient, as one backward over the whole batch would give it, up to the order of
 * float additions; the order is fixed (shard 0 + shard 1 + ...), so training stays reproducible.
 *
 * <p>Worker 0 is the calling thread and uses the block's own parameters; workers 1..W−1 use replicas that
 * {@link #backward} refreshes from the block's parameters before every batch, so any optimiser step in
 * between is seen. Copying and reducing are one engine call each.
 *
 * <p>Why: small graph batches (EGNN's 100 five-body systems) are too small for PyTorch's intra-op threads
 * to pay off; running two half-batches side by side uses two cores better. Set PyTorch's intra-op threads to
 * 1 ({@code -Dai.djl.pytorch.num_threads=1}) so that W workers use W cores.
 *
 * <pre>{@code
 * try (DataParallel dp = DataParallel.create(block, 2)) {
 *     double loss = dp.backward(store, (ps, shard) -> {
 *         NDList in = shardInput(shard);                      // the shard's half of the batch
 *         NDArray out = block.forward(ps, in, true).singletonOrThrow();
 *         return out.sub(shardTarget(shard)).square().sum().div(batchElements);
 *     });
 *     adam.step(block);                                        // the gradients are the whole batch's
 * }
 * }</pre>
 *
 * <p>PyTorch engine only. Every parameter of the block must be trainable: blocks with running statistics
 * (batch normalisation) would update them from every shard at once, so they are refused. Not thread-safe
 * itself: one {@link #backward} at a time.
 */
public final class DataParallel implements AutoCloseable {
    private final Block block;
    private final List<Parameter> parameters;
    private final List<ParameterStore> replicaStores;
    /** Parameters, then each replica's arrays, in {@link #parameters} order: the arguments of both sync methods. */
    private final NDArray[] syncArgs;
    private final NDManager replicaManager;
    private final ScriptModule sync;
    private final ExecutorService pool;

    /** The loss of one shard of the current batch, computed with the parameters of {@code store}. */
    @FunctionalInterface
    public interface ShardLoss {
        /**
         * @param store the parameters to use (pass it to {@code block.forward})
         * @param shard the shard's index, 0 ≤ shard &lt; workers
         * @return a scalar loss whose sum over the shards is the batch loss
         */
        NDArray loss(ParameterStore store, int shard);
    }

    private DataParallel(Block block, List<Parameter> parameters, int workers) {
        this.block = block;
        this.parameters = parameters;
        NDManager owner = parameters.get(0).getArray().getManager();
        this.replicaManager = owner.newSubManager();
        int n = parameters.size();
        this.syncArgs = new NDArray[n * workers];
        this.replicaStores = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            syncArgs[i] = parameters.get(i).getArray();
        }
        for (int w = 1; w < workers; w++) {
            Map<String, NDArray> copies = new HashMap<>();
            for (int i = 0; i < n; i++) {
                NDArray c = parameters.get(i).getArray().duplicate();
                NDScope.unregister(c);
                c.attach(replicaManager);
                c.setRequiresGradient(true);
                copies.put(parameters.get(i).getId(), c);
                syncArgs[w * n + i] = c;
            }
            replicaStores.add(new ReplicaStore(replicaManager, copies));
        }
        this.sync = ScriptModule.compile(replicaManager, source(n, workers));
        AtomicInteger count = new AtomicInteger();
        this.pool = workers > 1 ? Executors.newFixedThreadPool(workers - 1, r -> {
            Thread t = new Thread(r, "equivariant4j-data-parallel-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /**
     * Data parallelism over {@code workers} threads for an initialised block.
     *
     * @throws IllegalArgumentException when workers &lt; 1, the block has an uninitialised or a non-trainable
     *     parameter, or no parameters, or they are not on the PyTorch engine
     */
    public static DataParallel create(Block block, int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("DataParallel needs at least 1 worker, got " + workers);
        }
        List<Parameter> ps = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter param = p.getValue();
            if (!param.isInitialized()) {
                throw new IllegalArgumentException("parameter " + p.getKey() + " is not initialised; initialise the block first");
            }
            if (!param.requiresGradient()) {
                throw new IllegalArgumentException("parameter " + p.getKey() + " is not trainable; DataParallel supports"
                        + " blocks whose parameters are all trainable (running statistics would be updated by every shard)");
            }
            if (!(param.getArray() instanceof PtNDArray)) {
                throw new IllegalArgumentException("DataParallel needs the PyTorch engine, parameter " + p.getKey()
                        + " is a " + param.getArray().getClass().getSimpleName());
            }
            ps.add(param);
        }
        if (ps.isEmpty()) {
            throw new IllegalArgumentException("the block has no parameters");
        }
        return new DataParallel(block, List.copyOf(ps), workers);
    }

    public int workers() {
        return replicaStores.size() + 1;
    }

    /**
     * Runs {@code loss} for every shard, each on its own worker, back-propagates each shard loss, and adds
     * the gradients of the replicas to those of the block's parameters (which therefore accumulate, as
     * after any backward: zero them after the optimiser step, as {@link FusedAdam} does).
     *
     * @param store the parameter store of worker 0 (the caller's, e.g. a trainer's)
     * @return the sum of the shard losses
     * @throws IllegalArgumentException when a shard loss is not a scalar
     * @throws IllegalStateException when a parameter got a gradient from a replica but none from shard 0, or a
     *     parameter's array was replaced since {@link #create}
     * @throws RuntimeException what a shard threw (the first shard's, if several failed), after every worker has
     *     finished; the block's gradients then hold those of the shards that completed, so zero them before the
     *     next batch (the replicas are reset by the next call)
     */
    public double backward(ParameterStore store, ShardLoss loss) {
        for (int i = 0; i < parameters.size(); i++) {
            if (parameters.get(i).getArray() != syncArgs[i]) {
                throw new IllegalStateException("parameter " + parameters.get(i).getName() + " was given a new array (loaded"
                        + " or replaced?) after this DataParallel was created; create a new one");
            }
        }
        if (pool != null) {
            sync.call("broadcast", false, syncArgs).close(); // the returned handle only: every array is updated in place
        }
        List<Future<Double>> others = new ArrayList<>();
        for (int w = 1; w < workers(); w++) {
            ParameterStore replica = replicaStores.get(w - 1);
            int shard = w;
            others.add(pool.submit(() -> shardBackward(replica, shard, loss)));
        }
        double total = 0;
        RuntimeException failure = null;
        try {
            total += shardBackward(store, 0, loss);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<Double> f : others) {
            try {
                total += f.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                failure = failure != null ? failure
                        : cause instanceof RuntimeException re ? re : new IllegalStateException("a data-parallel worker failed", cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure != null ? failure : new IllegalStateException("interrupted while waiting for a worker", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        if (pool != null) {
            try {
                sync.call("reduce", false, syncArgs).close();
            } catch (ai.djl.engine.EngineException e) {
                throw new IllegalStateException("could not sum the shard gradients of " + block.getClass().getSimpleName()
                        + ": " + e.getMessage(), e);
            }
        }
        return total;
    }

    /** Forward and backward of one shard on the current thread, with autograd on for that thread only. */
    private static double shardBackward(ParameterStore store, int shard, ShardLoss loss) {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDScope scope = new NDScope()) {
            NDArray l = loss.loss(store, shard);
            if (l.getShape().size() != 1) {
                throw new IllegalArgumentException("a shard loss must be a scalar, shard " + shard + " gave shape " + l.getShape());
            }
            JniUtils.backward((PtNDArray) l, (PtNDArray) l.onesLike(), false, false);
            return l.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    /**
     * Two TorchScript methods over (parameters, replica 1, ..., replica W−1): {@code broadcast} copies the
     * parameters into every replica and zeroes the replicas' gradients; {@code reduce} adds each replica's gradient to the parameter's, replica
     * by replica, and zeroes the replica's. An undefined gradient (a parameter the loss never reached) has
     * numel 0 and is skipped.
     */
    static String source(int n, int workers) {
        StringBuilder s = new StringBuilder();
        for (String method : new String[] {"broadcast", "reduce"}) {
            s.append("def ").append(method).append("(self");
            for (int i = 0; i < n * workers; i++) {
                s.append(", a").append(i).append(": Tensor");
            }
            s.append(") -> Tensor:\n");
            for (int i = 0; i < n; i++) {
                for (int w = 1; w < workers; w++) {
                    int r = w * n + i;
                    if ("broadcast".equals(method)) {
                        // gradients left by a failed batch are dropped here
                        String rg = "r" + i + "_" + w;
                        s.append("  a").append(r).append(".copy_(a").append(i).append(")\n");
                        s.append("  ").append(rg).append(" = a").append(r).append(".grad\n");
                        s.append("  if ").append(rg).append(" is not None:\n");
                        s.append("    if ").append(rg).append(".numel() == a").append(r).append(".numel():\n");
                        s.append("      ").append(rg).append(".zero_()\n");
                    } else {
                        String g = "g" + i + "_" + w;
                        String rg = "r" + i + "_" + w;
                        s.append("  ").append(rg).append(" = a").append(r).append(".grad\n");
                        s.append("  if ").append(rg).append(" is not None:\n");
                        s.append("    if ").append(rg).append(".numel() == a").append(r).append(".numel():\n");
                        s.append("      ").append(g).append(" = a").append(i).append(".grad\n");
                        s.append("      if ").append(g).append(" is None:\n");
                        s.append("        ops.prim.RaiseException(\"parameter ").append(i).append(" got a gradient from shard ")
                                .append(w).append(" but none from shard 0\", \"builtins.RuntimeError\")\n");
                        s.append("      if ").append(g).append(".numel() != a").append(i).append(".numel():\n");
                        s.append("        ops.prim.RaiseException(\"parameter ").append(i).append(" got a gradient from shard ")
                                .append(w).append(" but none from shard 0\", \"builtins.RuntimeError\")\n");
                        s.append("      ").append(g).append(".add_(").append(rg).append(")\n");
                        s.append("      ").append(rg).append(".zero_()\n");
                    }
                }
            }
            s.append("  return a0\n");
        }
        return s.toString();
    }

    /** Stops the workers and frees the replicas. */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
        sync.close();
        replicaManager.close();
    }

    /** A parameter store that hands out a replica's arrays instead of the parameters'. */
    private static final class ReplicaStore extends ParameterStore {
        private final Map<String, NDArray> copies;

        ReplicaStore(NDManager manager, Map<String, NDArray> copies) {
            super(manager, false);
            this.copies = copies;
        }

        @Override
        public NDArray getValue(Parameter parameter, Device device, boolean training) {
            NDArray c = copies.get(parameter.getId());
            if (c == null) {
                throw new IllegalArgumentException("parameter " + parameter.getName() + " is not one of the replicated block's");
            }
            return c;
        }
    }
}

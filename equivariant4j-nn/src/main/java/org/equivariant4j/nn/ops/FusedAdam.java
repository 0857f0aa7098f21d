package org.equivariant4j.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * DJL's Adam update for all parameters of a block in one engine call, instead of one call (about a dozen
 * ATen ops, plus a gradient copy under {@code Trainer.step()}) per parameter tensor.
 *
 * <p>The arithmetic is DJL 0.36's {@code Adam} (PyTorch engine) operation for operation, on the
 * concatenation of all parameters: with t the step number,
 * <pre>
 * g = grad + wd·w;   m = β₁m + (1−β₁)g;   v = β₂v + (1−β₂)g²;   w −= (lr·√(1−β₂ᵗ)/(1−β₁ᵗ))·m / (√v + ε)
 * </pre>
 * (L2 weight decay added to the gradient, ε outside the bias correction), followed by zeroing the
 * gradients, as DJL's update does. Elementwise it performs the same float operations in the same order,
 * so it reproduces DJL's {@code Adam} up to the rounding of those operations (in practice bit for bit). A
 * parameter that autograd never reached counts as having a zero gradient, as under DJL.
 *
 * <pre>{@code
 * FusedAdam adam = FusedAdam.builder().learningRate(Tracker.fixed(5e-4f)).weightDecay(1e-12f).build();
 * ... backward ...
 * adam.step(block);            // instead of trainer.step() / per-parameter optimizer.update(...)
 * }</pre>
 *
 * <p>The moment estimates live in two flat arrays on the parameters' manager, created on the first step;
 * the parameter set (those of the block requiring gradients) must stay the same afterwards. {@link #state()} and
 * {@link #restore} carry the optimiser over to another process (checkpoints): restored, it continues exactly where it
 * stopped. Not thread-safe.
 */
public final class FusedAdam implements AutoCloseable {
    private final Tracker learningRate;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private List<NDArray> weights;
    private Block owner;
    private List<Parameter> parameters;
    private ScriptModule script;
    private NDArray mean;
    private NDArray variance;
    private NDArray[] args;
    private int steps;

    private FusedAdam(Builder b) {
        this.learningRate = b.learningRate;
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.epsilon = b.epsilon;
        this.weightDecay = b.weightDecay;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Number of steps taken. */
    public int steps() {
        return steps;
    }

    /**
     * What the optimiser carries from step to step: t, the number of steps taken, and the flat first and second moment
     * estimates m and v (the concatenation over the trainable parameters, in the block's order).
     *
     * @param steps    steps taken
     * @param mean     m, one value per trainable scalar
     * @param variance v, likewise
     */
    public record State(int steps, float[] mean, float[] variance) {
        public State {
            if (steps < 0 || mean.length != variance.length) {
                throw new IllegalArgumentException("expected steps >= 0 and moments of equal length, got " + steps + ", "
                        + mean.length + " and " + variance.length);
            }
        }
    }

    /**
     * A copy of the state (float32 optimisers only; before the first step: 0 steps and no moments).
     *
     * @throws IllegalStateException for a float64 optimiser
     */
    public State state() {
        if (mean == null) {
            return new State(steps, new float[0], new float[0]);
        }
        if (mean.getDataType() != DataType.FLOAT32) {
            throw new IllegalStateException("state() supports float32 parameters, these are " + mean.getDataType());
        }
        return new State(steps, mean.toFloatArray(), variance.toFloatArray());
    }

    /**
     * Continues from a saved {@link State} for the trainable parameters of {@code block}, as if the steps had been taken
     * here. Only before this optimiser's first step.
     *
     * @throws IllegalArgumentException when the state's moments do not match the block's trainable parameters
     * @throws IllegalStateException    after a step has been taken
     */
    public void restore(Block block, State state) {
        if (weights != null || steps != 0) {
            throw new IllegalStateException("restore() only before the first step; " + steps + " steps were taken");
        }
        if (state.steps() == 0) {
            return;
        }
        List<NDArray> ws = new ArrayList<>();
        List<Parameter> ps = new ArrayList<>();
        long total = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                ps.add(p.getValue());
                ws.add(p.getValue().getArray());
                total += p.getValue().getArray().size();
            }
        }
        if (total != state.mean().length) {
            throw new IllegalArgumentException("the saved optimiser state holds moments of " + state.mean().length
                    + " values, the block has " + total + " trainable values");
        }
        setUp(ws);
        if (mean.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("restore() supports float32 parameters, these are " + mean.getDataType());
        }
        NDManager m = mean.getManager();
        try (NDArray mv = m.create(state.mean()); NDArray vv = m.create(state.variance())) {
            mean.set(new ai.djl.ndarray.index.NDIndex("..."), mv);
            variance.set(new ai.djl.ndarray.index.NDIndex("..."), vv);
        }
        owner = block;
        parameters = List.copyOf(ps);
        steps = state.steps();
    }

    /**
     * One Adam step for every parameter of the block that requires a gradient, then zeroes their gradients.
     *
     * @throws IllegalArgumentException when the block has no initialised trainable parameters, they are not
     *     all float32 or all float64, or the parameter set changed since the first step
     */
    public void step(Block block) {
        if (block != owner) {
            // getParameters() walks the block tree and builds names: done once per block, not per step
            List<Parameter> ps = new ArrayList<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                Parameter param = p.getValue();
                if (param.requiresGradient()) {
                    if (!param.isInitialized()) {
                        throw new IllegalArgumentException("parameter " + p.getKey() + " is not initialised");
                    }
                    ps.add(param);
                }
            }
            List<NDArray> ws = new ArrayList<>();
            for (Parameter p : ps) {
                ws.add(p.getArray());
            }
            if (weights == null) {
                setUp(ws);
            } else if (!sameArrays(ws, weights)) {
                throw new IllegalArgumentException("the block's trainable parameters changed since the first step ("
                        + weights.size() + " then, " + ws.size() + " now)");
            }
            owner = block;
            parameters = List.copyOf(ps);
        } else {
            for (int i = 0; i < parameters.size(); i++) {
                if (parameters.get(i).getArray() != weights.get(i)) {
                    throw new IllegalArgumentException("parameter " + parameters.get(i).getName()
                            + " was given a new array since the first step");
                }
            }
        }
        steps++;
        int t = steps;
        double coef1 = 1.0 - Math.pow(beta1, t);
        double coef2 = 1.0 - Math.pow(beta2, t);
        float lr = learningRate.getNewValue(t);
        float stepSize = (float) (lr * Math.sqrt(coef2) / coef1);
        if (Float.isNaN(stepSize) || Float.isInfinite(stepSize) || Float.isNaN(weightDecay) || Float.isInfinite(weightDecay)) {
            throw new IllegalStateException("learning rate or weight decay is nan or infinite");
        }
        // the scalars as DJL's JNI receives them (floats, 1 − β computed in float)
        double[] hp = {stepSize, weightDecay, beta1, 1f - beta1, beta2, 1f - beta2, epsilon};
        NDManager m = weights.get(0).getManager();
        try (NDScope scope = new NDScope()) {
            args[0] = m.create(hp);
            script.call("forward", false, args);
        } finally {
            args[0] = null;
        }
    }

    private static boolean sameArrays(List<NDArray> a, List<NDArray> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    private void setUp(List<NDArray> ws) {
        if (ws.isEmpty()) {
            throw new IllegalArgumentException("the block has no trainable parameters");
        }
        DataType dt = ws.get(0).getDataType();
        if (dt != DataType.FLOAT32 && dt != DataType.FLOAT64) {
            throw new IllegalArgumentException("FusedAdam needs float32 or float64 parameters, got " + dt);
        }
        long total = 0;
        for (NDArray w : ws) {
            if (w.getDataType() != dt) {
                throw new IllegalArgumentException("parameters of mixed types: " + dt + " and " + w.getDataType());
            }
            total += w.size();
        }
        NDManager m = ws.get(0).getManager();
        mean = m.zeros(new Shape(total), dt);
        variance = m.zeros(new Shape(total), dt);
        NDScope.unregister(mean, variance);
        script = ScriptModule.compile(m, source(ws));
        weights = List.copyOf(ws);
        args = new NDArray[3 + ws.size()];
        args[1] = mean;
        args[2] = variance;
        for (int i = 0; i < ws.size(); i++) {
            args[3 + i] = ws.get(i);
        }
    }

    /** The update as TorchScript, unrolled over the parameters. */
    static String source(List<NDArray> ws) {
        int n = ws.size();
        StringBuilder s = new StringBuilder();
        // w.grad of a parameter autograd never reached is an undefined tensor (numel 0), not None
        s.append("def grad(self, w: Tensor) -> Tensor:\n");
        s.append("  g = w.grad\n");
        s.append("  if g is None:\n");
        s.append("    return torch.zeros_like(w)\n");
        s.append("  if g.numel() != w.numel():\n");
        s.append("    return torch.zeros_like(w)\n");
        s.append("  return g\n");
        s.append("def forward(self, hp: Tensor, m: Tensor, v: Tensor");
        for (int i = 0; i < n; i++) {
            s.append(", w").append(i).append(": Tensor");
        }
        s.append(") -> Tensor:\n");
        s.append("  lr = float(hp[0])\n  wd = float(hp[1])\n  b1 = float(hp[2])\n  c1 = float(hp[3])\n");
        s.append("  b2 = float(hp[4])\n  c2 = float(hp[5])\n  eps = float(hp[6])\n");
        for (int i = 0; i < n; i++) {
            s.append("  g").append(i).append(" = self.grad(w").append(i).append(")\n");
        }
        s.append("  g = torch.cat([");
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : ", ").append("torch.reshape(g").append(i).append(", [-1])");
        }
        s.append("])\n  w = torch.cat([");
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : ", ").append("torch.reshape(w").append(i).append(", [-1])");
        }
        s.append("])\n");
        // the same kernels as DJL's update, in place on the temporaries where DJL allocates
        s.append("  g.add_(w, alpha=wd)\n");
        s.append("  m.mul_(b1).add_(g, alpha=c1)\n");
        s.append("  v.mul_(b2).addcmul_(g, g, value=c2)\n");
        s.append("  u = torch.mul(m, lr).div_(torch.sqrt(v).add_(eps))\n");
        s.append("  parts = torch.split_with_sizes(u, [");
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : ", ").append(ws.get(i).size());
        }
        s.append("])\n");
        // in-place updates statement by statement (TorchScript drops in-place _foreach ops on a local list as dead code)
        for (int i = 0; i < n; i++) {
            s.append("  w").append(i).append(".sub_(parts[").append(i).append("].view(w").append(i).append(".size()))\n");
            s.append("  g").append(i).append(".zero_()\n");
        }
        s.append("  return m\n");
        return s.toString();
    }

    /** Frees the moment estimates and the compiled update. */
    @Override
    public void close() {
        if (script != null) {
            script.close();
            mean.close();
            variance.close();
        }
    }

    /** Adam's settings; defaults as DJL's {@code Adam}: lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-8, no weight decay. */
    public static final class Builder {
        private Tracker learningRate = Tracker.fixed(0.001f);
        private float beta1 = 0.9f;
        private float beta2 = 0.999f;
        private float epsilon = 1e-8f;
        private float weightDecay;

        private Builder() {}

        public Builder learningRate(Tracker tracker) {
            this.learningRate = Objects.requireNonNull(tracker);
            return this;
        }

        public Builder beta1(float b) {
            this.beta1 = b;
            return this;
        }

        public Builder beta2(float b) {
            this.beta2 = b;
            return this;
        }

        public Builder epsilon(float e) {
            this.epsilon = e;
            return this;
        }

        /** L2 weight decay added to the gradient (DJL's {@code optWeightDecays}). */
        public Builder weightDecay(float wd) {
            this.weightDecay = wd;
            return this;
        }

        public FusedAdam build() {
            return new FusedAdam(this);
        }
    }
}

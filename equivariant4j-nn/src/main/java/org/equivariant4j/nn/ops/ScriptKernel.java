package org.equivariant4j.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A generated TorchScript function together with the constant tensors it needs (Clebsch–Gordan blocks, index
 * arrays): the unit in which the O(3) blocks run their math as one engine call.
 *
 * <p>The source is compiled on first use; the constants are built per (device, dtype) by a {@link
 * DeviceConstants.Factory} and appended to every call after the caller's tensors, so a method is declared as
 * {@code def f(self, x: Tensor, …, c0: Tensor, c1: Tensor, …)}. Script and constants live on a manager of their own
 * for the life of the kernel. Calls record autograd whenever the engine is in grad mode (inside a
 * {@link ai.djl.training.GradientCollector}); their results are ordinary tensors either way (never libtorch inference
 * tensors), so they can feed later differentiable ops. Results attach to the first input's manager. Thread-safe.
 *
 * <p>Kernels are pure functions of their description, so blocks share them through {@link #shared}, an explicit
 * bounded memo keyed by value types (the description records of the callers).
 */
public final class ScriptKernel {
    /** How many kernels {@link #shared} keeps; kernels beyond that are built for their caller alone. */
    public static final int MEMO_CAPACITY = 512;
    private static final ConcurrentHashMap<Object, ScriptKernel> MEMO = new ConcurrentHashMap<>();

    private final String name;
    private final String source;
    private final NDManager manager;
    private final DeviceConstants constants;
    private volatile ScriptModule module;

    /**
     * @param name a short description for messages and the manager's name
     * @param source the TorchScript methods (see {@link ScriptModule#compile})
     * @param constants builds the constant tensors appended to each call (may build an empty list)
     */
    public ScriptKernel(String name, String source, DeviceConstants.Factory constants) {
        this.name = Objects.requireNonNull(name, "name");
        this.source = Objects.requireNonNull(source, "source");
        this.manager = NDManager.newBaseManager();
        this.manager.setName(name);
        this.constants = new DeviceConstants(name + " constants", Objects.requireNonNull(constants, "constants"));
    }

    /**
     * The kernel memoised under {@code key} (a value type with equals/hashCode), built by {@code build} the first
     * time; once {@value #MEMO_CAPACITY} kernels are memoised, further keys get a fresh kernel each call.
     */
    public static <K> ScriptKernel shared(K key, Function<K, ScriptKernel> build) {
        ScriptKernel k = MEMO.get(key);
        if (k != null) {
            return k;
        }
        if (MEMO.size() < MEMO_CAPACITY) {
            return MEMO.computeIfAbsent(key, x -> build.apply(key));
        }
        return build.apply(key);
    }

    /** The generated source (for inspection and tests). */
    public String source() {
        return source;
    }

    /**
     * Runs {@code method} on {@code inputs} followed by the constants in the first input's device and dtype.
     *
     * @return the returned tensor, or a returned tuple's tensors
     */
    public NDList call(String method, NDArray... inputs) {
        if (inputs.length == 0) {
            throw new IllegalArgumentException(name + ": a call needs at least one input");
        }
        NDArray first = inputs[0];
        DeviceConstants.Copy c = constants.get(first.getDevice(), first.getDataType(), manager);
        NDArray[] all = new NDArray[inputs.length + c.arrays().size()];
        System.arraycopy(inputs, 0, all, 0, inputs.length);
        for (int i = 0; i < c.arrays().size(); i++) {
            all[inputs.length + i] = c.get(i);
        }
        // Always without libtorch's inference mode: its outputs could never be used by a later differentiable op
        // ("Inference tensors cannot be saved for backward"), e.g. edge harmonics computed once and then trained on.
        // Whether autograd records is still decided by the engine's grad mode (on inside a GradientCollector).
        return module().call(method, true, all);
    }

    private ScriptModule module() {
        ScriptModule m = module;
        if (m == null) {
            synchronized (this) {
                m = module;
                if (m == null) {
                    m = ScriptModule.compile(manager, source);
                    module = m;
                }
            }
        }
        return m;
    }

    /** A double as a TorchScript float literal that reads back to the same value. */
    public static String literal(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("TorchScript constants must be finite, got " + v);
        }
        return Double.toString(v).replace('E', 'e');
    }

    @Override
    public String toString() {
        return name;
    }
}

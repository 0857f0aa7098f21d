package org.equivariant4j.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A block's expanded weights (kernel, bias…) kept between inference calls and recomputed when the parameters change.
 *
 * <p>Validity is decided on the engine, without copying parameters to the JVM: the cached entry remembers the parameter
 * arrays it was computed from (the same objects must come back: loading or {@code Parameter.setArray} replaces them) and a
 * device-side snapshot of their values; each call compares the current values with the snapshot in one engine call per
 * parameter ({@code torch.equal}, a single boolean comes back), so in-place optimizer updates are noticed too. A
 * training-mode forward or {@link #invalidate()} drops the entry. Entries never appear among saved parameters.
 *
 * <p>Thread-safe; one instance belongs to one block.
 */
public final class InferenceCache {
    private record Entry(List<NDArray> parameters, NDManager manager, NDList snapshots, NDList values) {}

    private final String name;
    private volatile Entry entry;

    /** @param name the name of the managers that hold cached arrays (e.g. "R2Conv inference cache") */
    public InferenceCache(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * The cached arrays for these parameter arrays, computing them with {@code compute} (which receives a manager that
     * owns its results) when missing or stale. The returned arrays must not be modified or closed by the caller.
     */
    public NDList get(List<NDArray> parameters, Function<NDManager, NDList> compute) {
        Entry e = entry;
        if (valid(e, parameters)) {
            return e.values();
        }
        synchronized (this) {
            e = entry;
            if (valid(e, parameters)) {
                return e.values();
            }
            invalidate();
            NDManager m = parameters.get(0).getManager().newSubManager();
            m.setName(name);
            NDList snapshots = new NDList(parameters.size());
            for (NDArray p : parameters) {
                NDArray s = p.stopGradient().duplicate();
                s.attach(m);
                NDScope.unregister(s);
                snapshots.add(s);
            }
            NDList values = new NDList();
            try (NDManager tmp = m.newSubManager()) {
                for (NDArray v : compute.apply(tmp)) {
                    NDArray kept = v.stopGradient().duplicate();
                    kept.attach(m);
                    NDScope.unregister(kept);
                    values.add(kept);
                }
            }
            entry = new Entry(List.copyOf(parameters), m, snapshots, values);
            return values;
        }
    }

    private static boolean valid(Entry e, List<NDArray> parameters) {
        if (e == null || !e.manager().isOpen() || e.parameters().size() != parameters.size()) {
            return false;
        }
        for (int i = 0; i < parameters.size(); i++) {
            NDArray p = parameters.get(i);
            NDArray s = e.snapshots().get(i);
            if (p != e.parameters().get(i) || p.isReleased() || !p.getDevice().equals(s.getDevice())
                    || p.getDataType() != s.getDataType() || !p.contentEquals(s)) {
                return false;
            }
        }
        return true;
    }

    /** Drops the cached arrays. */
    public void invalidate() {
        Entry e = entry;
        entry = null;
        if (e != null && e.manager().isOpen()) {
            e.manager().close();
        }
    }
}

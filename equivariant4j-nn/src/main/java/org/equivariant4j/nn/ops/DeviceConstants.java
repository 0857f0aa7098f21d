package org.equivariant4j.nn.ops;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A block's constant arrays (bases, transform matrices: rebuilt from the configuration, never saved), one copy per
 * (device, dtype), each on a dedicated sub-manager that owns nothing else. A copy whose manager was closed or whose
 * arrays were released is rebuilt on its next use. Thread-safe; it belongs to the block that holds it.
 */
public final class DeviceConstants {
    /** Builds the arrays of one copy on {@code manager} in {@code dataType}. */
    @FunctionalInterface
    public interface Factory {
        /** The constant arrays, created on {@code manager}. */
        NDList build(NDManager manager, DataType dataType);
    }

    /**
     * One copy of the constants.
     *
     * @param manager the dedicated manager that owns the arrays
     * @param arrays the arrays in the order the factory built them
     */
    public record Copy(NDManager manager, NDList arrays) {
        /** The i-th constant array. */
        public NDArray get(int i) {
            return arrays.get(i);
        }

        boolean usable() {
            if (!manager.isOpen()) {
                return false;
            }
            for (NDArray a : arrays) {
                if (a.isReleased()) {
                    return false;
                }
            }
            return true;
        }
    }

    private record Key(Device device, DataType dataType) {}

    private final String name;
    private final Factory factory;
    private final Map<Key, Copy> copies = new ConcurrentHashMap<>();

    /**
     * @param name the name given to each copy's manager (e.g. "GroupConv2d constants")
     * @param factory builds the arrays of a copy
     */
    public DeviceConstants(String name, Factory factory) {
        this.name = Objects.requireNonNull(name, "name");
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** Drops any copy for {@code parent}'s device and {@code dataType} and builds a fresh one under {@code parent}. */
    public Copy rebuild(NDManager parent, DataType dataType) {
        Key key = new Key(parent.getDevice(), dataType);
        Copy old = copies.remove(key);
        if (old != null) {
            old.manager().close();
        }
        Copy fresh = build(parent, key);
        copies.put(key, fresh);
        return fresh;
    }

    /** The copy on {@code device} in {@code dataType}, built under {@code parent} if missing or no longer usable. */
    public Copy get(Device device, DataType dataType, NDManager parent) {
        Key key = new Key(device, dataType);
        Copy c = copies.get(key);
        if (c != null && c.usable()) {
            return c;
        }
        synchronized (copies) {
            c = copies.get(key);
            if (c == null || !c.usable()) {
                c = build(parent, key);
                copies.put(key, c);
            }
            return c;
        }
    }

    private Copy build(NDManager parent, Key key) {
        NDManager m = parent.newSubManager(key.device());
        m.setName(name);
        NDList arrays = factory.build(m, key.dataType());
        // constants outlive any NDScope that happens to be open while they are built
        for (NDArray a : arrays) {
            NDScope.unregister(a);
        }
        return new Copy(m, arrays);
    }
}

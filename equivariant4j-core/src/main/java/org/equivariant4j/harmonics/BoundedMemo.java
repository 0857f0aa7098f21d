package org.equivariant4j.harmonics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * An explicit, bounded, thread-safe memo of a pure function keyed by a value type.
 *
 * <p>At most {@code capacity} results are kept; once full, further results are computed but not
 * stored. Values must be treated as immutable by all callers (never handed out to users).
 */
final class BoundedMemo<K, V> {

    private final ConcurrentHashMap<K, V> map = new ConcurrentHashMap<>();
    private final int capacity;
    private final Function<K, V> function;

    BoundedMemo(int capacity, Function<K, V> function) {
        this.capacity = capacity;
        this.function = function;
    }

    V get(K key) {
        V v = map.get(key);
        if (v != null) {
            return v;
        }
        v = function.apply(key);
        if (map.size() < capacity) {
            V previous = map.putIfAbsent(key, v);
            if (previous != null) {
                return previous;
            }
        }
        return v;
    }
}

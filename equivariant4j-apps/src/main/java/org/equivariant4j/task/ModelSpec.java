package org.equivariant4j.task;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A named model of a task: what its model card records about the architecture (a configuration map and what it is
 * equivariant to, in the library's terms: the group and the field types or irreps of input, hidden and output
 * features) and how to build it. Adding a model to a task is adding one of these to the task's list.
 *
 * @param task        the task's name, e.g. "nbody"
 * @param name        the model's name, e.g. "egnn"
 * @param description one line for people
 * @param config      the architecture's configuration (JSON-friendly values), e.g. {"hidden": 64, "layers": 4}
 * @param symmetry    the group and the field types: {"group": "E(3)", "input": ..., "output": ...}
 * @param factory     builds the model, weights drawn from the seed, initialised in float32
 */
public record ModelSpec(String task, String name, String description, Map<String, Object> config,
        Map<String, String> symmetry, Factory factory) {

    /** Builds a model of this architecture. */
    @FunctionalInterface
    public interface Factory {
        /** A new float32 model on {@code manager}, initialised, its weights drawn from {@code seed}. */
        Block create(long seed, NDManager manager);
    }

    public ModelSpec {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(factory, "factory");
        config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
        symmetry = Collections.unmodifiableMap(new LinkedHashMap<>(symmetry));
    }

    /** A new initialised model. */
    public Block create(long seed, NDManager manager) {
        return factory.create(seed, manager);
    }

    /** A map of the given keys and values in that order (model cards list them as written). */
    @SuppressWarnings("unchecked")
    public static <V> Map<String, V> ordered(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("expected keys and values in pairs, got " + keysAndValues.length + " items");
        }
        Map<String, V> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], (V) keysAndValues[i + 1]);
        }
        return m;
    }
}

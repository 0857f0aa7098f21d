package org.equivariant4j.spark;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.equivariant4j.task.SavedModel;

/**
 * The saved models loaded in this JVM (a Spark executor). A model folder is read and checked once per instance; an
 * instance serves one task at a time (a DJL model is not meant for concurrent forward calls), so an executor running k
 * tasks at once holds at most k instances of a model, each loaded once and reused by every later partition. An explicit
 * memo keyed by the folder and its parameter checksum, bounded to {@value #CAPACITY} models (the least recently used
 * model's idle instances are closed when a fifth comes).
 */
final class ExecutorModels {
    static final int CAPACITY = 4;

    /** A model folder as the driver checked it: its absolute path and the card's parameter checksum. */
    record Key(String folder, String parametersCrc32c) implements java.io.Serializable {}

    private static final Map<Key, ArrayDeque<SavedModel>> IDLE = new LinkedHashMap<>(8, 0.75f, true);

    private ExecutorModels() {}

    /** An instance of that model for the calling task only; {@link #giveBack} it when the partition is done. */
    static SavedModel borrow(Key key) {
        synchronized (ExecutorModels.class) {
            ArrayDeque<SavedModel> idle = IDLE.get(key);
            if (idle != null && !idle.isEmpty()) {
                return idle.pop();
            }
        }
        SavedModel m = SavedModel.load(Path.of(key.folder()));
        if (!m.card().parametersCrc32c().equals(key.parametersCrc32c())) {
            String found = m.card().parametersCrc32c();
            m.close();
            throw new IllegalStateException("model folder " + key.folder() + " changed since the job started: its"
                    + " parameters' CRC-32C is " + found + ", the driver checked " + key.parametersCrc32c());
        }
        return m;
    }

    /** Returns an instance for later tasks. */
    static synchronized void giveBack(Key key, SavedModel m) {
        ArrayDeque<SavedModel> idle = IDLE.get(key);
        if (idle == null) {
            if (IDLE.size() >= CAPACITY) {
                Iterator<ArrayDeque<SavedModel>> it = IDLE.values().iterator();
                it.next().forEach(SavedModel::close);
                it.remove();
            }
            idle = new ArrayDeque<>();
            IDLE.put(key, idle);
        }
        idle.push(m);
    }
}

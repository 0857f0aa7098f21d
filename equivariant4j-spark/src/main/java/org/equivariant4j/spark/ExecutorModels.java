package org.equivariant4j.spark;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.equivariant4j.task.SavedModel;

/**
 * The saved models loaded in this JVM (a Spark executor): each model folder is loaded once, on first use, and shared by
 * the executor's tasks, which take turns predicting ({@link #predictLocked}). An explicit memo keyed by the folder and
 * its parameter checksum, bounded to {@value #CAPACITY} models (the least recently used one is closed when a fifth
 * comes).
 */
final class ExecutorModels {
    static final int CAPACITY = 4;

    /** A model folder as the driver checked it: its absolute path and the card's parameter checksum. */
    record Key(String folder, String parametersCrc32c) implements java.io.Serializable {}

    private static final Map<Key, SavedModel> MODELS = new LinkedHashMap<>(8, 0.75f, true);

    private ExecutorModels() {}

    /** The loaded model of that folder, loading it on first use. */
    static synchronized SavedModel get(Key key) {
        SavedModel m = MODELS.get(key);
        if (m == null) {
            m = SavedModel.load(Path.of(key.folder()));
            if (!m.card().parametersCrc32c().equals(key.parametersCrc32c())) {
                String found = m.card().parametersCrc32c();
                m.close();
                throw new IllegalStateException("model folder " + key.folder() + " changed since the job started: its"
                        + " parameters' CRC-32C is " + found + ", the driver checked " + key.parametersCrc32c());
            }
            if (MODELS.size() >= CAPACITY) {
                Iterator<Map.Entry<Key, SavedModel>> it = MODELS.entrySet().iterator();
                SavedModel eldest = it.next().getValue();
                it.remove();
                synchronized (eldest) {
                    eldest.close();
                }
            }
            MODELS.put(key, m);
        }
        return m;
    }
}

package org.equivariant4j.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.equivariant4j.data.AtomicFiles;

/**
 * The results of one task run, in the JSON shape every task shares (DESIGN.md):
 * {@code {"task": "...", "config": {...}, "models": [{"name": "...", "params": 123, "seconds_per_epoch": 0.4,
 * "epochs": 50, "metrics": {"test_mse": 0.01, ...}}]}}. Metric names are snake_case and documented per task.
 *
 * @param task   the subcommand, e.g. "nbody"
 * @param config the settings the run used (snake_case keys)
 * @param models one entry per model trained
 */
public record Results(String task, Map<String, Object> config, List<ModelResult> models) {

    /**
     * One trained model.
     *
     * @param name            model name, e.g. "egnn"
     * @param params          number of learnable parameters
     * @param secondsPerEpoch median wall-clock seconds per training epoch
     * @param epochs          epochs trained
     * @param metrics         named metrics (snake_case)
     */
    public record ModelResult(String name, long params, double secondsPerEpoch, int epochs, Map<String, Double> metrics) {
        public ModelResult {
            Objects.requireNonNull(name, "name");
            metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        }
    }

    public Results {
        Objects.requireNonNull(task, "task");
        config = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(config));
        models = List.copyOf(models);
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** Writes the JSON file atomically ({@link AtomicFiles}), creating parent folders. */
    public void write(Path path) {
        AtomicFiles.write(path, tmp -> mapper().writeValue(tmp.toFile(), this));
    }

    /** Reads a results file written by any task. */
    public static Results read(Path path) throws IOException {
        return mapper().readValue(path.toFile(), Results.class);
    }
}

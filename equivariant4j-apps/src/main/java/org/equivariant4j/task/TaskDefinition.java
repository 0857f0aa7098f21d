package org.equivariant4j.task;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.equivariant4j.data.Npy;

/**
 * What the model cards and {@code equivariant4j predict} need of a task: its models, and how its inputs are read and
 * its predictions made. A new task implements this next to its training code and adds itself to {@link Tasks}.
 */
public interface TaskDefinition {
    /** The task's name, as in the command line and in model cards ("nbody"). */
    String name();

    /** Its models. */
    List<ModelSpec> models();

    /** The model of that name. */
    default ModelSpec model(String name) {
        for (ModelSpec s : models()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown " + name() + " model '" + name + "'; expected one of "
                + models().stream().map(ModelSpec::name).toList());
    }

    /**
     * The model of that name as a model card's configuration describes it. Tasks whose models take options (recorded in
     * the configuration) build the matching model here; by default the configuration selects nothing beyond the name.
     */
    default ModelSpec model(String name, Map<String, Object> config) {
        return model(name);
    }

    /** What {@code predict --input} takes and writes, for help texts and model cards. */
    Map<String, Object> inputOutput(Map<String, Object> cardInput);

    /**
     * Reads a {@code predict} input file as the array {@link #predict} takes, refusing what the model cannot take
     * ({@code cardInput}: the model card's record of the training input, e.g. the image size).
     */
    Npy.NpyArray readInput(Path file, Map<String, Object> cardInput);

    /** Writes an input array in the format {@link #readInput} reads (a saved model's example). */
    void writeInput(Path file, Npy.NpyArray input);

    /** The file name of a saved model's example input, e.g. "example_input.npy". */
    String exampleInputName();

    /**
     * The model's inputs and predictions as table columns, for scoring tables (Parquet, Spark) row by row
     * ({@code cardInput}: the model card's record of the training input, e.g. the image size).
     */
    TableLayout tableLayout(Map<String, Object> cardInput);

    /**
     * The samples per forward call of {@link #predict}: it cuts its input into batches of this many, in order (the last
     * one shorter), so callers that cut a long input into parts of whole batches get the same forward calls.
     */
    int predictBatch();

    /** The predictions of a trained model (inference mode, fixed batching: the same input gives the same bits). */
    Npy.NpyArray predict(ModelSpec spec, Block block, NDManager manager, Npy.NpyArray input);
}

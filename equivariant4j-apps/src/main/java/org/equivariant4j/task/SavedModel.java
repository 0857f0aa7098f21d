package org.equivariant4j.task;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.CRC32C;
import org.equivariant4j.data.AtomicFiles;
import org.equivariant4j.data.Npy;

/**
 * A trained model on disk and in use: a folder with the {@link ModelCard} ({@code model.json}), the parameters
 * ({@code parameters.params}, DJL's {@code Block.saveParameters} format), an example input in the task's format and the
 * model's predictions for it made at the end of training. Library users predict in one call:
 *
 * <pre>{@code
 * try (SavedModel model = SavedModel.load(Path.of("models/egnn"))) {
 *     Npy.NpyArray positions = model.predict(Npy.read(Path.of("states.npy")));
 * }
 * }</pre>
 *
 * Predictions use the calling thread's PyTorch settings; with the card's {@code threads} they repeat the example
 * predictions bit for bit ({@code equivariant4j predict} sets them).
 */
public final class SavedModel implements AutoCloseable {
    /** The card's file name in a model folder. */
    public static final String CARD = "model.json";
    /** The parameter file's name. */
    public static final String PARAMETERS = "parameters.params";
    /** The example predictions' file name. */
    public static final String EXAMPLE_PREDICTIONS = "example_predictions.npy";

    private final ModelCard card;
    private final TaskDefinition task;
    private final ModelSpec spec;
    private final NDManager manager;
    private final Block block;

    private SavedModel(ModelCard card, TaskDefinition task, ModelSpec spec, NDManager manager, Block block) {
        this.card = card;
        this.task = task;
        this.spec = spec;
        this.manager = manager;
        this.block = block;
    }

    /**
     * Writes a model folder atomically (a complete folder or none): card, parameters, example input and predictions.
     * The card's parameter checksum and file names are filled in here.
     */
    public static void save(Path dir, ModelCard card, Block block, TaskDefinition task, Npy.NpyArray exampleInput,
            Npy.NpyArray examplePredictions) {
        AtomicFiles.writeFolder(dir, tmp -> {
            Path params = tmp.resolve(PARAMETERS);
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(params)))) {
                block.saveParameters(out);
            }
            task.writeInput(tmp.resolve(task.exampleInputName()), exampleInput);
            Npy.write(tmp.resolve(EXAMPLE_PREDICTIONS), examplePredictions);
            ModelCard full = new ModelCard(card.format(), card.formatVersion(), card.task(), card.model(), card.description(),
                    card.config(), card.symmetry(), card.parameters(), card.seed(), card.data(), card.training(),
                    card.metrics(), card.input(), card.output(), card.versions(), card.threads(), PARAMETERS,
                    crc32c(params), task.exampleInputName(), EXAMPLE_PREDICTIONS);
            Files.writeString(tmp.resolve(CARD), full.toJson());
        });
    }

    /**
     * Loads a model folder: reads and checks the card (format, version, a task and model this version knows, with the
     * same configuration), checks the parameter file against the card's checksum, builds the model and loads the
     * parameters.
     *
     * @throws IllegalArgumentException naming the file and what is wrong, for anything it does not understand
     */
    public static SavedModel load(Path dir) {
        ModelCard card = readCard(dir);
        Path cardFile = dir.resolve(CARD);
        TaskDefinition task;
        ModelSpec spec;
        try {
            task = Tasks.byName(card.task());
            spec = task.model(card.model(), card.config());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model card " + cardFile + ": " + e.getMessage(), e);
        }
        if (!jsonRoundTrip(spec.config()).equals(jsonRoundTrip(card.config()))) {
            throw new IllegalArgumentException("model card " + cardFile + " describes " + card.task() + "/" + card.model()
                    + " with configuration " + card.config() + "; this version builds it as " + spec.config());
        }
        Path params = dir.resolve(card.parametersFile());
        if (!params.normalize().startsWith(dir.normalize()) || !Files.isRegularFile(params)) {
            throw new IllegalArgumentException("model folder " + dir + " has no parameter file " + card.parametersFile());
        }
        String crc = crc32c(params);
        if (!crc.equals(card.parametersCrc32c())) {
            throw new IllegalArgumentException("parameter file " + params + " is damaged: CRC-32C " + crc + ", the model card"
                    + " records " + card.parametersCrc32c());
        }
        NDManager manager = NDManager.newBaseManager();
        try {
            Block block = spec.create(card.seed(), manager);
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(params)))) {
                block.loadParameters(manager, in);
            }
            return new SavedModel(card, task, spec, manager, block);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            manager.close();
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot read " + params + ": " + AtomicFiles.reason(io), io);
            }
            throw new IllegalArgumentException("parameter file " + params + " does not fit " + card.task() + "/"
                    + card.model() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The card of a model folder, read and checked (format and version) without loading the model: enough to know its
     * task and what it takes.
     *
     * @throws IllegalArgumentException for a missing folder or card, or a card this version does not understand
     */
    public static ModelCard readCard(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("model folder " + dir + " does not exist (expected a folder written by --save)");
        }
        Path cardFile = dir.resolve(CARD);
        if (!Files.isRegularFile(cardFile)) {
            throw new IllegalArgumentException("model folder " + dir + " has no " + CARD + " (expected a folder written by"
                    + " --save)");
        }
        return ModelCard.read(cardFile);
    }

    public ModelCard card() {
        return card;
    }

    /** The task's predictions for an input array (as {@link TaskDefinition#readInput} gives it). */
    public Npy.NpyArray predict(Npy.NpyArray input) {
        return task.predict(spec, block, manager, input);
    }

    /** Reads an input file in the task's format (checked against the card) and predicts. */
    public Npy.NpyArray predict(Path inputFile) {
        return predict(task.readInput(inputFile, card.input()));
    }

    /** The model's inputs and predictions as table columns ({@link TaskDefinition#tableLayout}). */
    public TableLayout tableLayout() {
        return task.tableLayout(card.input());
    }

    /** Reads an input file in the task's format, checked against this model's card. */
    public Npy.NpyArray readInput(Path inputFile) {
        return task.readInput(inputFile, card.input());
    }

    @Override
    public void close() {
        manager.close();
    }

    static String crc32c(Path file) {
        CRC32C crc = new CRC32C();
        try {
            crc.update(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + AtomicFiles.reason(e), e);
        }
        return String.format(Locale.ROOT, "%08x", crc.getValue());
    }

    @SuppressWarnings("unchecked")
    private static java.util.Map<String, Object> jsonRoundTrip(java.util.Map<String, Object> m) {
        try {
            return ModelCard.mapper().readValue(ModelCard.mapper().writeValueAsBytes(m), java.util.Map.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

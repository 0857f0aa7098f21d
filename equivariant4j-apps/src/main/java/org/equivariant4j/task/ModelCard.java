package org.equivariant4j.task;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The JSON description of a saved model ({@code model.json}), generic over tasks and architectures: what it is
 * ({@code task}, {@code model}, the architecture's {@code config}, its {@code symmetry}: group and field types), how
 * it was made ({@code seed}, {@code data}, {@code training}), how good it is ({@code metrics}), what it takes and gives
 * ({@code input}, {@code output}), and with what ({@code versions}: equivariant4j, DJL, PyTorch, Java;
 * {@code threads}: the PyTorch threads of the example predictions). {@code format} and {@code format_version} let
 * a reader refuse a card it does not understand.
 *
 * @param format             always {@value #FORMAT}
 * @param formatVersion      {@value #FORMAT_VERSION} for this version
 * @param task               the task's name
 * @param model              the model's name in that task
 * @param description        one line for people
 * @param config             the architecture's configuration ({@link ModelSpec#config()})
 * @param symmetry           group and field types ({@link ModelSpec#symmetry()})
 * @param parameters         learnable parameters
 * @param seed               the run's seed
 * @param data               where the training data came from, its sizes and fingerprint
 * @param training           the training settings, epochs trained, best epoch
 * @param metrics            the task's metrics of this model
 * @param input              what {@code predict} takes (and what the model was trained on, e.g. image size)
 * @param output             what {@code predict} writes
 * @param versions           library and engine versions
 * @param threads            PyTorch intra-op threads of the example predictions
 * @param parametersFile     the parameter file (DJL's format, {@code Block.loadParameters})
 * @param parametersCrc32c   its CRC-32C, 8 hex digits
 * @param exampleInput       an input file of the task's format
 * @param examplePredictions the model's predictions for it, made at the end of training ({@code .npy})
 */
public record ModelCard(String format, int formatVersion, String task, String model, String description,
        Map<String, Object> config, Map<String, String> symmetry, long parameters, long seed, Map<String, Object> data,
        Map<String, Object> training, Map<String, Double> metrics, Map<String, Object> input, Map<String, Object> output,
        Map<String, String> versions, int threads, String parametersFile, String parametersCrc32c, String exampleInput,
        String examplePredictions) {
    /** The value of {@code format}. */
    public static final String FORMAT = "equivariant4j-model";
    /** The card format this version writes and reads. */
    public static final int FORMAT_VERSION = 1;

    public ModelCard {
        config = copy(config);
        symmetry = copy(symmetry);
        data = copy(data);
        training = copy(training);
        metrics = copy(metrics);
        input = copy(input);
        output = copy(output);
        versions = copy(versions);
    }

    private static <V> Map<String, V> copy(Map<String, V> m) {
        return m == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /**
     * A card for a model about to be saved: this format and version, the spec's description, configuration and
     * symmetry, this process's versions and PyTorch threads ({@link SavedModel#save} fills in the file entries).
     */
    static ModelCard of(ModelSpec spec, long parameters, long seed, Map<String, Object> data, Map<String, Object> training,
            Map<String, Double> metrics, Map<String, Object> input, Map<String, Object> output) {
        return new ModelCard(FORMAT, FORMAT_VERSION, spec.task(), spec.name(), spec.description(), spec.config(),
                spec.symmetry(), parameters, seed, data, training, metrics, input, output, currentVersions(),
                ai.djl.pytorch.jni.JniUtils.getNumThreads(), null, null, null, null);
    }

    /** A card's {@code training} entry for a model trained by the {@link TrainingRecipe}. */
    static Map<String, Object> training(TrainingSettings settings, int epochsTrained, int bestEpoch, boolean resumed) {
        Map<String, Object> t = new LinkedHashMap<>(TrainingRecipe.settingsMap(settings));
        t.put("epochs_trained", epochsTrained);
        t.put("best_epoch", bestEpoch);
        t.put("resumed", resumed);
        return t;
    }

    static ObjectMapper mapper() {
        return new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    /** The card as JSON text. */
    public String toJson() {
        try {
            return mapper().writeValueAsString(this) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a model card as JSON", e);
        }
    }

    /**
     * Reads and checks a card: the format, its version, and that every field a reader needs is there.
     *
     * @throws IllegalArgumentException naming the file and what is wrong
     */
    public static ModelCard read(Path file) {
        ModelCard card;
        try {
            card = mapper().readValue(file.toFile(), ModelCard.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("model card " + file + " is not valid JSON of a model card: "
                    + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : org.equivariant4j.data.AtomicFiles.reason(e)), e);
        }
        if (!FORMAT.equals(card.format())) {
            throw new IllegalArgumentException("model card " + file + " has format '" + card.format() + "'; expected '"
                    + FORMAT + "'");
        }
        if (card.formatVersion() != FORMAT_VERSION) {
            throw new IllegalArgumentException("model card " + file + " has format version " + card.formatVersion()
                    + "; this version of equivariant4j reads version " + FORMAT_VERSION);
        }
        for (Map.Entry<String, Object> e : Map.<String, Object>of("task", nonNull(card.task()), "model", nonNull(card.model()),
                "config", nonNull(card.config()), "input", nonNull(card.input()), "parameters_file",
                nonNull(card.parametersFile()), "parameters_crc32c", nonNull(card.parametersCrc32c())).entrySet()) {
            if (e.getValue() == Boolean.FALSE) {
                throw new IllegalArgumentException("model card " + file + " has no '" + e.getKey() + "'");
            }
        }
        return card;
    }

    private static Boolean nonNull(Object o) {
        return o != null;
    }

    /** equivariant4j, DJL, PyTorch and Java versions of this process. */
    public static Map<String, String> currentVersions() {
        Properties p = new Properties();
        try (InputStream in = ModelCard.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // the versions stay unknown
        }
        Map<String, String> v = new LinkedHashMap<>();
        v.put("equivariant4j", p.getProperty("equivariant4j", "unknown"));
        v.put("djl", p.getProperty("djl", "unknown"));
        v.put("pytorch", ai.djl.engine.Engine.getInstance().getVersion());
        v.put("java", System.getProperty("java.version"));
        return v;
    }
}

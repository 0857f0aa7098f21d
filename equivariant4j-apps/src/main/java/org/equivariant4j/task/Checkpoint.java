package org.equivariant4j.task;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.equivariant4j.data.AtomicFiles;
import org.equivariant4j.nn.ops.FusedAdam;

/**
 * A training checkpoint: everything the {@link TrainingRecipe} needs to continue a run exactly where it stopped — the
 * parameters, the best parameters so far, the optimiser's state (step count, moment estimates), the position in the
 * run (epoch and step) with the partial epoch's loss sum, the curves so far, and the state of the shuffling (its seed and
 * how many permutations were drawn: the recipe draws one per epoch from one seeded generator, so replaying that many
 * restores it).
 *
 * <p>One file, written atomically ({@link AtomicFiles}): the magic bytes {@code EQ4JCKPT}, a format version, the
 * payload length and its CRC-32C, then the payload (a JSON {@link State}, the two parameter snapshots, the optimiser
 * state). A truncated or altered file is reported as damaged.
 */
final class Checkpoint implements AutoCloseable {
    private static final byte[] MAGIC = "EQ4JCKPT".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    /**
     * The run's position and history, as JSON.
     *
     * @param identity          what was trained on what ({@link Trainable#identity()})
     * @param settings          the {@link TrainingSettings}, as a map
     * @param epochsCompleted   epochs finished
     * @param step              optimiser steps done in the next epoch (0 at an epoch boundary)
     * @param lossSum           sum of those steps' losses
     * @param epochSecondsSoFar seconds spent on them
     * @param epochSeconds      seconds of each finished epoch
     * @param curveEpochs       epochs validated so far
     * @param curveTrain        their mean training losses
     * @param curveValid        their validation scores
     * @param bestEpoch         the best epoch so far (0: none yet)
     * @param bestScore         its score (null: none yet)
     * @param optimizerSteps    Adam steps taken
     * @param shuffleSeed       seed of the shuffling generator
     * @param permutationsDrawn permutations drawn from it
     * @param finished          whether the run is complete (then the parameters are the best ones)
     */
    record State(Map<String, Object> identity, Map<String, Object> settings, int epochsCompleted, int step, double lossSum,
            double epochSecondsSoFar, List<Double> epochSeconds, List<Integer> curveEpochs, List<Double> curveTrain,
            List<Double> curveValid, int bestEpoch, Double bestScore, int optimizerSteps, long shuffleSeed,
            int permutationsDrawn, boolean finished) {}

    private final State state;
    private final ParameterSnapshot parameters;
    private ParameterSnapshot best;
    private final FusedAdam.State optimizer;

    Checkpoint(State state, ParameterSnapshot parameters, ParameterSnapshot best, FusedAdam.State optimizer) {
        this.state = state;
        this.parameters = parameters;
        this.best = best;
        this.optimizer = optimizer;
    }

    State state() {
        return state;
    }

    ParameterSnapshot parameters() {
        return parameters;
    }

    /** The best parameters so far (null before the first validation); the caller closes them, not this checkpoint. */
    ParameterSnapshot takeBest() {
        ParameterSnapshot b = best;
        best = null;
        return b;
    }

    FusedAdam.State optimizer() {
        return optimizer;
    }

    static ObjectMapper mapper() {
        return new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    }

    /** Writes the checkpoint atomically. */
    void write(Path file) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                byte[] json = mapper().writeValueAsBytes(state);
                out.writeInt(json.length);
                out.write(json);
                parameters.write(out);
                out.writeBoolean(best != null);
                if (best != null) {
                    best.write(out);
                }
                out.writeInt(optimizer.steps());
                writeFloats(out, optimizer.mean());
                writeFloats(out, optimizer.variance());
            }
            byte[] payload = bytes.toByteArray();
            CRC32C crc = new CRC32C();
            crc.update(payload);
            AtomicFiles.write(file, tmp -> {
                try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(tmp)))) {
                    out.write(MAGIC);
                    out.writeInt(VERSION);
                    out.writeLong(payload.length);
                    out.writeLong(crc.getValue());
                    out.write(payload);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file + ": " + AtomicFiles.reason(e), e);
        }
    }

    /**
     * Reads a checkpoint; its arrays go onto sub-managers of {@code manager} (close the checkpoint to free them).
     *
     * @throws IllegalArgumentException naming the file when it is not a checkpoint, of another version, truncated or
     *                                  damaged
     */
    static Checkpoint read(Path file, NDManager manager) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file + ": " + AtomicFiles.reason(e), e);
        }
        int header = MAGIC.length + 4 + 8 + 8;
        if (all.length < header || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
            throw new IllegalArgumentException("checkpoint " + file + " is not an equivariant4j checkpoint (no EQ4JCKPT header)");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, MAGIC.length, all.length - MAGIC.length))) {
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException("checkpoint " + file + " has format version " + version + "; this version"
                        + " reads version " + VERSION);
            }
            long length = in.readLong();
            long expectedCrc = in.readLong();
            if (length != all.length - header) {
                throw new IllegalArgumentException("checkpoint " + file + " is damaged: " + (all.length - header)
                        + " payload bytes, the header announces " + length + " (truncated?)");
            }
            CRC32C crc = new CRC32C();
            crc.update(all, header, all.length - header);
            if (crc.getValue() != expectedCrc) {
                throw new IllegalArgumentException("checkpoint " + file + " is damaged: its CRC-32C does not match");
            }
            byte[] json = in.readNBytes(in.readInt());
            State state = mapper().readValue(json, State.class);
            ParameterSnapshot params = ParameterSnapshot.read(in, manager);
            ParameterSnapshot best = null;
            try {
                best = in.readBoolean() ? ParameterSnapshot.read(in, manager) : null;
                int steps = in.readInt();
                FusedAdam.State opt = new FusedAdam.State(steps, readFloats(in), readFloats(in));
                return new Checkpoint(state, params, best, opt);
            } catch (IOException | RuntimeException e) {
                params.close();
                if (best != null) {
                    best.close();
                }
                throw e;
            }
        } catch (EOFException e) {
            throw new IllegalArgumentException("checkpoint " + file + " is damaged: it ends early", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("checkpoint " + file + " is damaged: " + e.getMessage(), e);
        }
    }

    private static void writeFloats(DataOutputStream out, float[] v) throws IOException {
        out.writeInt(v.length);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * v.length);
        b.asFloatBuffer().put(v);
        out.write(b.array());
    }

    private static float[] readFloats(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("negative length");
        }
        float[] v = new float[n];
        java.nio.ByteBuffer.wrap(in.readNBytes(4 * n)).asFloatBuffer().get(v);
        return v;
    }

    @Override
    public void close() {
        parameters.close();
        if (best != null) {
            best.close();
        }
    }
}

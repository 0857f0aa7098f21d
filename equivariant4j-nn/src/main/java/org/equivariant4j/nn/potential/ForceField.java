package org.equivariant4j.nn.potential;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.util.Objects;
import java.util.function.Supplier;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.ops.Gradients;

/**
 * Energies and forces of a {@link PotentialModel}: F = −∂(Σ_b E_b)/∂x, by automatic differentiation through the model
 * (so the forces of each system are the exact negative gradient of its energy). For training on forces the gradient is
 * recorded ({@code createGraph}) so that a loss on F can be differentiated again (the second derivative).
 */
public final class ForceField {
    private ForceField() {}

    /**
     * What a potential predicts for a batch.
     *
     * @param energies [numGraphs]
     * @param forces   [N, 3]
     */
    public record Prediction(NDArray energies, NDArray forces) {}

    /**
     * Energies and forces. The batch's positions are made to require gradients (in place). Inside a
     * {@link ai.djl.training.GradientCollector} with {@code createGraph} the forces can be trained on; outside one the
     * forward pass runs with autograd recording switched on for this thread and off again afterwards.
     */
    public static Prediction predict(PotentialModel model, ParameterStore ps, GraphBatch batch, boolean training,
            boolean createGraph) {
        Objects.requireNonNull(model, "model");
        NDArray x = batch.positions();
        return withGrad(() -> {
            if (!x.hasGradient()) {
                x.setRequiresGradient(true);
            }
            NDArray e = model.energies(ps, batch, training);
            NDArray f = Gradients.of(e, x, createGraph).neg();
            return new Prediction(createGraph ? e : e.stopGradient(), createGraph ? f : f.stopGradient());
        });
    }

    /** Runs {@code body} with autograd recording on for this thread (restored afterwards). */
    static <T> T withGrad(Supplier<T> body) {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try {
            return body.get();
        } finally {
            JniUtils.setGradMode(previous);
        }
    }
}

package org.equivariant4j.nn.potential;

import ai.djl.ndarray.NDArray;
import org.equivariant4j.nn.graph.GraphBatch;

/** Input checks the potentials share. */
final class Potentials {
    private Potentials() {}

    /** The batch's one-hot species [N, model.species()]. */
    static NDArray oneHot(PotentialModel model, GraphBatch batch) {
        NDArray h = batch.nodeFeatures().orElseThrow(() -> new IllegalArgumentException(model
                + " needs the one-hot species of every atom as node features [N, " + model.species() + "]"));
        if (h.getShape().get(1) != model.species()) {
            throw new IllegalArgumentException(model + " expects one-hot species [N, " + model.species() + "], got "
                    + h.getShape());
        }
        return h;
    }
}

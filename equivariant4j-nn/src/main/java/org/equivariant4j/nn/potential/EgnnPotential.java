package org.equivariant4j.nn.potential;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Objects;
import org.equivariant4j.nn.graph.EgnnModel;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.graph.GraphPooling;
import org.equivariant4j.nn.graph.TorchLinear;

/**
 * An energy head on EGNN (Satorras et al. 2021): the {@link EgnnModel}'s layers on the one-hot species (no input
 * vectors: v⁰ = 0, so the velocity term vanishes), then ε_i = φ_E(h_i) (Linear → SiLU → Linear to one number) on the
 * final invariant node features, E = Σ_i (σ ε_i + μ_{s_i}). Besides the squared distances of the (updated) positions
 * that every EGNN layer sees, each edge carries a {@link DistanceBasis} of its input distance as edge attributes (why:
 * see there). E is E(3)-invariant and the forces −∂E/∂x are equivariant. It couples every pair of the batch's edges
 * with no cut-off envelope: give it graphs whose edge set does not change along a trajectory (for a small molecule, all
 * pairs).
 */
public final class EgnnPotential extends AtomicPotential {
    private static final byte VERSION = 2;

    private final EgnnModel egnn;
    private final TorchLinear readout1;
    private final TorchLinear readout2;
    private final DistanceBasis distances;

    /**
     * @param species   the one-hot width
     * @param hidden    H
     * @param layers    EGNN layers
     * @param cutoff    the radius the batches' edges must cover (all pairs of a molecule within it)
     * @param distances the edge attributes
     */
    public EgnnPotential(int species, int hidden, int layers, double cutoff, DistanceBasis distances) {
        super(VERSION, species, cutoff);
        this.distances = Objects.requireNonNull(distances, "distances");
        this.egnn = addChildBlock("egnn", EgnnModel.builder(species, distances.count()).hidden(hidden).layers(layers).build());
        this.readout1 = addChildBlock("readout1", new TorchLinear(hidden, hidden, true));
        this.readout2 = addChildBlock("readout2", new TorchLinear(hidden, 1, true));
    }

    @Override
    protected NDArray energies(ParameterStore ps, GraphBatch batch, NDArray oneHot, boolean training) {
        GraphBatch withDistances = batch.withEdgeAttributes(distances.of(batch));
        NDArray h = egnn.forwardNodes(ps, withDistances, batch.positions().zerosLike(), training).get(0);
        NDArray a = readout1.apply(ps, h, training);
        NDArray atomic = readout2.apply(ps, a.mul(a.getNDArrayInternal().sigmoid()), training);
        return head().fromAtoms(ps, atomic, oneHot, GraphPooling.of(batch), training);
    }

    @Override
    protected void initializeNetwork(NDManager manager, DataType dataType) {
        egnn.initialize(manager, dataType, new Shape(1, species()), new Shape(1, 3));
        readout1.initialize(manager, dataType, new Shape(1, readout1.inFeatures()));
        readout2.initialize(manager, dataType, new Shape(1, readout2.inFeatures()));
    }

    @Override
    public String toString() {
        return "EgnnPotential(" + species() + " species, " + egnn.hidden() + " hidden, " + egnn.numLayers() + " layers, "
                + distances + ")";
    }
}

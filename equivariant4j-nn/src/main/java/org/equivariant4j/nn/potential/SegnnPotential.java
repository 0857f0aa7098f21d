package org.equivariant4j.nn.potential;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Objects;
import org.equivariant4j.harmonics.Normalization;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.graph.GraphPooling;
import org.equivariant4j.nn.graph.SegnnIrreps;
import org.equivariant4j.nn.graph.SegnnModel;
import org.equivariant4j.o3.Irrep;
import org.equivariant4j.o3.Irreps;

/**
 * An energy head on SEGNN (Brandstetter et al. 2022), as its QM9 model: a {@link SegnnModel} graph task on the one-hot
 * species (input {@code Sx0e}), steered by spherical harmonics l ≤ L of the relative positions (component normalisation)
 * and their mean per atom, with the distance and a {@link DistanceBasis} of it as extra message scalars, hidden irreps
 * weight-balanced from F features, sum pooling to one scalar per molecule; E = σ ε + Σ_i μ_{s_i}. It couples every pair
 * of the batch's edges with no cut-off envelope: give it graphs whose edge set does not change along a trajectory (for
 * a small molecule, all pairs).
 */
public final class SegnnPotential extends AtomicPotential {
    private static final byte VERSION = 2;

    private final SegnnModel segnn;
    private final DistanceBasis distances;

    /**
     * @param species   the one-hot width
     * @param features  F, the hidden feature budget
     * @param lmax      L, degree of the attributes and of the hidden features
     * @param layers    message-passing layers
     * @param cutoff    the radius the batches' edges must cover
     * @param distances the extra edge scalars
     * @param seed      seeds the initial weights
     */
    public SegnnPotential(int species, int features, int lmax, int layers, double cutoff, DistanceBasis distances,
            long seed) {
        super(VERSION, species, cutoff);
        this.distances = Objects.requireNonNull(distances, "distances");
        Irreps attributes = Irreps.sphericalHarmonics(lmax);
        Irreps hidden = SegnnIrreps.weightBalanced(features, attributes, lmax);
        this.segnn = addChildBlock("segnn", SegnnModel.builder(Irreps.of(species, Irrep.SCALAR), hidden,
                Irreps.of(1, Irrep.SCALAR)).lmaxAttributes(lmax).layers(layers).task(SegnnModel.Task.GRAPH,
                SegnnModel.Pool.SUM).distance(true).edgeScalars(distances.count())
                .attributeNormalization(Normalization.COMPONENT).seed(seed).build());
    }

    /** The hidden irreps. */
    public Irreps hiddenIrreps() {
        return segnn.irrepsHidden();
    }

    @Override
    protected NDArray energies(ParameterStore ps, GraphBatch batch, NDArray oneHot, boolean training) {
        NDArray graph = segnn.forward(ps, batch.withEdgeAttributes(distances.of(batch)), training);
        return head().fromGraphs(ps, graph, oneHot, GraphPooling.of(batch), training);
    }

    @Override
    protected void initializeNetwork(NDManager manager, DataType dataType) {
        segnn.initialize(manager, dataType, new Shape(1, species()));
    }

    @Override
    public String toString() {
        return "SegnnPotential(" + species() + " species, " + segnn + ")";
    }
}

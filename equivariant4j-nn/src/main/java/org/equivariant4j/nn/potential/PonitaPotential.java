package org.equivariant4j.nn.potential;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.graph.GraphPooling;
import org.equivariant4j.nn.lifted.Fiber;
import org.equivariant4j.nn.lifted.PonitaModel;
import org.equivariant4j.o3.Irrep;
import org.equivariant4j.o3.Irreps;

/**
 * A lifted interatomic potential: a {@link PonitaModel} on position–orientation space (the one-hot species lifted to a
 * grid of orientations, separable convolutions over positions and over the fibre, no Clebsch–Gordan products) reads
 * one scalar ε_i per atom, E = Σ_i (σ ε_i + μ_{s_i}). Its kernels depend only on invariants of pairs of
 * (position, orientation) points and vanish smoothly at the cut-off, so the energy is invariant (exactly for the
 * rotations that permute the grid, up to the grid's resolution otherwise) and stays smooth when atoms cross the
 * cut-off; forces are −∂E/∂x by automatic differentiation ({@link ForceField}).
 */
public final class PonitaPotential extends AtomicPotential {
    private static final byte VERSION = 1;

    private final PonitaModel ponita;

    /**
     * @param species  the one-hot width S (the input irreps are S×0e)
     * @param fiber    the grid of orientations (e.g. the 12 icosahedron vertices on S²)
     * @param hidden   H, channels per grid point
     * @param layers   ConvNeXt layers around the separable convolution
     * @param widening the ConvNeXt blocks' widening factor
     * @param cutoff   the radius of the graphs' edges, where the kernels vanish
     */
    public PonitaPotential(int species, Fiber fiber, int hidden, int layers, int widening, double cutoff) {
        super(VERSION, species, cutoff);
        this.ponita = addChildBlock("ponita", PonitaModel.builder(fiber, Irreps.of(species, Irrep.SCALAR),
                Irreps.of(1, Irrep.SCALAR)).hidden(hidden).layers(layers).widening(widening).layerScale(1.0).cutoff(cutoff)
                .build());
    }

    /** The lifted network. */
    public PonitaModel network() {
        return ponita;
    }

    @Override
    protected NDArray energies(ParameterStore ps, GraphBatch batch, NDArray oneHot, boolean training) {
        NDArray atomic = ponita.forward(ps, batch, training);
        return head().fromAtoms(ps, atomic, oneHot, GraphPooling.of(batch), training);
    }

    @Override
    protected void initializeNetwork(NDManager manager, DataType dataType) {
        ponita.initialize(manager, dataType);
    }

    @Override
    public String toString() {
        return "PonitaPotential(" + species() + " species, " + ponita.fiber().description() + ", H = " + ponita.hidden() + ", "
                + ponita.numLayers() + " layers)";
    }
}

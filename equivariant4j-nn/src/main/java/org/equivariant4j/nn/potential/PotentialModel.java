package org.equivariant4j.nn.potential;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import org.equivariant4j.nn.graph.GraphBatch;

/**
 * A machine-learned potential: the energy of each atomic system of a {@link GraphBatch} (node features: the one-hot
 * species of every atom, [N, species()]; positions [N, 3]; edges: the atom pairs it may couple). Forces are
 * −∂E/∂x by automatic differentiation ({@link ForceField}), so they are conservative by construction and E(3)-equivariant
 * whenever the energy is invariant.
 */
public interface PotentialModel extends Block {
    /** The number of species (the width of the one-hot node features). */
    int species();

    /** The radius within which it couples atoms (the batch's edges must include every pair closer than this). */
    double cutoff();

    /** The energy of each graph, [numGraphs], differentiable in the positions to any order. */
    NDArray energies(ParameterStore ps, GraphBatch batch, boolean training);

    /**
     * Sets the per-species atomic reference energies μ_s and the energy scale σ the model's atomic energies are
     * expressed in: E = Σ_i (σ ε_i + μ_{s_i}) (both stay trainable).
     */
    void setEnergyStatistics(double scale, double[] shifts);
}

package org.equivariant4j.nn.potential;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import org.equivariant4j.nn.graph.GraphPooling;
import org.equivariant4j.nn.ops.Tensors;

/**
 * The energy of each graph from a network's atomic (or graph) outputs ε: E_b = Σ_{i ∈ b} (σ ε_i + μ_{s_i}), with a
 * learned scale σ ("scale", 1 at first) and per-species shifts μ ("shift", 0 at first), usually set from the training
 * data before training ({@link #set}): the atomic reference energies by least squares and the scale of the forces. A
 * network that pools itself gives ε per graph: E_b = σ ε_b + Σ_{i ∈ b} μ_{s_i}.
 */
public final class AtomicEnergyHead extends AbstractBlock {
    private static final byte VERSION = 1;

    private final int species;
    private final Parameter scale;
    private final Parameter shift;

    public AtomicEnergyHead(int species) {
        super(VERSION);
        if (species < 1) {
            throw new IllegalArgumentException("an energy head needs at least one species, got " + species);
        }
        this.species = species;
        this.scale = addParameter(Parameter.builder().setName("scale").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1)).optInitializer(Initializer.ONES).build());
        this.shift = addParameter(Parameter.builder().setName("shift").setType(Parameter.Type.BIAS)
                .optShape(new Shape(species)).optInitializer(Initializer.ZEROS).build());
    }

    /** Writes σ and μ into the (initialised) parameters. */
    public void set(double scaleValue, double[] shifts) {
        if (shifts.length != species) {
            throw new IllegalArgumentException("expected " + species + " species shifts, got " + shifts.length);
        }
        if (!(scaleValue > 0) || !Double.isFinite(scaleValue)) {
            throw new IllegalArgumentException("the energy scale must be finite and > 0, got " + scaleValue);
        }
        NDArray s = scale.getArray();
        NDArray m = shift.getArray();
        try (NDArray sv = Tensors.fromFlat(s.getManager(), new double[] {scaleValue}, new Shape(1), s.getDataType());
                NDArray mv = Tensors.fromFlat(m.getManager(), shifts, new Shape(species), m.getDataType())) {
            s.set(new NDIndex("..."), sv);
            m.set(new NDIndex("..."), mv);
        }
    }

    /** The energies [B] from atomic outputs ε [N] or [N, 1], one-hot species [N, S] and the batch's graphs. */
    public NDArray fromAtoms(ParameterStore ps, NDArray atomic, NDArray oneHot, GraphPooling pooling, boolean training) {
        NDArray eps = atomic.reshape(-1);
        NDArray mu = oneHot.matMul(ps.getValue(shift, atomic.getDevice(), training));
        NDArray perAtom = eps.mul(ps.getValue(scale, atomic.getDevice(), training)).add(mu);
        return pooling.sum(perAtom.reshape(-1, 1)).reshape(-1);
    }

    /** The energies [B] from per-graph outputs ε [B] or [B, 1]. */
    public NDArray fromGraphs(ParameterStore ps, NDArray graph, NDArray oneHot, GraphPooling pooling, boolean training) {
        NDArray mu = pooling.sum(oneHot.matMul(ps.getValue(shift, graph.getDevice(), training)).reshape(-1, 1)).reshape(-1);
        return graph.reshape(-1).mul(ps.getValue(scale, graph.getDevice(), training)).add(mu);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException(this + " runs inside a potential: call fromAtoms or fromGraphs");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(-1)};
    }

    @Override
    public String toString() {
        return "AtomicEnergyHead(" + species + " species)";
    }
}

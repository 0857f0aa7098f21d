package org.equivariant4j.nn.potential;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.equivariant4j.nn.graph.GraphBatch;

/**
 * What the potentials share: the one-hot species width, the cut-off radius, the {@link AtomicEnergyHead}
 * E = Σ_i (σ ε_i + μ_{s_i}) (child "head"), the check of the batch's one-hot species, lazy initialisation on the first
 * batch, and the block's input and output ({@link GraphBatch#fromNDList} in, the energies [B] out). A subclass builds its
 * network and maps the batch and its one-hot species [N, S] to energies through {@link #head()}.
 */
public abstract class AtomicPotential extends AbstractBlock implements PotentialModel {
    private final int species;
    private final double cutoff;
    private final AtomicEnergyHead head;

    /**
     * @param version the subclass's parameter-format version
     * @param species S, the one-hot width, ≥ 1
     * @param cutoff  the radius the batches' edges must cover, finite and > 0
     */
    protected AtomicPotential(byte version, int species, double cutoff) {
        super(version);
        if (species < 1) {
            throw new IllegalArgumentException("a potential needs at least one species, got " + species);
        }
        if (!(cutoff > 0) || !Double.isFinite(cutoff)) {
            throw new IllegalArgumentException("the cut-off radius must be finite and > 0, got " + cutoff);
        }
        this.species = species;
        this.cutoff = cutoff;
        this.head = addChildBlock("head", new AtomicEnergyHead(species));
    }

    @Override
    public final int species() {
        return species;
    }

    @Override
    public final double cutoff() {
        return cutoff;
    }

    @Override
    public final void setEnergyStatistics(double scale, double[] shifts) {
        head.set(scale, shifts);
    }

    /** The energy head the subclass ends in. */
    protected final AtomicEnergyHead head() {
        return head;
    }

    @Override
    public final NDArray energies(ParameterStore ps, GraphBatch batch, boolean training) {
        NDArray oneHot = batch.nodeFeatures().orElseThrow(() -> new IllegalArgumentException(this
                + " needs the one-hot species of every atom as node features [N, " + species + "]"));
        if (oneHot.getShape().get(1) != species) {
            throw new IllegalArgumentException(this + " expects one-hot species [N, " + species + "], got "
                    + oneHot.getShape());
        }
        if (!isInitialized()) {
            initialize(ps.getManager(), batch.dataType(), oneHot.getShape());
        }
        return energies(ps, batch, oneHot, training);
    }

    /** The energies [B] of the batch's graphs, given its validated one-hot species [N, S]. */
    protected abstract NDArray energies(ParameterStore ps, GraphBatch batch, NDArray oneHot, boolean training);

    /** Initialises the subclass's blocks (the head is initialised here). */
    protected abstract void initializeNetwork(NDManager manager, DataType dataType);

    @Override
    protected final void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        initializeNetwork(manager, dataType);
        head.initialize(manager, dataType, new Shape(1));
    }

    @Override
    protected final NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(energies(ps, GraphBatch.fromNDList(inputs), training));
    }

    @Override
    public final Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(-1)};
    }
}

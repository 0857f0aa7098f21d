package org.equivariant4j.nn.potential;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.graph.GraphPooling;
import org.equivariant4j.nn.o3.Activation;
import org.equivariant4j.nn.o3.Gate;
import org.equivariant4j.nn.o3.PointConvolution;
import org.equivariant4j.o3.Irrep;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.MulIrrep;

/**
 * A NequIP-style interatomic potential (Batzner et al. 2022) built from the e3nn point convolutions, as e3nn's
 * {@code gate_points_2101.Network}: the one-hot species are both the first node features and the node attributes of
 * every convolution; each interaction is a {@link PointConvolution} (self-connection and linear maps steered by the
 * species, the uvu product of neighbour features with the spherical harmonics l ≤ L of the edge vectors, times e3nn's
 * smooth cut-off envelope at r_max, its weights from a radial network of the distance) followed by a {@link Gate}
 * (SiLU on even and tanh on odd scalars, sigmoid gates); a last convolution gives one scalar per atom, and the energy is
 * E = Σ_i (σ ε_i + μ_{s_i}) ({@link AtomicEnergyHead}). Each layer keeps the hidden irreps that its input can reach
 * through the harmonics (e3nn's rule), so odd-parity features appear from the second layer on.
 *
 * <p>E is invariant under rotations, reflections, translations and permutations of the atoms; the forces −∂E/∂x
 * ({@link ForceField}) are equivariant and smooth as atoms cross the cut-off.
 */
public final class NequipPotential extends AtomicPotential {
    private static final byte VERSION = 1;

    private final Irreps attributes;
    private final List<PointConvolution> convolutions;
    private final List<Gate> gates;
    private final PointConvolution output;

    private NequipPotential(Builder b) {
        super(VERSION, b.species, b.maxRadius);
        this.attributes = Irreps.of(b.species, Irrep.SCALAR);
        Irreps edge = Irreps.sphericalHarmonics(b.lmax);
        Irreps irreps = attributes;
        List<PointConvolution> convs = new ArrayList<>();
        List<Gate> gs = new ArrayList<>();
        for (int k = 0; k < b.layers; k++) {
            List<MulIrrep> scalars = new ArrayList<>();
            List<MulIrrep> gated = new ArrayList<>();
            for (MulIrrep e : b.hidden.list()) {
                if (reachable(irreps, edge, e.irrep())) {
                    (e.irrep().l() == 0 ? scalars : gated).add(e);
                }
            }
            Irreps s = Irreps.of(scalars);
            Irreps g = Irreps.of(gated);
            Irrep gateIrrep = reachable(irreps, edge, Irrep.SCALAR) ? Irrep.SCALAR : new Irrep(0, -1);
            Irreps gateScalars = g.isEmpty() ? Irreps.empty() : Irreps.of(g.numIrreps(), gateIrrep);
            List<Activation> sa = new ArrayList<>();
            for (MulIrrep e : s.list()) {
                sa.add(e.irrep().p() == 1 ? Activation.SILU : Activation.TANH);
            }
            List<Activation> ga = new ArrayList<>();
            for (int i = 0; i < gateScalars.size(); i++) {
                ga.add(gateIrrep.p() == 1 ? Activation.SIGMOID : Activation.TANH);
            }
            Gate gate = new Gate(s, sa, gateScalars, ga, g);
            convs.add(addChildBlock("conv" + k, b.convolution(irreps, attributes, gate.irrepsIn(), b.seed + 10L * k)));
            gs.add(addChildBlock("gate" + k, gate));
            irreps = gate.irrepsOut();
        }
        this.convolutions = Collections.unmodifiableList(convs);
        this.gates = Collections.unmodifiableList(gs);
        this.output = addChildBlock("output", b.convolution(irreps, attributes, Irreps.of(1, Irrep.SCALAR),
                b.seed + 10L * b.layers));
    }

    /** Whether some irrep of {@code in} times some of {@code edge} contains {@code out}. */
    private static boolean reachable(Irreps in, Irreps edge, Irrep out) {
        for (MulIrrep a : in.list()) {
            for (MulIrrep c : edge.list()) {
                if (a.irrep().couplesTo(c.irrep(), out)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A builder for {@code species} chemical species (the one-hot width). */
    public static Builder builder(int species) {
        return new Builder(species);
    }

    /** The node features' irreps after each interaction. */
    public List<Irreps> hiddenIrreps() {
        List<Irreps> list = new ArrayList<>();
        for (Gate g : gates) {
            list.add(g.irrepsOut());
        }
        return list;
    }

    @Override
    protected NDArray energies(ParameterStore ps, GraphBatch batch, NDArray oneHot, boolean training) {
        NDArray h = oneHot;
        for (int k = 0; k < convolutions.size(); k++) {
            h = gates.get(k).apply(convolutions.get(k).apply(ps, batch, h, oneHot, training));
        }
        NDArray atomic = output.apply(ps, batch, h, oneHot, training);
        return head().fromAtoms(ps, atomic, oneHot, GraphPooling.of(batch), training);
    }

    @Override
    protected void initializeNetwork(NDManager manager, DataType dataType) {
        for (PointConvolution c : convolutions) {
            c.initialize(manager, dataType);
        }
        for (Gate g : gates) {
            g.initialize(manager, dataType, new Shape(1, g.irrepsIn().dim()));
        }
        output.initialize(manager, dataType);
    }

    @Override
    public String toString() {
        return "NequipPotential(" + species() + " species, " + convolutions.size() + " interactions, r_max " + cutoff() + ")";
    }

    /** Builder of a {@link NequipPotential}. */
    public static final class Builder {
        private final int species;
        private Irreps hidden = Irreps.parse("16x0e+8x1o+8x1e+4x2e+4x2o");
        private int layers = 3;
        private int lmax = 2;
        private double maxRadius = 5.0;
        private int numBasis = 8;
        private int radialLayers = 2;
        private int radialNeurons = 32;
        private double numNeighbors = 8;
        private long seed;

        private Builder(int species) {
            if (species < 1) {
                throw new IllegalArgumentException("a potential needs at least one species, got " + species);
            }
            this.species = species;
        }

        /** The hidden irreps (each layer keeps the reachable ones; default 16x0e+8x1o+8x1e+4x2e+4x2o). */
        public Builder hidden(Irreps hidden) {
            this.hidden = Objects.requireNonNull(hidden, "hidden");
            return this;
        }

        /** Interactions (default 3). */
        public Builder layers(int layers) {
            if (layers < 0) {
                throw new IllegalArgumentException("layers must be >= 0, got " + layers);
            }
            this.layers = layers;
            return this;
        }

        /** Degree L of the edges' spherical harmonics (default 2). */
        public Builder lmax(int lmax) {
            if (lmax < 0) {
                throw new IllegalArgumentException("lmax must be >= 0, got " + lmax);
            }
            this.lmax = lmax;
            return this;
        }

        /** The cut-off radius r_max (default 5). */
        public Builder maxRadius(double maxRadius) {
            if (!(maxRadius > 0) || !Double.isFinite(maxRadius)) {
                throw new IllegalArgumentException("maxRadius must be finite and > 0, got " + maxRadius);
            }
            this.maxRadius = maxRadius;
            return this;
        }

        /** The radial network: distance basis size, hidden layers and their width (default 8; 2 × 32). */
        public Builder radial(int numBasis, int layers, int neurons) {
            this.numBasis = numBasis;
            this.radialLayers = layers;
            this.radialNeurons = neurons;
            return this;
        }

        /** The typical number of neighbours the convolutions divide by (√ of it; default 8). */
        public Builder numNeighbors(double numNeighbors) {
            this.numNeighbors = numNeighbors;
            return this;
        }

        /** Seeds the initial weights (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        PointConvolution convolution(Irreps in, Irreps attributes, Irreps out, long seed) {
            return PointConvolution.builder(in, attributes, out).lmax(lmax).maxRadius(maxRadius).radial(radialLayers,
                    radialNeurons).numBasis(numBasis).numNeighbors(numNeighbors).optSeed(seed).build();
        }

        public NequipPotential build() {
            return new NequipPotential(this);
        }
    }
}

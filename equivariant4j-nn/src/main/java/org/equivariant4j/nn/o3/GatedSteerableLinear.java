package org.equivariant4j.nn.o3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.equivariant4j.o3.Irrep;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.MulIrrep;
import org.equivariant4j.o3.PathNormalization;

/**
 * The nonlinear layer of a steerable MLP (SEGNN's {@code O3TensorProductSwishGate}): a {@link SteerableLinear} into the
 * scalars of {@code out}, one gate scalar per non-scalar irrep copy and the non-scalars of {@code out}, then a
 * {@link Gate}: SiLU on the scalars, each non-scalar copy times the sigmoid of its gate (both second-moment normalised as
 * e3nn's). When {@code out} has no non-scalars the layer is the linear map followed by a plain (unnormalised) SiLU, as in
 * SEGNN.
 *
 * <p>{@code out} lists its scalar (0e) entries first; the output is laid out as {@code out}. Input
 * [x [..., in.dim], a [..., attr.dim]] (or [x] without attribute).
 */
public final class GatedSteerableLinear extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Irreps out;
    private final SteerableLinear linear;
    private final Gate gate; // null: scalars only, plain SiLU

    private GatedSteerableLinear(Irreps in, Irreps attributes, Irreps out, TensorProductRoute route, PathNormalization paths,
            long seed) {
        super(VERSION);
        this.out = Objects.requireNonNull(out, "out");
        List<MulIrrep> scalars = new ArrayList<>();
        List<MulIrrep> gated = new ArrayList<>();
        for (MulIrrep e : out.list()) {
            if (e.irrep().l() == 0) {
                if (!gated.isEmpty()) {
                    throw new IllegalArgumentException("a gated steerable layer needs the scalars of its output first, got \""
                            + out + "\"");
                }
                if (!e.irrep().equals(Irrep.SCALAR)) {
                    throw new IllegalArgumentException("a gated steerable layer applies SiLU to its scalars, which needs even"
                            + " scalars (0e), got " + e + " in \"" + out + "\"");
                }
                scalars.add(e);
            } else {
                gated.add(e);
            }
        }
        Irreps s = Irreps.of(scalars);
        Irreps g = Irreps.of(gated);
        Irreps gates = g.numIrreps() == 0 ? Irreps.empty() : Irreps.of(g.numIrreps(), Irrep.SCALAR);
        this.gate = g.numIrreps() == 0 ? null : new Gate(s, repeat(Activation.SILU, s.size()), gates,
                repeat(Activation.SIGMOID, gates.size()), g);
        // the gate's input is scalars, gates and gated sorted by irrep (as e3nn lays it out)
        Irreps product = gate == null ? s : gate.irrepsIn();
        this.linear = addChildBlock("linear", attributes == null ? SteerableLinear.of(in, product, paths, seed)
                : SteerableLinear.of(in, attributes, product, route, paths, seed));
        if (gate != null) {
            addChildBlock("gate", gate);
        }
    }

    private static List<Activation> repeat(Activation a, int n) {
        List<Activation> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(a);
        }
        return list;
    }

    /** A gated layer steered by attributes of irreps {@code attributes} (ELEMENT paths, the AUTO route). */
    public static GatedSteerableLinear of(Irreps in, Irreps attributes, Irreps out, long seed) {
        return of(in, attributes, out, TensorProductRoute.AUTO, PathNormalization.ELEMENT, seed);
    }

    /**
     * As {@link #of(Irreps, Irreps, Irreps, long)} with a chosen tensor-product route and the linear map's paths
     * normalised as given (see {@link SteerableLinear}).
     */
    public static GatedSteerableLinear of(Irreps in, Irreps attributes, Irreps out, TensorProductRoute route,
            PathNormalization paths, long seed) {
        return new GatedSteerableLinear(in, Objects.requireNonNull(attributes, "attributes"), out, route, paths, seed);
    }

    /** A gated layer without attribute. */
    public static GatedSteerableLinear of(Irreps in, Irreps out, long seed) {
        return of(in, out, PathNormalization.ELEMENT, seed);
    }

    /** A gated layer without attribute, the linear map's paths normalised as given. */
    public static GatedSteerableLinear of(Irreps in, Irreps out, PathNormalization paths, long seed) {
        return new GatedSteerableLinear(in, null, out, TensorProductRoute.AUTO, paths, seed);
    }

    public Irreps irrepsIn() {
        return linear.irrepsIn();
    }

    public Irreps irrepsOut() {
        return out;
    }

    /** The linear map before the gate. */
    public SteerableLinear linear() {
        return linear;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        int expected = linear.irrepsAttributes() == null ? 1 : 2;
        if (inputs.size() != expected) {
            throw new IllegalArgumentException(this + " expects " + expected + " input arrays, got " + inputs.size());
        }
        return new NDList(apply(ps, inputs.get(0), expected == 1 ? null : inputs.get(1), training));
    }

    /** The layer applied to x [..., in.dim] with attributes a [..., attr.dim] (null without attribute). */
    public NDArray apply(ParameterStore ps, NDArray x, NDArray a, boolean training) {
        NDArray y = linear.applyWithoutBias(ps, x, a, training);
        NDArray row = linear.biasRow(ps, x, training);
        if (gate == null) {
            return Activation.SILU.raw(row == null ? y : y.add(row));
        }
        return gate.apply(y, row); // the biases join the gate's engine call
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        linear.initialize(manager, dataType, inputShapes);
        if (gate != null) {
            gate.initialize(manager, dataType, new Shape(1, gate.irrepsIn().dim()));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).addAll(new Shape(out.dim()))};
    }

    @Override
    public String toString() {
        return "GatedSteerableLinear(" + linear.irrepsIn() + (linear.irrepsAttributes() == null ? ""
                : " (x) " + linear.irrepsAttributes()) + " -> " + out + ")";
    }
}

package org.equivariant4j.nn.o3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.nn.ops.BlockInputs;
import org.equivariant4j.nn.ops.ScriptKernel;
import org.equivariant4j.o3.Irrep;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.MulIrrep;
import org.equivariant4j.o3.TensorProductSpec;

/**
 * e3nn's gate nonlinearity: (⊕_i φ_i(s_i)) ⊕ (⊕_j ψ_j(g_j) · v_j). Scalars s pass through their activations φ; every
 * irrep copy v_j of the gated features is multiplied by its own gate scalar g_j after ψ. Equivariant because only
 * scalars meet nonlinearities; odd scalars (0o) need odd or even activations (see {@link Activation#outputParity}).
 *
 * <p><b>Layout, as e3nn:</b> the input is scalars, gates and gated concatenated and then
 * {@linkplain Irreps#sort() sorted} by irrep (stable), and {@link #irrepsIn()} is that sorted sum simplified; the
 * output is the activated scalars followed by the gated irreps (with the gates' parities multiplied in). All
 * activations are second-moment normalised exactly as e3nn's, so outputs equal e3nn's for the same input.
 */
public final class Gate extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Irreps scalars;
    private final List<Activation> scalarActivations;
    private final Irreps gates;
    private final List<Activation> gateActivations;
    private final Irreps gated;
    private final Irreps irrepsIn;
    private final Irreps irrepsOut;
    private final ScriptKernel kernel;

    /**
     * @param scalars scalar irreps (l = 0) passed through {@code scalarActivations}, one activation per entry
     * @param scalarActivations the activations of the scalars
     * @param gates scalar irreps, as many copies as {@code gated} has irreps
     * @param gateActivations the activations of the gates, one per entry
     * @param gated the gated irreps
     * @throws IllegalArgumentException for non-scalar scalars or gates, a count mismatch, or a parity violation
     */
    public Gate(Irreps scalars, List<Activation> scalarActivations, Irreps gates, List<Activation> gateActivations,
            Irreps gated) {
        super(VERSION);
        if (!scalars.isEmpty() && scalars.lmax() > 0) {
            throw new IllegalArgumentException("Gate scalars must be scalars (l = 0), got \"" + scalars + "\"");
        }
        if (!gates.isEmpty() && gates.lmax() > 0) {
            throw new IllegalArgumentException("Gate gates must be scalars (l = 0), got \"" + gates + "\"");
        }
        if (gates.numIrreps() != gated.numIrreps()) {
            throw new IllegalArgumentException("Gate needs one gate per gated irrep: \"" + gated + "\" has "
                    + gated.numIrreps() + " irreps but \"" + gates + "\" has " + gates.numIrreps() + " gates");
        }
        if (scalarActivations.size() != scalars.size() || gateActivations.size() != gates.size()) {
            throw new IllegalArgumentException("Gate needs one activation per entry: " + scalars.size() + " scalar and "
                    + gates.size() + " gate entries, got " + scalarActivations.size() + " and " + gateActivations.size());
        }
        this.scalars = scalars;
        this.scalarActivations = List.copyOf(scalarActivations);
        this.gates = gates;
        this.gateActivations = List.copyOf(gateActivations);
        this.gated = gated;
        Irreps parts = scalars.simplify().plus(gates.simplify()).plus(gated.simplify());
        Irreps.Sorted sorted = parts.sort();
        this.irrepsIn = sorted.irreps().simplify();
        List<MulIrrep> scalarsOut = new ArrayList<>();
        for (int i = 0; i < scalars.size(); i++) {
            MulIrrep e = scalars.get(i);
            scalarsOut.add(new MulIrrep(e.mul(), new Irrep(0, scalarActivations.get(i).outputParity(e.irrep().p()))));
        }
        List<MulIrrep> gatesOut = new ArrayList<>();
        for (int i = 0; i < gates.size(); i++) {
            MulIrrep e = gates.get(i);
            gatesOut.add(new MulIrrep(e.mul(), new Irrep(0, gateActivations.get(i).outputParity(e.irrep().p()))));
        }
        Irreps gatedOut = gated.isEmpty() ? Irreps.empty()
                : TensorProductSpec.elementwise(gated, Irreps.of(gatesOut), null).out();
        this.irrepsOut = Irreps.of(scalarsOut).plus(gatedOut);
        this.kernel = ScriptKernel.shared(new GateScript.Spec(scalars, scalarActivations, gates, gateActivations, gated),
                GateScript::kernel);
    }

    /** The input irreps (sorted and simplified). */
    public Irreps irrepsIn() {
        return irrepsIn;
    }

    /** The output irreps: activated scalars, then gated. */
    public Irreps irrepsOut() {
        return irrepsOut;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(BlockInputs.single(this, inputs)));
    }

    /** The gated features of x [..., irrepsIn.dim]: [..., irrepsOut.dim]. */
    public NDArray apply(NDArray x) {
        return apply(x, null);
    }

    /**
     * The gated features of x + shift for x [..., irrepsIn.dim] and a shift [irrepsIn.dim] (e.g. the biases of the layer
     * before, added in the same engine call; null for none).
     */
    public NDArray apply(NDArray x, NDArray shift) {
        Shape s = x.getShape();
        O3Inputs.requireLastAxis(this, "input", s, irrepsIn);
        if (shift != null && !shift.getShape().equals(new Shape(irrepsIn.dim()))) {
            throw new IllegalArgumentException(this + ": the shift must have shape (" + irrepsIn.dim() + "), got "
                    + shift.getShape());
        }
        Shape lead = s.slice(0, s.dimension() - 1);
        NDArray flat = x.reshape(lead.size(), irrepsIn.dim());
        NDArray y = shift == null ? kernel.call("gate", flat).singletonOrThrow()
                : kernel.call("gate_shift", flat, shift).singletonOrThrow();
        return y.reshape(lead.addAll(new Shape(irrepsOut.dim())));
    }

    /** The generated TorchScript (for inspection). */
    public String source() {
        return kernel.source();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).addAll(new Shape(irrepsOut.dim()))};
    }

    @Override
    public String toString() {
        return "Gate(" + irrepsIn + " -> " + irrepsOut + ")";
    }
}

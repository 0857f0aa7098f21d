package org.equivariant4j.nn.lifted;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.ops.ScriptKernel;
import org.equivariant4j.nn.ops.Tensors;

/**
 * The learned bases the lifted convolutions expand their kernels in: functions of the pair invariants only, so every
 * kernel built from them is invariant. For each edge (receiver i, sender j) and grid element k the spatial basis is
 * φ_s(poly(inv_s(x_j − x_i, k))) [E, N, B] (and the self basis φ_s(poly(inv_s(0, k))) [N, B] for the message of every
 * node to itself); for each pair of grid elements the fibre basis φ_f(poly(inv_f(k, l))) [N, N, B]. poly lists the
 * monomials of degree 1..D of the invariants; φ is Linear(·, H) → GELU → Linear(H, B) → GELU (PONITA's basis
 * functions). With a cutoff the spatial basis is multiplied by a smooth envelope of ‖x_j − x_i‖ that vanishes at the
 * cutoff, so messages switch on continuously as atoms enter a radius graph.
 *
 * <p>Parameters: {@code spatial1_weight} [H, P_s], {@code spatial1_bias}, {@code spatial2_weight} [B, H],
 * {@code spatial2_bias}, and the same four for {@code fiber}.
 */
public final class LiftedKernelBasis extends AbstractBlock {
    private static final byte VERSION = 1;

    /**
     * The three bases.
     *
     * @param edge  [E, N, B], per edge and grid element
     * @param self  [N, B], of the message of a node to itself
     * @param fiber [N, N, B], per pair (sender element k, receiver element l)
     */
    public record Output(NDArray edge, NDArray self, NDArray fiber) {}

    private final Fiber fiber;
    private final int hidden;
    private final int basis;
    private final int degree;
    private final double cutoff;
    private final List<Parameter> params = new ArrayList<>();
    private final ScriptKernel kernel;

    private record Key(Fiber fiber, int degree, double cutoff) {}

    /**
     * @param fiber  the fibre and its grid
     * @param hidden H, the width of the basis networks
     * @param basis  B, the number of basis functions
     * @param degree D, the degree of the monomials of the invariants
     * @param cutoff the radius of the envelope, or 0 for none
     */
    public LiftedKernelBasis(Fiber fiber, int hidden, int basis, int degree, double cutoff) {
        super(VERSION);
        this.fiber = Objects.requireNonNull(fiber, "fiber");
        if (hidden < 1 || basis < 1 || degree < 1 || degree > 4) {
            throw new IllegalArgumentException("need hidden >= 1, basis >= 1 and degree in 1..4, got " + hidden + ", " + basis
                    + ", " + degree);
        }
        if (!(cutoff >= 0) || Double.isInfinite(cutoff)) {
            throw new IllegalArgumentException("the cutoff must be finite and >= 0 (0: none), got " + cutoff);
        }
        this.hidden = hidden;
        this.basis = basis;
        this.degree = degree;
        this.cutoff = cutoff;
        int ps = LiftedScript.polyFeatures(fiber.spatialInvariants(), degree);
        int pf = LiftedScript.polyFeatures(fiber.fiberInvariants(), degree);
        for (String part : new String[] {"spatial", "fiber"}) {
            int in = part.equals("spatial") ? ps : pf;
            params.add(addParameter(Params.weight(part + "1_weight", hidden, in)));
            params.add(addParameter(Params.bias(part + "1_bias", hidden, in)));
            params.add(addParameter(Params.weight(part + "2_weight", basis, hidden)));
            params.add(addParameter(Params.bias(part + "2_bias", basis, hidden)));
        }
        this.kernel = ScriptKernel.shared(new Key(fiber, degree, cutoff), k -> new ScriptKernel("LiftedKernelBasis",
                LiftedScript.join(methods(k.fiber(), k.degree(), k.cutoff())), (m, dt) -> constants(k.fiber(), m, dt)));
    }

    /** The TorchScript methods {@code basis} needs. */
    static List<String> methods(Fiber fiber, int degree, double cutoff) {
        return List.of(fiber.spatialSource(), LiftedScript.poly(degree), LiftedScript.embed(), LiftedScript.basis(cutoff));
    }

    /** The constants of {@code basis}: the spatial matrix g and the fibre invariants finv [N, N, k]. */
    static NDList constants(Fiber fiber, NDManager m, DataType dt) {
        double[][][] f = fiber.fiberInvariantValues();
        int n = fiber.size();
        int k = fiber.fiberInvariants();
        double[] flat = new double[n * n * k];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                System.arraycopy(f[a][b], 0, flat, (a * n + b) * k, k);
            }
        }
        return new NDList(Tensors.fromMatrix(m, fiber.spatialMatrix(), dt), Tensors.fromFlat(m, flat, new Shape(n, n, k), dt));
    }

    public Fiber fiber() {
        return fiber;
    }

    /** B. */
    public int basisSize() {
        return basis;
    }

    public int hidden() {
        return hidden;
    }

    public int degree() {
        return degree;
    }

    /** The envelope radius, 0 for none. */
    public double cutoff() {
        return cutoff;
    }

    /** The bases of a graph batch's edges (positions and topology; its features are not read). */
    public Output apply(ParameterStore ps, GraphBatch g, boolean training) {
        NDArray pos = g.positions();
        initializeFor(ps.getManager(), pos.getDataType());
        List<NDArray> args = new ArrayList<>(List.of(pos, g.receiverIndex(), g.senderIndex()));
        appendParameters(ps, pos.getDevice(), training, args);
        NDList out = kernel.call("basis", args.toArray(new NDArray[0]));
        return new Output(out.get(0), out.get(1), out.get(2));
    }

    /** This block's parameter arrays in the order of the script's arguments. */
    void appendParameters(ParameterStore ps, Device device, boolean training, List<NDArray> args) {
        for (Parameter p : params) {
            args.add(ps.getValue(p, device, training));
        }
    }

    void initializeFor(NDManager manager, DataType dt) {
        if (!isInitialized()) {
            initialize(manager, dt);
        }
        NDArray first = params.get(0).getArray();
        if (first.getDataType() != dt) {
            throw new IllegalArgumentException(this + " has " + first.getDataType() + " parameters but the positions are " + dt);
        }
    }

    /** Runs on a {@link GraphBatch#toNDList()}; returns [edge, self, fiber]. */
    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        Output o = apply(ps, GraphBatch.fromNDList(inputs), training);
        return new NDList(o.edge(), o.self(), o.fiber());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        int n = fiber.size();
        return new Shape[] {new Shape(inputShapes.length > 3 ? inputShapes[3].get(1) : -1, n, basis), new Shape(n, basis),
            new Shape(n, n, basis)};
    }

    @Override
    public String toString() {
        return "LiftedKernelBasis[" + fiber.description() + ", H=" + hidden + ", B=" + basis + ", degree " + degree
                + (cutoff > 0 ? ", cutoff " + cutoff : "") + "]";
    }
}

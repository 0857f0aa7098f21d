package org.equivariant4j.nn.lifted;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;
import java.util.Objects;
import org.equivariant4j.nn.ops.BlockInputs;
import org.equivariant4j.nn.ops.ScriptKernel;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.o3.Irreps;

/**
 * Lifts steerable node features to signals over the fibre's grid: [V, dim] (e3nn layout of {@code irreps}) →
 * [V, N, C], through {@link Fiber#liftingMatrix} (on the sphere: the spherical-harmonic synthesis of every irrep copy,
 * so a scalar becomes a constant signal and a vector v the signal v·o). No parameters. Exactly equivariant: lifting
 * D(g)h gives the grid signal of h moved by g (f(g⁻¹·k)) for every rotation g that permutes the grid.
 */
public final class GridLifting extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Fiber fiber;
    private final Irreps irreps;
    private final int channels;
    private final ScriptKernel kernel;

    private record Key(Fiber fiber, Irreps irreps) {}

    public GridLifting(Fiber fiber, Irreps irreps) {
        super(VERSION);
        this.fiber = Objects.requireNonNull(fiber, "fiber");
        this.irreps = Objects.requireNonNull(irreps, "irreps");
        this.channels = fiber.liftedChannels(irreps);
        fiber.liftingMatrix(irreps); // fail now on irreps the fibre cannot lift
        this.kernel = ScriptKernel.shared(new Key(fiber, irreps), k -> new ScriptKernel("GridLifting",
                LiftedScript.join(List.of(LiftedScript.lift(k.fiber().size()))),
                (m, dt) -> new NDList(Tensors.fromMatrix(m, k.fiber().liftingMatrix(k.irreps()), dt))));
    }

    public Fiber fiber() {
        return fiber;
    }

    public Irreps irreps() {
        return irreps;
    }

    /** C, the grid channels of the output. */
    public int channels() {
        return channels;
    }

    /** [V, dim] → [V, N, C]. */
    public NDArray apply(NDArray h) {
        Shape s = h.getShape();
        if (s.dimension() != 2 || s.get(1) != irreps.dim() || !Tensors.isSupportedFloat(h.getDataType())) {
            throw new IllegalArgumentException(this + " expects float32/float64 node features [V, " + irreps.dim() + "] ("
                    + irreps + "), got " + h.getDataType() + " " + s);
        }
        return kernel.call("lift", h).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(BlockInputs.single(this, inputs)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(BlockInputs.singleShape(this, inputShapes).get(0), fiber.size(), channels)};
    }

    @Override
    public String toString() {
        return "GridLifting[" + irreps + " -> " + fiber.description() + " x " + channels + "]";
    }
}

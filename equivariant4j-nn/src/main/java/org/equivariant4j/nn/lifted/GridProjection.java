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
 * Reads steerable node features out of grid signals: [V, N, C] → [V, dim] ({@code irreps}, e3nn layout), through
 * {@link Fiber#projectionMatrix} (on the sphere: the least-squares spherical-harmonic analysis of each channel, so a
 * scalar output is ≈ the mean over the grid and a vector output ≈ 3·mean_k f(o_k) o_k; on SO(3) the mean and
 * (1/N) Σ_k R_k f_k). It inverts {@link GridLifting} exactly. Invariant scalars and equivariant vectors: exact for
 * rotations that permute the grid, for any signal. No parameters.
 */
public final class GridProjection extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Fiber fiber;
    private final Irreps irreps;
    private final int channels;
    private final ScriptKernel kernel;

    private record Key(Fiber fiber, Irreps irreps) {}

    public GridProjection(Fiber fiber, Irreps irreps) {
        super(VERSION);
        this.fiber = Objects.requireNonNull(fiber, "fiber");
        this.irreps = Objects.requireNonNull(irreps, "irreps");
        this.channels = fiber.projectedChannels(irreps);
        fiber.projectionMatrix(irreps); // fail now on irreps the grid cannot resolve
        this.kernel = ScriptKernel.shared(new Key(fiber, irreps), k -> new ScriptKernel("GridProjection",
                LiftedScript.join(List.of(LiftedScript.project())),
                (m, dt) -> new NDList(Tensors.fromMatrix(m, k.fiber().projectionMatrix(k.irreps()), dt))));
    }

    public Fiber fiber() {
        return fiber;
    }

    public Irreps irreps() {
        return irreps;
    }

    /** C, the grid channels it reads. */
    public int channels() {
        return channels;
    }

    /** [V, N, C] → [V, dim]. */
    public NDArray apply(NDArray f) {
        Shape s = f.getShape();
        if (s.dimension() != 3 || s.get(1) != fiber.size() || s.get(2) != channels || !Tensors.isSupportedFloat(f.getDataType())) {
            throw new IllegalArgumentException(this + " expects float32/float64 grid signals [V, " + fiber.size() + ", "
                    + channels + "], got " + f.getDataType() + " " + s);
        }
        return kernel.call("project", f).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(BlockInputs.single(this, inputs)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(BlockInputs.singleShape(this, inputShapes).get(0), irreps.dim())};
    }

    @Override
    public String toString() {
        return "GridProjection[" + fiber.description() + " x " + channels + " -> " + irreps + "]";
    }
}

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
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.o3.Irrep;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.MulIrrep;

/**
 * e3nn's {@code o3.Norm}: the Euclidean norm of every irrep copy, an invariant. Input {@code [..., in.dim]}, output
 * {@code [..., in.numIrreps]} with irreps {@code "mul x 0e"} per (simplified) entry. The square root is taken as
 * {@code sqrt(relu(|x|²))}, so the gradient at 0 is 0 (not NaN); {@code squared} returns |x|².
 */
public final class Norm extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Irreps in;
    private final Irreps out;
    private final boolean squared;
    private final double[] sum; // [in.dim, numIrreps], 1 where a component belongs to a copy

    /** The norms of the irreps of {@code in} (squared norms with {@code squared}). */
    public Norm(Irreps in, boolean squared) {
        super(VERSION);
        this.in = in.simplify();
        this.squared = squared;
        List<MulIrrep> outs = new ArrayList<>();
        for (MulIrrep e : this.in.list()) {
            outs.add(new MulIrrep(e.mul(), Irrep.SCALAR));
        }
        this.out = Irreps.of(outs).simplify();
        this.sum = copyMembership(this.in);
    }

    /** [dim, numIrreps]: 1 where component d belongs to irrep copy c. */
    static double[] copyMembership(Irreps irreps) {
        int n = irreps.numIrreps();
        double[] s = new double[irreps.dim() * n];
        int copy = 0;
        int d = 0;
        for (MulIrrep e : irreps.list()) {
            for (int u = 0; u < e.mul(); u++) {
                for (int k = 0; k < e.irrep().dim(); k++) {
                    s[d++ * n + copy] = 1;
                }
                copy++;
            }
        }
        return s;
    }

    public Irreps irrepsIn() {
        return in;
    }

    /** {@code "n x 0e"}. */
    public Irreps irrepsOut() {
        return out;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(BlockInputs.single(this, inputs)));
    }

    /** The (squared) norms of x [..., in.dim]. */
    public NDArray apply(NDArray x) {
        O3Inputs.requireLastAxis(this, "input", x.getShape(), in);
        NDArray s = Tensors.fromFlat(x.getManager(), sum, new Shape(in.dim(), in.numIrreps()), x.getDataType());
        NDArray sq = x.square().matMul(s);
        return squared ? sq : sq.getNDArrayInternal().relu().sqrt();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).addAll(new Shape(in.numIrreps()))};
    }

    @Override
    public String toString() {
        return "Norm(" + in + (squared ? ", squared" : "") + ")";
    }
}

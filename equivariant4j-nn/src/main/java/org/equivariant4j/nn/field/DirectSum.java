package org.equivariant4j.nn.field;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Blocks side by side on consecutive runs of fields (escnn's MultipleModule, for runs in order): for an input type
 * T_1 ⊕ … ⊕ T_n, (f_1 ⊕ … ⊕ f_n)(x_1 ⊕ … ⊕ x_n) = f_1(x_1) ⊕ … ⊕ f_n(x_n), with f_i: T_i → S_i. It lets one layer
 * treat fields of different kinds differently, for example a pointwise ELU on invariant scalars beside a gate on
 * pseudoscalars, which no single nonlinearity does.
 *
 * <h2>Equivariance</h2>
 * ρ_T(g) = ρ_{T_1}(g) ⊕ … ⊕ ρ_{T_n}(g) is block diagonal, so the sum commutes with it exactly when every f_i commutes
 * with its ρ_{T_i}(g): exact for every element for which each part is.
 *
 * <p>Input [batch, ΣC_i, spatial…]: channels c_1 … c_1 + C_1 − 1 go to f_1, the next C_2 to f_2, and so on; the outputs
 * are concatenated along the channel axis. The parts' parameters are this block's (saved in order). {@link #export()}
 * runs the parts' exports on the same channel runs.
 */
public final class DirectSum extends AbstractEquivariantBlock {
    private final List<EquivariantBlock> parts;
    /** The input fields where parts 2 … n begin (GeometricTensor.split's breaks). */
    private final int[] breaks;

    private DirectSum(List<? extends EquivariantBlock> parts) {
        super(sum(parts, true), sum(parts, false));
        this.parts = List.copyOf(parts);
        this.breaks = new int[parts.size() - 1];
        int fields = 0;
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                breaks[i - 1] = fields;
            }
            fields += parts.get(i).inType().fields();
            addChildBlock(parts.get(i).getClass().getSimpleName(), parts.get(i));
        }
    }

    /** The direct sum of the parts' input ({@code in}) or output types, refusing parts on different GSpaces. */
    private static FieldType sum(List<? extends EquivariantBlock> parts, boolean in) {
        FieldType t = null;
        for (EquivariantBlock b : parts) {
            FieldType part = in ? b.inType() : b.outType();
            if (t != null && !t.gspace().equals(part.gspace())) {
                throw new IllegalArgumentException("the blocks of a DirectSum must act on one GSpace; " + b + " has "
                        + part.gspace() + ", the blocks before it " + t.gspace());
            }
            t = t == null ? part : t.plus(part);
        }
        return t;
    }

    /** f_1 ⊕ … ⊕ f_n on the consecutive runs of fields f_1.inType(), …, f_n.inType(). */
    public static DirectSum of(EquivariantBlock... parts) {
        return of(List.of(parts));
    }

    /** f_1 ⊕ … ⊕ f_n on the consecutive runs of fields f_1.inType(), …, f_n.inType(). */
    public static DirectSum of(List<? extends EquivariantBlock> parts) {
        if (parts.size() < 2) {
            throw new IllegalArgumentException("a DirectSum needs at least two blocks, got " + parts.size());
        }
        return new DirectSum(parts);
    }

    /** The blocks, in channel order. */
    public List<EquivariantBlock> parts() {
        return parts;
    }

    @Override
    protected NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        List<GeometricTensor> runs = GeometricTensor.of(x, inType()).split(breaks);
        NDList outputs = new NDList(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            outputs.add(parts.get(i).forward(ps, new NDList(runs.get(i).tensor()), training).singletonOrThrow());
        }
        return NDArrays.concat(outputs, 1);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (int i = 0; i < parts.size(); i++) {
            parts.get(i).initialize(manager, dataType, partShape(inputShapes[0], i));
        }
    }

    private Shape partShape(Shape input, int i) {
        long[] dims = input.getShape().clone();
        dims[1] = parts.get(i).inType().size();
        return new Shape(dims);
    }

    @Override
    protected Shape outputShape(Shape input) {
        long channels = 0;
        Shape first = null;
        for (int i = 0; i < parts.size(); i++) {
            Shape s = parts.get(i).getOutputShapes(new Shape[] {partShape(input, i)})[0];
            first = first == null ? s : first;
            channels += s.get(1);
        }
        long[] dims = first.getShape().clone();
        dims[1] = channels;
        return new Shape(dims);
    }

    @Override
    public Block export() {
        List<Block> branches = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            int from = i == 0 ? 0 : breaks[i - 1];
            int to = i == breaks.length ? inType().fields() : breaks[i];
            // each branch gets the whole input and keeps its own fields
            branches.add(new SequentialBlock()
                    .add(exportFunction(x -> GeometricTensor.of(x, inType()).fields(from, to).tensor()))
                    .add(parts.get(i).export()));
        }
        return new ParallelBlock(list -> new NDList(NDArrays.concat(flatten(list), 1)), branches);
    }

    private static NDList flatten(List<NDList> lists) {
        NDList all = new NDList(lists.size());
        for (NDList l : lists) {
            all.add(l.singletonOrThrow());
        }
        return all;
    }

    @Override
    protected int[] config() {
        return new int[] {inType().size(), outType().size(), parts.size()};
    }

    @Override
    public String toString() {
        return "DirectSum(" + parts.size() + " blocks, " + inType() + " -> " + outType() + ")";
    }
}

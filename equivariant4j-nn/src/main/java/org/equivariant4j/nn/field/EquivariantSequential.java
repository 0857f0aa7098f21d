package org.equivariant4j.nn.field;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import java.util.List;

/**
 * Equivariant blocks applied one after the other (escnn's SequentialModule): f_n ∘ … ∘ f_1, equivariant because each
 * f_i is. The construction checks that each block's output type is the next block's input type and refuses a mismatch
 * naming both blocks and both types, so a wrongly wired model fails before any data flows.
 *
 * <p>A DJL block: {@code initialize} passes each block the shape the previous one produces; the parameters are the
 * blocks' (saved and loaded in order). {@link #export()} is a DJL {@link SequentialBlock} of the blocks' exports.
 */
public final class EquivariantSequential extends AbstractEquivariantBlock {
    private final List<EquivariantBlock> blocks;

    private EquivariantSequential(List<? extends EquivariantBlock> blocks) {
        super(first(blocks).inType(), blocks.get(blocks.size() - 1).outType());
        for (int i = 0; i + 1 < blocks.size(); i++) {
            EquivariantBlock a = blocks.get(i);
            EquivariantBlock b = blocks.get(i + 1);
            if (!a.outType().equals(b.inType())) {
                throw new IllegalArgumentException("block " + i + " (" + a + ") outputs " + a.outType() + " but block " + (i + 1)
                        + " (" + b + ") expects " + b.inType());
            }
        }
        this.blocks = List.copyOf(blocks);
        for (EquivariantBlock b : this.blocks) {
            addChildBlock(b.getClass().getSimpleName(), b);
        }
    }

    private static EquivariantBlock first(List<? extends EquivariantBlock> blocks) {
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("EquivariantSequential needs at least one block");
        }
        return blocks.get(0);
    }

    /** The blocks in order. */
    public static EquivariantSequential of(EquivariantBlock... blocks) {
        return new EquivariantSequential(List.of(blocks));
    }

    /** The blocks in order. */
    public static EquivariantSequential of(List<? extends EquivariantBlock> blocks) {
        return new EquivariantSequential(blocks);
    }

    /** The blocks. */
    public List<EquivariantBlock> blocks() {
        return blocks;
    }

    @Override
    protected NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDList current = new NDList(x);
        for (EquivariantBlock b : blocks) {
            current = b.forward(ps, current, training);
        }
        return current.singletonOrThrow();
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shapes = inputShapes;
        for (EquivariantBlock b : blocks) {
            b.initialize(manager, dataType, shapes);
            shapes = b.getOutputShapes(shapes);
        }
    }

    @Override
    protected Shape outputShape(Shape input) {
        Shape[] shapes = {input};
        for (EquivariantBlock b : blocks) {
            shapes = b.getOutputShapes(shapes);
        }
        return shapes[0];
    }

    @Override
    public Block export() {
        SequentialBlock seq = new SequentialBlock();
        for (EquivariantBlock b : blocks) {
            seq.add(b.export());
        }
        return seq;
    }

    @Override
    protected int[] config() {
        return new int[] {inType().size(), outType().size(), blocks.size()};
    }

    @Override
    public String toString() {
        return "EquivariantSequential(" + blocks.size() + " blocks, " + inType() + " -> " + outType() + ")";
    }
}

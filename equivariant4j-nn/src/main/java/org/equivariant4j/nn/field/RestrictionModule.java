package org.equivariant4j.nn.field;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;

/**
 * Restriction to a subgroup (escnn's RestrictionModule): the same array, retyped from a field type of G to the type of
 * a subgroup H ≤ G ({@link FieldType#restrict}), so that the blocks after it only need to be H-equivariant (e.g. a
 * D8 model whose last layers are C8- or C4-equivariant). A G-equivariant map is H-equivariant, so the composition is
 * H-equivariant. No computation; {@link #export()} is the identity.
 */
public final class RestrictionModule extends ParameterFreeBlock {
    private final Subgroup subgroup;

    private RestrictionModule(FieldType type, Subgroup subgroup) {
        super(type, type.restrict(subgroup));
        this.subgroup = subgroup;
    }

    /**
     * Retypes {@code type} to the subgroup.
     *
     * @throws IllegalArgumentException when G has no such subgroup
     */
    public static RestrictionModule of(FieldType type, Subgroup subgroup) {
        return new RestrictionModule(type, subgroup);
    }

    /** H. */
    public Subgroup subgroup() {
        return subgroup;
    }

    @Override
    protected NDArray apply(NDArray x) {
        return x;
    }

    @Override
    public Block export() {
        return Blocks.identityBlock();
    }

    @Override
    public String toString() {
        return "RestrictionModule(" + inType() + " to " + subgroup + ")";
    }
}

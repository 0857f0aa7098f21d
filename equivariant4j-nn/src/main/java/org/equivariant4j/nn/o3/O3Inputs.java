package org.equivariant4j.nn.o3;

import ai.djl.ndarray.types.Shape;
import org.equivariant4j.o3.Irreps;

/** The input checks the O(3) blocks share: messages name the block, what was expected and what came. */
final class O3Inputs {
    private O3Inputs() {}

    /** Requires a shape [..., irreps.dim] (at least one axis). */
    static void requireLastAxis(Object block, String what, Shape s, Irreps irreps) {
        if (s.dimension() < 1 || s.get(s.dimension() - 1) != irreps.dim()) {
            throw new IllegalArgumentException(block + ": " + what + " must have last axis " + irreps.dim()
                    + " (the dim of \"" + irreps + "\"), got shape " + s);
        }
    }
}

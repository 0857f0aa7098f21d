package org.equivariant4j.nn.ops;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/** How many scalars a block learns. */
public final class ParameterCounts {
    private ParameterCounts() {}

    /**
     * The number of learnable scalars of a block: parameters that take gradients (running statistics and other
     * buffers excluded), counted from their declared shapes, or from their arrays when the shape is only known after
     * initialisation.
     */
    public static long learnable(Block block) {
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter param = p.getValue();
            if (!param.requiresGradient()) {
                continue;
            }
            n += param.getShape() != null ? param.getShape().size() : param.getArray().size();
        }
        return n;
    }
}

package org.equivariant4j.nn.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/** Small shared helpers of the graph package. */
final class Ops {
    private Ops() {}

    /** SiLU, x·sigmoid(x) (DJL has no silu; this is two native ops). */
    static NDArray silu(NDArray x) {
        return x.mul(x.getNDArrayInternal().sigmoid());
    }

    /** The dtype of the first initialised parameter, or null. */
    static DataType parameterType(Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().isInitialized()) {
                return p.getValue().getArray().getDataType();
            }
        }
        return null;
    }

    static void checkDataType(Block block, GraphBatch g) {
        DataType pt = parameterType(block);
        if (pt != null && pt != g.dataType()) {
            throw new IllegalArgumentException(block.getClass().getSimpleName() + " was initialised in " + pt
                    + " but the graph batch is " + g.dataType());
        }
    }

    /** Concatenation along the last axis. */
    static NDArray concatLast(NDArray... parts) {
        int axis = parts[0].getShape().dimension() - 1;
        return NDArrays.concat(new NDList(parts), axis);
    }
}

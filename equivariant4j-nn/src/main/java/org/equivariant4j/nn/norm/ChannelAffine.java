package org.equivariant4j.nn.norm;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.util.PairList;
import org.equivariant4j.nn.conv.PlainConvolution;
import org.equivariant4j.nn.ops.Convolution;
import org.equivariant4j.nn.ops.Tensors;

/**
 * The plain DJL block of a channel map y = M x + c on [batch, C, spatial…] (what a batch norm is in inference): DJL's
 * {@link BatchNorm} holding diag(M) and c when M is diagonal (any number of spatial axes), otherwise a 1×1 (1×1×1)
 * {@link PlainConvolution} on images (volumes) or DJL's {@link Linear} on [batch, C]. Initialised on {@code manager}.
 */
final class ChannelAffine {
    private ChannelAffine() {}

    static Block of(double[][] m, double[] c, int spatialDims, NDManager manager, DataType dataType) {
        int n = c.length;
        long[] dims = new long[2 + spatialDims];
        java.util.Arrays.fill(dims, 1);
        dims[1] = n;
        Shape input = new Shape(dims);
        if (isDiagonal(m)) {
            double[] diag = new double[n];
            for (int i = 0; i < n; i++) {
                diag[i] = m[i][i];
            }
            // (x − 0)/√(1 + 0)·γ + β with γ = diag M, β = c: exactly M x + c
            BatchNorm bn = BatchNorm.builder().optEpsilon(0f).build();
            bn.initialize(manager, dataType, input);
            PairList<String, ai.djl.nn.Parameter> p = bn.getParameters();
            set(p.get("gamma"), diag, manager, dataType);
            set(p.get("beta"), c, manager, dataType);
            return bn;
        }
        Block block;
        if (spatialDims == 2 || spatialDims == 3) {
            PlainConvolution conv = new PlainConvolution(spatialDims == 2 ? Convolution.Spec.conv2d(1, 0, 1, 1)
                    : Convolution.Spec.conv3d(1, 0, 1, 1), n, n, 1, true);
            conv.initialize(manager, dataType, input);
            long[] w = new long[2 + spatialDims];
            java.util.Arrays.fill(w, 1);
            w[0] = n;
            w[1] = n;
            conv.weight().getArray().set(new NDIndex(":"), Tensors.fromMatrix(manager, m, dataType).reshape(new Shape(w)));
            set(conv.bias(), c, manager, dataType);
            block = conv;
        } else if (spatialDims == 0) {
            Linear linear = Linear.builder().setUnits(n).build();
            linear.initialize(manager, dataType, input);
            linear.getParameters().get("weight").getArray().set(new NDIndex(":"), Tensors.fromMatrix(manager, m, dataType));
            set(linear.getParameters().get("bias"), c, manager, dataType);
            block = linear;
        } else {
            throw new IllegalArgumentException("a non-diagonal channel map is exported for 0, 2 or 3 spatial axes, got "
                    + spatialDims);
        }
        return block;
    }

    private static void set(ai.djl.nn.Parameter p, double[] values, NDManager manager, DataType dataType) {
        p.getArray().set(new NDIndex(":"), Tensors.fromFlat(manager, values, new Shape(values.length), dataType));
    }

    private static boolean isDiagonal(double[][] m) {
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m.length; j++) {
                if (i != j && m[i][j] != 0) {
                    return false;
                }
            }
        }
        return true;
    }
}

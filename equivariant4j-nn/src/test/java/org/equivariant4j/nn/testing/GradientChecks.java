package org.equivariant4j.nn.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.nio.DoubleBuffer;
import java.util.List;

/**
 * Test helpers for gradients of a block: the loss L = Σ y⊙r + ½ Σ y² of its training-mode output y, central finite
 * differences of L in single parameter entries (float64 parameters), and a plain SGD step.
 */
public final class GradientChecks {
    /** The finite-difference step. */
    public static final double STEP = 1e-6;

    private GradientChecks() {}

    /** L = Σ y⊙r + ½ Σ y², y = block(x) in training mode (dL/dy = r + y). */
    public static NDArray loss(Block block, ParameterStore ps, NDArray x, NDArray r) {
        NDArray y = block.forward(ps, new NDList(x), true).singletonOrThrow();
        return y.mul(r).sum().add(y.square().sum().mul(0.5));
    }

    /** (L(p + h e_k) − L(p − h e_k)) / 2h with h = {@link #STEP}; {@code param} holds its old values afterwards. */
    public static double finiteDifference(Block block, ParameterStore ps, NDArray x, NDArray r, NDArray param, int k) {
        double[] p0 = param.toDoubleArray();
        double[] plus = p0.clone();
        plus[k] += STEP;
        double[] minus = p0.clone();
        minus[k] -= STEP;
        try (NDScope scope = new NDScope()) {
            param.set(DoubleBuffer.wrap(plus));
            double lp = loss(block, ps, x, r).getDouble();
            param.set(DoubleBuffer.wrap(minus));
            double lm = loss(block, ps, x, r).getDouble();
            param.set(DoubleBuffer.wrap(p0));
            return (lp - lm) / (2 * STEP);
        }
    }

    /** Asserts that the finite difference in entry k matches {@code grad} to 1e-6 (relative above 1). */
    public static void assertGradient(String label, Block block, ParameterStore ps, NDArray x, NDArray r, NDArray param,
            double grad, int k) {
        double fd = finiteDifference(block, ps, x, r, param, k);
        assertEquals(fd, grad, 1e-6 * Math.max(1, Math.abs(fd)), label + "[" + k + "]");
    }

    /** Compares the autograd gradient {@code grad} with finite differences in every entry of {@code param}. */
    public static void checkGradient(String label, Block block, ParameterStore ps, NDArray x, NDArray r, NDArray param,
            double[] grad) {
        checkGradient(label, block, ps, x, r, param, grad, 0, 1);
    }

    /** As above, for the entries first, first + stride, … only (the gradient must still be nonzero somewhere). */
    public static void checkGradient(String label, Block block, ParameterStore ps, NDArray x, NDArray r, NDArray param,
            double[] grad, int first, int stride) {
        double maxGrad = 0;
        for (int k = first; k < grad.length; k += stride) {
            assertGradient(label, block, ps, x, r, param, grad[k], k);
            maxGrad = Math.max(maxGrad, Math.abs(grad[k]));
        }
        assertTrue(maxGrad > 1e-3, label + ": gradients reach the parameter");
    }

    /** One SGD step p ← p − lr·∂L/∂p on each parameter, then its gradient is zeroed. */
    public static void sgdStep(List<Parameter> params, float lr) {
        for (Parameter p : params) {
            NDArray v = p.getArray();
            v.subi(v.getGradient().mul(lr));
            JniUtils.zeroGrad((PtNDArray) v);
        }
    }
}

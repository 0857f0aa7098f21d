package org.equivariant4j.nn.o3;

import ai.djl.ndarray.NDArray;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import org.equivariant4j.nn.ops.TorchGenerator;

/**
 * Scalar nonlinearities for O(3) features, normalised as e3nn normalises them ({@code normalize2mom}): each is
 * multiplied by c = E[f(z)²]^(−1/2), z ~ N(0, 1), so unit-variance inputs give outputs of second moment 1. The
 * constant is e3nn's own estimate, the mean of f(z)² over the 10⁶ samples of {@code torch.randn} with generator seed 0
 * (reproduced bit for bit), so that outputs equal e3nn's; c is 1 when within 1e-4 of 1 (as e3nn).
 *
 * <p>The parity says how f treats odd (pseudo)scalars: an odd f keeps a 0o input odd, an even f makes it 0e, and
 * neither may not be applied to 0o inputs.
 */
public enum Activation {
    /** x·sigmoid(x). */
    SILU(0, x -> x / (1 + Math.exp(-x)), x -> x.mul(x.getNDArrayInternal().sigmoid()), "%1$s * torch.sigmoid(%1$s)"),
    /** tanh(x), odd. */
    TANH(-1, Math::tanh, NDArray::tanh, "torch.tanh(%1$s)"),
    /** 1 / (1 + e^−x). */
    SIGMOID(0, x -> 1 / (1 + Math.exp(-x)), x -> x.getNDArrayInternal().sigmoid(), "torch.sigmoid(%1$s)"),
    /** max(x, 0). */
    RELU(0, x -> Math.max(x, 0), x -> x.getNDArrayInternal().relu(), "torch.relu(%1$s)"),
    /** log(1 + e^x) (torch's: x above 20). */
    SOFTPLUS(0, x -> x > 20 ? x : Math.log1p(Math.exp(x)), x -> x.getNDArrayInternal().softPlus(),
            "torch.softplus(%1$s, 1, 20)"),
    /** |x|, even. */
    ABS(1, Math::abs, NDArray::abs, "torch.abs(%1$s)");

    private final int parity;
    private final DoubleUnaryOperator scalar;
    private final UnaryOperator<NDArray> tensor;
    private final String script;

    Activation(int parity, DoubleUnaryOperator scalar, UnaryOperator<NDArray> tensor, String script) {
        this.parity = parity;
        this.scalar = scalar;
        this.tensor = tensor;
        this.script = script;
    }

    /** f applied to the TorchScript expression {@code x} (a variable name), without the constant, as TorchScript. */
    String script(String x) {
        return String.format(java.util.Locale.ROOT, script, x);
    }

    /** +1 when f(−x) = f(x), −1 when f(−x) = −f(x), 0 otherwise. */
    public int parity() {
        return parity;
    }

    /** f(x) without the normalisation constant. */
    public double apply(double x) {
        return scalar.applyAsDouble(x);
    }

    /** f(x) elementwise, without the constant (e3nn's NormActivation applies its nonlinearity so). */
    public NDArray raw(NDArray x) {
        return tensor.apply(x);
    }

    /** c·f(x) elementwise. */
    public NDArray normalized(NDArray x) {
        double c = constant();
        NDArray y = tensor.apply(x);
        return c == 1 ? y : y.mul(org.equivariant4j.nn.ops.Tensors.scalar(y, c));
    }

    /** c = E[f(z)²]^(−1/2) as e3nn estimates it (see the class comment). */
    public double constant() {
        return Constants.VALUES[ordinal()];
    }

    /**
     * The parity of f applied to a scalar of parity {@code p}: p for even inputs; for odd inputs the activation's own
     * parity.
     *
     * @throws IllegalArgumentException when f is neither even nor odd and the input is odd
     */
    public int outputParity(int p) {
        if (p == 1) {
            return 1;
        }
        if (parity == 0) {
            throw new IllegalArgumentException(this + " is neither even nor odd: applied to a pseudoscalar (0o) it would "
                    + "break parity; use an odd (TANH) or even (ABS) activation for 0o");
        }
        return parity == 1 ? 1 : -1;
    }

    /** Computed once, on first use: 10⁶ samples per activation. */
    private static final class Constants {
        static final double[] VALUES = compute();

        private static double[] compute() {
            double[] z = new TorchGenerator(0).randnFloat64(1_000_000);
            Activation[] all = Activation.values();
            double[] out = new double[all.length];
            for (int a = 0; a < all.length; a++) {
                double s = 0;
                for (double v : z) {
                    double f = all[a].apply(v);
                    s += f * f;
                }
                double c = Math.pow(s / z.length, -0.5);
                out[a] = Math.abs(c - 1) < 1e-4 ? 1 : c;
            }
            return out;
        }
    }
}

package org.equivariant4j.nn.activation;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import java.util.Locale;
import java.util.Objects;

/**
 * A scalar function applied entry by entry (escnn's {@code p_relu}, {@code p_elu}, {@code p_sigmoid}, {@code p_tanh}
 * and LeakyReLU): what {@link PointwiseNonlinearity} applies to the channels of permutation fields and
 * {@link FourierPointwise} to the samples of band-limited fields on the group.
 *
 * @param kind      the function
 * @param parameter α of ELU (x ≤ 0 ↦ α(eˣ − 1)), the negative slope of LeakyReLU; 0 for the others
 */
public record ScalarActivation(Kind kind, double parameter) {
    /** The functions. */
    public enum Kind {
        RELU, ELU, LEAKY_RELU, SIGMOID, TANH
    }

    public ScalarActivation {
        Objects.requireNonNull(kind, "kind");
        if (!Double.isFinite(parameter) || ((kind == Kind.RELU || kind == Kind.SIGMOID || kind == Kind.TANH) && parameter != 0)) {
            throw new IllegalArgumentException(kind + " takes no parameter (0), got " + parameter);
        }
    }

    /** max(x, 0). */
    public static ScalarActivation relu() {
        return new ScalarActivation(Kind.RELU, 0);
    }

    /** x for x > 0, α(eˣ − 1) otherwise. */
    public static ScalarActivation elu(double alpha) {
        return new ScalarActivation(Kind.ELU, alpha);
    }

    /** x for x > 0, slope·x otherwise. */
    public static ScalarActivation leakyRelu(double slope) {
        return new ScalarActivation(Kind.LEAKY_RELU, slope);
    }

    /** 1 / (1 + e⁻ˣ). */
    public static ScalarActivation sigmoid() {
        return new ScalarActivation(Kind.SIGMOID, 0);
    }

    /** tanh x. */
    public static ScalarActivation tanh() {
        return new ScalarActivation(Kind.TANH, 0);
    }

    /** f(x), entry by entry (a new array on x's manager). */
    public NDArray apply(NDArray x) {
        return switch (kind) {
            case RELU -> Activation.relu(x);
            case ELU -> Activation.elu(x, (float) parameter);
            case LEAKY_RELU -> Activation.leakyRelu(x, (float) parameter);
            case SIGMOID -> Activation.sigmoid(x);
            case TANH -> Activation.tanh(x);
        };
    }

    /** DJL's block for the same function. */
    public Block block() {
        return switch (kind) {
            case RELU -> Activation.reluBlock();
            case ELU -> Activation.eluBlock((float) parameter);
            case LEAKY_RELU -> Activation.leakyReluBlock((float) parameter);
            case SIGMOID -> Activation.sigmoidBlock();
            case TANH -> Activation.tanhBlock();
        };
    }

    @Override
    public String toString() {
        String name = kind.name().toLowerCase(Locale.ROOT);
        return parameter == 0 && kind != Kind.ELU && kind != Kind.LEAKY_RELU ? name : name + "(" + parameter + ")";
    }
}

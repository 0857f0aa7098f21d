package org.equivariant4j.nn.activation;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import java.util.Objects;
import org.equivariant4j.nn.field.ParameterFreeBlock;
import org.equivariant4j.nn.field.FieldType;

/**
 * A scalar function on every channel (escnn's PointwiseNonLinearity, ReLU, ELU, LeakyReLU): y_c = f(x_c).
 *
 * <h2>Equivariance</h2>
 * f commutes with ρ(g) exactly when ρ(g) permutes the channels, so the type must have only trivial, regular or
 * quotient fields of a finite group ({@link FieldType#isPointwiseCompatible()}); other types are refused. Exact for
 * every element, with the base space moved or not. Output type = input type; no parameters.
 *
 * <p>{@link #export()} gives DJL's activation block.
 */
public final class PointwiseNonlinearity extends ParameterFreeBlock {
    private final ScalarActivation function;

    private PointwiseNonlinearity(FieldType type, ScalarActivation function) {
        super(type, type);
        this.function = Objects.requireNonNull(function, "function");
        requirePointwise("PointwiseNonlinearity " + function, type);
    }

    /** f on the channels of {@code type}. */
    public static PointwiseNonlinearity of(FieldType type, ScalarActivation function) {
        return new PointwiseNonlinearity(type, function);
    }

    /** ReLU. */
    public static PointwiseNonlinearity relu(FieldType type) {
        return of(type, ScalarActivation.relu());
    }

    /** ELU with α. */
    public static PointwiseNonlinearity elu(FieldType type, double alpha) {
        return of(type, ScalarActivation.elu(alpha));
    }

    /** The function. */
    public ScalarActivation function() {
        return function;
    }

    @Override
    protected NDArray apply(NDArray x) {
        return function.apply(x);
    }

    @Override
    public Block export() {
        return function.block();
    }

    @Override
    public String toString() {
        return "PointwiseNonlinearity(" + function + ", " + inType() + ")";
    }
}

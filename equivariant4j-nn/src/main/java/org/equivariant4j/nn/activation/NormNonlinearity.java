package org.equivariant4j.nn.activation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import java.util.Locale;
import java.util.Objects;
import org.equivariant4j.nn.field.AbstractEquivariantBlock;
import org.equivariant4j.nn.field.FieldRuns;
import org.equivariant4j.nn.field.FieldType;

/**
 * Norm nonlinearities (escnn's NormNonLinearity): each field v keeps its direction and gets a new length,
 * v ↦ f(‖v‖ − b)·v/‖v‖, with
 * <ul>
 *   <li>{@link Function#NORM_RELU}: f = ReLU, with a learned bias b per field;</li>
 *   <li>{@link Function#NORM_SIGMOID}: f = sigmoid, with a learned bias b per field;</li>
 *   <li>{@link Function#SQUASH}: f(t) = t / (1 + t), no bias.</li>
 * </ul>
 * The bias is parameterised as b = exp(β) (parameter "logBias", one per field, zeros: b = 1 at first), so it stays
 * positive, as in escnn.
 *
 * <h2>Equivariance</h2>
 * ‖ρ(g)v‖ = ‖v‖ for an orthogonal ρ, so the map commutes with every g, for any field type whose representations are
 * orthogonal (others are refused). Exact up to round-off for grid elements.
 *
 * <p>Norms below {@link FieldRuns#MIN_NORM} are clamped to it inside the division (so the gradient at v = 0 is finite);
 * {@link #export()} gives a plain block with a copy of the current bias.
 */
public final class NormNonlinearity extends AbstractEquivariantBlock {
    /** The function of the norm. */
    public enum Function {
        NORM_RELU, NORM_SIGMOID, SQUASH
    }

    private final Function function;
    private final FieldRuns runs;
    private final Parameter logBias;

    private NormNonlinearity(FieldType type, Function function, boolean bias) {
        super(type, type);
        this.function = Objects.requireNonNull(function, "function");
        if (function == Function.SQUASH && bias) {
            throw new IllegalArgumentException("the squash nonlinearity takes no bias; use NormNonlinearity.squash(type)");
        }
        requireOrthogonal("NormNonlinearity", type);
        this.runs = FieldRuns.of(type);
        this.logBias = bias ? addParameter(Parameter.builder().setName("logBias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(type.fields())).optInitializer(Initializer.ZEROS).build()) : null;
    }

    /** ReLU(‖v‖ − b) v/‖v‖ with a learned b > 0 per field. */
    public static NormNonlinearity relu(FieldType type) {
        return new NormNonlinearity(type, Function.NORM_RELU, true);
    }

    /** sigmoid(‖v‖ − b) v/‖v‖ with a learned b > 0 per field. */
    public static NormNonlinearity sigmoid(FieldType type) {
        return new NormNonlinearity(type, Function.NORM_SIGMOID, true);
    }

    /** v / (1 + ‖v‖). */
    public static NormNonlinearity squash(FieldType type) {
        return new NormNonlinearity(type, Function.SQUASH, false);
    }

    /** The function, with or without the learned bias (squash never has one). */
    public static NormNonlinearity of(FieldType type, Function function, boolean bias) {
        return new NormNonlinearity(type, function, bias);
    }

    /** The function. */
    public Function function() {
        return function;
    }

    /** β with b = exp(β), one per field; null without a bias. */
    public Parameter logBias() {
        return logBias;
    }

    @Override
    protected NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDArray b = logBias == null ? null : alongAxis1(ps.getValue(logBias, x.getDevice(), training).exp());
        return apply(x, b);
    }

    private NDArray apply(NDArray x, NDArray bias) {
        NDArray norms = runs.norms(x);
        NDArray t = bias == null ? norms : norms.sub(bias);
        NDArray length = switch (function) {
            case NORM_RELU -> Activation.relu(t);
            case NORM_SIGMOID -> Activation.sigmoid(t);
            case SQUASH -> t.div(t.add(1));
        };
        return runs.scale(x, length.div(norms));
    }

    /** A plain block with a copy of the current bias exp(β). */
    @Override
    public Block export() {
        NDArray b = logBias == null ? null : alongAxis1(logBias.getArray().stopGradient().exp());
        return exportFunction(x -> apply(x, b == null ? null : b.toDevice(x.getDevice(), false)));
    }

    @Override
    protected int[] config() {
        return new int[] {inType().size(), inType().fields(), function.ordinal(), logBias == null ? 0 : 1};
    }

    @Override
    public String toString() {
        return "NormNonlinearity(" + function.name().toLowerCase(Locale.ROOT) + (logBias == null ? "" : " with bias") + ", "
                + inType() + ")";
    }
}

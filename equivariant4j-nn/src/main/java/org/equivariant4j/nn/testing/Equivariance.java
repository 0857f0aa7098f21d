package org.equivariant4j.nn.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.equivariant4j.group.FiniteGroup;
import org.equivariant4j.group.Group;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.linalg.Matrices;
import org.equivariant4j.nn.field.EquivariantBlock;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GeometricTensor;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.repr.Representation;

/**
 * The public equivariance checker: for a map f and group elements g, compares f(g·x) with g·f(x).
 *
 * <p>How g acts on an input or output tensor is an {@link Action}; the common ones are the representation acting on the
 * last axis ({@link #onLastAxis}), on another axis ({@link #onAxis}) and the trivial action ({@link #invariant()});
 * images have {@link ImageActions}, point clouds {@link EuclideanMotion}. The checker stays the same.
 *
 * <p>Errors are measured per element g as the largest absolute entry of f(g·x) − g·f(x) and, relative, divided by the
 * largest absolute entry of g·f(x); the report keeps the maxima over all elements and the element with the largest
 * relative error. Intermediate arrays live in an {@link NDScope} and are freed before returning; each element's are
 * freed before the next element runs, so memory does not grow with the number of elements.
 */
public final class Equivariance {
    private Equivariance() {}

    /**
     * The result of a check.
     *
     * @param maxAbsoluteError max over g of max |f(g·x) − g·f(x)|
     * @param maxRelativeError max over g of that divided by max |g·f(x)| (the absolute error if f(x) is 0)
     * @param worstElement     the element with the largest relative error
     * @param elementsChecked  how many group elements were checked
     */
    public record Report(double maxAbsoluteError, double maxRelativeError, GroupElement worstElement, int elementsChecked) {
        /** Whether the relative error is at most {@code tolerance}. */
        public boolean passes(double tolerance) {
            return maxRelativeError <= tolerance;
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "max abs error %.3e, max rel error %.3e (worst at %s, %d elements)",
                    maxAbsoluteError, maxRelativeError, worstElement, elementsChecked);
        }
    }

    /**
     * How a group element acts on a tensor.
     *
     * @param <E> the group's element type
     */
    @FunctionalInterface
    public interface Action<E extends GroupElement> {
        /** g·x, a new array. */
        NDArray apply(E g, NDArray x);
    }

    /** ρ(g) acting on the last axis: x[..., i] ↦ Σ_j ρ(g)_ij x[..., j]. */
    public static <E extends GroupElement> Action<E> onLastAxis(Representation<E> rho) {
        return onAxis(rho, -1);
    }

    /** ρ(g) acting on axis {@code axis} (negative counts from the end), all other axes untouched. */
    public static <E extends GroupElement> Action<E> onAxis(Representation<E> rho, int axis) {
        Objects.requireNonNull(rho, "rho");
        return (g, x) -> {
            int rank = x.getShape().dimension();
            int a = axis < 0 ? rank + axis : axis;
            if (a < 0 || a >= rank || x.getShape().get(a) != rho.dimension()) {
                throw new IllegalArgumentException("the action of " + rho + " on axis " + axis + " needs that axis to have size "
                        + rho.dimension() + ", got shape " + x.getShape());
            }
            NDArray rhoT = Tensors.fromMatrix(x.getManager(), Matrices.transpose(rho.matrix(g)), x.getDataType())
                    .toDevice(x.getDevice(), false);
            if (a == rank - 1) {
                return x.matMul(rhoT);
            }
            return x.swapAxes(a, rank - 1).matMul(rhoT).swapAxes(a, rank - 1);
        };
    }

    /**
     * The action on arrays typed by a field type: (g·f)(x) = ρ(g) f(g⁻¹x) on [batch, C, height, width] (exact for
     * elements mapping the pixel grid to itself, interpolated otherwise), or ρ(g) on the channels of [batch, C].
     */
    public static Action<GroupElement> onFields(FieldType type) {
        Objects.requireNonNull(type, "type");
        return (g, x) -> GeometricTensor.of(x, type).transform(g).tensor();
    }

    /** The trivial action g·x = x (for invariant outputs). */
    public static <E extends GroupElement> Action<E> invariant() {
        return (g, x) -> x;
    }

    /**
     * Checks f(g·x) = g·f(x) for each element.
     *
     * @param f        the map under test; called once on x and once per element
     * @param inAction how g acts on inputs
     * @param outAction how g acts on outputs
     * @param elements the group elements to test
     * @param input    x
     */
    public static <E extends GroupElement> Report check(
            UnaryOperator<NDArray> f, Action<E> inAction, Action<E> outAction, List<E> elements, NDArray input) {
        return check(in -> f.apply(in.singletonOrThrow()), List.of(inAction), outAction, elements, new NDList(input));
    }

    /**
     * Checks f(g·x₁, …, g·x_k) = g·f(x₁, …, x_k) for a map of several inputs, each with its own action (e.g. a point
     * cloud: positions moved, vectors rotated, charges {@link #invariant()}; see {@link EuclideanMotion}).
     *
     * @param f         the map under test; called once on the inputs and once per element
     * @param inActions how g acts on each input, one per entry of {@code inputs}
     * @param outAction how g acts on the output
     * @param elements  the group elements to test
     * @param inputs    x₁, …, x_k
     */
    public static <E extends GroupElement> Report check(Function<NDList, NDArray> f, List<Action<E>> inActions,
            Action<E> outAction, List<E> elements, NDList inputs) {
        if (elements.isEmpty()) {
            throw new IllegalArgumentException("an equivariance check needs at least one group element");
        }
        if (inActions.size() != inputs.size()) {
            throw new IllegalArgumentException("expected one input action per input, got " + inActions.size() + " actions for "
                    + inputs.size() + " inputs");
        }
        double maxAbs = 0;
        double maxRel = -1;
        GroupElement worst = null;
        try (NDScope scope = new NDScope()) {
            NDArray y = f.apply(inputs);
            for (E g : elements) {
                try (NDScope one = new NDScope()) { // one element's arrays at a time
                    NDArray expected = outAction.apply(g, y);
                    NDList moved = new NDList(inputs.size());
                    for (int i = 0; i < inputs.size(); i++) {
                        moved.add(inActions.get(i).apply(g, inputs.get(i)));
                    }
                    NDArray actual = f.apply(moved);
                    if (!actual.getShape().equals(expected.getShape())) {
                        throw new IllegalStateException("f(g·x) has shape " + actual.getShape() + " but g·f(x) has shape "
                                + expected.getShape() + " for g = " + g);
                    }
                    double abs = maxAbs(actual.sub(expected));
                    double scale = maxAbs(expected);
                    double rel = scale > 0 ? abs / scale : abs;
                    maxAbs = Math.max(maxAbs, abs);
                    if (rel > maxRel || Double.isNaN(rel)) {
                        maxRel = rel;
                        worst = g;
                    }
                }
            }
        }
        return new Report(maxAbs, maxRel, worst, elements.size());
    }

    /** Checks a block mapping [..., dim ρ_in] to [..., dim ρ_out] (inference mode) on the given elements and input. */
    public static <E extends GroupElement> Report check(
            Block block, Representation<E> in, Representation<E> out, List<E> elements, NDArray input) {
        ParameterStore ps = new ParameterStore(input.getManager(), false);
        return check(x -> block.forward(ps, new NDList(x), false).singletonOrThrow(), onLastAxis(in), onLastAxis(out),
                elements, input);
    }

    /**
     * The DESIGN's entry point: checks a block mapping [batch, dim ρ_in] → [batch, dim ρ_out] on a random standard-normal
     * input of 8 rows in the dtype of {@code dataType}, over all elements of a finite group or 16 random elements of a
     * continuous one (from {@code seed}).
     */
    public static <E extends GroupElement> Report check(
            Block block, Representation<E> in, Representation<E> out, NDManager manager, DataType dataType, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<E> elements = testElements(in.group(), 16, rng);
        double[] x = new double[8 * in.dimension()];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextGaussian();
        }
        try (NDManager sub = manager.newSubManager()) {
            NDArray input = Tensors.fromFlat(sub, x, new Shape(8, in.dimension()), dataType);
            return check(block, in, out, elements, input);
        }
    }

    /**
     * Checks a typed block on an input of its input type: over the elements that map the pixel grid to itself for a
     * planar GSpace (exact symmetries), or over all elements of a finite group / 16 random elements of a continuous one
     * (seeded) without a base space. Inference mode.
     */
    public static Report check(EquivariantBlock block, NDArray input) {
        FieldType in = block.inType();
        FieldType out = block.outType();
        List<GroupElement> elements = in.gspace().dimension() == 0 ? in.gspace().testElements(16, 0x5eed)
                : in.gspace().gridElements();
        ParameterStore ps = new ParameterStore(input.getManager(), false);
        return check(x -> block.apply(ps, GeometricTensor.of(x, in), false).tensor(), onFields(in), onFields(out), elements,
                input);
    }

    /** All elements of a finite group, or {@code count} Haar-random elements of a continuous one. */
    public static <E extends GroupElement> List<E> testElements(Group<E> group, int count, java.util.random.RandomGenerator rng) {
        if (group instanceof FiniteGroup<E> finite) {
            return finite.elements();
        }
        List<E> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(group.random(rng));
        }
        return list;
    }

    private static double maxAbs(NDArray a) {
        if (a.getShape().size() == 0) {
            return 0;
        }
        NDArray m = a.abs().max();
        return m.getDataType() == DataType.FLOAT64 ? m.getDouble() : m.toType(DataType.FLOAT64, false).getDouble();
    }
}

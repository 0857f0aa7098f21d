package org.equivariant4j.nn.field;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.kernel.KernelInterpolation;
import org.equivariant4j.nn.ops.Tensors;

/**
 * An array with its {@link FieldType}: [batch, C, height, width] for feature fields on the plane, [batch, C, depth,
 * height, width] in space, [batch, C] for features without a base space; C = type.size(). Layers take and return typed tensors and refuse a tensor whose type
 * is not theirs, naming both types.
 *
 * <p>Immutable (the array is not copied: do not modify it in place while the tensor is in use).
 */
public final class GeometricTensor {
    private final NDArray tensor;
    private final FieldType type;

    private GeometricTensor(NDArray tensor, FieldType type) {
        this.tensor = tensor;
        this.type = type;
    }

    /**
     * Types an array.
     *
     * @throws IllegalArgumentException when axis 1 does not have type.size() channels
     */
    public static GeometricTensor of(NDArray tensor, FieldType type) {
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(type, "type");
        Shape s = tensor.getShape();
        if (s.dimension() < 2 || s.get(1) != type.size()) {
            throw new IllegalArgumentException("a tensor of type " + type + " needs shape (batch, " + type.size()
                    + ", spatial...), got " + s);
        }
        return new GeometricTensor(tensor, type);
    }

    /** The array. */
    public NDArray tensor() {
        return tensor;
    }

    /** The type. */
    public FieldType type() {
        return type;
    }

    /** The array's shape. */
    public Shape shape() {
        return tensor.getShape();
    }

    /** The same array retyped as a field of a subgroup (each representation restricted; no computation). */
    public GeometricTensor restrict(Subgroup subgroup) {
        return new GeometricTensor(tensor, type.restrict(subgroup));
    }

    /**
     * g acting on the fibres only: every field's vector is multiplied by ρ_i(g) (g ∈ G, checked), the base space is
     * untouched.
     */
    public GeometricTensor transformFibers(GroupElement g) {
        double[][] m = type.fibreMatrix(g);
        NDArray rho = Tensors.fromMatrix(tensor.getManager(), m, tensor.getDataType()).toDevice(tensor.getDevice(), false);
        int rank = tensor.getShape().dimension();
        // y[b, c, ...] = Σ_c' ρ[c, c'] x[b, c', ...]: move channels last, multiply by ρᵀ, move back
        NDArray y = tensor.swapAxes(1, rank - 1).matMul(rho.transpose()).swapAxes(1, rank - 1);
        return new GeometricTensor(y, type);
    }

    /**
     * The full action (g·f)(x) = ρ(g) f(g⁻¹x): exact for elements that map the pixel (voxel) grid to itself, bicubic
     * (tricubic) interpolation otherwise (see {@link PlanarTransform}, {@link VolumetricTransform}).
     */
    public GeometricTensor transform(GroupElement g) {
        return transform(g, KernelInterpolation.BICUBIC);
    }

    /** The full action with the given interpolation for elements that do not map the grid to itself. */
    public GeometricTensor transform(GroupElement g, KernelInterpolation interpolation) {
        GeometricTensor f = transformFibers(g);
        int d = type.gspace().dimension();
        if (d == 0 || tensor.getShape().dimension() == 2) {
            return f;
        }
        if (tensor.getShape().dimension() != 2 + d) {
            throw new IllegalArgumentException("the action of " + type.gspace() + " moves the last " + d + " axes of (batch,"
                    + " channels, " + (d == 2 ? "height, width" : "depth, height, width") + "); got shape " + tensor.getShape());
        }
        double[][] a = type.gspace().baseAction(g);
        NDArray moved = d == 2 ? PlanarTransform.apply(a, f.tensor, interpolation)
                : VolumetricTransform.apply(a, f.tensor, interpolation);
        return new GeometricTensor(moved, type);
    }

    /** The fields [from, to) with their channels. */
    public GeometricTensor fields(int from, int to) {
        FieldType sub = type.select(from, to);
        int c0 = type.fieldStart(from);
        int c1 = to == type.fields() ? type.size() : type.fieldStart(to);
        return new GeometricTensor(tensor.get(new NDIndex(":, " + c0 + ":" + c1)), sub);
    }

    /**
     * Splits at the given field indices (increasing, inside (0, fields)): [0, b₁), [b₁, b₂), …, [b_m, fields). One
     * engine split, whose backward is one concatenation (a slice per part would fill a zero tensor of the whole input
     * for each part).
     */
    public List<GeometricTensor> split(int... fieldBreaks) {
        long[] channelBreaks = new long[fieldBreaks.length];
        int from = 0;
        for (int i = 0; i < fieldBreaks.length; i++) {
            int b = fieldBreaks[i];
            if (b <= from || b >= type.fields()) {
                throw new IllegalArgumentException("split points must increase strictly inside (0, " + type.fields()
                        + "), got " + java.util.Arrays.toString(fieldBreaks));
            }
            channelBreaks[i] = type.fieldStart(b);
            from = b;
        }
        NDList arrays = tensor.split(channelBreaks, 1);
        List<GeometricTensor> parts = new ArrayList<>(arrays.size());
        from = 0;
        for (int i = 0; i < arrays.size(); i++) {
            int to = i < fieldBreaks.length ? fieldBreaks[i] : type.fields();
            parts.add(new GeometricTensor(arrays.get(i), type.select(from, to)));
            from = to;
        }
        return parts;
    }

    /** The concatenation along the channels; the type is the union of the types (same GSpace and spatial shape). */
    public static GeometricTensor concat(List<GeometricTensor> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to concatenate");
        }
        FieldType type = parts.get(0).type;
        NDList arrays = new NDList(parts.get(0).tensor);
        for (int i = 1; i < parts.size(); i++) {
            GeometricTensor p = parts.get(i);
            type = type.plus(p.type);
            Shape a = parts.get(0).shape();
            Shape b = p.shape();
            if (a.dimension() != b.dimension() || a.get(0) != b.get(0) || !a.slice(2).equals(b.slice(2))) {
                throw new IllegalArgumentException("cannot concatenate tensors of shapes " + a + " and " + b
                        + ": batch and spatial axes must agree");
            }
            arrays.add(p.tensor);
        }
        return new GeometricTensor(arrays.size() == 1 ? arrays.get(0) : NDArrays.concat(arrays, 1), type);
    }

    /** Checks that this tensor has the given type; the message names both. */
    public GeometricTensor requireType(FieldType expected, Object block) {
        if (!type.equals(expected)) {
            throw new IllegalArgumentException(block + " expects a tensor of type " + expected + ", got one of type " + type);
        }
        return this;
    }

    /** Max |a − b| of the arrays (same type and shape), for tests and checks. */
    public double maxAbsDifference(GeometricTensor other) {
        if (!type.equals(other.type) || !shape().equals(other.shape())) {
            throw new IllegalArgumentException("cannot compare " + type + " " + shape() + " with " + other.type + " "
                    + other.shape());
        }
        double[] a = Tensors.toDoubles(tensor);
        double[] b = Tensors.toDoubles(other.tensor);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Override
    public String toString() {
        return "GeometricTensor(" + shape() + ", " + type + ")";
    }
}

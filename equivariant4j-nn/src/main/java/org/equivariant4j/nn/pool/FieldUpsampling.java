package org.equivariant4j.nn.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.ParameterFreeBlock;
import org.equivariant4j.nn.ops.DeviceConstants;
import org.equivariant4j.nn.ops.Tensors;

/**
 * Upsampling of images ({@link R2Upsampling}) and volumes ({@link R3Upsampling}) of feature fields by an integer factor
 * or to a given size, with PyTorch's {@code interpolate} rules, written as one interpolation matrix per spatial axis
 * applied to every channel:
 * <ul>
 *   <li>nearest: output index i copies input index ⌊i·in/out⌋;</li>
 *   <li>linear ({@code align_corners=False}): output index i samples the input at (i + ½)·in/out − ½ (clamped at 0),
 *       linearly between the two nearest input indices (bilinear / trilinear overall);</li>
 *   <li>linear with aligned corners ({@code align_corners=True}): at i·(in − 1)/(out − 1).</li>
 * </ul>
 *
 * <h2>Equivariance</h2>
 * The same linear map on every channel commutes with ρ(g) for any field type; on the base space the question is
 * whether the sampling positions are symmetric about the centre. Both linear rules are (output index out − 1 − i samples
 * at in − 1 minus the position of index i), so linear upsampling of a square image or cubic volume commutes with the
 * grid symmetries (rotations by 90°, flips; the 48 symmetries of the cube) for any output size. The nearest rule is
 * symmetric only for integer factors (each pixel becomes a factor^d block); to other sizes it rounds every position down
 * and is not equivariant (escnn reports nearest as not equivariant for that reason). No parameters; the matrices are
 * kept per input size (up to {@value #MEMO_CAPACITY} sizes).
 */
public abstract sealed class FieldUpsampling extends ParameterFreeBlock permits R2Upsampling, R3Upsampling {
    /** How many input sizes keep their interpolation matrices. */
    public static final int MEMO_CAPACITY = 32;

    /** The rule along one axis. */
    enum Rule {
        NEAREST, LINEAR, LINEAR_ALIGN_CORNERS
    }

    private final Rule rule;
    private final int factor;
    private final int[] size;
    private final ConcurrentHashMap<List<Integer>, DeviceConstants> matrices = new ConcurrentHashMap<>();

    /** By {@code factor} ≥ 1 (size null) or to {@code size} (factor 0). */
    FieldUpsampling(String kind, FieldType type, Rule rule, int factor, int[] size) {
        super(type, type);
        this.rule = rule;
        this.factor = factor;
        this.size = size == null ? null : size.clone();
        if (size == null && factor < 1) {
            throw new IllegalArgumentException(kind + " needs a factor >= 1, got " + factor);
        }
        if (size != null && Arrays.stream(size).anyMatch(v -> v < 1)) {
            throw new IllegalArgumentException(kind + " needs an output size of at least 1 per axis, got "
                    + Arrays.toString(size));
        }
    }

    /** The rule along one axis. */
    Rule rule() {
        return rule;
    }

    @Override
    protected NDArray apply(NDArray x) {
        Shape s = x.getShape();
        int d = spatialDims();
        List<Integer> key = new ArrayList<>();
        for (int i = 0; i < d; i++) {
            key.add(Math.toIntExact(s.get(2 + i)));
        }
        DeviceConstants c = matrices.get(key);
        if (c == null) {
            c = new DeviceConstants(getClass().getSimpleName() + " matrices", (m, dt) -> build(m, dt, key));
            if (matrices.size() < MEMO_CAPACITY) {
                DeviceConstants previous = matrices.putIfAbsent(key, c);
                c = previous != null ? previous : c;
            }
        }
        DeviceConstants.Copy k = constantsFor(c, x);
        // axis by axis: move it last, multiply by Mᵀ, move it back
        int last = 1 + d;
        NDArray y = x;
        for (int i = 0; i < d; i++) {
            int axis = 2 + i;
            y = axis == last ? y.matMul(k.get(i)) : y.swapAxes(axis, last).matMul(k.get(i)).swapAxes(axis, last);
        }
        return y;
    }

    private NDList build(NDManager m, DataType dt, List<Integer> in) {
        NDList list = new NDList();
        for (int i = 0; i < in.size(); i++) {
            int out = factor > 0 ? in.get(i) * factor : size[i];
            list.add(Tensors.fromMatrix(m, transposed(in.get(i), out), dt));
        }
        return list;
    }

    /** Mᵀ (in × out) for one axis. */
    private double[][] transposed(int in, int out) {
        double[][] t = new double[in][out];
        double scale = factor > 0 ? 1.0 / factor : (double) in / out;
        for (int i = 0; i < out; i++) {
            if (rule == Rule.NEAREST) {
                t[Math.min((int) Math.floor(i * scale), in - 1)][i] = 1;
                continue;
            }
            double src = rule == Rule.LINEAR ? Math.max((i + 0.5) * scale - 0.5, 0) : out > 1 ? i * (in - 1.0) / (out - 1) : 0;
            int i0 = Math.min((int) Math.floor(src), in - 1);
            int i1 = Math.min(i0 + 1, in - 1);
            double lambda = src - i0;
            t[i0][i] += 1 - lambda;
            t[i1][i] += lambda;
        }
        return t;
    }

    @Override
    protected Shape outputShape(Shape input) {
        long[] s = input.getShape().clone();
        for (int i = 2; i < s.length; i++) {
            s[i] = factor > 0 ? s[i] * factor : size[i - 2];
        }
        return new Shape(s);
    }

    @Override
    protected int[] config() {
        int[] c = new int[3 + spatialDims()];
        c[0] = inType().size();
        c[1] = rule.ordinal();
        c[2] = factor;
        for (int i = 0; i < spatialDims(); i++) {
            c[3 + i] = size == null ? 0 : size[i];
        }
        return c;
    }

    /** "x2" or the output size. */
    String describeSize() {
        if (factor > 0) {
            return "x" + factor;
        }
        StringBuilder b = new StringBuilder();
        for (int v : size) {
            b.append(b.length() == 0 ? "" : "x").append(v);
        }
        return b.toString();
    }
}

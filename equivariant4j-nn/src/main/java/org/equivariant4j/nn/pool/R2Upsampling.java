package org.equivariant4j.nn.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.equivariant4j.nn.field.ParameterFreeBlock;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.ops.DeviceConstants;
import org.equivariant4j.nn.ops.Tensors;

/**
 * Upsampling of images of feature fields (escnn's R2Upsampling) by an integer factor or to a given size, with
 * PyTorch's {@code interpolate} rules, written as one interpolation matrix per axis (y = M_h x M_wᵀ on every channel):
 * <ul>
 *   <li>{@link Mode#NEAREST}: output row i copies input row ⌊i·in/out⌋;</li>
 *   <li>{@link Mode#BILINEAR}: output row i samples the input at (i + ½)·in/out − ½ (clamped at 0), linearly between
 *       the two nearest rows ({@code align_corners=False});</li>
 *   <li>{@link Mode#BILINEAR_ALIGN_CORNERS}: at i·(in − 1)/(out − 1) ({@code align_corners=True}).</li>
 * </ul>
 *
 * <h2>Equivariance</h2>
 * The same linear map on every channel commutes with ρ(g) for any field type; on the base space the question is
 * whether the sampling positions are symmetric about the image centre. Both bilinear rules are (output row
 * out − 1 − i samples at in − 1 minus the position of row i), so bilinear upsampling of a square image commutes with
 * the rotations by 90° and the flips for any output size. The nearest rule is symmetric only for integer factors
 * (each pixel becomes a factor×factor block); to other sizes it rounds every position down and is not equivariant
 * (escnn reports nearest as not equivariant for that reason). No parameters; the matrices are kept per input size
 * (up to {@value #MEMO_CAPACITY} sizes).
 */
public final class R2Upsampling extends ParameterFreeBlock {
    /** How many input sizes keep their interpolation matrices. */
    public static final int MEMO_CAPACITY = 32;

    /** The interpolation rule. */
    public enum Mode {
        NEAREST, BILINEAR, BILINEAR_ALIGN_CORNERS
    }

    private final Mode mode;
    private final int factor;
    private final int height;
    private final int width;
    private final ConcurrentHashMap<List<Integer>, DeviceConstants> matrices = new ConcurrentHashMap<>();

    private R2Upsampling(FieldType type, Mode mode, int factor, int height, int width) {
        super(type, type);
        this.mode = Objects.requireNonNull(mode, "mode");
        requirePlanar("R2Upsampling", type);
        this.factor = factor;
        this.height = height;
        this.width = width;
    }

    /** Upsampling by an integer factor ≥ 1. */
    public static R2Upsampling of(FieldType type, Mode mode, int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("R2Upsampling needs a factor >= 1, got " + factor);
        }
        return new R2Upsampling(type, mode, factor, 0, 0);
    }

    /** Resampling to height × width. */
    public static R2Upsampling ofSize(FieldType type, Mode mode, int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("R2Upsampling needs an output size of at least 1x1, got " + height + "x" + width);
        }
        return new R2Upsampling(type, mode, 0, height, width);
    }

    /** The rule. */
    public Mode mode() {
        return mode;
    }

    @Override
    protected NDArray apply(NDArray x) {
        Shape s = x.getShape();
        int h = Math.toIntExact(s.get(2));
        int w = Math.toIntExact(s.get(3));
        List<Integer> key = List.of(h, w);
        DeviceConstants c = matrices.get(key);
        if (c == null) {
            c = new DeviceConstants("R2Upsampling matrices", (m, dt) -> build(m, dt, h, w));
            if (matrices.size() < MEMO_CAPACITY) {
                DeviceConstants previous = matrices.putIfAbsent(key, c);
                c = previous != null ? previous : c;
            }
        }
        DeviceConstants.Copy k = constantsFor(c, x);
        // rows: x M_wᵀ on the last axis, then M_h on the rows through the transposed view
        return x.matMul(k.get(1)).swapAxes(2, 3).matMul(k.get(0)).swapAxes(2, 3);
    }

    private NDList build(NDManager m, DataType dt, int h, int w) {
        Shape out = outputShape(new Shape(1, inType().size(), h, w));
        return new NDList(Tensors.fromMatrix(m, transposed(h, (int) out.get(2)), dt),
                Tensors.fromMatrix(m, transposed(w, (int) out.get(3)), dt));
    }

    /** Mᵀ (in × out) for one axis. */
    private double[][] transposed(int in, int out) {
        double[][] t = new double[in][out];
        double scale = factor > 0 ? 1.0 / factor : (double) in / out;
        for (int i = 0; i < out; i++) {
            if (mode == Mode.NEAREST) {
                t[Math.min((int) Math.floor(i * scale), in - 1)][i] = 1;
                continue;
            }
            double src = mode == Mode.BILINEAR ? Math.max((i + 0.5) * scale - 0.5, 0)
                    : out > 1 ? i * (in - 1.0) / (out - 1) : 0;
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
        return factor > 0 ? new Shape(input.get(0), input.get(1), input.get(2) * factor, input.get(3) * factor)
                : new Shape(input.get(0), input.get(1), height, width);
    }

    @Override
    protected int[] config() {
        return new int[] {inType().size(), mode.ordinal(), factor, height, width};
    }

    @Override
    public String toString() {
        return "R2Upsampling(" + mode.name().toLowerCase(Locale.ROOT) + ", " + (factor > 0 ? "x" + factor : height + "x" + width)
                + ", " + inType() + ")";
    }
}

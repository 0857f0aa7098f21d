package org.equivariant4j.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The library's one convolution operator: 2-D and 3-D cross-correlations, plain or transposed, with zero padding,
 * stride, dilation and groups, run as one engine call on an input and a weight computed by the caller (every
 * equivariant convolution expands its weight from a basis first).
 *
 * <h2>Why not DJL's {@code Conv2d.conv2d}</h2>
 * The engine's default float32 convolution (oneDNN 3.7.1 in libtorch 2.7.1, NCHW tensors reordered to a channel-blocked
 * layout) gives wrong results on some machines: on the 2-core AMD EPYC (family 26) this project runs on, every
 * float32 conv2d whose input channel count is above 16 and not a multiple of 16 (above 8 and not a multiple of 8 when
 * oneDNN is limited to AVX2) returned values off by O(10) for unit-variance inputs, forward and input gradient alike,
 * while the float64 result (which does not use oneDNN) was right. The same convolution in the channels-last memory
 * layout (NHWC / NDHWC, no channel blocking, no padded reorder) is right on that machine and as fast or faster
 * (measured there, 16×128×32² ⊛ 128×128×5²: 64 ms against 78 ms NCHW). So this operator converts input and weight to
 * channels-last, convolves, and returns an ordinary contiguous NCHW / NCDHW array. The tests compare it against a
 * float64 reference at 24 input channels, where the NCHW path failed.
 *
 * <h2>Source</h2>
 * The TorchScript methods are generated from the {@link Spec} (a value type) and compiled once per distinct spec, into
 * a bounded memo ({@value #MEMO_CAPACITY} specs; an operator beyond that compiles and keeps its own copy). The compiled
 * modules hold no tensors and live on a manager of their own for the life of the process. Gradients flow to input,
 * weight and bias through ordinary autograd whenever a {@link ai.djl.training.GradientCollector} is open. Thread-safe.
 */
public final class Convolution {
    /** TorchScript's memory-format codes (c10::MemoryFormat). */
    private static final int CHANNELS_LAST = 2;
    private static final int CHANNELS_LAST_3D = 3;

    /**
     * What to compute: the same stride, padding and dilation on every spatial axis.
     *
     * @param spatialDims    2 (images, NCHW) or 3 (volumes, NCDHW)
     * @param stride         ≥ 1
     * @param padding        zero padding on each side, ≥ 0
     * @param dilation       ≥ 1
     * @param groups         ≥ 1; input and output channels must be divisible by it
     * @param transposed     a transposed convolution (the adjoint of the plain one with the same settings)
     * @param outputPadding  for a transposed convolution, extra rows/columns on one side of the output, in [0, stride)
     *                       (0 otherwise)
     */
    public record Spec(int spatialDims, int stride, int padding, int dilation, int groups, boolean transposed,
            int outputPadding) {
        public Spec {
            if (spatialDims != 2 && spatialDims != 3) {
                throw new IllegalArgumentException("convolutions are 2-D or 3-D, got " + spatialDims + " spatial axes");
            }
            if (stride < 1 || dilation < 1 || groups < 1) {
                throw new IllegalArgumentException("stride, dilation and groups must be >= 1, got " + stride + ", " + dilation
                        + ", " + groups);
            }
            if (padding < 0) {
                throw new IllegalArgumentException("padding must be >= 0, got " + padding);
            }
            if (outputPadding < 0 || (outputPadding > 0 && (!transposed || outputPadding >= Math.max(stride, dilation)))) {
                throw new IllegalArgumentException("output padding must be 0, or in [0, max(stride, dilation)) for a transposed"
                        + " convolution; got " + outputPadding + " (stride " + stride + ", dilation " + dilation + ", "
                        + (transposed ? "transposed" : "not transposed") + ")");
            }
        }

        /** A plain 2-D convolution. */
        public static Spec conv2d(int stride, int padding, int dilation, int groups) {
            return new Spec(2, stride, padding, dilation, groups, false, 0);
        }

        /** A plain 3-D convolution. */
        public static Spec conv3d(int stride, int padding, int dilation, int groups) {
            return new Spec(3, stride, padding, dilation, groups, false, 0);
        }

        /** A transposed 2-D convolution. */
        public static Spec convTranspose2d(int stride, int padding, int outputPadding, int dilation, int groups) {
            return new Spec(2, stride, padding, dilation, groups, true, outputPadding);
        }

        /** A transposed 3-D convolution. */
        public static Spec convTranspose3d(int stride, int padding, int outputPadding, int dilation, int groups) {
            return new Spec(3, stride, padding, dilation, groups, true, outputPadding);
        }

        /** The output length along one spatial axis of input length {@code in} and kernel size {@code k}. */
        public long outputSize(long in, long k) {
            if (transposed) {
                return (in - 1) * stride - 2L * padding + dilation * (k - 1) + outputPadding + 1;
            }
            return Math.floorDiv(in + 2L * padding - dilation * (k - 1) - 1, stride) + 1;
        }

        /** The TorchScript methods {@code conv(x, w)} and {@code conv_bias(x, w, b)}. */
        String source() {
            String fn = "torch." + (transposed ? "conv_transpose" : "conv") + spatialDims + "d";
            int format = spatialDims == 2 ? CHANNELS_LAST : CHANNELS_LAST_3D;
            String s = list(stride);
            String p = list(padding);
            String d = list(dilation);
            List<String> lines = new ArrayList<>();
            for (boolean bias : new boolean[] {false, true}) {
                lines.add("def " + (bias ? "conv_bias" : "conv") + "(self, x: Tensor, w: Tensor" + (bias ? ", b: Tensor" : "")
                        + ") -> Tensor:");
                String args = "x.contiguous(memory_format=" + format + "), w.contiguous(memory_format=" + format + "), "
                        + (bias ? "b" : "None") + ", ";
                String rest = transposed
                        ? s + ", " + p + ", " + list(outputPadding) + ", " + groups + ", " + d
                        : s + ", " + p + ", " + d + ", " + groups;
                lines.add("  return " + fn + "(" + args + rest + ").contiguous()");
            }
            return String.join("\n", lines);
        }

        private String list(int v) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < spatialDims; i++) {
                b.append(i == 0 ? "" : ", ").append(v);
            }
            return b.append(']').toString();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s%dd(stride %d, padding %d, dilation %d, groups %d%s)",
                    transposed ? "convTranspose" : "conv", spatialDims, stride, padding, dilation, groups,
                    transposed ? ", output padding " + outputPadding : "");
        }
    }

    /** How many distinct specs the shared memo keeps compiled. */
    public static final int MEMO_CAPACITY = 256;
    private static final ConcurrentHashMap<Spec, ScriptModule> MEMO = new ConcurrentHashMap<>();

    private final Spec spec;
    private volatile ScriptModule own;

    private Convolution(Spec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
    }

    /** An operator for {@code spec}; the script is compiled on first use. */
    public static Convolution of(Spec spec) {
        return new Convolution(spec);
    }

    /** The settings. */
    public Spec spec() {
        return spec;
    }

    /**
     * The convolution of x with w (plus b).
     *
     * @param x input [B, C_in, spatial…] (float32 or float64)
     * @param w weight [C_out, C_in / groups, k…] (plain) or [C_in, C_out / groups, k…] (transposed), x's dtype
     * @param b bias [C_out], or null
     * @return [B, C_out, spatial'…], attached to x's manager
     */
    public NDArray apply(NDArray x, NDArray w, NDArray b) {
        check(x, w, b);
        ScriptModule m = module();
        // grad = true leaves recording to the engine's grad mode (on inside a GradientCollector); false would run in
        // libtorch's inference mode, whose outputs cannot take part in a later backward pass
        return b == null
                ? m.call("conv", true, x, w).singletonOrThrow()
                : m.call("conv_bias", true, x, w, b).singletonOrThrow();
    }

    /** The output shape for an input and a weight shape (checked as in {@link #apply}). */
    public Shape outputShape(Shape x, Shape w) {
        checkShapes(x, w);
        long[] out = new long[x.dimension()];
        out[0] = x.get(0);
        out[1] = spec.transposed() ? w.get(1) * spec.groups() : w.get(0);
        for (int i = 2; i < out.length; i++) {
            out[i] = spec.outputSize(x.get(i), w.get(i));
            if (out[i] < 1) {
                throw new IllegalArgumentException(spec + ": input of shape " + x + " is too small for a kernel of shape " + w
                        + ": the output would be empty");
            }
        }
        return new Shape(out);
    }

    private void check(NDArray x, NDArray w, NDArray b) {
        outputShape(x.getShape(), w.getShape());
        if (x.getDataType() != w.getDataType()) {
            throw new IllegalArgumentException(spec + ": input is " + x.getDataType() + " but the weight is " + w.getDataType());
        }
        if (b != null) {
            long outChannels = spec.transposed() ? w.getShape().get(1) * spec.groups() : w.getShape().get(0);
            if (b.getShape().dimension() != 1 || b.getShape().get(0) != outChannels) {
                throw new IllegalArgumentException(spec + ": bias must have shape (" + outChannels + "), got " + b.getShape());
            }
            if (b.getDataType() != x.getDataType()) {
                throw new IllegalArgumentException(spec + ": input is " + x.getDataType() + " but the bias is " + b.getDataType());
            }
        }
    }

    private void checkShapes(Shape x, Shape w) {
        int rank = spec.spatialDims() + 2;
        if (x.dimension() != rank || w.dimension() != rank) {
            throw new IllegalArgumentException(spec + " expects an input and a weight of rank " + rank + ", got " + x + " and "
                    + w);
        }
        long inChannels = x.get(1);
        long weightIn = spec.transposed() ? w.get(0) : w.get(1) * spec.groups();
        if (inChannels != weightIn || (spec.transposed() ? w.get(0) : w.get(0)) % spec.groups() != 0) {
            throw new IllegalArgumentException(spec + ": input " + x + " has " + inChannels + " channels but the weight " + w
                    + " expects " + weightIn);
        }
    }

    private ScriptModule module() {
        ScriptModule m = MEMO.get(spec);
        if (m != null) {
            return m;
        }
        if (MEMO.size() < MEMO_CAPACITY) {
            return MEMO.computeIfAbsent(spec, Convolution::compile);
        }
        synchronized (this) {
            if (own == null) {
                own = compile(spec);
            }
            return own;
        }
    }

    private static ScriptModule compile(Spec spec) {
        NDManager m = NDManager.newBaseManager();
        m.setName("Convolution " + spec);
        return ScriptModule.compile(m, spec.source());
    }

    @Override
    public String toString() {
        return spec.toString();
    }
}

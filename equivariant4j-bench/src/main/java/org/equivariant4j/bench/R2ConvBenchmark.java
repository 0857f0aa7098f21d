package org.equivariant4j.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.equivariant4j.nn.conv.PlainConvolution;
import org.equivariant4j.nn.conv.R2Conv;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.field.GSpaces;
import org.equivariant4j.nn.ops.Convolution;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The speed check of the steerable convolution: {@link R2Conv} on C8, 16 regular fields → 16 regular fields
 * (128 → 128 channels), k = 5, padding 2, batch 16, 32×32, against a {@link PlainConvolution} with the same 128 → 128
 * channels on the same input, in the same process. Training step = forward + backward with the gradients zeroed;
 * inference = the R2Conv with its cached expanded kernel.
 *
 * <p>{@code main} runs an interleaved paired timing (the order flipped every repetition, medians), which is what the
 * README quotes because the 2-core machine is shared; the JMH methods are there for {@code ./bench R2ConvBenchmark}.
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=2",
    "-Dai.djl.pytorch.num_interop_threads=1"})
@Threads(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class R2ConvBenchmark {
    static final int BATCH = 16;
    static final int FIELDS = 16;
    static final int ORDER = 8;
    static final int K = 5;
    static final int SIZE = 32;

    private NDManager manager;
    private R2Conv training;
    private R2Conv inference;
    private PlainConvolution plain;
    private ParameterStore ps;
    private NDArray input;

    @Setup(Level.Trial)
    public void setUp() {
        manager = NDManager.newBaseManager();
        GSpace c8 = GSpaces.rot2dOnR2(ORDER);
        FieldType type = FieldType.of(c8, FIELDS, c8.regularRepr());
        Shape in = new Shape(BATCH, (long) FIELDS * ORDER, SIZE, SIZE);
        training = R2Conv.builder(type, type).kernelSize(K).padding(K / 2).optSeed(1).build();
        training.initialize(manager, DataType.FLOAT32, in);
        inference = R2Conv.builder(type, type).kernelSize(K).padding(K / 2).optSeed(1).build();
        inference.initialize(manager, DataType.FLOAT32, in);
        int c = FIELDS * ORDER;
        plain = new PlainConvolution(Convolution.Spec.conv2d(1, K / 2, 1, 1), c, c, K, true);
        plain.initialize(manager, DataType.FLOAT32, in);
        ps = new ParameterStore(manager, false);
        input = gaussianInput(manager, in, 2);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    private float step(Block block) {
        return trainingStep(block, ps, input);
    }

    private float infer(Block block) {
        try (NDScope scope = new NDScope()) {
            return block.forward(ps, new NDList(input), false).singletonOrThrow().flatten().getFloat(0);
        }
    }

    /** Standard normal values of the given shape, drawn from a Java generator with this seed. */
    static NDArray gaussianInput(NDManager manager, Shape shape, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return manager.create(v, shape);
    }

    /** One training step of {@code block} on {@code input}: forward, backward of the mean, gradients read and zeroed. */
    static float trainingStep(Block block, ParameterStore ps, NDArray input) {
        try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = block.forward(ps, new NDList(input), true).singletonOrThrow();
            gc.backward(y.mean());
            float g = 0;
            for (var p : block.getParameters()) {
                Parameter param = p.getValue();
                g += param.getArray().getGradient().flatten().getFloat(0);
                JniUtils.zeroGrad((PtNDArray) param.getArray());
            }
            return g;
        }
    }

    @Benchmark
    public float r2convTraining() {
        return step(training);
    }

    @Benchmark
    public float plainTraining() {
        return step(plain);
    }

    @Benchmark
    public float r2convInference() {
        return infer(inference);
    }

    @Benchmark
    public float plainInference() {
        return infer(plain);
    }

    /**
     * Interleaved medians in ms after {@code warmup} rounds: [R2Conv training, plain training, R2Conv inference, plain
     * inference], each pair alternating which runs first.
     */
    public static double[] paired(int warmup, int reps) {
        R2ConvBenchmark b = new R2ConvBenchmark();
        b.setUp();
        try {
            Runnable[] ops = {b::r2convTraining, b::plainTraining, b::r2convInference, b::plainInference};
            return PairedTiming.medians(ops, warmup, reps);
        } finally {
            b.tearDown();
        }
    }

    /** Prints the paired medians and ratios: {@code R2ConvBenchmark [reps]}. */
    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        double[] m = paired(8, reps);
        System.out.printf(Locale.ROOT, "R2Conv C8 16 regular -> 16 regular, k = 5, batch 16, 32x32 (median of %d, interleaved):%n"
                + "  training step %.2f ms vs plain conv %.2f ms: ratio %.3f%n"
                + "  inference     %.2f ms vs plain conv %.2f ms: ratio %.3f%n", reps, m[0], m[1], m[0] / m[1], m[2], m[3],
                m[2] / m[3]);
    }
}

package org.equivariant4j.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.equivariant4j.group.Groups;
import org.equivariant4j.nn.conv.GroupConv2d;
import org.equivariant4j.nn.ops.Convolution;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * A C8 {@link GroupConv2d} (C = 4 → 4 channels, so 32 → 32 flattened channels, k = 5, padding 2) against a plain
 * convolution ({@link Convolution}, the op the group layer runs) with the same 32 input and 32 output channels, same input (batch 8, {@code size}×{@code size}),
 * in the same process: training step (forward + backward, gradients zeroed) and inference (the group layer with its
 * cached expanded kernel). Run {@code main} to get the ratios printed:
 * {@code java -cp ... org.equivariant4j.bench.GroupConv2dBenchmark -f 1 -wi 3 -i 5}.
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=2",
    "-Dai.djl.pytorch.num_interop_threads=1"})
@Threads(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GroupConv2dBenchmark {
    private static final int BATCH = 8;
    private static final int CHANNELS = 4;
    private static final int ORDER = 8;
    private static final int K = 5;

    @Param("32")
    public int size;

    private NDManager manager;
    private GroupConv2d layer;
    /** A second layer with the same weights for inference, so that interleaved training calls (which invalidate the
     * cache, as they must) do not force a cache rebuild in the paired timing. */
    private GroupConv2d inferenceLayer;
    private ParameterStore ps;
    private static final Convolution PLAIN = Convolution.of(Convolution.Spec.conv2d(1, K / 2, 1, 1));
    private NDArray groupInput;
    private NDArray flatInput;
    private NDArray plainWeight;
    private NDArray plainBias;
    private NDArray plainWeightInference;
    private NDArray plainBiasInference;

    @Setup(Level.Trial)
    public void setUp() {
        manager = NDManager.newBaseManager();
        Shape in = new Shape(BATCH, CHANNELS, ORDER, size, size);
        layer = GroupConv2d.builder(Groups.cyclic(ORDER), CHANNELS, CHANNELS).kernelSize(K).padding(K / 2).optSeed(1).build();
        layer.initialize(manager, DataType.FLOAT32, in);
        inferenceLayer = GroupConv2d.builder(Groups.cyclic(ORDER), CHANNELS, CHANNELS).kernelSize(K).padding(K / 2).optSeed(1)
                .build();
        inferenceLayer.initialize(manager, DataType.FLOAT32, in);
        ps = new ParameterStore(manager, false);
        groupInput = gaussian(in, 2);
        flatInput = groupInput.reshape(BATCH, CHANNELS * ORDER, size, size);
        int c = CHANNELS * ORDER;
        plainWeight = gaussian(new Shape(c, c, K, K), 3).mul(0.05f);
        plainWeight.setRequiresGradient(true);
        plainBias = manager.zeros(new Shape(c));
        plainBias.setRequiresGradient(true);
        // inference baseline: the same weight without gradient tracking (as the group layer's cached kernel)
        plainWeightInference = plainWeight.stopGradient().duplicate();
        plainBiasInference = plainBias.stopGradient().duplicate();
    }

    private NDArray gaussian(Shape shape, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return manager.create(v, shape);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    @Benchmark
    public float groupConvTraining() {
        try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = layer.forward(ps, new NDList(groupInput), true).singletonOrThrow();
            gc.backward(y.mean());
            float g = layer.weight().getArray().getGradient().getFloat(0, 0, 0, 2, 2);
            JniUtils.zeroGrad((PtNDArray) layer.weight().getArray());
            JniUtils.zeroGrad((PtNDArray) layer.bias().getArray());
            return g;
        }
    }

    @Benchmark
    public float plainConvTraining() {
        try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = PLAIN.apply(flatInput, plainWeight, plainBias);
            gc.backward(y.mean());
            float g = plainWeight.getGradient().getFloat(0, 0, 2, 2);
            JniUtils.zeroGrad((PtNDArray) plainWeight);
            JniUtils.zeroGrad((PtNDArray) plainBias);
            return g;
        }
    }

    @Benchmark
    public float groupConvInference() {
        try (NDScope scope = new NDScope()) {
            return inferenceLayer.forward(ps, new NDList(groupInput), false).singletonOrThrow().getFloat(0, 0, 0, 0, 0);
        }
    }

    @Benchmark
    public float plainConvInference() {
        try (NDScope scope = new NDScope()) {
            return PLAIN.apply(flatInput, plainWeightInference, plainBiasInference).getFloat(0, 0, 0, 0);
        }
    }

    /**
     * Paired timing for noisy shared machines: alternates the group and the plain operation {@code reps} times (the
     * order flipped every repetition) after {@code warmup} rounds and returns the medians in ms: [group training, plain
     * training, group inference, plain inference].
     */
    public static double[] paired(int size, int warmup, int reps) {
        GroupConv2dBenchmark b = new GroupConv2dBenchmark();
        b.size = size;
        b.setUp();
        try {
            Runnable[] ops = {b::groupConvTraining, b::plainConvTraining, b::groupConvInference, b::plainConvInference};
            return PairedTiming.medians(ops, warmup, reps);
        } finally {
            b.tearDown();
        }
    }

    /**
     * Runs the benchmarks (JMH command-line options accepted) and prints group/plain ratios per size; with
     * {@code --paired} instead runs the interleaved paired timing ({@link #paired}) for sizes 32 and 64.
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--paired")) {
            int reps = args.length > 1 ? Integer.parseInt(args[1]) : 60;
            for (int size : new int[] {32, 64}) {
                double[] m = paired(size, 10, reps);
                System.out.printf(Locale.ROOT, "paired size %d (median of %d): training %.3f ms vs plain %.3f ms, ratio %.3f;"
                        + " inference %.3f ms vs plain %.3f ms, ratio %.3f%n", size, reps, m[0], m[1], m[0] / m[1], m[2], m[3],
                        m[2] / m[3]);
            }
            return;
        }
        CommandLineOptions cli = new CommandLineOptions(args);
        org.openjdk.jmh.runner.options.Options opts = new org.openjdk.jmh.runner.options.OptionsBuilder()
                .parent(cli).include(GroupConv2dBenchmark.class.getSimpleName()).build();
        Collection<RunResult> results = new Runner(opts).run();
        Map<String, Double> score = new HashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            String key = name.substring(name.lastIndexOf('.') + 1) + "@" + r.getParams().getParam("size");
            score.put(key, r.getPrimaryResult().getScore());
        }
        for (String s : score.keySet().stream().map(k -> k.substring(k.indexOf('@') + 1)).distinct().sorted().toList()) {
            System.out.printf(Locale.ROOT, "size %s: training %.3f ms vs plain %.3f ms, ratio %.3f; inference %.3f ms vs plain"
                    + " %.3f ms, ratio %.3f%n", s, score.get("groupConvTraining@" + s), score.get("plainConvTraining@" + s),
                    score.get("groupConvTraining@" + s) / score.get("plainConvTraining@" + s),
                    score.get("groupConvInference@" + s), score.get("plainConvInference@" + s),
                    score.get("groupConvInference@" + s) / score.get("plainConvInference@" + s));
        }
    }
}

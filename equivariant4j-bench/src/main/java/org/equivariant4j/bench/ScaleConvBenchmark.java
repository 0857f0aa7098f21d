package org.equivariant4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.equivariant4j.nn.conv.ScaleGroupConv2d;
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
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Forward (inference) time of {@link ScaleGroupConv2d} against a plain conv2d of the same channel count run on every
 * scale (scales folded into the batch: [B·S, C, H, W] → [B·S, C, H, W], the same k), in the same run. The plain conv
 * does S·C²·k²·H·W multiply–adds per image, the scale group conv L times as many, so a ratio near L means the kernel
 * expansion, the window stacking and the permutes cost little. {@link #main} prints the ratio.
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=2"})
@Threads(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ScaleConvBenchmark {
    @Param({"1", "2"})
    public int scaleKernelSize;

    static final int BATCH = 4;
    static final int CHANNELS = 16;
    static final int SCALES = 3;
    static final int PER_OCTAVE = 2;
    static final int SIZE = 32;

    private NDManager manager;
    private ScaleGroupConv2d conv;
    private ParameterStore store;
    private NDArray input;
    private NDArray folded;
    private NDArray plainWeight;
    private int pad;

    @Setup(Level.Trial)
    public void setUp() {
        manager = NDManager.newBaseManager();
        conv = ScaleGroupConv2d.builder(CHANNELS, CHANNELS).scales(SCALES, PER_OCTAVE).scaleKernelSize(scaleKernelSize)
                .optSeed(1).build();
        Shape shape = new Shape(BATCH, CHANNELS, SCALES, SIZE, SIZE);
        conv.initialize(manager, DataType.FLOAT32, shape);
        store = new ParameterStore(manager, false);
        input = manager.randomNormal(shape);
        folded = manager.randomNormal(new Shape((long) BATCH * SCALES, CHANNELS, SIZE, SIZE));
        int k = conv.kernelSize();
        pad = (k - 1) / 2;
        plainWeight = manager.randomNormal(new Shape(CHANNELS, CHANNELS, k, k));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    @Benchmark
    public float scaleGroupConv() {
        try (NDScope scope = new NDScope()) {
            return conv.forward(store, new NDList(input), false).singletonOrThrow().getFloat(0, 0, 0, 0, 0);
        }
    }

    @Benchmark
    public float plainConvPerScale() {
        try (NDScope scope = new NDScope()) {
            return Convolution.of(Convolution.Spec.conv2d(1, pad, 1, 1)).apply(folded, plainWeight, null).getFloat(0, 0, 0, 0);
        }
    }

    /** Runs both benchmarks and prints time(scale group conv) / time(plain conv) for each L. */
    public static void main(String[] args) throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(ScaleConvBenchmark.class.getSimpleName()).build()).run();
        for (String taps : new String[] {"1", "2"}) {
            double scale = Double.NaN;
            double plain = Double.NaN;
            for (RunResult r : results) {
                if (!taps.equals(r.getParams().getParam("scaleKernelSize"))) {
                    continue;
                }
                double score = r.getPrimaryResult().getScore();
                if (r.getParams().getBenchmark().endsWith("scaleGroupConv")) {
                    scale = score;
                } else {
                    plain = score;
                }
            }
            System.out.printf(Locale.ROOT, "L = %s: scale group conv %.2f ms, plain conv per scale %.2f ms, ratio %.2f "
                    + "(multiply-add ratio %s)%n", taps, scale, plain, scale / plain, taps);
        }
    }
}

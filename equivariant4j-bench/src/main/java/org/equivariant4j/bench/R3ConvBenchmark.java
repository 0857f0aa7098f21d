package org.equivariant4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.equivariant4j.nn.conv.PlainConvolution;
import org.equivariant4j.nn.conv.R3Conv;
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
 * The speed check of the steerable convolution in space: {@link R3Conv} on SO(3), 6 fields of the band-limited
 * regular representation ⊕_{l≤1} (2l+1)ψ_l → 6 such fields (60 → 60 channels), k = 5, padding 2, batch 2, 16³, against
 * a {@link PlainConvolution} with the same 60 → 60 channels on the same input, in the same process. Training step =
 * forward + backward with the gradients zeroed ({@link R2ConvBenchmark#trainingStep}).
 *
 * <p>{@code main} runs the interleaved paired timing ({@link PairedTiming}, medians) that the README quotes; the JMH
 * methods are there for {@code ./bench R3ConvBenchmark}.
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=2",
    "-Dai.djl.pytorch.num_interop_threads=1"})
@Threads(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class R3ConvBenchmark {
    static final int BATCH = 2;
    static final int FIELDS = 6;
    static final int K = 5;
    static final int SIZE = 16;

    private NDManager manager;
    private R3Conv steerable;
    private PlainConvolution plain;
    private ParameterStore ps;
    private NDArray input;

    @Setup(Level.Trial)
    public void setUp() {
        manager = NDManager.newBaseManager();
        GSpace so3 = GSpaces.rot3dOnR3(1);
        FieldType type = FieldType.of(so3, FIELDS, so3.bandLimitedRegularRepr(1));
        int c = type.size();
        Shape in = new Shape(BATCH, c, SIZE, SIZE, SIZE);
        steerable = R3Conv.builder(type, type).kernelSize(K).padding(K / 2).optSeed(1).build();
        steerable.initialize(manager, DataType.FLOAT32, in);
        plain = new PlainConvolution(Convolution.Spec.conv3d(1, K / 2, 1, 1), c, c, K, true);
        plain.initialize(manager, DataType.FLOAT32, in);
        ps = new ParameterStore(manager, false);
        input = R2ConvBenchmark.gaussianInput(manager, in, 2);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    @Benchmark
    public float r3convTraining() {
        return R2ConvBenchmark.trainingStep(steerable, ps, input);
    }

    @Benchmark
    public float plainTraining() {
        return R2ConvBenchmark.trainingStep(plain, ps, input);
    }

    /** Prints the paired medians and the ratio: {@code R3ConvBenchmark [reps]}. */
    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        R3ConvBenchmark b = new R3ConvBenchmark();
        b.setUp();
        try {
            double[] m = PairedTiming.medians(new Runnable[] {b::r3convTraining, b::plainTraining}, 3, reps);
            System.out.printf(Locale.ROOT, "R3Conv SO(3) %d band-limited (l <= 1) -> %d, %d channels, k = %d, batch %d, %d^3"
                    + " (median of %d, interleaved):%n  training step %.1f ms vs plain conv %.1f ms: ratio %.3f%n", FIELDS,
                    FIELDS, b.steerable.inType().size(), K, BATCH, SIZE, reps, m[0], m[1], m[0] / m[1]);
        } finally {
            b.tearDown();
        }
    }
}

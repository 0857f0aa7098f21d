package org.equivariant4j.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.concurrent.TimeUnit;
import org.equivariant4j.harmonics.Normalization;
import org.equivariant4j.nn.o3.Activation;
import org.equivariant4j.nn.o3.EdgeTensorProduct;
import org.equivariant4j.nn.o3.FullyConnectedNet;
import org.equivariant4j.nn.o3.RadialBasis;
import org.equivariant4j.nn.o3.SphericalHarmonics;
import org.equivariant4j.nn.o3.TensorProduct;
import org.equivariant4j.nn.o3.TensorProductRoute;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.TensorProductSpec;
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

/**
 * O(3) tensor products, forward + backward, 10 000 edges, float32, two engine threads; the fast route ({@code FAST})
 * against e3nn's dense einsum formulation of the same product ({@code DENSE}) in the same run. Quote the p0.50 rows
 * (SampleTime); run with OMP_WAIT_POLICY=PASSIVE on a shared machine ({@code ./bench} sets it).
 *
 * <ul>
 *   <li>{@code fctp}: FullyConnectedTensorProduct 32x0e+32x1o+32x2e ⊗ Y(l ≤ 2) → 32x0e+32x1o+32x2e, shared internal
 *       weights (11 uvw paths, 11 264 weights); FAST is the fused route;</li>
 *   <li>{@code conv}: the NequIP / e3nn convolution product ({@link EdgeTensorProduct}): one uvu path per (feature
 *       entry, harmonic, coupled irrep) into its own output entry (11 × 32 copies, dim 1120), per-edge weights from the
 *       radial network (gaussians of the length, 10 functions, FullyConnectedNet [10, 64, 352], silu), timed with the
 *       network and the harmonics of the edge vectors; DENSE is harmonics then the dense product, FAST the edge-frame
 *       route.</li>
 * </ul>
 * Loss Σ y⊙r with a fixed random r; gradients to the features and to the weights (or the radial network). The same two
 * products timed in e3nn 0.5.1: {@code src/main/python/e3nn_tensor_product.py}.
 *
 * <p>JMH times the variants one after the other; on a machine shared with other jobs the load changes between them.
 * {@link #main} runs DENSE and FAST alternately in one process instead and prints the medians and the median of the
 * per-pair ratios: {@code java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -cp "$(cat
 * equivariant4j-bench/target/classpath.txt):equivariant4j-bench/target/classes"
 * org.equivariant4j.bench.TensorProductBenchmark [pairs=15]} (with OMP_WAIT_POLICY=PASSIVE).
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=2",
    "-Dai.djl.pytorch.num_interop_threads=1"})
@Threads(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TensorProductBenchmark {
    private static final int EDGES = 10_000;

    @Param({"fctp", "conv"})
    public String product;

    @Param({"DENSE", "FAST"})
    public String route;

    private NDManager manager;
    private TensorProduct tp;
    private EdgeTensorProduct edge;
    private FullyConnectedNet radial;
    private ParameterStore ps;
    private NDArray x;
    private NDArray sh;
    private NDArray vec;
    private NDArray length;
    private NDArray r;

    @Setup(Level.Trial)
    public void setUp() {
        manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed(0);
        Irreps irreps = Irreps.parse("32x0e+32x1o+32x2e");
        Irreps harmonics = Irreps.sphericalHarmonics(2);
        TensorProductSpec spec = product.equals("fctp") ? TensorProductSpec.fullyConnected(irreps, harmonics, irreps)
                : TensorProductSpec.convolution(irreps, harmonics, irreps);
        boolean fast = route.equals("FAST");
        x = manager.randomNormal(new Shape(EDGES, irreps.dim()));
        x.setRequiresGradient(true);
        vec = manager.randomNormal(new Shape(EDGES, 3));
        sh = SphericalHarmonics.of(2, true, Normalization.COMPONENT).apply(vec);
        length = vec.norm(new int[] {1});
        r = manager.randomNormal(new Shape(EDGES, spec.out().dim()));
        ps = new ParameterStore(manager, false);
        if (product.equals("fctp")) {
            tp = TensorProduct.builder(spec).route(fast ? TensorProductRoute.FUSED : TensorProductRoute.DENSE).optSeed(1)
                    .build();
            tp.initialize(manager, DataType.FLOAT32, x.getShape(), sh.getShape());
        } else {
            edge = new EdgeTensorProduct(spec, fast ? EdgeTensorProduct.Route.EDGE_FRAME : EdgeTensorProduct.Route.HARMONICS);
            radial = FullyConnectedNet.of(new int[] {10, 64, spec.weightNumel()}, Activation.SILU, 2);
            radial.initialize(manager, DataType.FLOAT32, new Shape(EDGES, 10));
        }
    }

    @Benchmark
    public float forwardBackward() {
        try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y;
            if (radial == null) {
                y = tp.forward(ps, new NDList(x, sh), true).singletonOrThrow();
            } else {
                NDArray embedding = RadialBasis.GAUSSIAN.softOneHotLinspace(length, 0, 3, 10, false).mul(Math.sqrt(10));
                NDArray w = radial.forward(ps, new NDList(embedding), true).singletonOrThrow();
                y = edge.apply(x, vec, null, w);
            }
            gc.backward(y.mul(r).sum());
            return x.getGradient().getFloat(0, 0);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    /** DENSE and FAST alternately, per product; prints medians (ms) and the median per-pair ratio FAST / DENSE. */
    public static void main(String[] args) {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        for (String product : new String[] {"fctp", "conv"}) {
            TensorProductBenchmark dense = new TensorProductBenchmark();
            TensorProductBenchmark fast = new TensorProductBenchmark();
            dense.product = product;
            fast.product = product;
            dense.route = "DENSE";
            fast.route = "FAST";
            dense.setUp();
            fast.setUp();
            double[] td = new double[pairs];
            double[] tf = new double[pairs];
            double[] ratio = new double[pairs];
            for (int i = -2; i < pairs; i++) { // two warm-up pairs
                long t0 = System.nanoTime();
                dense.forwardBackward();
                long t1 = System.nanoTime();
                fast.forwardBackward();
                long t2 = System.nanoTime();
                if (i >= 0) {
                    td[i] = (t1 - t0) / 1e6;
                    tf[i] = (t2 - t1) / 1e6;
                    ratio[i] = tf[i] / td[i];
                }
            }
            System.out.printf(java.util.Locale.ROOT, "%s: DENSE %.1f ms, FAST %.1f ms (medians of %d interleaved pairs);"
                    + " FAST/DENSE per pair: median %.2f%n", product, PairedTiming.median(td), PairedTiming.median(tf), pairs, PairedTiming.median(ratio));
            dense.tearDown();
            fast.tearDown();
        }
    }

}

package org.equivariant4j.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.equivariant4j.harmonics.Normalization;
import org.equivariant4j.harmonics.SphericalHarmonics;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Real spherical harmonics of 10⁶ random points up to lmax = 6 (49 components each), one thread.
 * Baseline in the same run: normalising the same points (a pass over the input and output memory).
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
@Threads(1)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SphericalHarmonicsBenchmark {

    @Param("1000000")
    public int points;

    @Param("6")
    public int lmax;

    private double[] xyz;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom rng = new SplittableRandom(42);
        xyz = new double[3 * points];
        for (int i = 0; i < xyz.length; i++) {
            xyz[i] = rng.nextDouble(-1, 1);
        }
    }

    @Benchmark
    public double[] evaluateBatch() {
        return SphericalHarmonics.evaluateBatch(lmax, xyz, true, Normalization.COMPONENT);
    }

    @Benchmark
    public double[] evaluateBatchIntegralUnnormalized() {
        return SphericalHarmonics.evaluateBatch(lmax, xyz, false, Normalization.INTEGRAL);
    }

    /** Baseline: x/|x| for all points into a fresh array of the same output size. */
    @Benchmark
    public double[] baselineNormalizeOnly() {
        int dim = (lmax + 1) * (lmax + 1);
        double[] out = new double[points * dim];
        for (int p = 0; p < points; p++) {
            double x = xyz[3 * p], y = xyz[3 * p + 1], z = xyz[3 * p + 2];
            double r = Math.sqrt(x * x + y * y + z * z);
            out[p * dim] = x / r;
            out[p * dim + 1] = y / r;
            out[p * dim + 2] = z / r;
        }
        return out;
    }
}

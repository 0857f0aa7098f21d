package org.equivariant4j.bench;

import java.util.concurrent.TimeUnit;
import org.equivariant4j.harmonics.Wigner3j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * All real Wigner 3j tensors with l1, l2, l3 ≤ 8 (369 triples), computed from scratch on every
 * invocation ({@link Wigner3j#of} keeps no cache). Baseline: the single triple (8, 8, 8), in the same run.
 */
@State(Scope.Thread)
@Fork(1)
@Threads(1)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class Wigner3jBenchmark {

    static final int LMAX = 8;

    private static void allTriples(Blackhole bh) {
        for (int l1 = 0; l1 <= LMAX; l1++) {
            for (int l2 = 0; l2 <= LMAX; l2++) {
                for (int l3 = Math.abs(l1 - l2); l3 <= Math.min(LMAX, l1 + l2); l3++) {
                    bh.consume(Wigner3j.of(l1, l2, l3));
                }
            }
        }
    }

    /** One cold pass over all triples, timed as a single shot per iteration. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    public void allTriplesSingleShot(Blackhole bh) {
        allTriples(bh);
    }

    /** The same pass, averaged over many invocations. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    public void allTriplesAverage(Blackhole bh) {
        allTriples(bh);
    }

    /** Baseline: the largest single triple (8, 8, 8). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    public double[][][] triple888Average() {
        return Wigner3j.of(8, 8, 8);
    }
}

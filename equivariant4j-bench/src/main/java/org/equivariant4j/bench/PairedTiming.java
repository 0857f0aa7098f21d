package org.equivariant4j.bench;

import java.util.Arrays;

/**
 * Paired timing for noisy shared machines: operations come in pairs (a variant and its baseline), each pair runs
 * back to back {@code reps} times with the order flipped every repetition, after {@code warmup} unmeasured rounds, so
 * that both members of a pair see the same load. The result is the median of each operation in milliseconds.
 */
final class PairedTiming {
    private PairedTiming() {}

    /** Medians in ms of {@code ops} (an even number: pairs (0, 1), (2, 3), …). */
    static double[] medians(Runnable[] ops, int warmup, int reps) {
        if (ops.length % 2 != 0 || reps < 1 || warmup < 0) {
            throw new IllegalArgumentException("expected pairs of operations, reps >= 1 and warmup >= 0; got " + ops.length
                    + " operations, " + reps + " repetitions, " + warmup + " warm-up rounds");
        }
        double[][] t = new double[ops.length][reps];
        for (int r = -warmup; r < reps; r++) {
            for (int pair = 0; pair < ops.length / 2; pair++) {
                for (int j = 0; j < 2; j++) {
                    int op = 2 * pair + ((r & 1) == 0 ? j : 1 - j);
                    long t0 = System.nanoTime();
                    ops[op].run();
                    long dt = System.nanoTime() - t0;
                    if (r >= 0) {
                        t[op][r] = dt / 1e6;
                    }
                }
            }
        }
        double[] med = new double[ops.length];
        for (int op = 0; op < ops.length; op++) {
            med[op] = median(t[op]);
        }
        return med;
    }

    /** The median of the values (the upper one of the middle two for an even count), the values left as they are. */
    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}

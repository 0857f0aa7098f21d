package org.equivariant4j.task;

import java.util.SplittableRandom;

/** Orders in which a training loop visits its samples. */
final class SampleOrder {
    private SampleOrder() {}

    /** 0, 1, …, n−1. */
    static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /** A uniformly random permutation of 0..n−1 (Fisher–Yates, seeded generator). */
    static int[] shuffled(int n, SplittableRandom rng) {
        int[] a = identity(n);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /** The median of a non-empty list (mean of the two middle values for an even count). */
    static double median(java.util.List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        if (v.length == 0) {
            throw new IllegalArgumentException("median of an empty list");
        }
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}

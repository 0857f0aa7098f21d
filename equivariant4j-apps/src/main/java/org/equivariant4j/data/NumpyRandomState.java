package org.equivariant4j.data;

import java.util.Arrays;
import java.util.function.DoubleSupplier;
import java.util.random.RandomGenerator;
import org.equivariant4j.nn.ops.Mt19937;

/**
 * A port of numpy's legacy {@code numpy.random.RandomState} (bit-exact up to the caveat below) for the draws the
 * benchmark generators use.
 *
 * <p>The stream is the 32-bit Mersenne Twister ({@link Mt19937}). {@link #NumpyRandomState(long)} seeds it the way
 * {@code np.random.seed(seed)} / {@code RandomState(seed)} do for an integer seed in [0, 2³²): the reference
 * {@code init_genrand(seed)}, with the Gaussian cache cleared. On top of the raw 32-bit words it offers:
 * <ul>
 *   <li>{@link #randomSample()}: {@code random_sample()}, 53-bit doubles in [0, 1), two words per double;</li>
 *   <li>{@link #standardNormal()}: the legacy polar (Marsaglia) Gaussian, which produces two values per accepted
 *       pair and caches the second one; the cache persists across calls (and across {@link #randomSample()} calls,
 *       which do not touch it), exactly as in numpy;</li>
 *   <li>{@link #randn(int...)}: {@code randn(d0, d1, ...)}, filled in row-major (C) order;</li>
 *   <li>{@link #choiceIndices(double[], int)} / {@link #choice(double[], double[], int)}: {@code choice(a, size, p=p)}
 *       with replacement: one {@code random_sample()} per draw, looked up in the normalised cumulative distribution
 *       with {@code searchsorted(side='right')};</li>
 *   <li>{@link #randomInterval(long)}, {@link #randint(long, long)}, {@link #permutation(int)},
 *       {@link #shuffle(int[])}: numpy's masked rejection sampling of bounded integers and its legacy
 *       Fisher–Yates shuffle.</li>
 * </ul>
 *
 * <p><b>Exactness.</b> The raw words, {@code random_sample}, {@code choice}, {@code randint}, {@code permutation} and
 * the number of words every Gaussian consumes are bit-exact. Gaussian values use a correctly rounded {@code log}
 * ({@code CorrectlyRounded}); numpy calls the C library's, and glibc ≥ 2.28 rounds about 1 in 2500 of these
 * logarithms the other way, so about 0.04 % of Gaussians differ from numpy-on-recent-glibc by 1 ulp (none differ
 * from a correctly rounded C library such as glibc &lt; 2.28).
 *
 * <p>It also implements {@link RandomGenerator} so that it can be passed wherever the library takes a generator:
 * {@link #nextInt()} is one raw word, {@link #nextLong()} is numpy's {@code next_uint64} (two words, first one high),
 * {@link #nextDouble()} is {@link #randomSample()} and {@link #nextGaussian()} is {@link #standardNormal()}.
 * Other {@code RandomGenerator} defaults (bounded {@code nextInt(int)} and so on) follow Java's algorithms, not numpy's.
 *
 * <p>Not thread-safe: use one instance per thread (or synchronise externally). Serializable, so a stream's state can
 * travel to another machine and continue there (a cluster job resumes the stream at each partition's first draw).
 */
public final class NumpyRandomState implements RandomGenerator, java.io.Serializable {

    private static final long serialVersionUID = 1L;

    private Mt19937 mt;
    private boolean hasGauss;
    private double gauss;

    /**
     * Creates a generator in the state {@code np.random.RandomState(seed)} has.
     *
     * @param seed an integer in [0, 2³² − 1], as numpy requires for its legacy integer seeding
     * @throws IllegalArgumentException if the seed is outside [0, 2³² − 1]
     */
    public NumpyRandomState(long seed) {
        seed(seed);
    }

    private NumpyRandomState(NumpyRandomState other) {
        mt = other.mt.copy();
        hasGauss = other.hasGauss;
        gauss = other.gauss;
    }

    /** An independent copy of this generator in its current state (including the cached Gaussian). */
    public NumpyRandomState copy() {
        return new NumpyRandomState(this);
    }

    /**
     * Re-seeds the generator like {@code np.random.seed(seed)}: {@code init_genrand(seed)} and an empty Gaussian cache.
     *
     * @throws IllegalArgumentException if the seed is outside [0, 2³² − 1]
     */
    public void seed(long seed) {
        if (seed < 0 || seed > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("numpy legacy seed must be in [0, 2^32 - 1], got " + seed);
        }
        mt = new Mt19937(seed);
        hasGauss = false;
        gauss = 0.0;
    }

    /** The next raw 32-bit word of the MT19937 stream, as the bits of an {@code int}. */
    public int nextUint32() {
        return mt.next();
    }

    /** The next raw 32-bit word as an unsigned value in [0, 2³²). */
    public long nextUint32AsLong() {
        return nextUint32() & 0xFFFFFFFFL;
    }

    /** numpy's {@code next_uint64} for MT19937: the first word is the high half, the second the low half. */
    public long nextUint64() {
        long hi = nextUint32AsLong();
        long lo = nextUint32AsLong();
        return (hi << 32) | lo;
    }

    /** {@code random_sample()}: (a·2²⁶ + b) / 2⁵³ with a = word >>> 5 and b = word >>> 6. */
    public double randomSample() {
        int a = nextUint32() >>> 5;
        int b = nextUint32() >>> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /** {@code random_sample(n)}: n doubles drawn one after the other. */
    public double[] randomSample(int n) {
        return draws(n, this::randomSample);
    }

    /** {@code tomaxint()} on a 64-bit platform: {@code next_uint64 >>> 1}. */
    public long toMaxInt() {
        return nextUint64() >>> 1;
    }

    /**
     * {@code standard_normal()} of the legacy generator (the polar method with one cached value).
     * Uses a correctly rounded logarithm ({@code CorrectlyRounded.log}) to agree with the C library numpy calls.
     */
    public double standardNormal() {
        if (hasGauss) {
            double tmp = gauss;
            hasGauss = false;
            gauss = 0.0;
            return tmp;
        }
        double x1;
        double x2;
        double r2;
        do {
            x1 = 2.0 * randomSample() - 1.0;
            x2 = 2.0 * randomSample() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        } while (r2 >= 1.0 || r2 == 0.0);
        double f = Math.sqrt(-2.0 * CorrectlyRounded.log(r2) / r2);
        gauss = f * x1;
        hasGauss = true;
        return f * x2;
    }

    /** {@code standard_normal(n)}: n Gaussians drawn one after the other. */
    public double[] standardNormal(int n) {
        return draws(n, this::standardNormal);
    }

    /** n values of {@code next}, drawn one after the other. */
    private static double[] draws(int n, DoubleSupplier next) {
        checkCount(n);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = next.getAsDouble();
        }
        return out;
    }

    /**
     * Advances the stream exactly as n calls of {@link #standardNormal()} would (what {@code randn(...) * 0} costs
     * the stream), without computing the values that are thrown away: only the rejection loop runs for complete
     * pairs, and a value left in the cache is computed.
     */
    public void skipStandardNormal(long n) {
        checkCount(n);
        if (n > 0 && hasGauss) {
            hasGauss = false;
            gauss = 0.0;
            n--;
        }
        for (; n >= 2; n -= 2) {
            double x1;
            double x2;
            double r2;
            do {
                x1 = 2.0 * randomSample() - 1.0;
                x2 = 2.0 * randomSample() - 1.0;
                r2 = x1 * x1 + x2 * x2;
            } while (r2 >= 1.0 || r2 == 0.0);
        }
        if (n == 1) {
            standardNormal(); // leaves the pair's second value in the cache
        }
    }

    /**
     * {@code randn(d0, d1, ...)}: the product of the dimensions as Gaussians, in row-major (C) order.
     * With no dimensions it returns a single value, like {@code randn()}.
     */
    public double[] randn(int... shape) {
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            size *= d;
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large for a Java array");
            }
        }
        return standardNormal((int) size);
    }

    /**
     * {@code choice(len(p), size, p=p)} with replacement: for each draw one {@link #randomSample()} u, and the index
     * {@code searchsorted(cdf, u, side='right')} where cdf is the cumulative sum of p divided by its last entry.
     *
     * @param p probabilities; non-negative, finite, summing to 1 within √ε as numpy checks
     * @param size number of draws
     */
    public int[] choiceIndices(double[] p, int size) {
        checkCount(size);
        double[] cdf = cumulative(p);
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            double u = randomSample();
            out[i] = searchSortedRight(cdf, u);
        }
        return out;
    }

    /** {@code choice(values, size, p=p)} with replacement: {@code values[choiceIndices(p, size)[i]]}. */
    public double[] choice(double[] values, double[] p, int size) {
        if (values.length != p.length) {
            throw new IllegalArgumentException("choice: " + values.length + " values but " + p.length + " probabilities");
        }
        int[] idx = choiceIndices(p, size);
        double[] out = new double[size];
        for (int i = 0; i < size; i++) {
            out[i] = values[idx[i]];
        }
        return out;
    }

    private static double[] cumulative(double[] p) {
        if (p.length == 0) {
            throw new IllegalArgumentException("choice: probabilities must be non-empty");
        }
        double[] cdf = new double[p.length];
        double s = 0.0;
        for (int i = 0; i < p.length; i++) {
            if (!(p[i] >= 0.0) || Double.isInfinite(p[i])) {
                throw new IllegalArgumentException("choice: probabilities must be finite and >= 0, got p["
                        + i + "] = " + p[i] + " in " + Arrays.toString(p));
            }
            s += p[i];
            cdf[i] = s;
        }
        // numpy: atol = max(1e-8, sqrt(eps)) for float64 probabilities
        double atol = Math.max(1e-8, Math.sqrt(Math.ulp(1.0)));
        if (Math.abs(s - 1.0) > atol) {
            throw new IllegalArgumentException("choice: probabilities do not sum to 1 (sum " + s + ") in "
                    + Arrays.toString(p));
        }
        double last = cdf[p.length - 1];
        for (int i = 0; i < cdf.length; i++) {
            cdf[i] /= last;
        }
        return cdf;
    }

    /** Number of entries of the sorted array that are {@code <= u} (numpy's {@code searchsorted(side='right')}). */
    private static int searchSortedRight(double[] cdf, double u) {
        int lo = 0;
        int hi = cdf.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] <= u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * numpy's {@code random_interval(max)}: a uniform integer in [0, max] by masked rejection — mask is the smallest
     * 2ᵏ − 1 ≥ max, and words are drawn (32-bit if max is below 2³², else 64-bit) until {@code word & mask <= max}.
     *
     * @param max the inclusive upper bound, {@code >= 0}
     */
    public long randomInterval(long max) {
        if (max < 0) {
            throw new IllegalArgumentException("randomInterval: max must be >= 0, got " + max);
        }
        if (max == 0) {
            return 0;
        }
        long mask = mask(max);
        long value;
        if (max <= 0xFFFFFFFFL) {
            do {
                value = nextUint32AsLong() & mask;
            } while (value > max);
        } else {
            do {
                value = nextUint64() & mask;
            } while (Long.compareUnsigned(value, max) > 0);
        }
        return value;
    }

    private static long mask(long max) {
        long mask = max;
        mask |= mask >>> 1;
        mask |= mask >>> 2;
        mask |= mask >>> 4;
        mask |= mask >>> 8;
        mask |= mask >>> 16;
        mask |= mask >>> 32;
        return mask;
    }

    /**
     * Legacy {@code randint(low, high)} (default int64 dtype, scalar): {@code low + r} where r is uniform in
     * [0, high − low − 1] by masked rejection; a range of exactly 2³² uses raw words, smaller ranges 32-bit words,
     * larger ones 64-bit words.
     *
     * @throws IllegalArgumentException if {@code low >= high}
     */
    public long randint(long low, long high) {
        if (low >= high) {
            throw new IllegalArgumentException("randint: low >= high (" + low + " >= " + high + ")");
        }
        long rng = high - 1 - low;
        if (rng < 0) {
            throw new IllegalArgumentException("randint: range [" + low + ", " + high + ") is too large");
        }
        if (rng == 0) {
            return low;
        }
        if (rng == 0xFFFFFFFFL) {
            return low + nextUint32AsLong();
        }
        return low + randomInterval(rng);
    }

    /** Legacy {@code shuffle} of a 1-D array: for i = n−1 down to 1, swap a[i] with a[randomInterval(i)]. */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i >= 1; i--) {
            int j = (int) randomInterval(i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Legacy {@code permutation(n)}: {@link #shuffle} of [0, 1, ..., n−1]. */
    public int[] permutation(int n) {
        checkCount(n);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        shuffle(a);
        return a;
    }

    // ---- RandomGenerator ----

    /** One raw 32-bit word. */
    @Override
    public int nextInt() {
        return nextUint32();
    }

    /** numpy's {@code next_uint64} (two words). */
    @Override
    public long nextLong() {
        return nextUint64();
    }

    /** {@link #randomSample()}. */
    @Override
    public double nextDouble() {
        return randomSample();
    }

    /** {@link #standardNormal()}. */
    @Override
    public double nextGaussian() {
        return standardNormal();
    }

    private static void checkCount(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + n);
        }
    }
}

package org.equivariant4j.nn.ops;

/**
 * PyTorch's CPU random generator after {@code torch.manual_seed(seed)}, draw for draw, for reproducing values that a
 * PyTorch program computes from its random stream (e3nn's Monte-Carlo constants, a reference model's initial weights).
 *
 * <p>The stream is {@link Mt19937} seeded with the low 32 bits of the seed. The draws reproduced:
 * <ul>
 *   <li>{@code uniform_(from, to)} on float32: from and to rounded to float, u = (r mod 2²⁴)·2⁻²⁴ from one 32-bit draw
 *       r, the value u·(to − from) + from in float arithmetic with one rounding (a fused multiply-add, as PyTorch's
 *       AVX2 kernels compute it) ({@link #uniformFloat32});</li>
 *   <li>{@code randn(n, dtype=float64)} with n ≥ 16 ({@code normal_fill}): n 53-bit uniforms (two 32-bit draws each,
 *       high word first), Box–Muller on blocks of 16 (u1 from the first 8, u2 from the last 8), the last 16 redrawn
 *       when 16 does not divide n ({@link #randnFloat64});</li>
 *   <li>{@code randn(n)} on float32, advanced over without computing the values ({@link #skipRandnFloat32}): n ≥ 16
 *       takes n draws (plus 16 when 16 does not divide n); n &lt; 16 draws pairs of normals (two 64-bit draws per
 *       pair) and keeps the pair's second value for the next call, as PyTorch does.</li>
 * </ul>
 * Checked against PyTorch 1.13 (tests and the SEGNN reference's initial weights). Mutable: one generator belongs to
 * one sequence of draws; {@link #copy} forks it.
 */
public final class TorchGenerator {
    private final Mt19937 stream;
    private boolean cachedNormal;

    /** The generator after {@code torch.manual_seed(seed)}. */
    public TorchGenerator(long seed) {
        stream = new Mt19937(seed);
    }

    private TorchGenerator(TorchGenerator other) {
        stream = other.stream.copy();
        cachedNormal = other.cachedNormal;
    }

    /** An independent generator in this one's state (as {@code torch.Generator.get_state} and {@code set_state}). */
    public TorchGenerator copy() {
        return new TorchGenerator(this);
    }

    /** The first n samples of {@code torch.randn(n, dtype=torch.float64)} from this generator (n ≥ 16). */
    public double[] randnFloat64(int n) {
        if (n < 16) {
            throw new IllegalArgumentException("expected at least 16 samples (torch's vectorised fill), got " + n);
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = uniform53();
        }
        for (int i = 0; i + 16 <= n; i += 16) {
            boxMuller(d, i);
        }
        if (n % 16 != 0) {
            for (int i = n - 16; i < n; i++) {
                d[i] = uniform53();
            }
            boxMuller(d, n - 16);
        }
        return d;
    }

    /** Advances the generator as {@code torch.randn(n)} (float32, contiguous) does; the values are not computed. */
    public void skipRandnFloat32(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("expected a sample count >= 0, got " + n);
        }
        if (n >= 16) {
            long draws = n + (n % 16 == 0 ? 0 : 16);
            for (long i = 0; i < draws; i++) {
                nextInt();
            }
            return;
        }
        for (long i = 0; i < n; i++) {
            if (cachedNormal) {
                cachedNormal = false;
            } else {
                for (int k = 0; k < 4; k++) {
                    nextInt();
                }
                cachedNormal = true;
            }
        }
    }

    /** One value of {@code uniform_(from, to)} on a float32 tensor. */
    public float uniformFloat32(double from, double to) {
        float f = (float) from;
        float t = (float) to;
        float u = (nextInt() & 0xffffff) * 0x1.0p-24f;
        return Math.fma(u, t - f, f);
    }

    private static void boxMuller(double[] d, int at) {
        for (int j = 0; j < 8; j++) {
            double u1 = 1 - d[at + j];
            double u2 = d[at + j + 8];
            double radius = Math.sqrt(-2 * Math.log(u1));
            double theta = 2.0 * Math.PI * u2;
            d[at + j] = radius * Math.cos(theta);
            d[at + j + 8] = radius * Math.sin(theta);
        }
    }

    private double uniform53() {
        long hi = nextInt() & 0xffffffffL;
        long lo = nextInt() & 0xffffffffL;
        return (((hi << 32) | lo) & ((1L << 53) - 1)) * 0x1.0p-53;
    }

    /** The next 32-bit draw ({@code random()}). */
    private int nextInt() {
        return stream.next();
    }
}

package org.equivariant4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The charged-particles simulator of the EGNN/SEGNN N-body benchmark ({@code ChargedParticlesSim}), in 3-D.
 *
 * <p>N point charges q ∈ {−1, +1} with unit masses interact by Coulomb forces (like charges repel):
 * F_i = Σ_{j≠i} K q_i q_j (x_i − x_j) / d_ij³, each component clipped to ±{@code maxForce}. One simulation, in the
 * order of the original (defaults in brackets):
 * <pre>
 *   q  ← choice(chargeTypes, N, p = chargeProbs)                  [−1, 0, +1], p = [½, 0, ½]
 *   x  ← randn(3, N)·locStd ;  v ← randn(3, N) ; v[:, i] ← v[:, i]·velNorm / ‖v[:, i]‖       locStd 1, velNorm ½
 *   clamp at t = 0 only: x &gt; box → 2·box − x, v → −|v| ; then x &lt; −box → −2·box − x, v → |v|     box 5
 *   v += dt·F(x)                                                  dt 0.001 (a full initial kick)
 *   for i = 1 .. length−1:  x += dt·v ; if i % sampleFreq == 0: store (x, v) ; v += dt·F(x)
 *   loc += randn(T_save, 3, N)·noiseVar ; vel += randn(T_save, 3, N)·noiseVar        noiseVar 0 (still drawn)
 * </pre>
 * with length 5000 and sampleFreq 100, so T_save = length/sampleFreq − 1 = 49 frames; frame k is the state after step
 * (k+1)·sampleFreq. Arrays are in the original layout: positions (3, N) per frame, a trajectory (T_save, 3, N),
 * row-major.
 *
 * <p><b>Floating point.</b> The arithmetic follows numpy's evaluation order: d_ij² = |x_i|² + |x_j|² − 2 x_i·x_j
 * (the squared norms summed in index order), d³ = {@code pow(d², 1.5)} correctly rounded, the force magnitude
 * (K q_i q_j) / d³, and the force sum over j in index order. The dot product is by default fused
 * ({@code fma(a₂,b₂, fma(a₁,b₁, a₀b₀))}), which is what numpy's OpenBLAS computes on x86-64 CPUs with FMA; see
 * {@link DotProduct}. Charges and the random stream are bit-exact with numpy. glibc's {@code log} and {@code pow} are
 * not always correctly rounded (ours are), so 73 of the benchmark's 14 000 simulations start 1–2 ulp away from numpy
 * on glibc 2.36. Compared with numpy (OpenBLAS, FMA) on the first 200 test simulations, 177 agree bit for bit at
 * frame 40 and all within 3e-10. The system is chaotic, so other numpy programs (batched einsum, other BLAS or CPUs)
 * differ from each other and from this one on a few percent of the systems in late frames.
 *
 * <p>The simulator is immutable and thread-safe; the random stream is passed in.
 */
public final class ChargedParticlesSimulation {

    /** How the dot products x_i·x_j inside d_ij² are evaluated. */
    public enum DotProduct {
        /** fma(a₂, b₂, fma(a₁, b₁, a₀·b₀)): numpy with OpenBLAS on FMA-capable x86-64 and on ARM64 (the default). */
        FUSED,
        /** (a₀b₀ + a₁b₁) + a₂b₂ without fused multiply-add: reference BLAS or CPUs without FMA. */
        PLAIN
    }

    /**
     * Simulation parameters. The defaults ({@link #defaults()}) are those of {@code generate_dataset.py} for the
     * {@code charged5_initvel1} files.
     *
     * @param numParticles        N (5)
     * @param boxSize             half-width of the t = 0 clamp (5.0)
     * @param locStd              standard deviation of the initial positions (1.0)
     * @param velNorm             initial speed of every particle (0.5)
     * @param interactionStrength K (1.0)
     * @param noiseVar            factor of the Gaussian noise added to the saved frames (0.0; drawn regardless)
     * @param dt                  time step (0.001)
     * @param maxForce            per-component force clip (0.1/dt = 100)
     * @param length              number of steps T (5000)
     * @param sampleFreq          save every this many steps (100); must divide {@code length}
     * @param chargeTypes         the charge values (−1, 0, +1)
     * @param chargeProbs         their probabilities (½, 0, ½)
     * @param dotProduct          evaluation of the dot products ({@link DotProduct#FUSED})
     */
    public record Config(int numParticles, double boxSize, double locStd, double velNorm, double interactionStrength,
                         double noiseVar, double dt, double maxForce, int length, int sampleFreq,
                         double[] chargeTypes, double[] chargeProbs, DotProduct dotProduct) implements java.io.Serializable {

        public Config {
            if (numParticles < 1) {
                throw new IllegalArgumentException("numParticles must be >= 1, got " + numParticles);
            }
            if (length < 1 || sampleFreq < 1 || length % sampleFreq != 0 || length / sampleFreq < 2) {
                throw new IllegalArgumentException("length must be a multiple of sampleFreq with at least 2 periods,"
                        + " got length " + length + ", sampleFreq " + sampleFreq);
            }
            Objects.requireNonNull(dotProduct, "dotProduct");
            chargeTypes = chargeTypes.clone();
            chargeProbs = chargeProbs.clone();
            if (chargeTypes.length == 0 || chargeTypes.length != chargeProbs.length) {
                throw new IllegalArgumentException("need as many charge probabilities as charge types, got "
                        + chargeTypes.length + " types and " + chargeProbs.length + " probabilities");
            }
            if (!(dt > 0) || !(maxForce > 0) || !(boxSize > 0)) {
                throw new IllegalArgumentException("dt, maxForce and boxSize must be > 0, got " + dt + ", "
                        + maxForce + ", " + boxSize);
            }
        }

        /** The benchmark's parameters: 5 particles, 5000 steps of 0.001, a frame every 100 steps. */
        public static Config defaults() {
            double dt = 0.001;
            return new Config(5, 5.0, 1.0, 0.5, 1.0, 0.0, dt, 0.1 / dt, 5000, 100,
                    new double[] {-1.0, 0.0, 1.0}, new double[] {0.5, 0.0, 0.5}, DotProduct.FUSED);
        }

        /** A copy with another length T (steps) and sampling frequency. */
        public Config withLength(int newLength, int newSampleFreq) {
            return new Config(numParticles, boxSize, locStd, velNorm, interactionStrength, noiseVar, dt, maxForce,
                    newLength, newSampleFreq, chargeTypes, chargeProbs, dotProduct);
        }

        /** A copy with another dot-product evaluation. */
        public Config withDotProduct(DotProduct newDotProduct) {
            return new Config(numParticles, boxSize, locStd, velNorm, interactionStrength, noiseVar, dt, maxForce,
                    length, sampleFreq, chargeTypes, chargeProbs, newDotProduct);
        }

        /** The number of saved frames, {@code length / sampleFreq − 1} (49 by default). */
        public int savedFrames() {
            return length / sampleFreq - 1;
        }

        @Override
        public double[] chargeTypes() {
            return chargeTypes.clone();
        }

        @Override
        public double[] chargeProbs() {
            return chargeProbs.clone();
        }
    }

    /**
     * What one simulation takes from the random stream: charges (N), positions and velocities (3, N) after the
     * velocity rescaling but before the clamp, and (only when {@code noiseVar != 0}) the two noise arrays
     * (T_save, 3, N); otherwise those are {@code null} (they were drawn and discarded).
     */
    public record InitialState(double[] charges, double[] loc, double[] vel, double[] locNoise, double[] velNoise) {}

    /**
     * One simulated system.
     *
     * @param loc     positions, (T_save, 3, N)
     * @param vel     velocities, (T_save, 3, N)
     * @param charges charges, (N)
     */
    public record Trajectory(double[] loc, double[] vel, double[] charges) {

        /** q qᵀ, (N, N), row-major; its diagonal is q² = 1. */
        public double[] edges() {
            int n = charges.length;
            double[] e = new double[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    e[i * n + j] = charges[i] * charges[j];
                }
            }
            return e;
        }
    }

    private final Config config;

    public ChargedParticlesSimulation(Config config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The benchmark simulator ({@link Config#defaults()}). */
    public ChargedParticlesSimulation() {
        this(Config.defaults());
    }

    public Config config() {
        return config;
    }

    /** Values per saved trajectory: T_save · 3 · N (735 by default). */
    public int trajectorySize() {
        return config.savedFrames() * 3 * config.numParticles();
    }

    /**
     * Draws one simulation's randomness in the original order: charges, positions, velocities, then the two noise
     * arrays (integration itself uses no randomness).
     */
    public InitialState sampleInitial(NumpyRandomState rs) {
        int n = config.numParticles();
        double[] charges = rs.choice(config.chargeTypes, config.chargeProbs, n);
        double[] loc = rs.randn(3, n);
        for (int k = 0; k < loc.length; k++) {
            loc[k] = loc[k] * config.locStd();
        }
        double[] vel = rs.randn(3, n);
        for (int i = 0; i < n; i++) {
            double sq = vel[i] * vel[i] + vel[n + i] * vel[n + i];
            sq = sq + vel[2 * n + i] * vel[2 * n + i];
            double norm = Math.sqrt(sq);
            for (int c = 0; c < 3; c++) {
                vel[c * n + i] = vel[c * n + i] * config.velNorm() / norm;
            }
        }
        int noiseSize = trajectorySize();
        double[] locNoise = null;
        double[] velNoise = null;
        if (config.noiseVar() != 0.0) {
            locNoise = rs.standardNormal(noiseSize);
            velNoise = rs.standardNormal(noiseSize);
        } else {
            rs.skipStandardNormal(2L * noiseSize);
        }
        return new InitialState(charges, loc, vel, locNoise, velNoise);
    }

    /** Draws and integrates one simulation, like one call of {@code sample_trajectory}. */
    public Trajectory sample(NumpyRandomState rs) {
        return integrate(sampleInitial(rs));
    }

    /** Integrates one system. */
    public Trajectory integrate(InitialState state) {
        int size = trajectorySize();
        double[] loc = new double[size];
        double[] vel = new double[size];
        integrate(state, loc, vel, 0);
        return new Trajectory(loc, vel, state.charges().clone());
    }

    /**
     * Integrates one system and writes its trajectory (T_save, 3, N) into {@code locOut} and {@code velOut} starting
     * at {@code offset}.
     */
    public void integrate(InitialState state, double[] locOut, double[] velOut, int offset) {
        final int n = config.numParticles();
        final double dt = config.dt();
        final double maxF = config.maxForce();
        final double box = config.boxSize();
        final boolean fused = config.dotProduct() == DotProduct.FUSED;
        if (state.loc().length != 3 * n || state.vel().length != 3 * n || state.charges().length != n) {
            throw new IllegalArgumentException("initial state does not match " + n + " particles in 3-D: loc "
                    + state.loc().length + ", vel " + state.vel().length + ", charges " + state.charges().length);
        }
        int size = trajectorySize();
        if (offset < 0 || offset + size > locOut.length || offset + size > velOut.length) {
            throw new IllegalArgumentException("output arrays too small: need " + size + " values at offset " + offset
                    + ", have " + locOut.length + " and " + velOut.length);
        }
        double[] x = state.loc().clone();
        double[] v = state.vel().clone();
        // clamp at t = 0 only (over first, then under, as the original)
        for (int k = 0; k < 3 * n; k++) {
            if (x[k] > box) {
                x[k] = 2 * box - x[k];
                v[k] = -Math.abs(v[k]);
            }
        }
        for (int k = 0; k < 3 * n; k++) {
            if (x[k] < -box) {
                x[k] = -2 * box - x[k];
                v[k] = Math.abs(v[k]);
            }
        }
        double[] q = state.charges();
        double kq = config.interactionStrength();
        int pairs = n * (n - 1) / 2;
        double[] kEdge = new double[pairs]; // K * (q_i q_j) for i < j, row-major
        for (int i = 0, p = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++, p++) {
                kEdge[p] = kq * (q[i] * q[j]);
            }
        }
        Workspace w = new Workspace(n);
        computeForce(x, n, kEdge, w, maxF, fused);
        for (int k = 0; k < 3 * n; k++) {
            v[k] += dt * w.f[k];
        }
        int freq = config.sampleFreq();
        int length = config.length();
        int frameSize = 3 * n;
        int out = offset;
        for (int step = 1; step < length; step++) {
            for (int k = 0; k < 3 * n; k++) {
                x[k] += dt * v[k];
            }
            if (step % freq == 0) {
                System.arraycopy(x, 0, locOut, out, frameSize);
                System.arraycopy(v, 0, velOut, out, frameSize);
                out += frameSize;
            }
            computeForce(x, n, kEdge, w, maxF, fused);
            for (int k = 0; k < 3 * n; k++) {
                v[k] += dt * w.f[k];
            }
        }
        if (state.locNoise() != null) {
            double nv = config.noiseVar();
            for (int k = 0; k < size; k++) {
                locOut[offset + k] += state.locNoise()[k] * nv;
                velOut[offset + k] += state.velNoise()[k] * nv;
            }
        }
    }

    private boolean unrolled = true;

    /** Test hook: use the generic force loop even for N = 5. */
    ChargedParticlesSimulation genericKernel() {
        ChargedParticlesSimulation s = new ChargedParticlesSimulation(config);
        s.unrolled = false;
        return s;
    }

    private void computeForce(double[] x, int n, double[] kEdge, Workspace w, double maxF, boolean fused) {
        if (n == 5 && unrolled) {
            force5(x, kEdge, w.f, maxF, fused);
        } else {
            force(x, n, kEdge, w, maxF, fused);
        }
    }

    /** Scratch arrays of one integration. */
    private static final class Workspace {
        final double[] sqNorm;
        final double[] terms;
        final double[] f;

        Workspace(int n) {
            sqNorm = new double[n];
            terms = new double[3 * n * n];
            Arrays.fill(terms, -0.0); // the diagonal stays -0.0
            f = new double[3 * n];
        }
    }

    /**
     * Clipped Coulomb forces on x (3, N) into w.f (3, N), with numpy's rounding: per pair (i &lt; j) the magnitude
     * (K q_i q_j) / pow(d², 1.5) and the term m·(x_i − x_j) (the (j, i) term is its exact negation); per particle the
     * terms summed over j in index order, then clipped. The diagonal terms are −0.0, which leave any sum unchanged,
     * so the sum starting from −0.0 over all j equals numpy's sum over j ≠ i.
     */
    private static void force(double[] x, int n, double[] kEdge, Workspace w, double maxF, boolean fused) {
        double[] sqNorm = w.sqNorm;
        double[] tm = w.terms;
        double[] f = w.f;
        int nn = n * n;
        for (int i = 0; i < n; i++) {
            double a0 = x[i];
            double a1 = x[n + i];
            double a2 = x[2 * n + i];
            sqNorm[i] = (a0 * a0 + a1 * a1) + a2 * a2;
        }
        int p = 0;
        for (int i = 0; i < n; i++) {
            double a0 = x[i];
            double a1 = x[n + i];
            double a2 = x[2 * n + i];
            double na = sqNorm[i];
            for (int j = i + 1; j < n; j++, p++) {
                double b0 = x[j];
                double b1 = x[n + j];
                double b2 = x[2 * n + j];
                double dot = fused
                        ? Math.fma(a2, b2, Math.fma(a1, b1, a0 * b0))
                        : (a0 * b0 + a1 * b1) + a2 * b2;
                double d2 = (na + sqNorm[j]) - 2 * dot;
                double m = kEdge[p] / CorrectlyRounded.pow15(d2);
                double t0 = m * (a0 - b0);
                double t1 = m * (a1 - b1);
                double t2 = m * (a2 - b2);
                tm[i * n + j] = t0;
                tm[j * n + i] = -t0;
                tm[nn + i * n + j] = t1;
                tm[nn + j * n + i] = -t1;
                tm[2 * nn + i * n + j] = t2;
                tm[2 * nn + j * n + i] = -t2;
            }
        }
        for (int r = 0; r < 3 * n; r++) {
            int base = r * n;
            double sum = -0.0;
            for (int j = 0; j < n; j++) {
                sum += tm[base + j];
            }
            if (sum > maxF) {
                sum = maxF;
            } else if (sum < -maxF) {
                sum = -maxF;
            }
            f[r] = sum;
        }
    }

    /** Straight-line force for N = 5 (same operations and rounding as {@link #force}); x and f are (3, 5). */
    private static void force5(double[] x, double[] k, double[] f, double maxF, boolean fused) {
        double x00 = x[0]; double x01 = x[1]; double x02 = x[2]; double x03 = x[3]; double x04 = x[4];
        double x10 = x[5]; double x11 = x[6]; double x12 = x[7]; double x13 = x[8]; double x14 = x[9];
        double x20 = x[10]; double x21 = x[11]; double x22 = x[12]; double x23 = x[13]; double x24 = x[14];
        double n0 = (x00 * x00 + x10 * x10) + x20 * x20;
        double n1 = (x01 * x01 + x11 * x11) + x21 * x21;
        double n2 = (x02 * x02 + x12 * x12) + x22 * x22;
        double n3 = (x03 * x03 + x13 * x13) + x23 * x23;
        double n4 = (x04 * x04 + x14 * x14) + x24 * x24;
        double m01 = k[0] / CorrectlyRounded.pow15((n0 + n1) - 2 * dot(x00, x10, x20, x01, x11, x21, fused));
        double m02 = k[1] / CorrectlyRounded.pow15((n0 + n2) - 2 * dot(x00, x10, x20, x02, x12, x22, fused));
        double m03 = k[2] / CorrectlyRounded.pow15((n0 + n3) - 2 * dot(x00, x10, x20, x03, x13, x23, fused));
        double m04 = k[3] / CorrectlyRounded.pow15((n0 + n4) - 2 * dot(x00, x10, x20, x04, x14, x24, fused));
        double m12 = k[4] / CorrectlyRounded.pow15((n1 + n2) - 2 * dot(x01, x11, x21, x02, x12, x22, fused));
        double m13 = k[5] / CorrectlyRounded.pow15((n1 + n3) - 2 * dot(x01, x11, x21, x03, x13, x23, fused));
        double m14 = k[6] / CorrectlyRounded.pow15((n1 + n4) - 2 * dot(x01, x11, x21, x04, x14, x24, fused));
        double m23 = k[7] / CorrectlyRounded.pow15((n2 + n3) - 2 * dot(x02, x12, x22, x03, x13, x23, fused));
        double m24 = k[8] / CorrectlyRounded.pow15((n2 + n4) - 2 * dot(x02, x12, x22, x04, x14, x24, fused));
        double m34 = k[9] / CorrectlyRounded.pow15((n3 + n4) - 2 * dot(x03, x13, x23, x04, x14, x24, fused));
        double t001 = m01 * (x00 - x01);
        double t002 = m02 * (x00 - x02);
        double t003 = m03 * (x00 - x03);
        double t004 = m04 * (x00 - x04);
        double t012 = m12 * (x01 - x02);
        double t013 = m13 * (x01 - x03);
        double t014 = m14 * (x01 - x04);
        double t023 = m23 * (x02 - x03);
        double t024 = m24 * (x02 - x04);
        double t034 = m34 * (x03 - x04);
        double t101 = m01 * (x10 - x11);
        double t102 = m02 * (x10 - x12);
        double t103 = m03 * (x10 - x13);
        double t104 = m04 * (x10 - x14);
        double t112 = m12 * (x11 - x12);
        double t113 = m13 * (x11 - x13);
        double t114 = m14 * (x11 - x14);
        double t123 = m23 * (x12 - x13);
        double t124 = m24 * (x12 - x14);
        double t134 = m34 * (x13 - x14);
        double t201 = m01 * (x20 - x21);
        double t202 = m02 * (x20 - x22);
        double t203 = m03 * (x20 - x23);
        double t204 = m04 * (x20 - x24);
        double t212 = m12 * (x21 - x22);
        double t213 = m13 * (x21 - x23);
        double t214 = m14 * (x21 - x24);
        double t223 = m23 * (x22 - x23);
        double t224 = m24 * (x22 - x24);
        double t234 = m34 * (x23 - x24);
        f[0] = clip(((t001 + t002) + t003) + t004, maxF);
        f[1] = clip(((-t001 + t012) + t013) + t014, maxF);
        f[2] = clip(((-t002 + -t012) + t023) + t024, maxF);
        f[3] = clip(((-t003 + -t013) + -t023) + t034, maxF);
        f[4] = clip(((-t004 + -t014) + -t024) + -t034, maxF);
        f[5] = clip(((t101 + t102) + t103) + t104, maxF);
        f[6] = clip(((-t101 + t112) + t113) + t114, maxF);
        f[7] = clip(((-t102 + -t112) + t123) + t124, maxF);
        f[8] = clip(((-t103 + -t113) + -t123) + t134, maxF);
        f[9] = clip(((-t104 + -t114) + -t124) + -t134, maxF);
        f[10] = clip(((t201 + t202) + t203) + t204, maxF);
        f[11] = clip(((-t201 + t212) + t213) + t214, maxF);
        f[12] = clip(((-t202 + -t212) + t223) + t224, maxF);
        f[13] = clip(((-t203 + -t213) + -t223) + t234, maxF);
        f[14] = clip(((-t204 + -t214) + -t224) + -t234, maxF);
    }

    private static double dot(double a0, double a1, double a2, double b0, double b1, double b2, boolean fused) {
        return fused ? Math.fma(a2, b2, Math.fma(a1, b1, a0 * b0)) : (a0 * b0 + a1 * b1) + a2 * b2;
    }

    private static double clip(double v, double max) {
        return v > max ? max : (v < -max ? -max : v);
    }

    /**
     * Several systems in (S, T_save, 3, N) arrays: positions, velocities and charges (S, N) of consecutive
     * simulations.
     */
    public record Batch(int size, double[] loc, double[] vel, double[] charges) {}

    /**
     * Draws {@code count} simulations from the stream in order (exactly what {@code count} calls of
     * {@code sample_trajectory} consume) and integrates them on {@code threads} threads. The results do not depend
     * on the number of threads.
     */
    public Batch generate(NumpyRandomState rs, int count, int threads) {
        List<InitialState> states = new ArrayList<>(count);
        for (int s = 0; s < count; s++) {
            states.add(sampleInitial(rs));
        }
        return integrateAll(states, threads);
    }

    /** Integrates the given initial states on {@code threads} threads into one {@link Batch}. */
    public Batch integrateAll(List<InitialState> states, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        int count = states.size();
        int n = config.numParticles();
        int size = trajectorySize();
        if ((long) count * size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(count + " simulations of " + size
                    + " values do not fit in one Java array");
        }
        double[] loc = new double[count * size];
        double[] vel = new double[count * size];
        double[] charges = new double[count * n];
        for (int s = 0; s < count; s++) {
            System.arraycopy(states.get(s).charges(), 0, charges, s * n, n);
        }
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int s = next.getAndIncrement(); s < count; s = next.getAndIncrement()) {
                integrate(states.get(s), loc, vel, s * size);
            }
        };
        if (threads == 1 || count < 2) {
            worker.run();
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "nbody-sim");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    futures.add(pool.submit(worker));
                }
                for (Future<?> fu : futures) {
                    fu.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while simulating", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("simulation failed", e.getCause());
            } finally {
                pool.shutdownNow();
            }
        }
        return new Batch(count, loc, vel, charges);
    }
}

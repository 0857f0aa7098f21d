package org.equivariant4j.kernel;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A kernel basis sampled at P points in block form: element k is
 * <pre>
 *   B_k[:, :, p] = Q_out[:, r_k … r_k+m) · S_{s(k)}[:, :, p] · Q_in[:, c_k … c_k+n)ᵀ
 * </pre>
 * where S_s [m × n × P] is one of a few distinct blocks and Q_out (o × o), Q_in (i × i) are orthogonal. For a steerable
 * basis the blocks are the irrep-pair kernels (one per irrep pair, ring, frequency and solution, shared by every copy
 * of that irrep pair) and the Q are the representations' changes of basis, ρ = Q (⊕ψ) Qᵀ. Since the columns of Q are
 * orthonormal, ‖B_k‖ = ‖S_{s(k)}‖: norms, normalisation and pruning never touch the o·i·P embedded values, which only
 * {@link #dense()} computes. A basis without that structure is the case Q = identity with one full o × i block per
 * element ({@link #dense(int, int, int, double[])}).
 *
 * <p>Rows and columns of the blocks are irrep copies: Q_out's columns split into copies, copy j of type t_j and size
 * d_{t_j}, and element k sits at one pair of copies (its block has their sizes).
 *
 * <p>Immutable; the block arrays are never exposed.
 */
public final class BlockSamples {
    /** One distinct block S [rows × cols × P], row-major. */
    private record Block(int rows, int cols, double[] values) {
        double squaredNorm() {
            double s = 0;
            for (double v : values) {
                s += v * v;
            }
            return s;
        }
    }

    /** Where element k sits: its block and the first columns of Q_out and Q_in its copies take. */
    private record Placement(int block, int outOffset, int inOffset) {}

    /**
     * One side's irrep copies.
     *
     * @param sizes     the size of every copy, in the order of Q's columns
     * @param offsets   the first column of every copy
     * @param dimension the sum of the sizes
     */
    private record Copies(int[] sizes, int[] offsets, int dimension) {
        static Copies of(int[] sizes, String side) {
            int[] offsets = new int[sizes.length];
            int d = 0;
            for (int j = 0; j < sizes.length; j++) {
                if (sizes[j] < 1) {
                    throw new IllegalArgumentException(side + " copy " + j + " has size " + sizes[j] + ", expected >= 1");
                }
                offsets[j] = d;
                d += sizes[j];
            }
            return new Copies(sizes.clone(), offsets, d);
        }
    }

    private final int points;
    /** Q_out and Q_in, row-major; both null for the identity (a basis without structure). */
    private final double[][] qOut;
    private final double[][] qIn;
    private final Copies outCopies;
    private final Copies inCopies;
    private final List<Block> blocks;
    private final List<Placement> elements;

    private BlockSamples(int points, double[][] qOut, double[][] qIn, Copies outCopies, Copies inCopies, List<Block> blocks,
            List<Placement> elements) {
        this.points = points;
        this.qOut = qOut;
        this.qIn = qIn;
        this.outCopies = outCopies;
        this.inCopies = inCopies;
        this.blocks = List.copyOf(blocks);
        this.elements = List.copyOf(elements);
    }

    /**
     * Builds block-form samples step by step.
     *
     * @param points       P
     * @param qOut         Q_out, o × o orthogonal (copied)
     * @param outCopySizes the size of every output irrep copy, in the order of Q_out's columns (they add up to o)
     * @param qIn          Q_in, i × i orthogonal (copied)
     * @param inCopySizes  the size of every input irrep copy
     */
    public static Builder builder(int points, double[][] qOut, int[] outCopySizes, double[][] qIn, int[] inCopySizes) {
        return new Builder(points, qOut, Copies.of(outCopySizes, "output"), qIn, Copies.of(inCopySizes, "input"));
    }

    /** Collects distinct blocks and the elements placed from them. Not thread-safe; use once. */
    public static final class Builder {
        private final int points;
        private final double[][] qOut;
        private final double[][] qIn;
        private final Copies outCopies;
        private final Copies inCopies;
        private final List<Block> blocks = new ArrayList<>();
        private final List<Placement> elements = new ArrayList<>();

        private Builder(int points, double[][] qOut, Copies outCopies, double[][] qIn, Copies inCopies) {
            if (points < 1) {
                throw new IllegalArgumentException("block samples need at least one point, got " + points);
            }
            this.points = points;
            this.qOut = square(qOut, "Q_out");
            this.qIn = square(qIn, "Q_in");
            if (outCopies.dimension() != this.qOut.length || inCopies.dimension() != this.qIn.length) {
                throw new IllegalArgumentException("the irrep copies add up to " + outCopies.dimension() + " × "
                        + inCopies.dimension() + " but Q_out, Q_in are " + this.qOut.length + " × " + this.qIn.length);
            }
            this.outCopies = outCopies;
            this.inCopies = inCopies;
        }

        private static double[][] square(double[][] q, String name) {
            double[][] copy = new double[q.length][];
            for (int r = 0; r < q.length; r++) {
                if (q[r].length != q.length) {
                    throw new IllegalArgumentException(name + " must be square, got row " + r + " of length " + q[r].length
                            + " in a " + q.length + "-row matrix");
                }
                copy[r] = q[r].clone();
            }
            return copy;
        }

        /**
         * Adds a distinct block S [rows × cols × P] (row-major, taken over without copying) and returns its index.
         */
        public int addBlock(int rows, int cols, double[] values) {
            if (rows < 1 || cols < 1 || values.length != rows * cols * points) {
                throw new IllegalArgumentException("a block of " + rows + " × " + cols + " × " + points + " needs "
                        + rows * cols * points + " values, got " + values.length);
            }
            blocks.add(new Block(rows, cols, values));
            return blocks.size() - 1;
        }

        /** Adds the element Q_out[:, output copy] · S_block · Q_in[:, input copy]ᵀ. */
        public Builder addElement(int block, int outCopy, int inCopy) {
            Block b = blocks.get(block);
            int nOut = outCopies.sizes().length;
            int nIn = inCopies.sizes().length;
            if (outCopy < 0 || outCopy >= nOut || inCopy < 0 || inCopy >= nIn || b.rows() != outCopies.sizes()[outCopy]
                    || b.cols() != inCopies.sizes()[inCopy]) {
                throw new IllegalArgumentException("block " + block + " (" + b.rows() + " × " + b.cols() + ") does not fit the"
                        + " copies (" + outCopy + ", " + inCopy + ") of " + nOut + " output and " + nIn + " input copies");
            }
            elements.add(new Placement(block, outCopies.offsets()[outCopy], inCopies.offsets()[inCopy]));
            return this;
        }

        /** The samples. */
        public BlockSamples build() {
            return new BlockSamples(points, qOut, qIn, outCopies, inCopies, blocks, elements);
        }
    }

    /**
     * Samples without structure: Q = identity and element k is its own o × i block.
     *
     * @param values row-major [K][o][i][P] (copied)
     */
    public static BlockSamples dense(int outSize, int inSize, int points, double[] values) {
        int block = outSize * inSize * points;
        if (outSize < 1 || inSize < 1 || points < 1 || values.length % block != 0) {
            throw new IllegalArgumentException("sampled basis values of length " + values.length + " do not split into blocks of"
                    + " o·i·P = " + outSize + "·" + inSize + "·" + points);
        }
        int k = values.length / block;
        List<Block> blocks = new ArrayList<>(k);
        List<Placement> elements = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            double[] v = new double[block];
            System.arraycopy(values, j * block, v, 0, block);
            blocks.add(new Block(outSize, inSize, v));
            elements.add(new Placement(j, 0, 0));
        }
        return new BlockSamples(points, null, null, Copies.of(new int[] {outSize}, "output"), Copies.of(new int[] {inSize},
                "input"), blocks, elements);
    }

    /** K, the number of elements. */
    public int size() {
        return elements.size();
    }

    /** o. */
    public int outSize() {
        return outCopies.dimension();
    }

    /** i. */
    public int inSize() {
        return inCopies.dimension();
    }

    /** P. */
    public int points() {
        return points;
    }

    /** The number of distinct blocks the elements are placed from. */
    public int distinctBlocks() {
        return blocks.size();
    }

    /** ‖B_k‖² = Σ_{o,i,p} B_k[o][i][p]², computed from its block. */
    public double squaredNorm(int k) {
        return blocks.get(elements.get(k).block()).squaredNorm();
    }

    /**
     * The elements {@code keep[0], keep[1], …} (in that order), element keep[j] multiplied by scale[j]. Elements that
     * share a block and a scale still share it afterwards.
     */
    public BlockSamples select(int[] keep, double[] scale) {
        if (keep.length != scale.length) {
            throw new IllegalArgumentException("expected one scale per kept element (" + keep.length + "), got " + scale.length);
        }
        record Scaled(int block, double scale) {}
        Map<Scaled, Integer> index = new HashMap<>();
        List<Block> kept = new ArrayList<>();
        List<Placement> placed = new ArrayList<>(keep.length);
        for (int j = 0; j < keep.length; j++) {
            Placement e = elements.get(keep[j]);
            double s = scale[j];
            int at = index.computeIfAbsent(new Scaled(e.block(), s), key -> {
                Block b = blocks.get(key.block());
                double[] v = b.values().clone();
                for (int q = 0; q < v.length; q++) {
                    v[q] *= key.scale();
                }
                kept.add(new Block(b.rows(), b.cols(), v));
                return kept.size() - 1;
            });
            placed.add(new Placement(at, e.outOffset(), e.inOffset()));
        }
        return new BlockSamples(points, qOut, qIn, outCopies, inCopies, kept, placed);
    }

    /** One embedded value B_k[o][i][p]. */
    public double value(int k, int o, int i, int p) {
        Placement e = elements.get(k);
        Block b = blocks.get(e.block());
        double s = 0;
        for (int r = 0; r < b.rows(); r++) {
            double qo = qOut == null ? (o == e.outOffset() + r ? 1 : 0) : qOut[o][e.outOffset() + r];
            if (qo == 0) {
                continue;
            }
            for (int c = 0; c < b.cols(); c++) {
                double qi = qIn == null ? (i == e.inOffset() + c ? 1 : 0) : qIn[i][e.inOffset() + c];
                s += qo * qi * b.values()[(r * b.cols() + c) * points + p];
            }
        }
        return s;
    }

    /**
     * The embedded values, row-major [K][o][i][P] (a fresh array). Each element costs m·n·i·P + m·o·i·P multiply-adds
     * (first Q_in, then Q_out); elements are embedded in parallel.
     */
    public double[] dense() {
        int outSize = outSize();
        int inSize = inSize();
        int block = outSize * inSize * points;
        double[] values = new double[elements.size() * block];
        IntStream.range(0, elements.size()).parallel().forEach(k -> embed(k, values, k * block));
        return values;
    }

    /**
     * Writes the embedded values [K][o][i][P] into {@code target} from index 0 (absolute puts; its position is left as it
     * is), each value computed in double precision and then rounded to float: the same numbers as {@link #dense()} cast
     * to float, without the double array. Elements are embedded in parallel.
     */
    public void denseInto(FloatBuffer target) {
        int block = outSize() * inSize() * points;
        requireRoom(target.capacity(), block);
        embedAll(() -> {
            float[] f = new float[block];
            return (v, k) -> {
                for (int j = 0; j < block; j++) {
                    f[j] = (float) v[j];
                }
                target.put(k * block, f, 0, block);
            };
        });
    }

    /** Writes the embedded values [K][o][i][P] into {@code target} from index 0, as {@link #denseInto(FloatBuffer)}. */
    public void denseInto(DoubleBuffer target) {
        int block = outSize() * inSize() * points;
        requireRoom(target.capacity(), block);
        embedAll(() -> (v, k) -> target.put(k * block, v, 0, block));
    }

    /**
     * Embeds every element k into a scratch array of o·i·P values and hands it with k to a sink; each worker takes its
     * own sink from {@code sinks} (so a sink may keep scratch space of its own).
     */
    private void embedAll(java.util.function.Supplier<java.util.function.ObjIntConsumer<double[]>> sinks) {
        int block = outSize() * inSize() * points;
        int workers = Math.min(elements.size(), Runtime.getRuntime().availableProcessors());
        IntStream.range(0, workers).parallel().forEach(w -> {
            java.util.function.ObjIntConsumer<double[]> sink = sinks.get();
            double[] v = new double[block];
            for (int k = w; k < elements.size(); k += workers) {
                java.util.Arrays.fill(v, 0);
                embed(k, v, 0);
                sink.accept(v, k);
            }
        });
    }

    private void requireRoom(int capacity, int block) {
        if ((long) elements.size() * block > capacity) {
            throw new IllegalArgumentException("the sampled basis has " + (long) elements.size() * block
                    + " values but the buffer holds " + capacity);
        }
    }

    private void embed(int k, double[] values, int base) {
        int outSize = outSize();
        int inSize = inSize();
        Placement e = elements.get(k);
        Block b = blocks.get(e.block());
        int m = b.rows();
        int n = b.cols();
        double[] s = b.values();
        if (qOut == null) { // dense: Q = I on both sides, one full block per element
            for (int r = 0; r < m; r++) {
                for (int c = 0; c < n; c++) {
                    System.arraycopy(s, (r * n + c) * points, values, base + ((e.outOffset() + r) * inSize + e.inOffset() + c) * points,
                            points);
                }
            }
            return;
        }
        // T[r][ii][p] = Σ_c Q_in[ii][c_k + c] S[r][c][p]
        double[] t = new double[m * inSize * points];
        for (int r = 0; r < m; r++) {
            for (int ii = 0; ii < inSize; ii++) {
                int at = (r * inSize + ii) * points;
                for (int c = 0; c < n; c++) {
                    double w = qIn[ii][e.inOffset() + c];
                    if (w == 0) {
                        continue;
                    }
                    int from = (r * n + c) * points;
                    for (int p = 0; p < points; p++) {
                        t[at + p] += w * s[from + p];
                    }
                }
            }
        }
        // B[oo][ii][p] = Σ_r Q_out[oo][r_k + r] T[r][ii][p]
        for (int oo = 0; oo < outSize; oo++) {
            int row = base + oo * inSize * points;
            for (int r = 0; r < m; r++) {
                double w = qOut[oo][e.outOffset() + r];
                if (w == 0) {
                    continue;
                }
                int from = r * inSize * points;
                for (int j = 0; j < inSize * points; j++) {
                    values[row + j] += w * t[from + j];
                }
            }
        }
    }
}

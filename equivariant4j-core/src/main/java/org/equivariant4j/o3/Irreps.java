package org.equivariant4j.o3;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.O3Element;
import org.equivariant4j.linalg.Matrices;
import org.equivariant4j.repr.Representation;

/**
 * A direct sum of O(3) irreps with multiplicities, {@code "16x0e+8x1o+4x2e"}: the type of a feature vector in the
 * O(3) layers. Immutable; equal when the lists are equal (no implicit simplification: {@code "1o+1o"} and
 * {@code "2x1o"} describe the same representation but different layouts).
 *
 * <p><b>Layout</b> (e3nn's {@code mul_ir}): the entries follow one another in list order; entry i occupies
 * {@code [offset(i), offset(i) + mul·(2l+1))}, copy-major. {@link #dim()} is the length of a feature vector.
 *
 * <p><b>Syntax</b>: terms separated by {@code +}, each {@code <mul>x<irrep>} or {@code <irrep>} (multiplicity 1),
 * irreps as in {@link Irrep#parse}; spaces around terms and numbers are ignored; multiplicity 0 is allowed; the empty
 * string is the empty sum. {@link #toString()} writes every multiplicity: {@code "1x0e+2x1o"}.
 */
public final class Irreps {
    private static final Irreps EMPTY = new Irreps(List.of());

    private final List<MulIrrep> entries;
    private final int[] offsets;

    private Irreps(List<MulIrrep> entries) {
        this.entries = List.copyOf(entries);
        this.offsets = new int[this.entries.size() + 1];
        long d = 0;
        for (int i = 0; i < this.entries.size(); i++) {
            d += this.entries.get(i).dim();
            if (d > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("irreps of dimension " + d + " are too large (at most "
                        + Integer.MAX_VALUE + ")");
            }
            offsets[i + 1] = (int) d;
        }
    }

    /** The sum of these entries, in order. */
    public static Irreps of(List<MulIrrep> entries) {
        Objects.requireNonNull(entries, "entries");
        return entries.isEmpty() ? EMPTY : new Irreps(entries);
    }

    /** The sum of these entries, in order. */
    public static Irreps of(MulIrrep... entries) {
        return of(List.of(entries));
    }

    /** {@code mul} copies of one irrep. */
    public static Irreps of(int mul, Irrep irrep) {
        return of(List.of(new MulIrrep(mul, irrep)));
    }

    /** The empty sum (dimension 0). */
    public static Irreps empty() {
        return EMPTY;
    }

    /**
     * Parses {@code "16x0e+8x1o+4x2e"} (see the class comment).
     *
     * @throws IllegalArgumentException naming the string, the position (0-based character index) of the first
     *     problem and what was expected there
     */
    public static Irreps parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("expected irreps such as \"16x0e+8x1o\", got null");
        }
        if (text.isBlank()) {
            return EMPTY;
        }
        List<MulIrrep> out = new ArrayList<>();
        int start = 0;
        while (true) {
            int plus = text.indexOf('+', start);
            int end = plus < 0 ? text.length() : plus;
            out.add(parseTerm(text, start, end));
            if (plus < 0) {
                break;
            }
            start = plus + 1;
        }
        return of(out);
    }

    private static MulIrrep parseTerm(String text, int start, int end) {
        int a = start;
        while (a < end && Character.isWhitespace(text.charAt(a))) {
            a++;
        }
        int b = end;
        while (b > a && Character.isWhitespace(text.charAt(b - 1))) {
            b--;
        }
        if (a == b) {
            throw parseError(text, a, "expected a term <mul>x<irrep> or <irrep> but the term is empty");
        }
        String term = text.substring(a, b);
        int x = term.indexOf('x');
        int mul = 1;
        int irStart = a;
        if (x >= 0) {
            String mulText = term.substring(0, x).strip();
            int mulPos = a + leadingSpaces(term);
            if (mulText.isEmpty()) {
                throw parseError(text, a + x, "expected a multiplicity (digits) before 'x'");
            }
            for (int k = 0; k < mulText.length(); k++) {
                if (!Character.isDigit(mulText.charAt(k))) {
                    throw parseError(text, mulPos + k, "a multiplicity is a non-negative integer, found '"
                            + mulText.charAt(k) + "'");
                }
            }
            if (mulText.length() > 9) {
                throw parseError(text, mulPos, "the multiplicity " + mulText + " is too large");
            }
            mul = Integer.parseInt(mulText);
            irStart = a + x + 1;
            while (irStart < b && Character.isWhitespace(text.charAt(irStart))) {
                irStart++;
            }
        }
        String ir = text.substring(irStart, b);
        int bad = Irrep.firstBadCharacter(ir);
        if (bad >= 0) {
            throw parseError(text, irStart + bad, Irrep.problemAt(ir, bad));
        }
        return new MulIrrep(mul, Irrep.parse(ir));
    }

    private static int leadingSpaces(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static IllegalArgumentException parseError(String text, int position, String problem) {
        return new IllegalArgumentException("cannot read the irreps \"" + text + "\" at position " + position + ": "
                + problem);
    }

    /**
     * The spherical harmonics' irreps 0..lmax of a polar vector: {@code 1x0e+1x1o+1x2e+…}, parity (−1)^l.
     */
    public static Irreps sphericalHarmonics(int lmax) {
        return sphericalHarmonics(lmax, -1);
    }

    /**
     * The spherical harmonics' irreps 0..lmax of a vector of parity {@code p}: degree l has parity p^l
     * ({@code p = −1}: {@code 0e+1o+2e+…}; {@code p = +1}: {@code 0e+1e+2e+…}).
     */
    public static Irreps sphericalHarmonics(int lmax, int p) {
        if (lmax < 0) {
            throw new IllegalArgumentException("expected lmax >= 0, got " + lmax);
        }
        if (p != 1 && p != -1) {
            throw new IllegalArgumentException("the vector's parity must be +1 or -1, got " + p);
        }
        List<MulIrrep> out = new ArrayList<>();
        for (int l = 0; l <= lmax; l++) {
            out.add(new MulIrrep(1, new Irrep(l, p == 1 || (l & 1) == 0 ? 1 : -1)));
        }
        return of(out);
    }

    /** The number of entries (not of irreps: see {@link #numIrreps()}). */
    public int size() {
        return entries.size();
    }

    /** Whether there are no entries. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Entry i. */
    public MulIrrep get(int i) {
        return entries.get(i);
    }

    /** The entries (unmodifiable). */
    public List<MulIrrep> list() {
        return entries;
    }

    /** Σ mul·(2l+1): the length of a feature vector. */
    public int dim() {
        return offsets[entries.size()];
    }

    /** Σ mul: the number of irreps counted with multiplicity. */
    public int numIrreps() {
        int n = 0;
        for (MulIrrep e : entries) {
            n += e.mul();
        }
        return n;
    }

    /**
     * The largest degree.
     *
     * @throws IllegalArgumentException for the empty sum
     */
    public int lmax() {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("the empty irreps have no lmax");
        }
        int m = 0;
        for (MulIrrep e : entries) {
            m = Math.max(m, e.irrep().l());
        }
        return m;
    }

    /** Where entry i starts in a feature vector. */
    public int offset(int i) {
        Objects.checkIndex(i, entries.size() + 1);
        return offsets[i];
    }

    /**
     * A half-open range of feature indices.
     *
     * @param start first index
     * @param stop one past the last index
     */
    public record Slice(int start, int stop) {
        /** stop − start. */
        public int length() {
            return stop - start;
        }
    }

    /** The feature range of each entry, in order. */
    public List<Slice> slices() {
        List<Slice> out = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            out.add(new Slice(offsets[i], offsets[i + 1]));
        }
        return out;
    }

    /** These entries followed by {@code other}'s. */
    public Irreps plus(Irreps other) {
        List<MulIrrep> out = new ArrayList<>(entries);
        out.addAll(other.entries);
        return of(out);
    }

    /** Entries {@code from} (inclusive) to {@code to} (exclusive). */
    public Irreps subList(int from, int to) {
        return of(entries.subList(from, to));
    }

    /** Entries of multiplicity 0 removed. */
    public Irreps removeZeroMultiplicities() {
        List<MulIrrep> out = new ArrayList<>();
        for (MulIrrep e : entries) {
            if (e.mul() > 0) {
                out.add(e);
            }
        }
        return of(out);
    }

    /**
     * Adjacent equal irreps merged and multiplicity-0 entries dropped, without reordering (as e3nn:
     * {@code "1e+1e+0e+1e"} → {@code "2x1e+1x0e+1x1e"}). The feature layout is unchanged.
     */
    public Irreps simplify() {
        List<MulIrrep> out = new ArrayList<>();
        for (MulIrrep e : entries) {
            if (!out.isEmpty() && out.get(out.size() - 1).irrep().equals(e.irrep())) {
                MulIrrep last = out.remove(out.size() - 1);
                out.add(new MulIrrep(last.mul() + e.mul(), e.irrep()));
            } else if (e.mul() > 0) {
                out.add(e);
            }
        }
        return of(out);
    }

    /**
     * The entries sorted by irrep (e3nn's order, {@link Irrep#compareTo}), stable.
     *
     * @param irreps the sorted irreps
     * @param p {@code p[old] = new}: where each entry went
     * @param inv {@code inv[new] = old}: where each sorted entry came from
     */
    public record Sorted(Irreps irreps, int[] p, int[] inv) {
        public Sorted {
            p = p.clone();
            inv = inv.clone();
        }

        @Override
        public int[] p() {
            return p.clone();
        }

        @Override
        public int[] inv() {
            return inv.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Sorted s && s.irreps.equals(irreps) && Arrays.equals(s.p, p) && Arrays.equals(s.inv, inv);
        }

        @Override
        public int hashCode() {
            return irreps.hashCode() * 31 + Arrays.hashCode(p);
        }

        @Override
        public String toString() {
            return "Sorted[" + irreps + ", p=" + Arrays.toString(p) + ", inv=" + Arrays.toString(inv) + "]";
        }
    }

    /** The entries sorted by irrep, with the permutation (see {@link Sorted}). */
    public Sorted sort() {
        Integer[] order = new Integer[entries.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparing((Integer i) -> entries.get(i).irrep())
                .thenComparing(i -> i));
        int[] inv = new int[order.length];
        int[] p = new int[order.length];
        List<MulIrrep> sorted = new ArrayList<>(order.length);
        for (int k = 0; k < order.length; k++) {
            inv[k] = order[k];
            p[order[k]] = k;
            sorted.add(entries.get(order[k]));
        }
        return new Sorted(of(sorted), p, inv);
    }

    /** {@code sort().irreps().simplify()}: one entry per distinct irrep, in e3nn's order. */
    public Irreps regroup() {
        return sort().irreps().simplify();
    }

    /** The total multiplicity of {@code irrep}. */
    public int count(Irrep irrep) {
        int n = 0;
        for (MulIrrep e : entries) {
            if (e.irrep().equals(irrep)) {
                n += e.mul();
            }
        }
        return n;
    }

    /** Whether {@code irrep} occurs with nonzero multiplicity. */
    public boolean contains(Irrep irrep) {
        return count(irrep) > 0;
    }

    /** The distinct irreps of nonzero multiplicity, in order of first appearance. */
    public List<Irrep> irreps() {
        List<Irrep> out = new ArrayList<>();
        for (MulIrrep e : entries) {
            if (e.mul() > 0 && !out.contains(e.irrep())) {
                out.add(e.irrep());
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** The block-diagonal matrix of g acting on a feature vector (dim × dim). */
    public double[][] matrix(O3Element g) {
        List<double[][]> blocks = new ArrayList<>();
        for (MulIrrep e : entries) {
            if (e.mul() == 0) {
                continue;
            }
            double[][] d = e.irrep().matrix(g);
            for (int u = 0; u < e.mul(); u++) {
                blocks.add(d);
            }
        }
        return blocks.isEmpty() ? new double[0][0] : Matrices.blockDiagonal(blocks);
    }

    /**
     * The representation of {@link Groups#o3()} on feature vectors (for {@code Equivariance} checks).
     *
     * @throws IllegalArgumentException for dimension 0
     */
    public Representation<O3Element> representation() {
        if (dim() == 0) {
            throw new IllegalArgumentException("the irreps \"" + this + "\" have dimension 0: no representation");
        }
        List<Representation<O3Element>> parts = new ArrayList<>();
        for (MulIrrep e : entries) {
            for (int u = 0; u < e.mul(); u++) {
                parts.add(e.irrep().representation());
            }
        }
        return Representation.directSum(toString(), parts);
    }

    /**
     * Random features, {@code rows × dim()} row-major: standard normal entries ({@code normalized = false}, e3nn's
     * "component"), or each irrep copy scaled to unit norm ({@code normalized = true}, e3nn's "norm").
     */
    public double[] random(int rows, boolean normalized, RandomGenerator rng) {
        if (rows < 0) {
            throw new IllegalArgumentException("expected rows >= 0, got " + rows);
        }
        int d = dim();
        double[] out = new double[Math.multiplyExact(rows, d)];
        for (int i = 0; i < out.length; i++) {
            out[i] = rng.nextGaussian();
        }
        if (normalized) {
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < entries.size(); i++) {
                    int dimIr = entries.get(i).irrep().dim();
                    for (int u = 0; u < entries.get(i).mul(); u++) {
                        int s = r * d + offsets[i] + u * dimIr;
                        double n = 0;
                        for (int m = 0; m < dimIr; m++) {
                            n += out[s + m] * out[s + m];
                        }
                        n = Math.sqrt(n);
                        for (int m = 0; m < dimIr; m++) {
                            out[s + m] /= n;
                        }
                    }
                }
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Irreps other && other.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    /** {@code "16x0e+8x1o"}; the empty sum is {@code ""}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (MulIrrep e : entries) {
            if (s.length() > 0) {
                s.append('+');
            }
            s.append(e);
        }
        return s.toString();
    }
}

package org.equivariant4j.o3;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * What a tensor product computes, as pure data: the irreps of both inputs and of the output, the paths
 * ({@link Instruction}s) with their normalisation constants, and the layout of the weights. The DJL block
 * {@code nn.o3.TensorProduct} executes a spec; two blocks built from equal specs compute the same function.
 *
 * <h2>What is computed</h2>
 * Output entry c is the sum over the paths p into c of c_p · P_p(x1[in1_p], x2[in2_p], w_p), where P_p couples the
 * irreps with the Wigner 3j symbol C^{l1 l2 l3} (Frobenius norm 1) as the {@link ConnectionMode} says. Output entries
 * that no path reaches are zero ({@link #outputMask()}).
 *
 * <h2>Normalisation (exactly e3nn's)</h2>
 * c_p = √α_p with α_p = a_p · outVar[c] · pathWeight_p / F_p, where a_p = 2l_out+1 ({@link IrrepNormalization#COMPONENT}),
 * (2l1+1)(2l2+1) ({@code NORM}) or 1 ({@code NONE}), and F_p = Σ_{q → c} in1Var·in2Var·fanIn_q ({@link
 * PathNormalization#ELEMENT}), in1Var·in2Var·fanIn_p·#{q → c} ({@code PATH}) or 1 ({@code NONE}); F_p = 0 counts as 1.
 * With unit-variance inputs and standard-normal weights, every output component then has second moment ≈ 1.
 *
 * <h2>Weight layout (portable from e3nn)</h2>
 * One flat vector: the weighted paths in instruction order, each path's weights row-major in the shape of
 * {@link ConnectionMode#weightShape} — e3nn's {@code TensorProduct.weight} exactly, so its {@code state_dict} values
 * load as they are. Per-sample weights have this layout on their last axis.
 */
public final class TensorProductSpec {
    private final Irreps in1;
    private final Irreps in2;
    private final Irreps out;
    private final IrrepNormalization irrepNormalization;
    private final PathNormalization pathNormalization;
    private final List<Path> paths;
    private final int weightNumel;

    /**
     * One path with its resolved data.
     *
     * @param index position in the instruction list
     * @param instruction the instruction as given
     * @param in1 entry {@code instruction.in1()} of the first input's irreps
     * @param in2 entry {@code instruction.in2()} of the second input's irreps
     * @param out entry {@code instruction.out()} of the output irreps
     * @param coefficient c_p = √α_p (see the class comment)
     * @param weightOffset where the path's weights start in the flat weight vector (also for paths without weights:
     *     where they would start)
     * @param weightCount number of weights of the path (0 without weights)
     */
    public record Path(int index, Instruction instruction, MulIrrep in1, MulIrrep in2, MulIrrep out, double coefficient,
            int weightOffset, int weightCount) {
        /** The connection mode. */
        public ConnectionMode mode() {
            return instruction.mode();
        }

        /** The shape of the path's weights (see {@link ConnectionMode#weightShape}). */
        public int[] weightShape() {
            return instruction.mode().weightShape(in1.mul(), in2.mul(), out.mul());
        }

        /** Whether the path contributes nothing because a multiplicity is zero. */
        public boolean isEmpty() {
            return in1.mul() == 0 || in2.mul() == 0 || out.mul() == 0
                    || (instruction.mode() == ConnectionMode.UVU_LT_V || instruction.mode() == ConnectionMode.U_LT_VW)
                    && in1.mul() < 2;
        }
    }

    private TensorProductSpec(Builder b) {
        this.in1 = b.in1;
        this.in2 = b.in2;
        this.out = b.out;
        this.irrepNormalization = b.irrepNormalization;
        this.pathNormalization = b.pathNormalization;
        double[] v1 = variances("input 1", b.in1Var, in1);
        double[] v2 = variances("input 2", b.in2Var, in2);
        double[] vo = variances("output", b.outVar, out);
        List<Instruction> ins = b.instructions;
        for (int k = 0; k < ins.size(); k++) {
            check(k, ins.get(k));
        }
        List<Path> list = new ArrayList<>(ins.size());
        int offset = 0;
        for (int k = 0; k < ins.size(); k++) {
            Instruction in = ins.get(k);
            MulIrrep a = in1.get(in.in1());
            MulIrrep c = in2.get(in.in2());
            MulIrrep o = out.get(in.out());
            double alpha = switch (irrepNormalization) {
                case COMPONENT -> o.irrep().dim();
                case NORM -> a.irrep().dim() * c.irrep().dim();
                case NONE -> 1;
            };
            double f = switch (pathNormalization) {
                case ELEMENT -> {
                    double s = 0;
                    for (Instruction q : ins) {
                        if (q.out() == in.out()) {
                            s += v1[q.in1()] * v2[q.in2()] * q.mode().fanIn(in1.get(q.in1()).mul(), in2.get(q.in2()).mul());
                        }
                    }
                    yield s;
                }
                case PATH -> {
                    int n = 0;
                    for (Instruction q : ins) {
                        if (q.out() == in.out()) {
                            n++;
                        }
                    }
                    yield v1[in.in1()] * v2[in.in2()] * in.mode().fanIn(a.mul(), c.mul()) * n;
                }
                case NONE -> 1;
            };
            if (f > 0) {
                alpha /= f;
            }
            alpha *= vo[in.out()] * in.pathWeight();
            int count = 0;
            if (in.hasWeight()) {
                count = 1;
                for (int s : in.mode().weightShape(a.mul(), c.mul(), o.mul())) {
                    count = Math.multiplyExact(count, s);
                }
            }
            list.add(new Path(k, in, a, c, o, Math.sqrt(alpha), offset, count));
            offset = Math.addExact(offset, count);
        }
        this.paths = List.copyOf(list);
        this.weightNumel = offset;
    }

    private static double[] variances(String what, double[] given, Irreps irreps) {
        if (given == null) {
            double[] ones = new double[irreps.size()];
            Arrays.fill(ones, 1.0);
            return ones;
        }
        if (given.length != irreps.size()) {
            throw new IllegalArgumentException("the " + what + " variances need one value per entry of \"" + irreps
                    + "\" (" + irreps.size() + "), got " + given.length);
        }
        for (double v : given) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("the " + what + " variances must be finite and >= 0, got "
                        + Arrays.toString(given));
            }
        }
        return given.clone();
    }

    private void check(int k, Instruction in) {
        String where = "instruction " + k + " " + in;
        checkIndex(where, "input 1", in.in1(), in1);
        checkIndex(where, "input 2", in.in2(), in2);
        checkIndex(where, "output", in.out(), out);
        MulIrrep a = in1.get(in.in1());
        MulIrrep c = in2.get(in.in2());
        MulIrrep o = out.get(in.out());
        if (!a.irrep().couplesTo(c.irrep(), o.irrep())) {
            throw new IllegalArgumentException(where + ": the path " + a.irrep() + " x " + c.irrep() + " -> "
                    + o.irrep() + " breaks the selection rule |l1 - l2| <= l3 <= l1 + l2, p3 = p1*p2 ("
                    + a.irrep() + " x " + c.irrep() + " contains only " + joined(a.irrep().times(c.irrep())) + ")");
        }
        String misfit = in.mode().misfit(a.mul(), c.mul(), o.mul(), in.hasWeight());
        if (misfit != null) {
            throw new IllegalArgumentException(where + " (" + a + " x " + c + " -> " + o + "): " + misfit);
        }
    }

    private static void checkIndex(String where, String what, int index, Irreps irreps) {
        if (index < 0 || index >= irreps.size()) {
            throw new IllegalArgumentException(where + ": " + what + " entry " + index + " does not exist; \"" + irreps
                    + "\" has entries 0.." + (irreps.size() - 1));
        }
    }

    private static String joined(List<Irrep> irreps) {
        StringBuilder s = new StringBuilder();
        for (Irrep ir : irreps) {
            s.append(s.length() == 0 ? "" : ", ").append(ir);
        }
        return s.toString();
    }

    /** A builder for a product in1 ⊗ in2 → out with explicit instructions. */
    public static Builder builder(Irreps in1, Irreps in2, Irreps out) {
        return new Builder(in1, in2, out);
    }

    /**
     * e3nn's {@code FullyConnectedTensorProduct}: a weighted uvw path for every (i1, i2, i_out) whose irreps couple, in
     * the order i1, i2, i_out (each outer).
     */
    public static TensorProductSpec fullyConnected(Irreps in1, Irreps in2, Irreps out) {
        return fullyConnectedBuilder(in1, in2, out).build();
    }

    /** {@link #fullyConnected} as a builder, to choose normalisations or variances. */
    public static Builder fullyConnectedBuilder(Irreps in1, Irreps in2, Irreps out) {
        Builder b = builder(in1, in2, out);
        for (int i = 0; i < in1.size(); i++) {
            for (int j = 0; j < in2.size(); j++) {
                for (int k = 0; k < out.size(); k++) {
                    if (in1.get(i).irrep().couplesTo(in2.get(j).irrep(), out.get(k).irrep())) {
                        b.instruction(new Instruction(i, j, k, ConnectionMode.UVW, true));
                    }
                }
            }
        }
        return b;
    }

    /**
     * e3nn's {@code FullTensorProduct}: every pair of copies, every coupled irrep (uvuv, no weights). Inputs are
     * {@link Irreps#simplify() simplified}; the output is {@code mul1·mul2 x ir} per pair and irrep, sorted.
     *
     * @param filter the output irreps to keep, or null for all
     */
    public static TensorProductSpec full(Irreps in1, Irreps in2, Collection<Irrep> filter) {
        Irreps a = in1.simplify();
        Irreps c = in2.simplify();
        List<MulIrrep> outs = new ArrayList<>();
        List<int[]> ins = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            for (int j = 0; j < c.size(); j++) {
                for (Irrep ir : a.get(i).irrep().times(c.get(j).irrep())) {
                    if (filter == null || filter.contains(ir)) {
                        ins.add(new int[] {i, j, outs.size()});
                        outs.add(new MulIrrep(a.get(i).mul() * c.get(j).mul(), ir));
                    }
                }
            }
        }
        Irreps.Sorted sorted = Irreps.of(outs).sort();
        int[] p = sorted.p();
        Builder b = builder(a, c, sorted.irreps());
        for (int[] t : ins) {
            b.instruction(new Instruction(t[0], t[1], p[t[2]], ConnectionMode.UVUV, false));
        }
        return b.build();
    }

    /**
     * The product of e3nn's point convolution ({@code gate_points_2101.Convolution}): for every input-1 entry, input-2
     * entry and coupled irrep that {@code filter} contains, a weighted uvu path into an output entry of its own (the
     * input-1 multiplicity of that irrep); the output entries are then sorted by irrep.
     */
    public static TensorProductSpec convolution(Irreps in1, Irreps in2, Irreps filter) {
        List<MulIrrep> outs = new ArrayList<>();
        List<int[]> ins = new ArrayList<>();
        for (int i = 0; i < in1.size(); i++) {
            for (int j = 0; j < in2.size(); j++) {
                for (Irrep ir : in1.get(i).irrep().times(in2.get(j).irrep())) {
                    if (filter.contains(ir)) {
                        ins.add(new int[] {i, j, outs.size()});
                        outs.add(new MulIrrep(in1.get(i).mul(), ir));
                    }
                }
            }
        }
        Irreps.Sorted sorted = Irreps.of(outs).sort();
        int[] p = sorted.p();
        Builder b = builder(in1, in2, sorted.irreps());
        for (int[] t : ins) {
            b.instruction(new Instruction(t[0], t[1], p[t[2]], ConnectionMode.UVU, true));
        }
        return b.build();
    }

    /**
     * e3nn's {@code ElementwiseTensorProduct}: copy u of input 1 with copy u of input 2 (uuu, no weights). Both inputs
     * must have the same {@link Irreps#numIrreps()}; they are simplified and their entries split so the copies align.
     * The output has one entry per aligned pair and coupled irrep, in that order (not sorted).
     *
     * @param filter the output irreps to keep, or null for all
     */
    public static TensorProductSpec elementwise(Irreps in1, Irreps in2, Collection<Irrep> filter) {
        if (in1.numIrreps() != in2.numIrreps()) {
            throw new IllegalArgumentException("an elementwise tensor product needs inputs with the same number of irreps,"
                    + " got \"" + in1 + "\" (" + in1.numIrreps() + ") and \"" + in2 + "\" (" + in2.numIrreps() + ")");
        }
        List<MulIrrep> a = new ArrayList<>(in1.simplify().list());
        List<MulIrrep> c = new ArrayList<>(in2.simplify().list());
        for (int i = 0; i < a.size(); i++) {
            MulIrrep x = a.get(i);
            MulIrrep y = c.get(i);
            if (x.mul() < y.mul()) {
                c.set(i, new MulIrrep(x.mul(), y.irrep()));
                c.add(i + 1, new MulIrrep(y.mul() - x.mul(), y.irrep()));
            } else if (y.mul() < x.mul()) {
                a.set(i, new MulIrrep(y.mul(), x.irrep()));
                a.add(i + 1, new MulIrrep(x.mul() - y.mul(), x.irrep()));
            }
        }
        List<MulIrrep> outs = new ArrayList<>();
        List<int[]> ins = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            for (Irrep ir : a.get(i).irrep().times(c.get(i).irrep())) {
                if (filter == null || filter.contains(ir)) {
                    ins.add(new int[] {i, outs.size()});
                    outs.add(new MulIrrep(a.get(i).mul(), ir));
                }
            }
        }
        Builder b = builder(Irreps.of(a), Irreps.of(c), Irreps.of(outs));
        for (int[] t : ins) {
            b.instruction(new Instruction(t[0], t[0], t[1], ConnectionMode.UUU, false));
        }
        return b.build();
    }

    /**
     * e3nn's {@code TensorSquare} without output irreps: x ⊗ x reduced to irreps, no weights. For entries i1 &lt; i2 all
     * pairs (uvuv); for i1 = i2 the pairs u &lt; v (uvu&lt;v) and, for even l_out, the diagonal u = u (uuu) with e3nn's
     * constants. The input is simplified; the output is sorted. Use input 1 = input 2 = x.
     *
     * @param filter the output irreps to keep, or null for all
     */
    public static TensorProductSpec square(Irreps in, Collection<Irrep> filter) {
        return square(in, filter, IrrepNormalization.COMPONENT);
    }

    /** {@link #square(Irreps, Collection)} with the given irrep normalisation. */
    public static TensorProductSpec square(Irreps in, Collection<Irrep> filter, IrrepNormalization normalization) {
        Irreps x = in.simplify();
        List<MulIrrep> outs = new ArrayList<>();
        List<Object[]> ins = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            for (int j = 0; j < x.size(); j++) {
                Irrep a = x.get(i).irrep();
                Irrep c = x.get(j).irrep();
                for (Irrep ir : a.times(c)) {
                    if (filter != null && !filter.contains(ir)) {
                        continue;
                    }
                    double alpha = offDiagonalAlpha(normalization, a, c, ir);
                    int mul = x.get(i).mul();
                    if (i < j) {
                        ins.add(new Object[] {i, j, outs.size(), ConnectionMode.UVUV, alpha});
                        outs.add(new MulIrrep(mul * x.get(j).mul(), ir));
                    } else if (i == j) {
                        if (mul > 1) {
                            ins.add(new Object[] {i, i, outs.size(), ConnectionMode.UVU_LT_V, alpha});
                            outs.add(new MulIrrep(mul * (mul - 1) / 2, ir));
                        }
                        if (ir.l() % 2 == 0) {
                            ins.add(new Object[] {i, i, outs.size(), ConnectionMode.UUU, diagonalAlpha(normalization, a, ir)});
                            outs.add(new MulIrrep(mul, ir));
                        }
                    }
                }
            }
        }
        Irreps.Sorted sorted = Irreps.of(outs).sort();
        int[] p = sorted.p();
        Builder b = builder(x, x, sorted.irreps()).irrepNormalization(IrrepNormalization.NONE);
        for (Object[] t : ins) {
            b.instruction(new Instruction((int) t[0], (int) t[1], p[(int) t[2]], (ConnectionMode) t[3], false,
                    (double) t[4]));
        }
        return b.build();
    }

    /**
     * e3nn's {@code TensorSquare} with output irreps: fully connected and weighted. For entries i1 &lt; i2 uvw paths,
     * for i1 = i2 u&lt;vw paths and, for even l_out, uuw paths. Input and output are simplified.
     */
    public static TensorProductSpec square(Irreps in, Irreps out) {
        return square(in, out, IrrepNormalization.COMPONENT);
    }

    /** {@link #square(Irreps, Irreps)} with the given irrep normalisation. */
    public static TensorProductSpec square(Irreps in, Irreps out, IrrepNormalization normalization) {
        Irreps x = in.simplify();
        Irreps o = out.simplify();
        Builder b = builder(x, x, o).irrepNormalization(IrrepNormalization.NONE);
        for (int i = 0; i < x.size(); i++) {
            for (int j = 0; j < x.size(); j++) {
                for (int k = 0; k < o.size(); k++) {
                    Irrep a = x.get(i).irrep();
                    Irrep c = x.get(j).irrep();
                    Irrep ir = o.get(k).irrep();
                    if (!a.couplesTo(c, ir)) {
                        continue;
                    }
                    double alpha = offDiagonalAlpha(normalization, a, c, ir);
                    if (i < j) {
                        b.instruction(new Instruction(i, j, k, ConnectionMode.UVW, true, alpha));
                    } else if (i == j) {
                        if (x.get(i).mul() > 1) {
                            b.instruction(new Instruction(i, i, k, ConnectionMode.U_LT_VW, true, alpha));
                        }
                        if (ir.l() % 2 == 0) {
                            b.instruction(new Instruction(i, i, k, ConnectionMode.UUW, true, diagonalAlpha(normalization, a, ir)));
                        }
                    }
                }
            }
        }
        return b.build();
    }

    private static double offDiagonalAlpha(IrrepNormalization n, Irrep a, Irrep c, Irrep out) {
        return switch (n) {
            case COMPONENT -> out.dim();
            case NORM -> a.dim() * c.dim();
            case NONE -> 1;
        };
    }

    /** e3nn's constants for the diagonal u = u of x ⊗ x (even l_out). */
    private static double diagonalAlpha(IrrepNormalization n, Irrep a, Irrep out) {
        return switch (n) {
            case COMPONENT -> out.l() == 0 ? out.dim() / (double) (a.dim() + 2) : out.dim() / 2.0;
            case NORM -> out.l() == 0 ? out.dim() * a.dim() : a.dim() * (a.dim() + 2) / 2.0;
            case NONE -> 1;
        };
    }

    /** The first input's irreps. */
    public Irreps in1() {
        return in1;
    }

    /** The second input's irreps. */
    public Irreps in2() {
        return in2;
    }

    /** The output irreps. */
    public Irreps out() {
        return out;
    }

    public IrrepNormalization irrepNormalization() {
        return irrepNormalization;
    }

    public PathNormalization pathNormalization() {
        return pathNormalization;
    }

    /** The paths, one per instruction, in instruction order. */
    public List<Path> paths() {
        return paths;
    }

    /** The instructions as given. */
    public List<Instruction> instructions() {
        List<Instruction> list = new ArrayList<>(paths.size());
        for (Path p : paths) {
            list.add(p.instruction());
        }
        return list;
    }

    /** The length of the flat weight vector. */
    public int weightNumel() {
        return weightNumel;
    }

    /** Whether any path has weights. */
    public boolean hasWeights() {
        return weightNumel > 0;
    }

    /** Per output entry: whether some non-empty path writes to it (entries that none reaches are always zero). */
    public boolean[] outputMask() {
        boolean[] mask = new boolean[out.size()];
        for (Path p : paths) {
            if (!p.isEmpty()) {
                mask[p.instruction().out()] = true;
            }
        }
        return mask;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TensorProductSpec s)) {
            return false;
        }
        if (!s.in1.equals(in1) || !s.in2.equals(in2) || !s.out.equals(out) || s.paths.size() != paths.size()) {
            return false;
        }
        for (int k = 0; k < paths.size(); k++) {
            Path a = paths.get(k);
            Path b = s.paths.get(k);
            if (!a.instruction().equals(b.instruction()) || Double.compare(a.coefficient(), b.coefficient()) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(in1, in2, out, instructions());
    }

    /** e3nn's summary: {@code "2x0e+1x1o x 1x0e -> 2x0e+1x1o | 3 paths | 5 weights"}. */
    @Override
    public String toString() {
        return in1 + " x " + in2 + " -> " + out + " | " + paths.size() + " paths | " + weightNumel + " weights";
    }

    /** Builder of a {@link TensorProductSpec}. */
    public static final class Builder {
        private final Irreps in1;
        private final Irreps in2;
        private final Irreps out;
        private final List<Instruction> instructions = new ArrayList<>();
        private IrrepNormalization irrepNormalization = IrrepNormalization.COMPONENT;
        private PathNormalization pathNormalization = PathNormalization.ELEMENT;
        private double[] in1Var;
        private double[] in2Var;
        private double[] outVar;

        private Builder(Irreps in1, Irreps in2, Irreps out) {
            this.in1 = Objects.requireNonNull(in1, "in1");
            this.in2 = Objects.requireNonNull(in2, "in2");
            this.out = Objects.requireNonNull(out, "out");
        }

        /** Adds a path. */
        public Builder instruction(Instruction instruction) {
            instructions.add(Objects.requireNonNull(instruction, "instruction"));
            return this;
        }

        /** Adds a path with path weight 1. */
        public Builder instruction(int in1, int in2, int out, ConnectionMode mode, boolean hasWeight) {
            return instruction(new Instruction(in1, in2, out, mode, hasWeight));
        }

        /** Default {@link IrrepNormalization#COMPONENT}. */
        public Builder irrepNormalization(IrrepNormalization n) {
            this.irrepNormalization = Objects.requireNonNull(n, "irrepNormalization");
            return this;
        }

        /** Default {@link PathNormalization#ELEMENT}. */
        public Builder pathNormalization(PathNormalization n) {
            this.pathNormalization = Objects.requireNonNull(n, "pathNormalization");
            return this;
        }

        /** Assumed variance of each entry of input 1 (default 1). */
        public Builder in1Variances(double... v) {
            this.in1Var = v.clone();
            return this;
        }

        /** Assumed variance of each entry of input 2 (default 1). */
        public Builder in2Variances(double... v) {
            this.in2Var = v.clone();
            return this;
        }

        /** Wanted variance of each output entry (default 1). */
        public Builder outVariances(double... v) {
            this.outVar = v.clone();
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException naming the instruction whose entry does not exist, whose irreps break the
         *     selection rule, or whose multiplicities do not fit its mode
         */
        public TensorProductSpec build() {
            return new TensorProductSpec(this);
        }
    }
}

package org.equivariant4j.nn.activation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.ParameterFreeBlock;
import org.equivariant4j.nn.ops.DeviceConstants;
import org.equivariant4j.repr.ClebschGordan;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.Representation;

/**
 * Tensor-product nonlinearity (the product of escnn's {@code TensorProductModule}, without its learned maps, which are
 * the equivariant linear layers around it): the input's irreducible fields come in pairs, field k with field K + k
 * (K = half the fields), and the output holds, pair after pair, the Clebsch–Gordan components of a_k ⊗ b_k of
 * frequency at most L:
 * <pre>
 *   y_{k,c} = Σ_{ij} C_c[i][j][·] a_{k,i} b_{k,j}        for every path c of ψ_a ⊗ ψ_b ({@link ClebschGordan}) with f_c ≤ L
 * </pre>
 * at every point of the base space. Keeping every path gives ‖y_k‖ = ‖a_k‖·‖b_k‖ (the paths are an orthogonal change
 * of basis). A product of two polar fields of O(3) has paths of both parities: (1o ⊗ 1o) holds the axial 1e (the cross
 * product), (2e ⊗ 1o) the pseudo-vector 1e and 2o, so stacked products make pseudoscalars that the gated and norm
 * nonlinearities, which keep each field's type, never make.
 *
 * <h2>Equivariance</h2>
 * (ρ_a(g) ⊗ ρ_b(g)) C_c = C_c ψ_c(g) for every g, so the map commutes with every group element exactly: no sampling of
 * the group, unlike {@link FourierPointwise}, whose samples are exact only for the elements that permute them.
 */
public final class TensorProductNonlinearity extends ParameterFreeBlock {
    private final int maxFrequency;
    /** Pairs grouped by their irreps (ψ_a, ψ_b): one batched product each. */
    private final List<PairGroup> groups;
    /** Output channel c comes from channel order[c] of the groups' outputs laid one after another. */
    private final long[] order;
    private final DeviceConstants constants;

    /** Pairs of one irrep pair: their channel indices and the kept paths as one matrix [d_a·d_b, d_out]. */
    private record PairGroup(long[] left, long[] right, int leftDim, int rightDim, double[] paths, int outDim) {}

    private TensorProductNonlinearity(FieldType in, int maxFrequency, FieldType out, List<PairGroup> groups, long[] order) {
        super(in, out);
        this.maxFrequency = maxFrequency;
        this.groups = groups;
        this.order = order;
        this.constants = addConstants("tensor product", this::buildConstants);
    }

    /**
     * The products of field k and field K + k of {@code in} (2K irreducible fields) decomposed into their irreps of
     * frequency ≤ {@code maxFrequency}.
     */
    public static TensorProductNonlinearity of(FieldType in, int maxFrequency) {
        if (maxFrequency < 0) {
            throw new IllegalArgumentException("the largest output frequency must be >= 0, got " + maxFrequency);
        }
        if (in.fields() % 2 != 0) {
            throw new IllegalArgumentException("TensorProductNonlinearity multiplies field k with field K + k and needs an even"
                    + " number of fields; " + in + " has " + in.fields());
        }
        int pairs = in.fields() / 2;
        Map<List<Irrep<?>>, List<Integer>> byIrreps = new LinkedHashMap<>();
        for (int k = 0; k < pairs; k++) {
            byIrreps.computeIfAbsent(List.of(irrep(in, k), irrep(in, pairs + k)), key -> new ArrayList<>()).add(k);
        }
        // per pair k: its output representations and its channel range within the groups' concatenated outputs
        List<List<Representation<?>>> outputs = new ArrayList<>(pairs);
        long[] groupChannel = new long[pairs];
        int[] pairOutDim = new int[pairs];
        for (int k = 0; k < pairs; k++) {
            outputs.add(null);
        }
        List<PairGroup> groups = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<List<Irrep<?>>, List<Integer>> e : byIrreps.entrySet()) {
            Irrep<?> a = e.getKey().get(0);
            Irrep<?> b = e.getKey().get(1);
            List<ClebschGordan.Path<?>> kept = keptPaths(a, b, maxFrequency);
            if (kept.isEmpty()) {
                throw new IllegalArgumentException("TensorProductNonlinearity: " + a + " ⊗ " + b + " (fields " + e.getValue()
                        + " and their partners of " + in + ") has no component of frequency <= " + maxFrequency);
            }
            int da = a.dimension();
            int db = b.dimension();
            int dout = kept.stream().mapToInt(p -> p.irrep().dimension()).sum();
            double[] m = new double[da * db * dout];
            int col = 0;
            for (ClebschGordan.Path<?> p : kept) {
                double[][][] c = p.coefficients();
                for (int i = 0; i < da; i++) {
                    for (int j = 0; j < db; j++) {
                        for (int q = 0; q < p.irrep().dimension(); q++) {
                            m[(i * db + j) * dout + col + q] = c[i][j][q];
                        }
                    }
                }
                col += p.irrep().dimension();
            }
            List<Integer> ks = e.getValue();
            long[] left = new long[ks.size() * da];
            long[] right = new long[ks.size() * db];
            for (int n = 0; n < ks.size(); n++) {
                int k = ks.get(n);
                for (int i = 0; i < da; i++) {
                    left[n * da + i] = in.fieldStart(k) + i;
                }
                for (int j = 0; j < db; j++) {
                    right[n * db + j] = in.fieldStart(pairs + k) + j;
                }
                outputs.set(k, kept.stream().<Representation<?>>map(ClebschGordan.Path::irrep).toList());
                groupChannel[k] = offset + (long) n * dout;
                pairOutDim[k] = dout;
            }
            groups.add(new PairGroup(left, right, da, db, m, dout));
            offset += (long) ks.size() * dout;
        }
        List<Representation<?>> reps = new ArrayList<>();
        outputs.forEach(reps::addAll);
        long[] order = new long[(int) offset];
        int c = 0;
        for (int k = 0; k < pairs; k++) {
            for (int q = 0; q < pairOutDim[k]; q++) {
                order[c++] = groupChannel[k] + q;
            }
        }
        return new TensorProductNonlinearity(in, maxFrequency, FieldType.of(in.gspace(), reps), groups, order);
    }

    private static Irrep<?> irrep(FieldType in, int field) {
        Representation<?> r = in.representations().get(field);
        if (!(r instanceof Irrep<?> irrep)) {
            throw new IllegalArgumentException("TensorProductNonlinearity needs irreducible fields; field " + field + " of "
                    + in + " is " + r);
        }
        return irrep;
    }

    @SuppressWarnings("unchecked")
    private static <E extends GroupElement> List<ClebschGordan.Path<?>> keptPaths(Irrep<?> a, Irrep<?> b, int maxFrequency) {
        ClebschGordan<E> cg = ClebschGordan.of((Irrep<E>) a, (Irrep<E>) b);
        return cg.paths().stream().filter(p -> p.irrep().frequency() <= maxFrequency).<ClebschGordan.Path<?>>map(p -> p)
                .toList();
    }

    /** L, the largest frequency kept. */
    public int maxFrequency() {
        return maxFrequency;
    }

    private NDList buildConstants(NDManager manager, DataType dataType) {
        NDList list = new NDList();
        for (PairGroup g : groups) {
            list.add(manager.create(g.left()));
            list.add(manager.create(g.right()));
            list.add(manager.create(g.paths(), new Shape(g.leftDim() * g.rightDim(), g.outDim())).toType(dataType, false));
        }
        list.add(manager.create(order));
        return list;
    }

    @Override
    protected NDArray apply(NDArray x) {
        DeviceConstants.Copy k = constantsFor(constants, x);
        Shape s = x.getShape();
        long batch = s.get(0);
        Shape spatial = s.slice(2);
        long points = spatial.size();
        NDList outs = new NDList(groups.size());
        for (int n = 0; n < groups.size(); n++) {
            PairGroup g = groups.get(n);
            long pairs = g.left().length / g.leftDim();
            NDArray a = x.get(new NDIndex(":, {}", k.get(3 * n))).reshape(batch, pairs, g.leftDim(), 1, points);
            NDArray b = x.get(new NDIndex(":, {}", k.get(3 * n + 1))).reshape(batch, pairs, 1, g.rightDim(), points);
            NDArray product = a.mul(b).reshape(batch, pairs, (long) g.leftDim() * g.rightDim(), points).transpose(0, 1, 3, 2);
            outs.add(product.matMul(k.get(3 * n + 2)).transpose(0, 1, 3, 2).reshape(batch, pairs * g.outDim(), points));
        }
        NDArray y = outs.size() == 1 ? outs.singletonOrThrow() : NDArrays.concat(outs, 1);
        return y.get(new NDIndex(":, {}", k.get(3 * groups.size()))).reshape(new Shape(batch, outType().size()).addAll(spatial));
    }

    @Override
    protected int[] config() {
        return new int[] {inType().size(), outType().size(), maxFrequency};
    }

    @Override
    public String toString() {
        return "TensorProductNonlinearity(" + inType() + " -> " + outType() + ", frequencies <= " + maxFrequency + ")";
    }
}

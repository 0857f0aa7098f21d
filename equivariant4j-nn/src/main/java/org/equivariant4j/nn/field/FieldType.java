package org.equivariant4j.nn.field;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.equivariant4j.group.FiniteGroup;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.group.SubgroupEmbedding;
import org.equivariant4j.linalg.Matrices;
import org.equivariant4j.nn.ops.BasisExpansion;
import org.equivariant4j.repr.Representation;

/**
 * The type of a feature space: a {@link GSpace} and a list of representations ρ_1 … ρ_n of its fibre group, one per
 * field. A feature map of this type has C = Σ dim ρ_i channels; field i occupies channels
 * [{@link #fieldStart}(i), fieldStart(i) + dim ρ_i), and g ∈ G acts by
 * (g·f)(x) = (ρ_1(g) ⊕ … ⊕ ρ_n(g)) f(g⁻¹x).
 *
 * <p>Immutable. Two field types are equal when their GSpaces are equal and their representations agree field by field;
 * representations are identified by their group, name and dimension (as escnn identifies them by name), so the same
 * GSpace's {@code regularRepr()} used twice gives equal types.
 */
public final class FieldType {
    private final GSpace gspace;
    private final List<Representation<?>> representations;
    private final int[] starts;
    private final int size;

    private FieldType(GSpace gspace, List<? extends Representation<?>> representations) {
        this.gspace = Objects.requireNonNull(gspace, "gspace");
        if (representations.isEmpty()) {
            throw new IllegalArgumentException("a field type needs at least one field");
        }
        for (Representation<?> rho : representations) {
            gspace.requireOwn(Objects.requireNonNull(rho, "representation"), "a field");
        }
        this.representations = List.copyOf(representations);
        this.starts = new int[representations.size()];
        int c = 0;
        for (int i = 0; i < starts.length; i++) {
            starts[i] = c;
            c += representations.get(i).dimension();
        }
        this.size = c;
    }

    /** {@code multiplicity} fields of the representation ρ. */
    public static FieldType of(GSpace gspace, int multiplicity, Representation<?> rho) {
        if (multiplicity < 1) {
            throw new IllegalArgumentException("a field type needs at least one field, got multiplicity " + multiplicity + " of "
                    + (rho == null ? "null" : rho.name()));
        }
        return new FieldType(gspace, Collections.nCopies(multiplicity, rho));
    }

    /** One field per representation, in order. */
    public static FieldType of(GSpace gspace, List<? extends Representation<?>> representations) {
        return new FieldType(gspace, representations);
    }

    /** The GSpace. */
    public GSpace gspace() {
        return gspace;
    }

    /** ρ_1 … ρ_n. */
    public List<Representation<?>> representations() {
        return representations;
    }

    /** C, the number of channels. */
    public int size() {
        return size;
    }

    /** n, the number of fields. */
    public int fields() {
        return representations.size();
    }

    /** The first channel of field i. */
    public int fieldStart(int field) {
        return starts[Objects.checkIndex(field, starts.length)];
    }

    /** dim ρ_i. */
    public int fieldSize(int field) {
        return representations.get(field).dimension();
    }

    /** The union: this type's fields followed by the other's (same GSpace). */
    public FieldType plus(FieldType other) {
        requireSameGSpace(other, "join");
        List<Representation<?>> all = new ArrayList<>(representations);
        all.addAll(other.representations);
        return new FieldType(gspace, all);
    }

    /** The fields [from, to). */
    public FieldType select(int from, int to) {
        if (from < 0 || to > fields() || from >= to) {
            throw new IllegalArgumentException("field range [" + from + ", " + to + ") outside the " + fields() + " fields of "
                    + this);
        }
        return new FieldType(gspace, representations.subList(from, to));
    }

    /**
     * The same fields grouped by representation (in order of first appearance) and the permutation that does it:
     * {@code permutation()[i]} is the field of this type that becomes field i of the sorted type.
     *
     * @param type        the sorted type
     * @param permutation sorted field i = this type's field permutation[i]
     */
    public record Sorted(FieldType type, int[] permutation) {}

    /** The fields grouped by representation (see {@link Sorted}). */
    public Sorted sorted() {
        List<Integer> typeOf = new ArrayList<>();
        for (int t : types().typeOfField()) {
            typeOf.add(t);
        }
        Integer[] order = new Integer[fields()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Integer.compare(typeOf.get(a), typeOf.get(b)));
        List<Representation<?>> reps = new ArrayList<>();
        int[] perm = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            perm[i] = order[i];
            reps.add(representations.get(order[i]));
        }
        return new Sorted(new FieldType(gspace, reps), perm);
    }

    /** The distinct representations, in order of first appearance (by group, name and dimension). */
    public List<Representation<?>> distinctRepresentations() {
        return new ArrayList<>(distinct().values());
    }

    private Map<String, Representation<?>> distinct() {
        Map<String, Representation<?>> map = new LinkedHashMap<>();
        for (Representation<?> r : representations) {
            map.putIfAbsent(key(r), r);
        }
        return map;
    }

    /** The fields as type indices into {@link #distinctRepresentations()}, for a {@link BasisExpansion}. */
    public BasisExpansion.Fields types() {
        List<String> keys = new ArrayList<>(distinct().keySet());
        int[] typeOf = new int[fields()];
        for (int i = 0; i < typeOf.length; i++) {
            typeOf[i] = keys.indexOf(key(representations.get(i)));
        }
        List<Representation<?>> reps = distinctRepresentations();
        int[] sizes = new int[reps.size()];
        for (int t = 0; t < sizes.length; t++) {
            sizes[t] = reps.get(t).dimension();
        }
        return new BasisExpansion.Fields(typeOf, sizes);
    }

    private static String key(Representation<?> r) {
        return r.group().name() + "|" + r.name() + "|" + r.dimension();
    }

    /** The same fields as a type of a subgroup's GSpace, each representation restricted. */
    public FieldType restrict(Subgroup subgroup) {
        GSpace sub = gspace.restrict(subgroup);
        SubgroupEmbedding<?, ?> e = gspace.subgroupEmbedding(subgroup);
        Map<String, Representation<?>> restricted = new LinkedHashMap<>();
        List<Representation<?>> reps = new ArrayList<>();
        for (Representation<?> r : representations) {
            reps.add(restricted.computeIfAbsent(key(r), k -> restrict(r, e)));
        }
        return new FieldType(sub, reps);
    }

    @SuppressWarnings("unchecked")
    private static <H extends GroupElement, E extends GroupElement> Representation<H> restrict(Representation<?> r,
            SubgroupEmbedding<?, ?> e) {
        return ((Representation<E>) r).restrict((SubgroupEmbedding<H, E>) e);
    }

    /** ρ_1(g) ⊕ … ⊕ ρ_n(g), a dense C×C matrix. */
    public double[][] fibreMatrix(GroupElement g) {
        double[][] m = new double[size][size];
        Map<String, double[][]> blocks = new LinkedHashMap<>();
        for (int i = 0; i < representations.size(); i++) {
            Representation<?> r = representations.get(i);
            double[][] b = blocks.computeIfAbsent(key(r), k -> GSpace.matrix(r, g));
            for (int a = 0; a < b.length; a++) {
                System.arraycopy(b[a], 0, m[starts[i] + a], starts[i], b.length);
            }
        }
        return m;
    }

    /** Whether every field is trivial (scalar fields). */
    public boolean isTrivial() {
        return representations.stream().allMatch(r -> r.dimension() == 1 && r.irreps().size() == 1
                && r.irreps().get(0).equals(r.group().trivialIrrep()));
    }

    /**
     * Whether every field's representation acts by permutation matrices (trivial, regular, quotient representations of
     * a finite group): then any pointwise nonlinearity commutes with the group, and so do channel-wise max and average.
     */
    public boolean isPointwiseCompatible() {
        for (Representation<?> r : distinctRepresentations()) {
            if (!isPermutationRepresentation(r)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isPermutationRepresentation(Representation<?> r) {
        if (!(r.group() instanceof FiniteGroup<?> f)) {
            return r.dimension() == 1 && r.irreps().get(0).equals(r.group().trivialIrrep());
        }
        for (GroupElement g : f.generators()) {
            double[][] m = GSpace.matrix(r, g);
            for (double[] row : m) {
                int ones = 0;
                for (double v : row) {
                    if (Math.abs(v - 1) < 1e-12) {
                        ones++;
                    } else if (Math.abs(v) > 1e-12) {
                        return false;
                    }
                }
                if (ones != 1) {
                    return false;
                }
            }
            if (!Matrices.isOrthogonal(m, 1e-12)) {
                return false;
            }
        }
        return true;
    }

    /** Checks that another type has the same GSpace. */
    void requireSameGSpace(FieldType other, String what) {
        if (!gspace.equals(other.gspace)) {
            throw new IllegalArgumentException("cannot " + what + " field types of different GSpaces: " + this + " and "
                    + other);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FieldType t) || !t.gspace.equals(gspace) || t.representations.size() != representations.size()) {
            return false;
        }
        for (int i = 0; i < representations.size(); i++) {
            if (!key(representations.get(i)).equals(key(t.representations.get(i)))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = gspace.hashCode();
        for (Representation<?> r : representations) {
            h = 31 * h + key(r).hashCode();
        }
        return h;
    }

    /** E.g. "[C8 on R2: 3×trivial, 16×regular]" (runs of equal representations counted). */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[").append(gspace).append(": ");
        int i = 0;
        boolean first = true;
        while (i < representations.size()) {
            int j = i;
            while (j < representations.size() && key(representations.get(j)).equals(key(representations.get(i)))) {
                j++;
            }
            b.append(first ? "" : ", ").append(j - i).append('×').append(representations.get(i).name());
            first = false;
            i = j;
        }
        return b.append(" (").append(size).append(size == 1 ? " channel)]" : " channels)]").toString();
    }
}

package org.equivariant4j.group;

import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.Representation;

/**
 * A finite subgroup of O(3) with improper elements (rotations composed with the inversion x ↦ −x), elements being
 * {@link O3Element}s found as the closure of generators. {@link #fullOctahedral()} is O_h = O × {±I}, the 48 symmetries
 * of the cube, which map the voxel grid to itself.
 *
 * <p>Irreps are found by splitting the restricted O(3) irreps ψ_{l,p} (degree l = 0, 1, 2, …, parity p = +1 then −1;
 * see {@link O3}) as {@link PolyhedralGroup} does with SO(3), and named by the usual character-table labels with g
 * (even under the inversion) or u (odd): O_h has A1g, A1u (l = 0), T1u, T1g (l = 1), Eg, T2g, Eu, T2u (l = 2), A2u, A2g
 * (l = 3). The irrep's frequency is the l it was found in.
 */
public final class PointGroup extends FiniteGroup<O3Element> {
    private final O3 o3 = new O3();
    private final String[][] labels;
    private final int generatorCount;
    private final List<Irrep<O3Element>> irreps;

    private PointGroup(String name, List<O3Element> elements, int generatorCount, String[][] labels) {
        super(name, elements);
        this.labels = labels;
        this.generatorCount = generatorCount;
        this.irreps = List.copyOf(findIrreps());
    }

    /** O_h (order 48): the cube's rotations (90° about z, 120° about (1, 1, 1)) and the inversion. */
    static PointGroup fullOctahedral() {
        Quaternion a = Quaternion.fromAxisAngle(0, 0, 1, Math.PI / 2);
        Quaternion b = Quaternion.fromAxisAngle(1 / Math.sqrt(3), 1 / Math.sqrt(3), 1 / Math.sqrt(3), 2 * Math.PI / 3);
        List<O3Element> generators = List.of(new O3Element(a, 0), new O3Element(b, 0),
                new O3Element(Quaternion.identity(), 1));
        return new PointGroup("FullOctahedral", closure(generators, 48), generators.size(), new String[][] {
            {"1", "0", "e", "A1g"}, {"1", "0", "o", "A1u"}, {"3", "1", "o", "T1u"}, {"3", "1", "e", "T1g"},
            {"2", "2", "e", "Eg"}, {"3", "2", "e", "T2g"}, {"2", "2", "o", "Eu"}, {"3", "2", "o", "T2u"},
            {"1", "3", "o", "A2u"}, {"1", "3", "e", "A2g"}});
    }

    private static List<O3Element> closure(List<O3Element> generators, int expected) {
        O3 o3 = new O3();
        List<O3Element> elements = new ArrayList<>();
        elements.add(o3.identity());
        for (int i = 0; i < elements.size() && elements.size() <= expected; i++) {
            for (O3Element gen : generators) {
                O3Element next = o3.compose(elements.get(i), gen);
                if (elements.stream().noneMatch(e -> o3.isClose(e, next, 1e-9))) {
                    elements.add(next);
                }
            }
        }
        if (elements.size() != expected) {
            throw new IllegalStateException("the generators closed to " + elements.size() + " elements, expected " + expected);
        }
        return elements;
    }

    @Override
    protected int locate(O3Element g) {
        List<O3Element> el = elements();
        for (int i = 0; i < el.size(); i++) {
            if (el.get(i).inversion() == g.inversion() && el.get(i).rotation().distance(g.rotation()) < 1e-7) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public O3Element identity() {
        return elements().get(0);
    }

    @Override
    public O3Element compose(O3Element a, O3Element b) {
        return o3.compose(requireElement(a), requireElement(b));
    }

    @Override
    public O3Element inverse(O3Element a) {
        return o3.inverse(requireElement(a));
    }

    @Override
    public boolean isClose(O3Element a, O3Element b, double tolerance) {
        return o3.isClose(requireElement(a), requireElement(b), tolerance);
    }

    /** The generators the group was built from (the closure lists them right after the identity). */
    @Override
    public List<O3Element> generators() {
        return elements().subList(1, 1 + generatorCount);
    }

    @Override
    public int actionDimension() {
        return 3;
    }

    @Override
    public double[][] standardAction(O3Element g) {
        return requireElement(g).matrix();
    }

    @Override
    public O3Element requireElement(Object candidate) {
        if (candidate instanceof O3Element e && locate(e) >= 0) {
            return e;
        }
        throw new IllegalArgumentException("expected an element of the " + name() + " group (one of its " + order()
                + " rotations and improper rotations), got " + candidate);
    }

    @Override
    public List<Irrep<O3Element>> irreps() {
        return irreps;
    }

    /** The irrep with the given character-table label (see the class doc). */
    public Irrep<O3Element> irrep(String label) {
        for (Irrep<O3Element> p : irreps) {
            if (p.name().equals(label)) {
                return p;
            }
        }
        throw new IllegalArgumentException("the " + name() + " group has irreps " + irreps.stream().map(Irrep::name).toList()
                + ", got \"" + label + "\"");
    }

    @Override
    public Irrep<O3Element> trivialIrrep() {
        return irreps.get(0);
    }

    @Override
    public Representation<O3Element> standardRepresentation() {
        return Representation.of(this, "standard", 3, this::standardAction);
    }

    /** The inclusion into O(3). */
    public SubgroupEmbedding<O3Element, O3Element> embeddingInO3(O3 group) {
        return new SubgroupEmbedding<>(this, group, g -> g, name() + " < O(3)");
    }

    private List<Irrep<O3Element>> findIrreps() {
        List<IrrepSearch.Candidate<O3Element>> candidates = new ArrayList<>();
        for (int l = 0; l <= 8; l++) {
            int natural = l % 2 == 0 ? 1 : -1;
            for (int parity : new int[] {natural, -natural}) {
                Irrep<O3Element> psi = o3.irrep(l, parity);
                candidates.add(new IrrepSearch.Candidate<>(l, parity, 2 * l + 1, psi::matrix));
            }
        }
        return IrrepSearch.find(this, candidates, 20240607L, (dim, c) -> label(dim, c.degree(), c.parity()));
    }

    private String label(int dim, int l, int parity) {
        String p = parity == 1 ? "e" : "o";
        for (String[] row : labels) {
            if (Integer.parseInt(row[0]) == dim && Integer.parseInt(row[1]) == l && row[2].equals(p)) {
                return row[3];
            }
        }
        throw new IllegalStateException("unexpected irrep of dimension " + dim + " in degree " + l + p + " of " + name());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PointGroup p && p.name().equals(name());
    }

    @Override
    public int hashCode() {
        return name().hashCode();
    }
}

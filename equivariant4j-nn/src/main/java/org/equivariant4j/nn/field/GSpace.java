package org.equivariant4j.nn.field;

import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.equivariant4j.group.CyclicGroup;
import org.equivariant4j.group.DihedralGroup;
import org.equivariant4j.group.FiniteGroup;
import org.equivariant4j.group.Group;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.O2;
import org.equivariant4j.group.O2Element;
import org.equivariant4j.group.O3;
import org.equivariant4j.group.O3Element;
import org.equivariant4j.group.SO2;
import org.equivariant4j.group.SO3;
import org.equivariant4j.group.CylindricalGroup;
import org.equivariant4j.group.SubgroupEmbedding;
import org.equivariant4j.kernel.BasisAttributes;
import org.equivariant4j.kernel.CircularHarmonicFunctions;
import org.equivariant4j.kernel.FrequencyCutoff;
import org.equivariant4j.kernel.GaussianRadialProfile;
import org.equivariant4j.kernel.GridResampling;
import org.equivariant4j.kernel.HarmonicIntertwiners;
import org.equivariant4j.kernel.IntertwinerKernelBasis;
import org.equivariant4j.kernel.KernelGrid;
import org.equivariant4j.kernel.SampledKernelBasis;
import org.equivariant4j.kernel.SphericalHarmonicFunctions;
import org.equivariant4j.kernel.SteerableKernelBasis;
import org.equivariant4j.nn.ops.BasisExpansion;
import org.equivariant4j.nn.ops.DeviceConstants;
import org.equivariant4j.repr.Intertwiners;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.Representation;

/**
 * A group G acting on a base space R^d and on the fibres of feature fields over it (escnn's GSpace): the fibre group
 * G, its action on R^d through an embedding ι: G → O(d) (G ≤ O(2) on the plane, G ≤ O(3) in space, or no base space),
 * and what layers need from it: the representations fields are typed with (trivial, irreps, regular, quotient,
 * band-limited regular), the steerable kernel bases between two of them, restriction to subgroups, and the elements
 * that map the pixel or voxel grid to itself.
 *
 * <p>The kernel bases come from one per-irrep-pair solver ({@link HarmonicIntertwiners}) over angular harmonics
 * steerable for O(d): the circular harmonics ({@link CircularHarmonicFunctions}) on the plane, the spherical harmonics
 * ({@link SphericalHarmonicFunctions}) in space. Pixels and voxels sit at the coordinates of {@link KernelGrid}: voxel
 * (a, b, c) of a D×H×W volume at x = c − (W−1)/2, y = (H−1)/2 − b, z = (D−1)/2 − a.
 *
 * <p>Created by {@link GSpaces}. Two GSpaces made by the same factory call with the same arguments are equal. Everything
 * computed for a GSpace (decompositions, per-irrep-pair kernel solutions, sampled bases) is kept by that object and
 * shared by every layer built on it: hold one GSpace per model. Thread-safe.
 *
 * <p>Representations are typed {@code Representation<?>} here so that field types of any group read the same; every
 * method checks that a representation belongs to this fibre group and says so when it does not.
 */
public final class GSpace {
    /** escnn's default band limit for the continuous groups: irreps up to this frequency are listed. */
    public static final int DEFAULT_MAX_FREQUENCY = 6;

    private final String id;
    private final Group<?> group;
    /** ι: G → O(d), null without a base space. */
    private final SubgroupEmbedding<?, ?> action;
    private final int dimension;
    private final int maxFrequency;
    private final double axis;
    /** The per-irrep-pair kernel solver, null without a base space. */
    private final HarmonicIntertwiners<?, ?> solver;
    private final ConcurrentHashMap<Object, Representation<?>> representations = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<BasisKey, SampledKernelBasis> bases = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<BasisKey, DeviceConstants> engineBases = new ConcurrentHashMap<>();

    /** A memo key: representations by identity, the rest by value. */
    private record BasisKey(IdentityKey in, IdentityKey out, KernelSpec spec) {}

    private record IdentityKey(Representation<?> rep) {
        @Override
        public boolean equals(Object o) {
            return o instanceof IdentityKey k && k.rep == rep;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(rep);
        }
    }

    /**
     * How a kernel basis is sampled: a k×k (k×k×k in space) grid with dilation, the rings, the frequency cut-off and an
     * optional filter. Defaults ({@link #of(int)} on the plane, {@link GSpace#defaultKernelSpec} for any GSpace) are
     * escnn's. Bases are memoised per GSpace when the filter is null and the cut-off
     * is a value ({@link FrequencyCutoff#defaults}, {@link FrequencyCutoff#proportional}).
     *
     * @param kernelSize k ≥ 1 (odd or even)
     * @param dilation   δ ≥ 1
     * @param rings      the radial profile
     * @param cutoff     the largest frequency per ring
     * @param filter     keeps a basis element when it returns true; null keeps all
     */
    public record KernelSpec(int kernelSize, int dilation, GaussianRadialProfile rings, FrequencyCutoff cutoff,
            Predicate<BasisAttributes> filter) {
        public KernelSpec {
            if (kernelSize < 1 || dilation < 1) {
                throw new IllegalArgumentException("kernel size and dilation must be >= 1, got " + kernelSize + " and "
                        + dilation);
            }
            Objects.requireNonNull(rings, "rings");
            Objects.requireNonNull(cutoff, "cutoff");
        }

        /** escnn's defaults for a planar k×k kernel without dilation. */
        public static KernelSpec of(int kernelSize) {
            return of(kernelSize, 1);
        }

        /** escnn's defaults for a planar k×k kernel with dilation δ. */
        public static KernelSpec of(int kernelSize, int dilation) {
            return new KernelSpec(kernelSize, dilation, GaussianRadialProfile.defaults(kernelSize, dilation),
                    FrequencyCutoff.defaults(kernelSize), null);
        }
    }

    private GSpace(String id, Group<?> group, SubgroupEmbedding<?, ?> action, int dimension, int maxFrequency, double axis,
            HarmonicIntertwiners<?, ?> solver) {
        this.id = Objects.requireNonNull(id, "id");
        this.group = Objects.requireNonNull(group, "group");
        this.action = action;
        this.dimension = dimension;
        this.maxFrequency = maxFrequency;
        this.axis = axis;
        this.solver = solver;
    }

    /** A planar GSpace: G acting on R² through ι: G → O(2). */
    <E extends GroupElement> GSpace(String id, Group<E> group, SubgroupEmbedding<E, O2Element> action, int maxFrequency,
            double axis) {
        this(id, group, Objects.requireNonNull(action, "action"), 2, maxFrequency, axis,
                new HarmonicIntertwiners<>(action, new CircularHarmonicFunctions((O2) action.group())));
    }

    /** A GSpace in space: G acting on R³ through ι: G → O(3). */
    static <E extends GroupElement> GSpace volumetric(String id, Group<E> group, SubgroupEmbedding<E, O3Element> action,
            int maxFrequency) {
        return new GSpace(id, group, Objects.requireNonNull(action, "action"), 3, maxFrequency, Double.NaN,
                new HarmonicIntertwiners<>(action, new SphericalHarmonicFunctions((O3) action.group())));
    }

    /** A GSpace without a base space (features that are vectors, for linear layers): any compact group. */
    GSpace(Group<?> group, int maxFrequency) {
        this("point", group, null, 0, maxFrequency, Double.NaN, null);
    }

    /** "c8", "d4", "so2", "o2", "flip", "trivial", "so3", "octa", …: the name the command line uses. */
    public String id() {
        return id;
    }

    /** G. */
    public Group<?> fibreGroup() {
        return group;
    }

    /** d, the dimension of the base space (2 for the plane, 3 for space, 0 without a base space). */
    public int dimension() {
        return dimension;
    }

    /** The band limit of the continuous groups (the largest frequency {@link #irreps()} lists). */
    public int maxFrequency() {
        return maxFrequency;
    }

    /** The angle of the reflection axis of a planar group (π/2: the vertical axis, x ↦ −x), NaN otherwise. */
    public double reflectionAxis() {
        return axis;
    }

    /** The d×d matrix by which g acts on the base space. */
    public double[][] baseAction(GroupElement g) {
        requireBaseSpace("a base-space action");
        return baseActionOf(cast(group, g));
    }

    @SuppressWarnings("unchecked")
    private <E extends GroupElement, H extends GroupElement> double[][] baseActionOf(E g) {
        SubgroupEmbedding<E, H> a = (SubgroupEmbedding<E, H>) action;
        return a.group().standardAction(a.include(g));
    }

    /** ι: G → O(d), the action on the base space. */
    public SubgroupEmbedding<?, ?> action() {
        requireBaseSpace("a base-space action");
        return action;
    }

    private void requireBaseSpace(String what) {
        if (action == null) {
            throw new IllegalArgumentException("the GSpace of " + group.name() + " without a base space has no " + what);
        }
    }

    /**
     * escnn's kernel settings for this base space: its rings and widths, and its frequency cut-off
     * ({@link FrequencyCutoff#defaults} on the plane, {@link FrequencyCutoff#volumetricDefaults} in space).
     */
    public KernelSpec defaultKernelSpec(int kernelSize, int dilation) {
        requireBaseSpace("convolution kernels");
        FrequencyCutoff cutoff = dimension == 3 ? FrequencyCutoff.volumetricDefaults(kernelSize)
                : FrequencyCutoff.defaults(kernelSize);
        return new KernelSpec(kernelSize, dilation, GaussianRadialProfile.defaults(kernelSize, dilation), cutoff, null);
    }

    /** The trivial representation (scalar fields). */
    public Representation<?> trivialRepr() {
        return group.trivialIrrep();
    }

    /** All irreps of a finite group; those up to {@link #maxFrequency()} of SO(2) or O(2). */
    public List<? extends Irrep<?>> irreps() {
        return group.irreps(maxFrequency);
    }

    /**
     * The irrep with these indices: C_N and SO(2) irreps by frequency k ({@code irrep(k)}); D_N, O(2) and the flip group
     * by (j, k) ({@code irrep(j, k)}), as {@code info} lists them.
     */
    public Irrep<?> irrep(int... id) {
        String name = "psi" + java.util.Arrays.toString(id).replace(" ", "");
        for (Irrep<?> psi : group.irreps(Math.max(maxFrequency, id.length == 0 ? 0 : id[id.length - 1]))) {
            if (psi.name().equals(name)) {
                return psi;
            }
        }
        throw new IllegalArgumentException(group.name() + " has no irrep " + name + "; it has "
                + irreps().stream().map(Irrep::name).toList() + (group.isFinite() ? "" : " up to frequency " + maxFrequency));
    }

    /**
     * The irrep with this name, as {@code info} and the groups name them: "psi[2]" (SO(3), C_N, SO(2)), "psi[1,2]"
     * (D_N, O(2)), "1o" and "2e" (O(3), the cylinder group), "T1" (octahedral, icosahedral), "T1u" (O_h); continuous
     * groups are searched up to {@link #maxFrequency()} (or the degree in the name, when it is higher).
     */
    public Irrep<?> irrep(String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)").matcher(name == null ? "" : name);
        int highest = maxFrequency;
        while (m.find() && m.group(1).length() < 4) {
            highest = Math.max(highest, Integer.parseInt(m.group(1)));
        }
        for (Irrep<?> psi : group.irreps(highest)) {
            if (psi.name().equals(name)) {
                return psi;
            }
        }
        throw new IllegalArgumentException(group.name() + " has no irrep \"" + name + "\"; it has "
                + irreps().stream().map(Irrep::name).toList() + (group.isFinite() ? "" : " up to frequency " + maxFrequency));
    }

    /** The regular representation of a finite group (the fields of a regular G-CNN). */
    public Representation<?> regularRepr() {
        if (!(group instanceof FiniteGroup<?> finite)) {
            throw new IllegalArgumentException(group.name() + " is continuous and has no finite regular representation; use "
                    + "bandLimitedRegularRepr(L) for the regular representation band-limited to frequency L");
        }
        return representations.computeIfAbsent("regular", k -> finite.regularRepresentation());
    }

    /**
     * The regular representation of a continuous group band-limited to frequency L: each irrep of frequency ≤ L as often
     * as in the regular representation, dim ψ / dim End ψ times (SO(2): once each; O(2): psi[0,0], psi[1,0] once, psi[1,k]
     * twice; SO(3): psi[l] 2l + 1 times, Σ (2l + 1)² channels; O(3): both parities of every degree).
     */
    public Representation<?> bandLimitedRegularRepr(int maxFrequency) {
        if (group.isFinite()) {
            throw new IllegalArgumentException(group.name() + " is finite: use regularRepr()");
        }
        if (maxFrequency < 0) {
            throw new IllegalArgumentException("the band limit must be >= 0, got " + maxFrequency);
        }
        return representations.computeIfAbsent("regular[" + maxFrequency + "]", k -> bandLimited(group, maxFrequency));
    }

    private static <E extends GroupElement> Representation<E> bandLimited(Group<E> g, int maxFrequency) {
        List<Irrep<E>> parts = new ArrayList<>();
        for (Irrep<E> psi : g.irreps(maxFrequency)) {
            int copies = psi.dimension() / psi.type().endomorphismDimension();
            for (int c = 0; c < copies; c++) {
                parts.add(psi);
            }
        }
        return Representation.directSum("regular[" + maxFrequency + "]", parts);
    }

    /** The permutation representation on the cosets G/H of a subgroup H of a finite group. */
    public Representation<?> quotientRepr(Subgroup subgroup) {
        if (!(group instanceof FiniteGroup<?>)) {
            throw new IllegalArgumentException("quotient representations are built for finite groups; " + group.name()
                    + " is continuous");
        }
        return representations.computeIfAbsent("quotient " + subgroup.id(), k -> quotient(subgroup));
    }

    @SuppressWarnings("unchecked")
    private <E extends GroupElement, H extends GroupElement> Representation<E> quotient(Subgroup subgroup) {
        SubgroupEmbedding<H, E> e = (SubgroupEmbedding<H, E>) subgroupEmbedding(subgroup);
        return ((FiniteGroup<E>) group).quotientRepresentation(e);
    }

    /** The base-space action ι as a d-dimensional representation (the fibres of a vector field). */
    public Representation<?> standardRepr() {
        requireBaseSpace("standard representation");
        return representations.computeIfAbsent("standard", k -> standard());
    }

    @SuppressWarnings("unchecked")
    private <E extends GroupElement> Representation<E> standard() {
        Group<E> g = (Group<E>) group;
        return Representation.of(g, "standard", dimension, this::baseActionOf);
    }

    /**
     * The elements that map the pixel grid to itself (rotations by multiples of 90°, reflections about the axes and
     * diagonals), or the voxel grid (those of the 48 symmetries of the cube that belong to G: the 24 cube rotations of
     * SO(3) or the octahedral group, all 48 for O(3) and O_h): the exact symmetries of a layer on images and volumes.
     */
    public List<GroupElement> gridElements() {
        requireBaseSpace("pixel grid");
        List<GroupElement> list = new ArrayList<>();
        for (GroupElement g : candidateGridElements()) {
            if (GridResampling.isSignedPermutation(baseAction(g))) {
                list.add(g);
            }
        }
        return list;
    }

    private List<GroupElement> candidateGridElements() {
        if (group instanceof FiniteGroup<?> f) {
            return new ArrayList<>(f.elements());
        }
        List<GroupElement> list = new ArrayList<>();
        if (group instanceof SO2 so2) {
            for (int q = 0; q < 4; q++) {
                list.add(so2.element(q * Math.PI / 2));
            }
        } else if (group instanceof O2 o2) {
            // with the axis: the reflections about both axes and both diagonals, if they are symmetries of the grid
            for (int j = 0; j < 2; j++) {
                for (int q = 0; q < 8; q++) {
                    list.add(o2.element(j, q * Math.PI / 4));
                }
            }
        } else if (group instanceof SO3) {
            list.addAll(Groups.octahedral().elements());
        } else if (group instanceof O3) {
            list.addAll(Groups.fullOctahedral().elements());
        } else if (group instanceof CylindricalGroup cylinder) {
            for (int j = 0; j < 2; j++) {
                for (int q = 0; q < 4; q++) {
                    list.add(cylinder.element(j, q * Math.PI / 2));
                }
            }
        }
        return list;
    }

    /** All elements of a finite group; otherwise {@code count} Haar-random elements from {@code seed}. */
    public List<GroupElement> testElements(int count, long seed) {
        if (group instanceof FiniteGroup<?> f) {
            return new ArrayList<>(f.elements());
        }
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        List<GroupElement> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(group.random(rng));
        }
        return list;
    }

    /**
     * The steerable kernel basis from ρ_in to ρ_out sampled on the spec's grid (normalised, vanishing elements
     * removed); null when only the zero kernel is equivariant. Memoised (see {@link KernelSpec}).
     */
    public SampledKernelBasis kernelBasis(Representation<?> in, Representation<?> out, KernelSpec spec) {
        requireOwn(in, "input");
        requireOwn(out, "output");
        requireBaseSpace("convolution kernels");
        if (!memoised(spec)) {
            return sampleKernel(in, out, spec);
        }
        return bases.computeIfAbsent(new BasisKey(new IdentityKey(in), new IdentityKey(out), spec),
                k -> sampleKernel(in, out, spec));
    }

    /**
     * The engine copies of {@link #kernelBasis}{@code (in, out, spec)} shared by every layer of this GSpace that expands
     * that basis (one [K, o·i·P] array per device and dtype; for SO(3) fields of 35 channels 193 MB in float32), or null
     * when the basis is not memoised (a filter, or a cut-off that is not a value) or is empty.
     */
    public DeviceConstants engineBasis(Representation<?> in, Representation<?> out, KernelSpec spec) {
        SampledKernelBasis basis = kernelBasis(in, out, spec);
        if (!memoised(spec) || basis == null) {
            return null;
        }
        return engineBases.computeIfAbsent(new BasisKey(new IdentityKey(in), new IdentityKey(out), spec),
                k -> new DeviceConstants(id + " kernel basis " + in.name() + " -> " + out.name(),
                        (manager, dataType) -> new NDList(BasisExpansion.engineBasis(manager, basis, dataType))));
    }

    /** Whether bases of this spec are memoised: no filter, and a cut-off that is a value (a record). */
    private static boolean memoised(KernelSpec spec) {
        return spec.filter() == null && spec.cutoff() instanceof Record;
    }

    @SuppressWarnings("unchecked")
    private <E extends GroupElement> SampledKernelBasis sampleKernel(Representation<?> in, Representation<?> out,
            KernelSpec spec) {
        HarmonicIntertwiners<E, ?> s = (HarmonicIntertwiners<E, ?>) solver;
        SteerableKernelBasis<E> basis = SteerableKernelBasis.of(s, (Representation<E>) in, (Representation<E>) out,
                spec.rings(), spec.cutoff(), spec.filter());
        if (basis.size() == 0) {
            return null;
        }
        double[][] grid = dimension == 3 ? KernelGrid.volumetric(spec.kernelSize(), spec.dilation())
                : KernelGrid.planar(spec.kernelSize(), spec.dilation());
        SampledKernelBasis sampled = SampledKernelBasis.of(basis, grid);
        return sampled.size() == 0 ? null : sampled;
    }

    /** The basis of equivariant linear maps ρ_in → ρ_out (a kernel on one point); null when only zero is equivariant. */
    public SampledKernelBasis linearBasis(Representation<?> in, Representation<?> out) {
        requireOwn(in, "input");
        requireOwn(out, "output");
        return bases.computeIfAbsent(new BasisKey(new IdentityKey(in), new IdentityKey(out), null), k -> sampleLinear(in, out));
    }

    @SuppressWarnings("unchecked")
    private <E extends GroupElement> SampledKernelBasis sampleLinear(Representation<?> in, Representation<?> out) {
        IntertwinerKernelBasis<E> basis = new IntertwinerKernelBasis<>(Intertwiners.of((Representation<E>) in,
                (Representation<E>) out));
        return basis.size() == 0 ? null : SampledKernelBasis.of(basis, new double[1][0]);
    }

    /** An orthonormal basis of the invariant vectors of ρ (the directions a bias may take), each of length dim ρ. */
    public double[][] invariantVectors(Representation<?> rho) {
        requireOwn(rho, "a");
        List<double[][]> basis = invariants(rho);
        double[][] v = new double[basis.size()][];
        for (int j = 0; j < v.length; j++) {
            double[][] col = basis.get(j);
            v[j] = new double[col.length];
            for (int i = 0; i < col.length; i++) {
                v[j][i] = col[i][0];
            }
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private <E extends GroupElement> List<double[][]> invariants(Representation<?> rho) {
        Representation<E> r = (Representation<E>) rho;
        return Intertwiners.basis(r.group().trivialIrrep(), r);
    }

    /** The same fibre group (and band limit) without a base space: the type of features pooled over the plane. */
    public GSpace withoutBaseSpace() {
        return action == null ? this : new GSpace(group, maxFrequency);
    }

    /** The GSpace of a subgroup, acting on the plane as it does inside this one. */
    public GSpace restrict(Subgroup subgroup) {
        return restricted(subgroup);
    }

    @SuppressWarnings("unchecked")
    private <E extends GroupElement, H extends GroupElement> GSpace restricted(Subgroup subgroup) {
        SubgroupEmbedding<H, E> e = (SubgroupEmbedding<H, E>) subgroupEmbedding(subgroup);
        if (action == null) {
            return new GSpace(e.subgroup(), maxFrequency);
        }
        SubgroupEmbedding<E, GroupElement> a = (SubgroupEmbedding<E, GroupElement>) action;
        HarmonicIntertwiners<?, ?> s = harmonicSolver(e.then(a), solver.harmonics());
        return new GSpace(subgroup.id(), e.subgroup(), e.then(a), dimension, maxFrequency,
                subgroup.flips() && dimension == 2 ? axis : Double.NaN, s);
    }

    @SuppressWarnings("unchecked")
    private static <H extends GroupElement, K extends GroupElement> HarmonicIntertwiners<H, K> harmonicSolver(
            SubgroupEmbedding<H, ?> action, org.equivariant4j.kernel.AngularHarmonics<?> harmonics) {
        return new HarmonicIntertwiners<>((SubgroupEmbedding<H, K>) action,
                (org.equivariant4j.kernel.AngularHarmonics<K>) harmonics);
    }

    /**
     * The embedding of a subgroup H into G, for restricting representations.
     *
     * @throws IllegalArgumentException when G has no such subgroup (e.g. C_3 in C_8, a reflection in a rotation group)
     */
    public SubgroupEmbedding<?, ?> subgroupEmbedding(Subgroup subgroup) {
        Objects.requireNonNull(subgroup, "subgroup");
        int m = subgroup.rotations();
        if (subgroup.flips() && (group instanceof CyclicGroup || group instanceof SO2)) {
            throw new IllegalArgumentException(group.name() + " has no reflections, so it has no subgroup " + subgroup.id());
        }
        if (group instanceof CyclicGroup cn) {
            requireDivides(m, cn.rotations(), subgroup);
            return Groups.cyclic(m).embeddingIn(cn);
        }
        if (group instanceof DihedralGroup dn) {
            requireDivides(m, dn.rotations(), subgroup);
            if (subgroup.flips()) {
                return Groups.dihedral(m).embeddingIn(dn);
            }
            CyclicGroup cn = Groups.cyclic(dn.rotations());
            return Groups.cyclic(m).embeddingIn(cn).then(dn.rotationSubgroup(cn));
        }
        if (group instanceof SO2 so2) {
            if (m == -1) {
                return so2.identityEmbedding();
            }
            return Groups.cyclic(m).embeddingInSO2(so2);
        }
        if (group instanceof O2 o2) {
            if (m == -1) {
                return subgroup.flips() ? o2.identityEmbedding() : Groups.so2().embeddingInO2(o2);
            }
            return subgroup.flips() ? Groups.dihedral(m).embeddingInO2(o2) : Groups.cyclic(m).embeddingInO2(o2);
        }
        throw new IllegalArgumentException("no subgroup " + subgroup.id() + " of " + group.name());
    }

    private void requireDivides(int m, int n, Subgroup subgroup) {
        if (m == -1 || n % m != 0) {
            throw new IllegalArgumentException(group.name() + " has no subgroup " + subgroup.id() + ": the number of rotations"
                    + " must divide " + n);
        }
    }

    /** Checks that ρ is a representation of this GSpace's fibre group. */
    void requireOwn(Representation<?> rho, String role) {
        if (!rho.group().equals(group)) {
            throw new IllegalArgumentException("expected " + role + " representation of " + group.name() + " (GSpace " + id
                    + "), got " + rho);
        }
    }

    /** g as an element of G, or an exception naming both. */
    @SuppressWarnings("unchecked")
    static <E extends GroupElement> E cast(Group<?> group, GroupElement g) {
        return ((Group<E>) group).requireElement(g);
    }

    /** ρ(g) for an element checked against ρ's group. */
    @SuppressWarnings("unchecked")
    public static <E extends GroupElement> double[][] matrix(Representation<?> rho, GroupElement g) {
        Representation<E> r = (Representation<E>) rho;
        return r.matrix(r.group().requireElement(g));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GSpace s && s.id.equals(id) && s.group.equals(group) && s.dimension == dimension
                && s.maxFrequency == maxFrequency && Double.compare(s.axis, axis) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, group, maxFrequency, axis);
    }

    @Override
    public String toString() {
        if (action == null) {
            return group.name();
        }
        if (dimension == 3) {
            String how = id.startsWith("conical") ? " (conical about z)" : id.startsWith("dihedral") ? " (dihedral about z)"
                    : id.startsWith("axial") ? " (about z)" : id.equals("mir") ? " (mirror x -> -x)" : id.equals("inv")
                    ? " (inversion)" : "";
            return group.name() + " on R3" + how;
        }
        return group.name() + " on R2" + (Double.isNaN(axis) || Math.abs(axis - Math.PI / 2) < 1e-15 ? ""
                : " (reflection axis " + axis + ")");
    }
}

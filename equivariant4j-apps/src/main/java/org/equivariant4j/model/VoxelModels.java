package org.equivariant4j.model;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.equivariant4j.kernel.FrequencyCutoff;
import org.equivariant4j.kernel.GaussianRadialProfile;
import org.equivariant4j.nn.activation.GatedNonlinearity;
import org.equivariant4j.nn.activation.PointwiseNonlinearity;
import org.equivariant4j.nn.activation.TensorProductNonlinearity;
import org.equivariant4j.nn.conv.PlainConvolution;
import org.equivariant4j.nn.conv.R3Conv;
import org.equivariant4j.nn.field.EquivariantBlock;
import org.equivariant4j.nn.field.EquivariantSequential;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.field.GSpaces;
import org.equivariant4j.nn.norm.IIDBatchNorm;
import org.equivariant4j.nn.norm.InnerBatchNorm;
import org.equivariant4j.nn.ops.Convolution;
import org.equivariant4j.nn.pool.AntialiasedPool3d;
import org.equivariant4j.nn.pool.GlobalSpatialPooling;
import org.equivariant4j.repr.Representation;

/**
 * The classifiers of rotated voxel shapes: four symmetry groups, three of them in one layout. On an odd D×D×D occupancy
 * volume (one scalar field):
 * <pre>
 *   conv k5 → hidden fields → BN → nonlinearity → blur-pool /2          (D → (D+1)/2)
 *   conv k3 → hidden fields → BN → nonlinearity → blur-pool /2
 *   conv k3 → {@code width} scalar fields → BN → ELU → mean over space → linear → class logits
 * </pre>
 * ({@code so3} has a layout of its own, see below), with stride 1 and zero padding k/2 in every convolution (for odd D
 * every size stays odd, so the layout keeps the volume's centre and the equivariant models are exact for the cube
 * symmetries they contain) and anti-aliased average pooling ({@link AntialiasedPool3d}, σ = {@link #POOL_SIGMA}) as the
 * only subsampling: a strided convolution or a narrow blur aliases, which the voxel grid's symmetries do not see but
 * every other rotation does.
 * The last convolution maps to scalar (trivial) fields, so the equivariant models are invariant:
 * <ul>
 *   <li>{@code cnn}: plain 3-D convolutions ({@link PlainConvolution}, full k³ kernels) with {@code width} channels in
 *       every layer, DJL batch norm and ELU: translation-equivariant only;</li>
 *   <li>{@code octa}: {@link R3Conv} on the octahedral group (the 24 cube rotations), regular fields (24 channels each),
 *       {@link InnerBatchNorm}, pointwise ELU;</li>
 *   <li>{@code so3}: invariant under rotations only, and a different layout: the products of the whole shape's
 *       moments. One {@link R3Conv} whose kernel covers the volume (kernel D, no padding: one output voxel) maps the
 *       occupancy to 2m copies each of 0e, 1o and 2e (m = {@code fields}): Σ_x ρ(x) φ_r(‖x‖) Y_l(x/‖x‖) on rings every
 *       voxel of σ = 1 ({@link #SO3_RING_SIGMA}), degree l only from radius l on ({@link FrequencyCutoff#proportional}),
 *       where the grid samples it well; BN; a 1×1 convolution to m pairs each of (1o, 1o), (2e, 1o), (2e, 2e), (0e,
 *       1o), (0e, 2e), (0e, 0e) and their {@link TensorProductNonlinearity} products up to l = 2, which include axial
 *       fields (1e from 1o ⊗ 1o and 2e ⊗ 2e, 2o from 2e ⊗ 1o); BN; a 1×1 convolution to m pairs each of (1e, 1o),
 *       (2o, 2e), (1o, 1o), (2e, 2e), (0e, 0e), (1e, 1e), (2o, 2o) and their invariant products (l = 0): scalars, and
 *       pseudoscalars from the mixed-parity pairs, which change sign under a reflection (of degree 4 in the moments,
 *       such as u · w, u a first moment and w the axial vector of the commutator of two second moments, which tells a
 *       chiral shape from its mirror image); BN; 1×1 convolution to
 *       {@code width}/2 scalars and {@code width}/2 pseudoscalars, gated; linear. Nothing is sampled on the group and
 *       nothing nonlinear happens before the moments are integrated, so rotations off the voxel grid change the logits
 *       by 0.6-2.9 % (README; the local layout: 45-166 %). The kernel reads moments about the grid's centre, so the model
 *       expects shapes centred in the volume (the task's are);</li>
 *   <li>{@code o3}: {@link R3Conv} on O(3), fields of l ≤ 2 with both parities ({@link #hiddenType}), gated
 *       nonlinearities ({@link GatedNonlinearity}: each field times the sigmoid of its own scalar gate, exact for every
 *       rotation and reflection). Its last scalar fields are even, so it cannot tell mirror images apart.</li>
 * </ul>
 */
public final class VoxelModels {
    /** The model names. */
    public static final List<String> NAMES = List.of("cnn", "octa", "so3", "o3");
    /** The kernel size of each of the three convolutions. */
    static final int[] KERNELS = {5, 3, 3};
    /** Whether a blur-pool (stride 2) follows each convolution; every convolution has stride 1. */
    static final boolean[] POOL = {true, true, false};
    /**
     * The blur of the pools, in voxels of their input. Measured on random-init SO(3) models (invariant features of 24
     * shapes rendered canonically and rotated, change relative to their spread): 17-28 % with escnn's σ = 0.6, 1.1-2.3 %
     * with σ = 1.2: stride 2 after a narrow blur aliases, and aliasing breaks the symmetry off the voxel grid.
     */
    static final double POOL_SIGMA = 1.2;
    /** The width of the {@code so3} kernel's rings (in voxels, one ring per voxel of radius). */
    public static final double SO3_RING_SIGMA = 1.0;
    /** The pairs of the {@code so3} model's first product layer (the moments' irreps), m of each. */
    public static final List<List<String>> SO3_FIRST_PAIRS = List.of(List.of("1o", "1o"), List.of("2e", "1o"), List.of("2e", "2e"),
            List.of("0e", "1o"), List.of("0e", "2e"), List.of("0e", "0e"));
    /** The pairs of its second, invariant product layer: two give pseudoscalars, five scalars. */
    public static final List<List<String>> SO3_SECOND_PAIRS = List.of(List.of("1e", "1o"), List.of("2o", "2e"), List.of("1o", "1o"),
            List.of("2e", "2e"), List.of("0e", "0e"), List.of("1e", "1e"), List.of("2o", "2o"));

    private VoxelModels() {}

    /** The GSpace of an equivariant model, null for the plain CNN. */
    public static GSpace gspace(String name) {
        return switch (name) {
            case "cnn" -> null;
            case "octa" -> GSpaces.octaOnR3();
            case "so3", "o3" -> GSpaces.flipRot3dOnR3(2);
            default -> throw new IllegalArgumentException("unknown voxels model '" + name + "'; expected one of " + NAMES);
        };
    }

    /**
     * The hidden field type between the layers of an equivariant model with multiplicity {@code fields}: {@code fields}
     * regular fields for {@code octa}; for {@code o3} 2m 0e, 2m 0o, m 1o, m 1e and m 2e (15m channels), m =
     * {@code fields} ({@code so3}: {@link #so3MomentType}).
     */
    public static FieldType hiddenType(String name, int fields) {
        GSpace g = gspace(name);
        if ("so3".equals(name)) {
            return so3MomentType(fields);
        }
        if ("octa".equals(name)) {
            return FieldType.of(g, fields, g.regularRepr());
        }
        List<Representation<?>> reps = new ArrayList<>();
        for (String[] irrep : new String[][] {{"0e", "2"}, {"0o", "2"}, {"1o", "1"}, {"1e", "1"}, {"2e", "1"}}) {
            for (int i = 0; i < Integer.parseInt(irrep[1]) * fields; i++) {
                reps.add(g.irrep(irrep[0]));
            }
        }
        return FieldType.of(g, reps);
    }

    /** The moments of the {@code so3} model: 2m copies each of 0e, 1o and 2e (m = {@code fields}). */
    public static FieldType so3MomentType(int fields) {
        GSpace g = gspace("so3");
        List<Representation<?>> reps = new ArrayList<>();
        for (String irrep : new String[] {"0e", "1o", "2e"}) {
            for (int i = 0; i < 2 * fields; i++) {
                reps.add(g.irrep(irrep));
            }
        }
        return FieldType.of(g, reps);
    }

    /** m pairs of each type: first the left fields of every pair, then the right ones ({@link TensorProductNonlinearity}). */
    static FieldType pairs(int m, List<List<String>> types) {
        GSpace g = gspace("so3");
        List<Representation<?>> left = new ArrayList<>();
        List<Representation<?>> right = new ArrayList<>();
        for (List<String> t : types) {
            for (int i = 0; i < m; i++) {
                left.add(g.irrep(t.get(0)));
                right.add(g.irrep(t.get(1)));
            }
        }
        left.addAll(right);
        return FieldType.of(g, left);
    }

    /**
     * What the gated convolutions ({@code o3}, and {@code so3}'s last) produce: one trivial gate per field, then the fields
     * ({@link GatedNonlinearity} multiplies each by the sigmoid of its gate and drops the gates).
     */
    static FieldType gatedType(FieldType hidden) {
        GSpace g = hidden.gspace();
        return FieldType.of(g, hidden.fields(), g.trivialRepr()).plus(hidden);
    }

    /**
     * The model for D×D×D volumes (D = {@code size}, the {@code so3} kernel's size): {@code width} channels per layer for
     * the CNN, {@code fields} hidden fields for the equivariant models (m for {@code so3}), {@code classes} logits. Weights
     * of the equivariant layers are drawn from {@code seed} (the CNN's and the linear layer's from the engine's
     * generator, which the caller seeds).
     */
    public static Block create(String name, int size, int width, int fields, int classes, long seed) {
        if ("cnn".equals(name)) {
            return cnn(width, classes);
        }
        if ("so3".equals(name)) {
            return so3(size, width, fields, classes, seed);
        }
        GSpace g = gspace(name);
        FieldType in = FieldType.of(g, 1, g.trivialRepr());
        FieldType hidden = hiddenType(name, fields);
        boolean octa = "octa".equals(name);
        FieldType scalars = FieldType.of(g, width, g.trivialRepr());
        List<EquivariantBlock> blocks = new ArrayList<>();
        for (int layer = 0; layer < KERNELS.length; layer++) {
            int k = KERNELS[layer];
            boolean last = layer == KERNELS.length - 1;
            FieldType from = layer == 0 ? in : hidden;
            FieldType fieldsOut = last ? scalars : hidden;
            boolean pointwise = octa || last;
            FieldType to = pointwise ? fieldsOut : gatedType(fieldsOut);
            blocks.add(conv(from, to, k, seed + layer));
            blocks.add(octa && !last ? InnerBatchNorm.of(to) : IIDBatchNorm.of(to));
            if (pointwise) {
                blocks.add(PointwiseNonlinearity.elu(to, 1));
            } else {
                blocks.add(gated(to, fieldsOut));
            }
            if (POOL[layer]) {
                blocks.add(AntialiasedPool3d.average(fieldsOut, POOL_SIGMA, 2));
            }
        }
        blocks.add(GlobalSpatialPooling.mean(scalars));
        return new SequentialBlock().add(EquivariantSequential.of(blocks)).add(Linear.builder().setUnits(classes).build());
    }

    /** See the class doc: the moments of the whole volume, two product layers, gated scalars and pseudoscalars. */
    private static Block so3(int size, int width, int fields, int classes, long seed) {
        if (size < 3 || size % 2 == 0) {
            throw new IllegalArgumentException("the so3 model's kernel covers the volume and needs an odd size >= 3, got " + size);
        }
        GSpace g = gspace("so3");
        FieldType moments = so3MomentType(fields);
        double[] radii = new double[(size + 1) / 2];
        Arrays.setAll(radii, r -> r);
        List<EquivariantBlock> blocks = new ArrayList<>();
        blocks.add(R3Conv.builder(FieldType.of(g, 1, g.trivialRepr()), moments).kernelSize(size).padding(0).optBias(false)
                .rings(GaussianRadialProfile.uniform(radii, SO3_RING_SIGMA)).frequencyCutoff(FrequencyCutoff.proportional(1))
                .initGain(2).optSeed(seed).build());
        blocks.add(IIDBatchNorm.of(moments));
        FieldType from = moments;
        List<List<List<String>>> layers = List.of(SO3_FIRST_PAIRS, SO3_SECOND_PAIRS);
        for (int i = 0; i < layers.size(); i++) {
            FieldType pairs = pairs(fields, layers.get(i));
            blocks.add(conv(from, pairs, 1, seed + 1 + i));
            TensorProductNonlinearity product = TensorProductNonlinearity.of(pairs, i == 0 ? 2 : 0);
            blocks.add(product);
            blocks.add(IIDBatchNorm.of(product.outType()));
            from = product.outType();
        }
        FieldType scalars = readoutType(width);
        FieldType to = gatedType(scalars);
        blocks.add(conv(from, to, 1, seed + 1 + layers.size()));
        blocks.add(IIDBatchNorm.of(to));
        blocks.add(gated(to, scalars));
        blocks.add(GlobalSpatialPooling.mean(scalars));
        return new SequentialBlock().add(EquivariantSequential.of(blocks)).add(Linear.builder().setUnits(classes).build());
    }

    /** The gated nonlinearity of {@link #gatedType}: the first fields gate the others, gates dropped. */
    private static GatedNonlinearity gated(FieldType type, FieldType gatedFields) {
        int[] gates = new int[gatedFields.fields()];
        Arrays.setAll(gates, i -> i);
        return GatedNonlinearity.of(type, gates, true);
    }

    /** The last fields of {@code so3}: width − {@link #pseudoscalars}(width) scalars (0e), then the pseudoscalars (0o). */
    public static FieldType readoutType(int width) {
        GSpace g = gspace("so3");
        int odd = pseudoscalars(width);
        return FieldType.of(g, width - odd, g.irrep("0e")).plus(FieldType.of(g, odd, g.irrep("0o")));
    }

    /** How many of {@code so3}'s {@code width} last fields are pseudoscalars: half, rounded down. */
    public static int pseudoscalars(int width) {
        return width / 2;
    }

    /** Stride 1, zero padding k/2, no bias (the batch norm that follows would remove it). */
    private static R3Conv conv(FieldType from, FieldType to, int k, long seed) {
        return R3Conv.builder(from, to).kernelSize(k).padding(k / 2).optBias(false).initGain(2).optSeed(seed).build();
    }

    private static SequentialBlock cnn(int width, int classes) {
        GSpace trivial = GSpaces.trivialOnR3();
        FieldType type = FieldType.of(trivial, width, trivial.trivialRepr());
        SequentialBlock net = new SequentialBlock();
        int channels = 1;
        for (int layer = 0; layer < KERNELS.length; layer++) {
            int k = KERNELS[layer];
            net.add(new PlainConvolution(Convolution.Spec.conv3d(1, k / 2, 1, 1), channels, width, k, false))
                    .add(BatchNorm.builder().build())
                    .add(Activation.eluBlock(1f));
            if (POOL[layer]) {
                net.add(AntialiasedPool3d.average(type, POOL_SIGMA, 2));
            }
            channels = width;
        }
        return net.add(GlobalSpatialPooling.mean(type)).add(Linear.builder().setUnits(classes).build());
    }
}

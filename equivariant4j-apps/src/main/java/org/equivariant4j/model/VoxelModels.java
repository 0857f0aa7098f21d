package org.equivariant4j.model;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.equivariant4j.harmonics.fourier.RotationQuadrature;
import org.equivariant4j.nn.activation.FourierPointwise;
import org.equivariant4j.nn.activation.GatedNonlinearity;
import org.equivariant4j.nn.activation.PointwiseNonlinearity;
import org.equivariant4j.nn.activation.ScalarActivation;
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
 * The classifiers of rotated voxel shapes: one layout, four symmetry groups. On an odd D×D×D occupancy volume (one
 * scalar field):
 * <pre>
 *   conv k5 → hidden fields → BN → nonlinearity → blur-pool /2          (D → (D+1)/2)
 *   conv k3 → hidden fields → BN → nonlinearity → blur-pool /2
 *   conv k3 → {@code width} scalar fields → BN → ELU → mean over space → linear → class logits
 * </pre>
 * ({@code so3} puts a band-limited head before its last scalars, see below),
 * with stride 1 and zero padding k/2 in every convolution (for odd D every size stays odd, so the layout keeps the
 * volume's centre and the equivariant models are exact for the cube symmetries they contain) and anti-aliased average
 * pooling ({@link AntialiasedPool3d}, σ = {@link #POOL_SIGMA}) as the only subsampling: a strided convolution or a
 * narrow blur aliases, which the voxel grid's symmetries do not see but every other rotation does.
 * The last convolution maps to scalar (trivial) fields, so the equivariant models are invariant:
 * <ul>
 *   <li>{@code cnn}: plain 3-D convolutions ({@link PlainConvolution}, full k³ kernels) with {@code width} channels in
 *       every layer, DJL batch norm and ELU: translation-equivariant only;</li>
 *   <li>{@code octa}: {@link R3Conv} on the octahedral group (the 24 cube rotations), regular fields (24 channels each),
 *       {@link InnerBatchNorm}, pointwise ELU;</li>
 *   <li>{@code so3}: invariant under rotations only, built from the same O(3) fields as {@code o3} so that every field's
 *       parity is a label: an SO(3) field of degree l is an O(3) field of degree l with either parity, and keeping the
 *       two apart gives the mirror-odd parts (pseudoscalars 0o, axial vectors 1e) channels and batch-norm statistics of
 *       their own. Mixed into one SO(3) field they stay about 1e-4 of it at initialisation, too small to learn from:
 *       the first layer sees one occupancy channel, and its scalars, gradients and Hessians are all mirror-even. Two
 *       gated layers of {@link #hiddenType}, then a band-limited head at 5³: conv k3 → {@link #SO3_HEAD_FIELDS}
 *       band-limited regular O(3) fields ⊕_{l≤1, ±} (2l+1)ψ_l^± → BN → ELU sampled on the 120 cube-symmetric rotations
 *       of {@link RotationQuadrature#cubeSymmetric(int)} with and without the inversion ({@link FourierPointwise}; the
 *       product of a polar and an axial part, u·w, is a pseudoscalar it makes at second order) → conv k1 →
 *       {@code width}/2 even and {@code width}/2 odd scalar fields → BN → gated nonlinearity → mean over space → linear.
 *       The linear layer mixes scalars and pseudoscalars, which makes the logits invariant under rotations and not
 *       under reflections: mirror images are told apart;</li>
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
    /** The band-limited fields of the {@code so3} head (20 channels each). */
    public static final int SO3_HEAD_FIELDS = 16;
    /**
     * The rotations the {@code so3} head samples its ELU on: 1 block of 120 ({@link RotationQuadrature#cubeSymmetric}),
     * each with and without the inversion.
     */
    static final int SO3_HEAD_GRID_BLOCKS = 1;

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
     * regular fields for {@code octa}; for {@code so3} and {@code o3} 2m 0e, 2m 0o, m 1o, m 1e and m 2e (15m channels),
     * m = {@code fields}.
     */
    public static FieldType hiddenType(String name, int fields) {
        GSpace g = gspace(name);
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

    /** The band-limited fields of the {@code so3} head: {@link #SO3_HEAD_FIELDS} copies of ⊕_{l≤1, ±} (2l+1)ψ_l^±. */
    public static FieldType so3HeadType() {
        GSpace g = gspace("so3");
        return FieldType.of(g, SO3_HEAD_FIELDS, g.bandLimitedRegularRepr(1));
    }

    /**
     * What the gated convolutions ({@code so3}, {@code o3}) produce: one trivial gate per field, then the fields
     * ({@link GatedNonlinearity} multiplies each by the sigmoid of its gate and drops the gates).
     */
    static FieldType gatedType(FieldType hidden) {
        GSpace g = hidden.gspace();
        return FieldType.of(g, hidden.fields(), g.trivialRepr()).plus(hidden);
    }

    /**
     * The model: {@code width} channels per layer for the CNN, {@code fields} hidden fields for the equivariant models,
     * {@code classes} logits. Weights of the equivariant layers are drawn from {@code seed} (the CNN's and the linear
     * layer's from the engine's generator, which the caller seeds).
     */
    public static Block create(String name, int width, int fields, int classes, long seed) {
        if ("cnn".equals(name)) {
            return cnn(width, classes);
        }
        GSpace g = gspace(name);
        FieldType in = FieldType.of(g, 1, g.trivialRepr());
        FieldType hidden = hiddenType(name, fields);
        boolean octa = "octa".equals(name);
        boolean so3 = "so3".equals(name);
        FieldType scalars = so3 ? readoutType(width) : FieldType.of(g, width, g.trivialRepr());
        List<EquivariantBlock> blocks = new ArrayList<>();
        for (int layer = 0; layer < KERNELS.length; layer++) {
            int k = KERNELS[layer];
            long convSeed = seed + layer;
            boolean last = layer == KERNELS.length - 1;
            FieldType from = layer == 0 ? in : hidden;
            if (last && so3) {
                // the band-limited head; a 1×1 convolution (the next seed) then maps it to the scalars
                FieldType head = so3HeadType();
                blocks.add(conv(from, head, k, convSeed++));
                blocks.add(IIDBatchNorm.of(head));
                blocks.add(FourierPointwise.of(head, ScalarActivation.elu(1),
                        RotationQuadrature.cubeSymmetric(SO3_HEAD_GRID_BLOCKS)));
                from = head;
                k = 1;
            }
            FieldType fieldsOut = last ? scalars : hidden;
            boolean pointwise = octa || last && !so3;
            FieldType to = pointwise ? fieldsOut : gatedType(fieldsOut);
            blocks.add(conv(from, to, k, convSeed));
            blocks.add(octa && !last ? InnerBatchNorm.of(to) : IIDBatchNorm.of(to));
            if (pointwise) {
                blocks.add(PointwiseNonlinearity.elu(to, 1));
            } else {
                int[] gates = new int[fieldsOut.fields()];
                Arrays.setAll(gates, i -> i);
                blocks.add(GatedNonlinearity.of(to, gates, true));
            }
            if (POOL[layer]) {
                blocks.add(AntialiasedPool3d.average(last ? scalars : hidden, POOL_SIGMA, 2));
            }
        }
        blocks.add(GlobalSpatialPooling.mean(scalars));
        return new SequentialBlock().add(EquivariantSequential.of(blocks)).add(Linear.builder().setUnits(classes).build());
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

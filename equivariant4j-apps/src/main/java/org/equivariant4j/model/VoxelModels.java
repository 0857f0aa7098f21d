package org.equivariant4j.model;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.nn.activation.FourierPointwise;
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

/**
 * The classifiers of rotated voxel shapes: one layout, four symmetry groups. On an odd D×D×D occupancy volume (one
 * scalar field):
 * <pre>
 *   conv k5 stride 2 → hidden fields → BN → ELU                (D → (D+1)/2)
 *   conv k3          → hidden fields → BN → ELU → blur-pool /2
 *   conv k3          → {@code width} scalar fields → BN → ELU → mean over space → linear → class logits
 * </pre>
 * with zero padding k/2 everywhere (for odd D every size stays odd, so the layout keeps the volume's centre and the
 * equivariant models are exact for the cube symmetries they contain) and anti-aliased average pooling
 * (σ = {@link AntialiasedPool3d#DEFAULT_SIGMA}, {@link AntialiasedPool3d}).
 * The last convolution maps to scalar (trivial) fields, so the equivariant models are invariant:
 * <ul>
 *   <li>{@code cnn}: plain 3-D convolutions ({@link PlainConvolution}, full k³ kernels) with {@code width} channels in
 *       every layer, DJL batch norm and ELU: translation-equivariant only;</li>
 *   <li>{@code octa}: {@link R3Conv} on the octahedral group (the 24 cube rotations), regular fields (24 channels each),
 *       {@link InnerBatchNorm}, pointwise ELU;</li>
 *   <li>{@code so3}: {@link R3Conv} on SO(3), fields of the band-limited regular representation ⊕_{l≤1} (2l+1)ψ_l
 *       (10 channels), {@link IIDBatchNorm}, ELU sampled on the 24 cube rotations ({@link FourierPointwise}, an exact
 *       quadrature for L = 1);</li>
 *   <li>{@code o3}: the same on O(3) (20 channels per field, both parities). Its scalar fields are invariant under
 *       reflections too, so it cannot tell mirror images apart.</li>
 * </ul>
 */
public final class VoxelModels {
    /** The model names. */
    public static final List<String> NAMES = List.of("cnn", "octa", "so3", "o3");
    /** The kernel size of each of the three convolutions. */
    static final int[] KERNELS = {5, 3, 3};
    /** The stride of each convolution. */
    static final int[] STRIDES = {2, 1, 1};
    /** Whether a blur-pool follows each convolution. */
    static final boolean[] POOL = {false, true, false};

    private VoxelModels() {}

    /** The GSpace of an equivariant model, null for the plain CNN. */
    public static GSpace gspace(String name) {
        return switch (name) {
            case "cnn" -> null;
            case "octa" -> GSpaces.octaOnR3();
            case "so3" -> GSpaces.rot3dOnR3(1);
            case "o3" -> GSpaces.flipRot3dOnR3(1);
            default -> throw new IllegalArgumentException("unknown voxels model '" + name + "'; expected one of " + NAMES);
        };
    }

    /** The hidden field type of an equivariant model with {@code fields} fields. */
    public static FieldType hiddenType(String name, int fields) {
        GSpace g = gspace(name);
        return "octa".equals(name) ? FieldType.of(g, fields, g.regularRepr()) : FieldType.of(g, fields, g.bandLimitedRegularRepr(1));
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
        FieldType scalars = FieldType.of(g, width, g.trivialRepr());
        boolean octa = "octa".equals(name);
        List<EquivariantBlock> blocks = new ArrayList<>();
        for (int layer = 0; layer < 3; layer++) {
            int k = KERNELS[layer];
            FieldType from = layer == 0 ? in : hidden;
            FieldType to = layer == 2 ? scalars : hidden;
            // no bias: the batch norm that follows would remove it
            blocks.add(R3Conv.builder(from, to).kernelSize(k).padding(k / 2).stride(STRIDES[layer]).optBias(false).initGain(2)
                    .optSeed(seed + layer).build());
            blocks.add(octa && layer < 2 ? InnerBatchNorm.of(to) : IIDBatchNorm.of(to));
            blocks.add(octa || layer == 2 ? PointwiseNonlinearity.elu(to, 1) : FourierPointwise.of(to, ScalarActivation.elu(1)));
            if (POOL[layer]) {
                blocks.add(AntialiasedPool3d.average(to, AntialiasedPool3d.DEFAULT_SIGMA, 2));
            }
        }
        blocks.add(GlobalSpatialPooling.mean(scalars));
        return new SequentialBlock().add(EquivariantSequential.of(blocks)).add(Linear.builder().setUnits(classes).build());
    }

    private static SequentialBlock cnn(int width, int classes) {
        GSpace trivial = GSpaces.trivialOnR3();
        FieldType type = FieldType.of(trivial, width, trivial.trivialRepr());
        SequentialBlock net = new SequentialBlock();
        int channels = 1;
        for (int layer = 0; layer < 3; layer++) {
            int k = KERNELS[layer];
            net.add(new PlainConvolution(Convolution.Spec.conv3d(STRIDES[layer], k / 2, 1, 1), channels, width, k, false))
                    .add(BatchNorm.builder().build())
                    .add(Activation.eluBlock(1f));
            if (POOL[layer]) {
                net.add(AntialiasedPool3d.average(type, AntialiasedPool3d.DEFAULT_SIGMA, 2));
            }
            channels = width;
        }
        return net.add(GlobalSpatialPooling.mean(type)).add(Linear.builder().setUnits(classes).build());
    }
}

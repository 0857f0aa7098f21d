package org.equivariant4j.nn.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Locale;
import org.equivariant4j.nn.ops.BlockInputs;

/**
 * The invariant head of a regular G-CNN: [batch, channels, |H|, height, width] → [batch, channels], first a
 * {@link GroupPooling} over the |H| axis (max or mean), then a global max or mean over all spatial positions. Both
 * reductions are invariant to permutations, so the output is invariant under every element of H that maps the pixel
 * grid to itself (and nearly so for the others). No parameters.
 */
public final class GlobalInvariantPooling extends AbstractBlock {
    private static final byte VERSION = 1;

    private final GroupPooling groupPooling;
    private final GroupPooling.Mode spatialMode;

    private GlobalInvariantPooling(int groupOrder, GroupPooling.Mode groupMode, GroupPooling.Mode spatialMode) {
        super(VERSION);
        this.groupPooling = groupMode == GroupPooling.Mode.MAX ? GroupPooling.max(groupOrder) : GroupPooling.mean(groupOrder);
        this.spatialMode = java.util.Objects.requireNonNull(spatialMode, "spatialMode");
    }

    /** Group pooling by {@code groupMode}, then global spatial pooling by {@code spatialMode}. */
    public static GlobalInvariantPooling of(int groupOrder, GroupPooling.Mode groupMode, GroupPooling.Mode spatialMode) {
        return new GlobalInvariantPooling(groupOrder, groupMode, spatialMode);
    }

    /** Max over H, then the spatial mean (the usual choice). */
    public static GlobalInvariantPooling maxThenMean(int groupOrder) {
        return of(groupOrder, GroupPooling.Mode.MAX, GroupPooling.Mode.MEAN);
    }

    /** |H|. */
    public int groupOrder() {
        return groupPooling.groupOrder();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        checkShape(BlockInputs.single(this, inputs).getShape());
        NDArray p = groupPooling.forward(parameterStore, inputs, training, params).singletonOrThrow();
        Shape s = p.getShape();
        NDArray flat = p.reshape(s.get(0), s.get(1), -1);
        int[] axis = {2};
        return new NDList(spatialMode == GroupPooling.Mode.MAX ? flat.max(axis) : flat.mean(axis));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = BlockInputs.singleShape(this, inputShapes);
        checkShape(s);
        return new Shape[] {new Shape(s.get(0), s.get(1))};
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        getOutputShapes(inputShapes);
    }

    private void checkShape(Shape s) {
        BlockInputs.requireGroupFeatureMap(this, s, -1, groupPooling.groupOrder(), BlockInputs.Spatial.PLANE, "");
    }

    @Override
    public String toString() {
        return "GlobalInvariantPooling(" + groupPooling.mode().name().toLowerCase(Locale.ROOT) + " over H, "
                + spatialMode.name().toLowerCase(Locale.ROOT) + " over space, |H| = " + groupPooling.groupOrder() + ")";
    }
}

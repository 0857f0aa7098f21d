package org.equivariant4j.nn.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The "Linear" N-body baseline ({@code linear_vel}): {@code x̂ = x + t·v} with one learnable scalar t,
 * initialised to 0.7. Equivariant to E(3) by construction.
 */
public final class LinearVelocityModel extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Parameter t;

    public LinearVelocityModel() {
        super(VERSION);
        t = addParameter(Parameter.builder().setName("t").setType(Parameter.Type.WEIGHT).optShape(new Shape(1))
                .optInitializer((manager, shape, dataType) -> manager.full(shape, 0.7f, dataType)).build());
    }

    /** x + t·v on the batch's positions and velocities. */
    public NDArray forward(ParameterStore ps, GraphBatch g, boolean training) {
        NDArray v = g.velocities().orElseThrow(() -> new IllegalArgumentException(
                "LinearVelocityModel needs velocities [N, 3]"));
        return forward(ps, g.positions(), v, training);
    }

    /** x + t·v for positions and velocities of the same shape. */
    public NDArray forward(ParameterStore ps, NDArray x, NDArray v, boolean training) {
        if (!x.getShape().equals(v.getShape())) {
            throw new IllegalArgumentException("positions " + x.getShape() + " and velocities " + v.getShape()
                    + " must have the same shape");
        }
        if (!isInitialized()) {
            initialize(ps.getManager(), x.getDataType(), x.getShape(), v.getShape());
        }
        return x.add(v.mul(ps.getValue(t, x.getDevice(), training)));
    }

    /** Accepts either [x, v] or a {@link GraphBatch#toNDList()}; returns [x + t·v]. */
    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() == 2) {
            return new NDList(forward(ps, inputs.get(0), inputs.get(1), training));
        }
        return new NDList(forward(ps, GraphBatch.fromNDList(inputs), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[inputShapes.length == 2 ? 0 : 1]};
    }
}

package org.equivariant4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The "Linear" N-body baseline ({@code linear_vel} of the EGNN reference code): {@code x̂ = x + t·v} with one scalar
 * parameter t (initialised to 0.7; the N-body task fits it by least squares). Equivariant to E(3) by construction.
 * Input [x, v] (same shapes, [..., 3]); output [x + t·v].
 */
public final class LinearVelocityModel extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Parameter t;

    public LinearVelocityModel() {
        super(VERSION);
        t = addParameter(Parameter.builder().setName("t").setType(Parameter.Type.WEIGHT).optShape(new Shape(1))
                .optInitializer((manager, shape, dataType) -> manager.full(shape, 0.7f, dataType)).build());
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

    /** [x, v] → [x + t·v]. */
    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() != 2) {
            throw new IllegalArgumentException("LinearVelocityModel takes [positions, velocities], got " + inputs.size()
                    + " arrays");
        }
        return new NDList(forward(ps, inputs.get(0), inputs.get(1), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}

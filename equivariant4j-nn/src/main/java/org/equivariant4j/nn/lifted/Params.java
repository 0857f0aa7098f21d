package org.equivariant4j.nn.lifted;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import org.equivariant4j.nn.graph.TorchLinear;

/** Parameter declarations of the lifted blocks, initialised as PyTorch's layers are. */
final class Params {
    private Params() {}

    /** A linear layer's weight [out, in], U(±1/√in) (PyTorch's default). */
    static Parameter weight(String name, int out, int in) {
        return Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optShape(new Shape(out, in))
                .optInitializer(TorchLinear.uniform(1.0 / Math.sqrt(in))).build();
    }

    /** A linear layer's bias [out], U(±1/√in) (PyTorch's default). */
    static Parameter bias(String name, int out, int in) {
        return Parameter.builder().setName(name).setType(Parameter.Type.BIAS).optShape(new Shape(out))
                .optInitializer(TorchLinear.uniform(1.0 / Math.sqrt(in))).build();
    }

    /** A vector [size] filled with {@code value}. */
    static Parameter constant(String name, Parameter.Type type, int size, double value) {
        Initializer init = (manager, shape, dataType) -> manager.full(shape, (float) value, dataType);
        return Parameter.builder().setName(name).setType(type).optShape(new Shape(size)).optInitializer(init).build();
    }
}

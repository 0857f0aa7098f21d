package org.equivariant4j.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * The input checks the equivariant blocks share. Each failure is an {@link IllegalArgumentException} whose message
 * starts with the block (its {@code toString()}, or the description passed as {@code block}) and names what was
 * expected and what came.
 */
public final class BlockInputs {
    private BlockInputs() {}

    /** How many spatial axes follow [batch, channels, |H|] in a group feature map. */
    public enum Spatial {
        /** Any number (none included): [batch, channels, |H|, spatial…]. */
        ANY,
        /** Exactly two: [batch, channels, |H|, height, width]. */
        PLANE,
        /** Exactly two, each of size at least 1. */
        NONEMPTY_PLANE
    }

    /** The single input array of a one-input block. */
    public static NDArray single(Object block, NDList inputs) {
        if (inputs.size() != 1) {
            throw new IllegalArgumentException(block + " expects exactly one input array, got " + inputs.size());
        }
        return inputs.get(0);
    }

    /** The single input shape of a one-input block. */
    public static Shape singleShape(Object block, Shape[] inputShapes) {
        if (inputShapes.length != 1) {
            throw new IllegalArgumentException(block + " expects exactly one input shape, got " + inputShapes.length);
        }
        return inputShapes[0];
    }

    /** Checks that the input {@code x} has the dtype of the block's parameter array {@code parameter}. */
    public static void requireParameterDataType(Object block, NDArray x, NDArray parameter) {
        if (x.getDataType() != parameter.getDataType()) {
            throw new IllegalArgumentException(block + " has " + parameter.getDataType() + " parameters but got a "
                    + x.getDataType() + " input of shape " + x.getShape()
                    + " (choose the dtype at initialize(manager, dataType, shape))");
        }
    }

    /**
     * Checks that {@code s} is a group feature map [batch, channels, |H|, spatial…] with the given channels (any when
     * {@code channels} is negative) and group axis; {@code note} (may be empty) follows the expected shape in the message.
     */
    public static void requireGroupFeatureMap(Object block, Shape s, int channels, int groupOrder, Spatial spatial,
            String note) {
        boolean ok = spatial == Spatial.ANY ? s.dimension() >= 3 : s.dimension() == 5;
        ok = ok && (channels < 0 || s.get(1) == channels) && s.get(2) == groupOrder;
        if (ok && spatial == Spatial.NONEMPTY_PLANE) {
            ok = s.get(3) >= 1 && s.get(4) >= 1;
        }
        if (!ok) {
            throw new IllegalArgumentException(block + " expects an input of shape (batch, "
                    + (channels < 0 ? "channels" : String.valueOf(channels)) + ", " + groupOrder + ", "
                    + (spatial == Spatial.ANY ? "spatial..." : "height, width") + ")" + note + ", got " + s);
        }
    }
}

package org.equivariant4j.nn.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.equivariant4j.nn.ops.SegmentSum;

/**
 * Scatter reductions of per-edge messages onto nodes, differentiable with respect to the messages.
 *
 * <p>{@code sum(m, receivers, N)[i] = Σ_{e : receivers[e] = i} m[e]}; {@code mean} divides by
 * {@code max(count_i, 1)} (so nodes without incoming edges get zero, like EGNN's
 * {@code unsorted_segment_mean}). Messages are [E, ...] FLOAT32 or FLOAT64; the result is
 * [N, ...] on the messages' manager.
 *
 * <p>Each call builds a sparse incidence matrix (O(E)); to reuse it across layers, use
 * {@link GraphBatch#receiverAggregation()} or {@link SegmentSum} directly.
 */
public final class Scatter {
    private Scatter() {}

    /** Scatter-sum of messages [E, ...] at int64 receivers [E] into [numNodes, ...]. */
    public static NDArray sum(NDArray messages, NDArray receivers, long numNodes) {
        try (SegmentSum s = SegmentSum.of(receivers, numNodes, floatType(messages))) {
            return s.sum(messages);
        }
    }

    /** Scatter-mean (sum / max(count, 1)) of messages [E, ...] at int64 receivers [E]. */
    public static NDArray mean(NDArray messages, NDArray receivers, long numNodes) {
        try (SegmentSum s = SegmentSum.of(receivers, numNodes, floatType(messages))) {
            return s.mean(messages);
        }
    }

    /** Scatter-sum with receivers given as a Java array. */
    public static NDArray sum(NDArray messages, long[] receivers, long numNodes) {
        try (SegmentSum s = SegmentSum.of(messages.getManager(), receivers, numNodes, floatType(messages))) {
            return s.sum(messages);
        }
    }

    /** Scatter-mean with receivers given as a Java array. */
    public static NDArray mean(NDArray messages, long[] receivers, long numNodes) {
        try (SegmentSum s = SegmentSum.of(messages.getManager(), receivers, numNodes, floatType(messages))) {
            return s.mean(messages);
        }
    }

    private static DataType floatType(NDArray messages) {
        DataType dt = messages.getDataType();
        if (dt != DataType.FLOAT32 && dt != DataType.FLOAT64) {
            throw new IllegalArgumentException("messages must be FLOAT32 or FLOAT64, got " + dt);
        }
        return dt;
    }
}

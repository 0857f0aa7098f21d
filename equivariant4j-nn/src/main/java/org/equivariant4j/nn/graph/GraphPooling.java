package org.equivariant4j.nn.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.Objects;
import org.equivariant4j.nn.ops.SegmentSum;

/**
 * Reductions over the nodes of each graph of a batch and their broadcast back to the nodes: {@code sum(h)[b] =
 * Σ_{i in graph b} h[i]}, {@code mean} divides by the graph's node count, {@code toNodes(g)[i] = g[graph(i)]}. Built once
 * per batch (a sparse incidence of the graph index, on the positions' manager) and shared by the blocks of one forward
 * pass; differentiable in the values (to any order).
 */
public final class GraphPooling {
    private final int numGraphs;
    private final SegmentSum segments;
    private final NDArray graphIndex;

    private GraphPooling(int numGraphs, SegmentSum segments, NDArray graphIndex) {
        this.numGraphs = numGraphs;
        this.segments = segments;
        this.graphIndex = graphIndex;
    }

    /** The pooling of a batch's graphs (constants on the batch's positions' manager, in its dtype). */
    public static GraphPooling of(GraphBatch batch) {
        Objects.requireNonNull(batch, "batch");
        long[] g = batch.topology().graphIndexView();
        NDArray positions = batch.positions();
        NDArray index;
        try (NDArray javaBacked = positions.getManager().create(g)) {
            index = javaBacked.duplicate(); // natively owned
        }
        DataType dt = positions.getDataType();
        return new GraphPooling(batch.numGraphs(), SegmentSum.of(index, g, batch.numGraphs(), dt), index);
    }

    public int numGraphs() {
        return numGraphs;
    }

    /** Σ over each graph's nodes: [N, ...] to [B, ...]. */
    public NDArray sum(NDArray nodeValues) {
        return segments.sum(nodeValues);
    }

    /** Mean over each graph's nodes (0 for a graph without nodes): [N, ...] to [B, ...]. */
    public NDArray mean(NDArray nodeValues) {
        return segments.mean(nodeValues);
    }

    /** Each node's row of a per-graph array: [B, ...] to [N, ...]. */
    public NDArray toNodes(NDArray graphValues) {
        if (graphValues.getShape().dimension() < 1 || graphValues.getShape().get(0) != numGraphs) {
            throw new IllegalArgumentException("per-graph values must have shape [" + numGraphs + ", ...], got "
                    + graphValues.getShape());
        }
        return graphValues.get(new NDIndex("{}", graphIndex));
    }
}

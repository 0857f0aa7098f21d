package org.equivariant4j.nn.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.equivariant4j.nn.ops.SegmentSum;

/** Random N-body-like inputs for the graph tests. */
final class GraphTestSupport {
    private GraphTestSupport() {}

    static NDArray normal(NDManager m, SplittableRandom r, Shape shape, double scale, DataType dt) {
        double[] d = new double[(int) shape.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = scale * gaussian(r);
        }
        return SegmentSum.create(m, d, shape, dt);
    }

    static double gaussian(SplittableRandom r) {
        double u = r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    static NDArray charges(NDManager m, SplittableRandom r, int n, DataType dt) {
        double[] q = new double[n];
        for (int i = 0; i < n; i++) {
            q[i] = r.nextBoolean() ? 1 : -1;
        }
        return SegmentSum.create(m, q, new Shape(n), dt);
    }

    /**
     * An EGNN input in the N-body layout, built with gathers over the edge list (any topology): node feature ‖v_i‖,
     * vectors v, edge attributes [q_i·q_j, ‖x_i − x_j‖²].
     */
    static GraphBatch egnnBatch(GraphTopology topology, NDArray x, NDArray v, NDArray q) {
        GraphBatch g = GraphBatch.builder(topology).positions(x).vectors(v).nodeFeatures(v.norm(new int[] {1}, true)).build();
        NDArray q1 = q.reshape(-1, 1);
        NDArray rows = g.receiverIndex();
        NDArray cols = g.senderIndex();
        NDArray qq = EgnnLayer.gather(q1, rows).mul(EgnnLayer.gather(q1, cols));
        NDArray d2 = EgnnLayer.gather(x, rows).sub(EgnnLayer.gather(x, cols)).square().sum(new int[] {1}, true);
        return g.withEdgeAttributes(qq.concat(d2, 1));
    }

    static double maxAbsDiff(NDArray a, NDArray b) {
        return a.sub(b).abs().max().toType(DataType.FLOAT64, false).getDouble();
    }

    static double maxAbs(NDArray a) {
        return a.abs().max().toType(DataType.FLOAT64, false).getDouble();
    }
}

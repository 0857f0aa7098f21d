package org.equivariant4j.nn.lifted;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.O3Element;
import org.equivariant4j.group.SO3Element;
import org.equivariant4j.linalg.Matrices;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.graph.GraphTopology;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.nn.testing.Equivariance;
import org.equivariant4j.nn.testing.EuclideanMotion;
import org.equivariant4j.o3.Irreps;

/** Random point clouds, group elements and actions for the lifted tests. */
final class LiftedTestSupport {
    private LiftedTestSupport() {}

    static NDArray normal(NDManager m, SplittableRandom r, Shape shape, double scale, DataType dt) {
        double[] d = new double[(int) shape.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = scale * r.nextGaussian();
        }
        return Tensors.fromFlat(m, d, shape, dt);
    }

    /** A batch of {@code graphs} fully connected graphs of n nodes with these features and positions. */
    static GraphBatch fullyConnected(int n, int graphs, NDArray h, NDArray x) {
        return GraphBatch.fullyConnected(n, graphs).nodeFeatures(h).positions(x).build();
    }

    /** A radius graph of the positions (graph of every node from {@code graphIndex}). */
    static GraphBatch radius(NDArray h, NDArray x, double cutoff, long[] graphIndex) {
        return GraphBatch.radiusGraph(x, cutoff, graphIndex).nodeFeatures(h).build();
    }

    /** The elements of the icosahedral rotation group, and each composed with the inversion, with random translations. */
    static List<EuclideanMotion> icosahedralWithInversion(SplittableRandom r) {
        List<EuclideanMotion> out = new ArrayList<>();
        for (SO3Element g : Groups.icosahedral().elements()) {
            for (int inv = 0; inv < 2; inv++) {
                out.add(new EuclideanMotion(new O3Element(g.rotation(), inv), 2 * r.nextDouble() - 1, 2 * r.nextDouble() - 1,
                        2 * r.nextDouble() - 1));
            }
        }
        return out;
    }

    /** The elements of a finite rotation group with random translations (rotations only). */
    static List<EuclideanMotion> rotations(List<SO3Element> group, SplittableRandom r) {
        List<EuclideanMotion> out = new ArrayList<>();
        for (SO3Element g : group) {
            out.add(new EuclideanMotion(new O3Element(g.rotation(), 0), 2 * r.nextDouble() - 1, 2 * r.nextDouble() - 1,
                    2 * r.nextDouble() - 1));
        }
        return out;
    }

    /** g acting on node features of these irreps: h ↦ h D(g)ᵀ. */
    static Equivariance.Action<EuclideanMotion> onIrreps(Irreps irreps) {
        return (g, h) -> h.matMul(Tensors.fromMatrix(h.getManager(), Matrices.transpose(irreps.matrix(g.orthogonal())),
                h.getDataType()));
    }

    /**
     * g acting on grid signals [V, N, C] of a fibre: (g·f)(element π(k)) = f(element k), π the grid permutation of g's
     * orthogonal part (which must map the grid to itself).
     */
    static Equivariance.Action<EuclideanMotion> onGrid(Fiber fiber) {
        return (g, f) -> {
            int[] perm = fiber.permutation(g.matrix()).orElseThrow(() -> new IllegalArgumentException(g + " does not permute "
                    + fiber.description()));
            long[] inverse = new long[perm.length];
            for (int k = 0; k < perm.length; k++) {
                inverse[perm[k]] = k;
            }
            try (NDArray idx = f.getManager().create(inverse)) {
                return f.get(new ai.djl.ndarray.index.NDIndex(":, {}", idx));
            }
        };
    }
}

package org.equivariant4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.equivariant4j.data.Conformations;
import org.equivariant4j.data.Elements;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.graph.GraphTopology;
import org.equivariant4j.nn.ops.Tensors;

/**
 * The input of the interatomic potentials: a batch of molecules as one {@link GraphBatch} with the positions [N, 3]
 * (which require gradients, for the forces), the one-hot species [N, S] in the order of a fixed list of atomic numbers,
 * and the radius graph of each molecule (every ordered pair of atoms closer than the cut-off; for a cut-off larger than
 * the molecule, all pairs).
 */
public final class MoleculeGraphs {
    private MoleculeGraphs() {}

    /**
     * Frames {@code order[from..from+count)} of {@code data}.
     *
     * @param species the atomic numbers in one-hot order (every atom's must be among them)
     */
    public static GraphBatch batch(NDManager m, Conformations data, int[] order, int from, int count, int[] species,
            double cutoff, DataType dt) {
        int atoms = 0;
        for (int k = 0; k < count; k++) {
            atoms += data.atomicNumbers().get(order[from + k]).length;
        }
        double[] x = new double[3 * atoms];
        double[] h = new double[atoms * species.length];
        long[] graph = new long[atoms];
        int a = 0;
        for (int k = 0; k < count; k++) {
            int f = order[from + k];
            int[] z = data.atomicNumbers().get(f);
            System.arraycopy(data.positions().get(f), 0, x, 3 * a, 3 * z.length);
            for (int i = 0; i < z.length; i++) {
                h[(a + i) * species.length + index(species, z[i], f, i)] = 1;
                graph[a + i] = k;
            }
            a += z.length;
        }
        return batch(m, x, h, graph, count, species.length, cutoff, dt);
    }

    /** A batch from flat positions [N·3], one-hot species [N·S] and the graph of each atom. */
    public static GraphBatch batch(NDManager m, double[] x, double[] oneHot, long[] graph, int graphs, int species,
            double cutoff, DataType dt) {
        int atoms = graph.length;
        GraphTopology t = GraphTopology.radiusGraph(x, cutoff, graph);
        if (t.numGraphs() != graphs) {
            t = GraphTopology.of(atoms, t.receivers(), t.senders(), graph, graphs);
        }
        NDArray pos = Tensors.fromFlat(m, x, new Shape(atoms, 3), dt);
        NDArray h = Tensors.fromFlat(m, oneHot, new Shape(atoms, species), dt);
        return GraphBatch.builder(t).positions(pos).nodeFeatures(h).build();
    }

    /** The one-hot position of atomic number z. */
    public static int index(int[] species, int z, int frame, int atom) {
        for (int s = 0; s < species.length; s++) {
            if (species[s] == z) {
                return s;
            }
        }
        throw new IllegalArgumentException("frame " + frame + ", atom " + atom + " is " + Elements.symbol(z)
                + "; the models know " + symbols(species));
    }

    /** The chemical symbols of atomic numbers, e.g. [H, C, N, O]. */
    public static String symbols(int[] species) {
        return Arrays.toString(Arrays.stream(species).mapToObj(Elements::symbol).toArray());
    }
}

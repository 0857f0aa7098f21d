package org.equivariant4j.nn.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GraphTopologyTest {

    @Test
    void fullyConnectedFollowsTheEgnnLoaderOrder() {
        GraphTopology t = GraphTopology.fullyConnected(5, 2);
        assertEquals(10, t.numNodes());
        assertEquals(40, t.numEdges());
        assertEquals(2, t.numGraphs());
        assertEquals(5, t.uniformFullyConnectedSize());
        long[] r = t.receivers();
        long[] s = t.senders();
        assertArrayEquals(new long[] {0, 0, 0, 0, 1, 1, 1, 1, 2}, java.util.Arrays.copyOf(r, 9));
        assertArrayEquals(new long[] {1, 2, 3, 4, 0, 2, 3, 4, 0}, java.util.Arrays.copyOf(s, 9));
        assertEquals(5, r[20]);
        assertEquals(6, s[20]);
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 1, 1, 1, 1, 1}, t.graphIndex());
        // the same arrays given explicitly are recognised as uniformly fully connected
        assertEquals(5, GraphTopology.of(10, r, s, t.graphIndex(), 2).uniformFullyConnectedSize());
        // another order is not
        long[] r2 = r.clone();
        long[] s2 = s.clone();
        r2[0] = 0;
        s2[0] = 2;
        r2[1] = 0;
        s2[1] = 1;
        assertEquals(0, GraphTopology.of(10, r2, s2, t.graphIndex(), 2).uniformFullyConnectedSize());
    }

    @Test
    void validationNamesTheBadIndex() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> GraphTopology.of(4, new long[] {0, 1, 7}, new long[] {1, 0, 2}, null, 1));
        assertTrue(ex.getMessage().contains("7") && ex.getMessage().contains("N = 4"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class,
                () -> GraphTopology.of(4, new long[] {0}, new long[] {-1}, null, 1));
        assertTrue(ex.getMessage().contains("sender index -1"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class,
                () -> GraphTopology.of(4, new long[] {0}, new long[] {3}, new long[] {0, 0, 1, 1}, 2));
        assertTrue(ex.getMessage().contains("graph"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class,
                () -> GraphTopology.of(4, new long[] {0, 1}, new long[] {1}, null, 1));
        assertTrue(ex.getMessage().contains("2 receivers and 1 senders"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class,
                () -> GraphTopology.radiusGraph(new double[][] {{0, 0, 0}, {Double.NaN, 1, 2}}, 1.0, null));
        assertTrue(ex.getMessage().contains("node 1"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GraphTopology.radiusGraph(new double[][] {{0, 0, 0}}, 0.0, null));
        assertThrows(IllegalArgumentException.class, () -> GraphTopology.fullyConnected(0, 3));
    }

    @Test
    void radiusGraphMatchesBruteForce() {
        SplittableRandom r = new SplittableRandom(11);
        int n = 1500;
        double[][] p = new double[n][3];
        long[] g = new long[n];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < 3; d++) {
                p[i][d] = 6 * r.nextDouble() - 3;
            }
            g[i] = i % 3;
        }
        double cutoff = 0.9;
        GraphTopology t = GraphTopology.radiusGraph(p, cutoff, g);
        List<long[]> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j && g[i] == g[j]) {
                    double dx = p[i][0] - p[j][0];
                    double dy = p[i][1] - p[j][1];
                    double dz = p[i][2] - p[j][2];
                    if (dx * dx + dy * dy + dz * dz <= cutoff * cutoff) {
                        expected.add(new long[] {i, j});
                    }
                }
            }
        }
        assertEquals(expected.size(), t.numEdges());
        for (int e = 0; e < expected.size(); e++) {
            assertEquals(expected.get(e)[0], t.receiver(e));
            assertEquals(expected.get(e)[1], t.sender(e));
        }
        assertEquals(3, t.numGraphs());
        assertTrue(t.numEdges() > 4 * n, "test graph too sparse: " + t.numEdges());
    }

    @Test
    void radiusGraphOfHundredThousandPointsIsFast() {
        SplittableRandom r = new SplittableRandom(5);
        int n = 100_000;
        // density such that a unit ball holds ~30 points: 30 / (4π/3) per unit volume
        double side = Math.cbrt(n / (30 / (4 * Math.PI / 3)));
        double[] flat = new double[3 * n];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = side * r.nextDouble();
        }
        GraphTopology.radiusGraph(java.util.Arrays.copyOf(flat, 3 * 2000), 1.0, null); // warm-up
        long t0 = System.nanoTime();
        GraphTopology t = GraphTopology.radiusGraph(flat, 1.0, null);
        double seconds = (System.nanoTime() - t0) * 1e-9;
        double mean = t.numEdges() / (double) n;
        System.out.printf("radiusGraph: %d points, %d edges (%.1f neighbours/point) in %.3f s%n", n, t.numEdges(), mean,
                seconds);
        assertTrue(mean > 20 && mean < 35, "mean degree " + mean);
        // generous bound for a loaded shared 2-core machine; about 0.4 s when warm (EgnnEpochBench notes)
        assertTrue(seconds < 10.0, "radius graph took " + seconds + " s");
    }
}

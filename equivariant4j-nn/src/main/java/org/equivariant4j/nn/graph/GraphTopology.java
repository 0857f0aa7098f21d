package org.equivariant4j.nn.graph;

import java.util.Arrays;

/**
 * The connectivity of a batch of graphs: an immutable edge list plus the graph each node belongs to.
 *
 * <p><b>Convention</b> (as in EGNN): edge {@code e} is the pair {@code (i, j) = (receiver(e),
 * sender(e))}; the message {@code m_ij} travels <em>from j to i</em> and is aggregated at the receiver
 * {@code i} (the "row" of the reference implementation). Edges are directed; an undirected graph lists
 * both directions. Edges never cross graphs and self-loops are allowed only when built with
 * {@link #of}.
 *
 * <p>Node indices are global over the batch: graph {@code b} of a batch of equal-size graphs holds
 * nodes {@code b·n … b·n+n−1}.
 */
public final class GraphTopology {
    private final int numNodes;
    private final int numGraphs;
    private final long[] receivers;
    private final long[] senders;
    private final long[] graphIndex;
    private final int uniformFullyConnectedSize;

    private GraphTopology(int numNodes, int numGraphs, long[] receivers, long[] senders, long[] graphIndex,
            int uniformSize) {
        this.numNodes = numNodes;
        this.numGraphs = numGraphs;
        this.receivers = receivers;
        this.senders = senders;
        this.graphIndex = graphIndex;
        this.uniformFullyConnectedSize = uniformSize;
    }

    /**
     * A validated topology from explicit arrays (copied).
     *
     * @param numNodes N, the total number of nodes in the batch
     * @param receivers receiver i of each edge (the node that aggregates the message), each in [0, N)
     * @param senders sender j of each edge, each in [0, N)
     * @param graphIndex graph of each node, length N, each in [0, numGraphs); null means one graph
     * @param numGraphs number of graphs (≥ 1 when N &gt; 0)
     * @throws IllegalArgumentException naming the first bad index, length or cross-graph edge
     */
    public static GraphTopology of(int numNodes, long[] receivers, long[] senders, long[] graphIndex, int numGraphs) {
        if (numNodes < 0) {
            throw new IllegalArgumentException("numNodes must be >= 0, got " + numNodes);
        }
        if (receivers.length != senders.length) {
            throw new IllegalArgumentException("receivers and senders must have the same length, got "
                    + receivers.length + " receivers and " + senders.length + " senders");
        }
        long[] g = graphIndex == null ? new long[numNodes] : graphIndex.clone();
        if (g.length != numNodes) {
            throw new IllegalArgumentException("graph index has " + g.length + " entries but N = " + numNodes
                    + " nodes");
        }
        if (numGraphs < 0 || (numNodes > 0 && numGraphs < 1)) {
            throw new IllegalArgumentException("numGraphs must be >= 1 for a non-empty batch, got " + numGraphs);
        }
        for (int i = 0; i < numNodes; i++) {
            if (g[i] < 0 || g[i] >= numGraphs) {
                throw new IllegalArgumentException("graph index " + g[i] + " of node " + i
                        + " is out of range [0, " + numGraphs + ")");
            }
        }
        long[] r = receivers.clone();
        long[] s = senders.clone();
        for (int e = 0; e < r.length; e++) {
            checkNode("receiver", e, r[e], numNodes);
            checkNode("sender", e, s[e], numNodes);
            if (g[(int) r[e]] != g[(int) s[e]]) {
                throw new IllegalArgumentException("edge " + e + " connects node " + s[e] + " of graph "
                        + g[(int) s[e]] + " to node " + r[e] + " of graph " + g[(int) r[e]]
                        + "; edges must stay inside one graph");
            }
        }
        return new GraphTopology(numNodes, numGraphs, r, s, g, detectUniformFullyConnected(numNodes, numGraphs, r, s, g));
    }

    private static void checkNode(String role, int e, long index, int numNodes) {
        if (index < 0 || index >= numNodes) {
            throw new IllegalArgumentException("edge " + e + ": " + role + " index " + index
                    + " is out of range for N = " + numNodes + " nodes (valid: 0.." + (numNodes - 1) + ")");
        }
    }

    /**
     * {@code graphs} fully connected graphs of {@code nodesPerGraph} nodes: directed edges i ≠ j, listed
     * i-major within each graph (receivers {@code [0,0,0,0,1,…]}, senders {@code [1,2,3,4,0,…]} for
     * n = 5), graph b offset by {@code n·b}: exactly the EGNN N-body loader's order.
     */
    public static GraphTopology fullyConnected(int nodesPerGraph, int graphs) {
        if (nodesPerGraph < 1 || graphs < 1) {
            throw new IllegalArgumentException("nodesPerGraph and graphs must be >= 1, got " + nodesPerGraph
                    + " and " + graphs);
        }
        int n = nodesPerGraph;
        long numNodesL = (long) n * graphs;
        long numEdgesL = numNodesL * (n - 1);
        if (numNodesL > Integer.MAX_VALUE || numEdgesL > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("fully connected batch too large: " + numNodesL + " nodes, "
                    + numEdgesL + " edges");
        }
        long[] r = new long[(int) numEdgesL];
        long[] s = new long[(int) numEdgesL];
        long[] g = new long[(int) numNodesL];
        int e = 0;
        for (int b = 0; b < graphs; b++) {
            long off = (long) b * n;
            for (int i = 0; i < n; i++) {
                g[(int) off + i] = b;
                for (int j = 0; j < n; j++) {
                    if (i != j) {
                        r[e] = off + i;
                        s[e] = off + j;
                        e++;
                    }
                }
            }
        }
        return new GraphTopology((int) numNodesL, graphs, r, s, g, n);
    }

    private static int detectUniformFullyConnected(int numNodes, int numGraphs, long[] r, long[] s, long[] g) {
        if (numGraphs < 1 || numNodes == 0 || numNodes % numGraphs != 0) {
            return 0;
        }
        int n = numNodes / numGraphs;
        if ((long) numNodes * (n - 1) != r.length) {
            return 0;
        }
        for (int i = 0; i < numNodes; i++) {
            if (g[i] != i / n) {
                return 0;
            }
        }
        int e = 0;
        for (int b = 0; b < numGraphs; b++) {
            long off = (long) b * n;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (i != j) {
                        if (r[e] != off + i || s[e] != off + j) {
                            return 0;
                        }
                        e++;
                    }
                }
            }
        }
        return n;
    }

    /**
     * Radius graph: a directed edge (i, j) for every pair i ≠ j of the same graph with
     * {@code ‖x_i − x_j‖ ≤ cutoff} (both directions). Edges are sorted by receiver, then sender.
     *
     * <p>Built with cell lists: points are binned into cubes of side {@code cutoff} (per graph) and
     * only the 27 neighbouring cells are searched, so the cost is linear in the number of points times
     * the mean neighbour count.
     *
     * @param positions N points of 3 finite coordinates
     * @param cutoff the radius, finite and &gt; 0
     * @param graphIndex graph of each node (length N, values ≥ 0), or null for a single graph
     */
    public static GraphTopology radiusGraph(double[][] positions, double cutoff, long[] graphIndex) {
        int n = positions.length;
        double[] flat = new double[3 * n];
        for (int i = 0; i < n; i++) {
            if (positions[i] == null || positions[i].length != 3) {
                throw new IllegalArgumentException("position of node " + i + " must have 3 coordinates, got "
                        + (positions[i] == null ? "null" : positions[i].length));
            }
            System.arraycopy(positions[i], 0, flat, 3 * i, 3);
        }
        return radiusGraph(flat, cutoff, graphIndex);
    }

    /** As {@link #radiusGraph(double[][], double, long[])} with positions flattened row-major [N·3]. */
    public static GraphTopology radiusGraph(double[] flatPositions, double cutoff, long[] graphIndex) {
        if (!(cutoff > 0) || Double.isInfinite(cutoff)) {
            throw new IllegalArgumentException("cutoff must be finite and > 0, got " + cutoff);
        }
        if (flatPositions.length % 3 != 0) {
            throw new IllegalArgumentException("flat positions must have 3·N entries, got " + flatPositions.length);
        }
        int n = flatPositions.length / 3;
        long[] g = graphIndex == null ? new long[n] : graphIndex.clone();
        if (g.length != n) {
            throw new IllegalArgumentException("graph index has " + g.length + " entries but there are " + n
                    + " positions");
        }
        long maxGraph = -1;
        for (int i = 0; i < n; i++) {
            if (g[i] < 0 || g[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("graph index " + g[i] + " of node " + i + " is negative or too large");
            }
            maxGraph = Math.max(maxGraph, g[i]);
        }
        double[] min = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        double[] max = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < 3; d++) {
                double v = flatPositions[3 * i + d];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("position of node " + i + " is not finite: ("
                            + flatPositions[3 * i] + ", " + flatPositions[3 * i + 1] + ", "
                            + flatPositions[3 * i + 2] + ")");
                }
                min[d] = Math.min(min[d], v);
                max[d] = Math.max(max[d], v);
            }
        }
        for (int d = 0; d < 3; d++) {
            if (n > 0 && (max[d] - min[d]) / cutoff > 1e9) {
                throw new IllegalArgumentException("cutoff " + cutoff + " is too small for the extent "
                        + (max[d] - min[d]) + " of the points (more than 1e9 cells per axis)");
            }
        }
        // 1. cell of every point, cells numbered in order of first appearance via an open-addressing table
        int[] cx = new int[n];
        int[] cy = new int[n];
        int[] cz = new int[n];
        CellTable table = new CellTable(n);
        int[] cellOf = new int[n];
        for (int i = 0; i < n; i++) {
            cx[i] = (int) Math.floor((flatPositions[3 * i] - min[0]) / cutoff);
            cy[i] = (int) Math.floor((flatPositions[3 * i + 1] - min[1]) / cutoff);
            cz[i] = (int) Math.floor((flatPositions[3 * i + 2] - min[2]) / cutoff);
            cellOf[i] = table.getOrInsert((int) g[i], cx[i], cy[i], cz[i]);
        }
        // 2. counting sort of points by cell
        int numCells = table.size();
        int[] start = new int[numCells + 1];
        for (int i = 0; i < n; i++) {
            start[cellOf[i] + 1]++;
        }
        for (int c = 0; c < numCells; c++) {
            start[c + 1] += start[c];
        }
        int[] fill = Arrays.copyOf(start, numCells);
        int[] members = new int[n];
        for (int i = 0; i < n; i++) {
            members[fill[cellOf[i]]++] = i;
        }
        // 3. positions copied in cell order, so the candidate loop reads memory sequentially
        double[] sorted = new double[3 * n];
        for (int k = 0; k < n; k++) {
            System.arraycopy(flatPositions, 3 * members[k], sorted, 3 * k, 3);
        }
        // 4. search the 27 neighbouring cells of each point, visiting points cell by cell; the
        //    neighbours of point i go to a per-point segment of one buffer, assembled in i order below
        double c2 = cutoff * cutoff;
        int[] buffer = new int[Math.max(16, n * 8)];
        int used = 0;
        int[] segStart = new int[n];
        int[] segCount = new int[n];
        for (int cell = 0; cell < numCells; cell++) {
            int first = members[start[cell]];
            int gc = (int) g[first];
            int[] neighbourCells = new int[27];
            int numNeighbourCells = 0;
            for (int dx = -1; dx <= 1; dx++) {
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dz = -1; dz <= 1; dz++) {
                        int c = table.get(gc, cx[first] + dx, cy[first] + dy, cz[first] + dz);
                        if (c >= 0) {
                            neighbourCells[numNeighbourCells++] = c;
                        }
                    }
                }
            }
            for (int ki = start[cell]; ki < start[cell + 1]; ki++) {
                int i = members[ki];
                double xi = sorted[3 * ki];
                double yi = sorted[3 * ki + 1];
                double zi = sorted[3 * ki + 2];
                if (buffer.length - used < n) {
                    buffer = Arrays.copyOf(buffer, Math.max(2 * buffer.length, used + n));
                }
                int begin = used;
                for (int q = 0; q < numNeighbourCells; q++) {
                    int c = neighbourCells[q];
                    for (int k = start[c]; k < start[c + 1]; k++) {
                        double ax = sorted[3 * k] - xi;
                        double ay = sorted[3 * k + 1] - yi;
                        double az = sorted[3 * k + 2] - zi;
                        if (ax * ax + ay * ay + az * az <= c2 && k != ki) {
                            buffer[used++] = members[k];
                        }
                    }
                }
                Arrays.sort(buffer, begin, used);
                segStart[i] = begin;
                segCount[i] = used - begin;
            }
        }
        long[] r = new long[used];
        long[] s = new long[used];
        int e = 0;
        for (int i = 0; i < n; i++) {
            for (int k = segStart[i]; k < segStart[i] + segCount[i]; k++) {
                r[e] = i;
                s[e] = buffer[k];
                e++;
            }
        }
        int numGraphs = (int) (maxGraph + 1);
        return new GraphTopology(n, Math.max(numGraphs, n == 0 ? 0 : 1), r, s, g,
                detectUniformFullyConnected(n, numGraphs, r, s, g));
    }

    /** Number of nodes N. */
    public int numNodes() {
        return numNodes;
    }

    /** Number of edges E. */
    public int numEdges() {
        return receivers.length;
    }

    /** Number of graphs in the batch. */
    public int numGraphs() {
        return numGraphs;
    }

    /** Receiver i of edge e. */
    public long receiver(int e) {
        return receivers[e];
    }

    /** Sender j of edge e. */
    public long sender(int e) {
        return senders[e];
    }

    /** Graph of node i. */
    public long graphOf(int i) {
        return graphIndex[i];
    }

    /** A copy of the receivers (i, the aggregating node) of all edges. */
    public long[] receivers() {
        return receivers.clone();
    }

    /** A copy of the senders (j) of all edges. */
    public long[] senders() {
        return senders.clone();
    }

    /** A copy of the graph index of every node. */
    public long[] graphIndex() {
        return graphIndex.clone();
    }

    long[] receiversView() {
        return receivers;
    }

    long[] sendersView() {
        return senders;
    }

    long[] graphIndexView() {
        return graphIndex;
    }

    /**
     * n when this is exactly {@link #fullyConnected(int, int) fullyConnected(n, numGraphs)} (equal-size
     * graphs, i-major edge order), else 0. Such batches can use the dense [B, n, n, …] formulation.
     */
    public int uniformFullyConnectedSize() {
        return uniformFullyConnectedSize;
    }

    @Override
    public String toString() {
        return "GraphTopology[N=" + numNodes + ", E=" + receivers.length + ", graphs=" + numGraphs
                + (uniformFullyConnectedSize > 0 ? ", fully connected n=" + uniformFullyConnectedSize : "") + "]";
    }

    /** Open-addressing hash table from (graph, cx, cy, cz) to a dense cell id. */
    private static final class CellTable {
        private int[] keys; // 4 ints per slot
        private int[] ids; // -1 empty
        private int mask;
        private int size;

        CellTable(int expected) {
            int cap = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
            keys = new int[4 * cap];
            ids = new int[cap];
            Arrays.fill(ids, -1);
            mask = cap - 1;
        }

        int size() {
            return size;
        }

        private static int hash(int g, int x, int y, int z) {
            int h = g * 0x9E3779B1 + x * 0x85EBCA77 + y * 0xC2B2AE3D + z * 0x27D4EB2F;
            return h ^ (h >>> 15);
        }

        int get(int g, int x, int y, int z) {
            int slot = hash(g, x, y, z) & mask;
            while (ids[slot] >= 0) {
                int k = 4 * slot;
                if (keys[k] == g && keys[k + 1] == x && keys[k + 2] == y && keys[k + 3] == z) {
                    return ids[slot];
                }
                slot = (slot + 1) & mask;
            }
            return -1;
        }

        int getOrInsert(int g, int x, int y, int z) {
            int slot = hash(g, x, y, z) & mask;
            while (ids[slot] >= 0) {
                int k = 4 * slot;
                if (keys[k] == g && keys[k + 1] == x && keys[k + 2] == y && keys[k + 3] == z) {
                    return ids[slot];
                }
                slot = (slot + 1) & mask;
            }
            int k = 4 * slot;
            keys[k] = g;
            keys[k + 1] = x;
            keys[k + 2] = y;
            keys[k + 3] = z;
            ids[slot] = size;
            return size++;
        }
    }
}

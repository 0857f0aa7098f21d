package org.equivariant4j.nn.lifted;

import java.util.Optional;
import org.equivariant4j.o3.Irreps;

/**
 * The orientation part of a lifted space R³ × F, sampled on a grid of N elements: the sphere F = S² = SO(3)/SO(2)
 * ({@link SphereFiber}, position–orientation space) or the rotations F = SO(3) themselves ({@link RotationFiber}, the
 * full lift to SE(3)). A lifted feature map is a signal f[node, k, channel] over the grid elements k of every node.
 *
 * <p>What a fibre supplies to the lifted layers, all as constants or generated TorchScript:
 * <ul>
 *   <li>spatial invariants of the displacement r = x_j − x_i seen from grid element k (the complete invariants of the
 *       pair (x_i, k), (x_j, k) at one grid element): [E, N, {@link #spatialInvariants()}];</li>
 *   <li>fibre invariants of two grid elements at one point (complete for such pairs): [N, N, {@link #fiberInvariants()}],
 *       entry [k, l] for the message from element k to element l;</li>
 *   <li>the lifting of steerable node features (irreps) to grid signals and the projection back.</li>
 * </ul>
 * A rotation R that maps the grid to itself ({@link #permutation}) acts on signals by a permutation of k, and every
 * lifted layer commutes with it exactly.
 */
public sealed interface Fiber permits SphereFiber, RotationFiber {
    /** N, the grid size. */
    int size();

    /** Number of spatial invariants per (edge, grid element). */
    int spatialInvariants();

    /** Number of fibre invariants per pair of grid elements. */
    int fiberInvariants();

    /** A short description, e.g. "S2 uniform(16)". */
    String description();

    /** The group the lifted layers on this fibre are equivariant to, e.g. "E(3)" or "SE(3)". */
    String group();

    /** The 3×M matrix G the spatial invariants are computed from (see {@link #spatialSource()}). */
    double[][] spatialMatrix();

    /**
     * TorchScript method {@code spatial(self, rel: Tensor, g: Tensor) -> Tensor}: the spatial invariants [E, N, k] of
     * displacements rel [E, 3], with g the {@link #spatialMatrix()}.
     */
    String spatialSource();

    /** The fibre invariants, [N][N][k]: entry [k][l] of the pair (sender element k, receiver element l). */
    double[][][] fiberInvariantValues();

    /** Grid channels of the lifted input features: how many channels {@link #liftingMatrix} fills. */
    int liftedChannels(Irreps irreps);

    /**
     * The linear lifting of node features with these irreps (e3nn layout) to grid signals: a [dim, N·C] matrix, column
     * k·C + c for grid element k and channel c.
     *
     * @throws IllegalArgumentException when the fibre cannot represent an irrep of {@code irreps}
     */
    double[][] liftingMatrix(Irreps irreps);

    /** Grid channels a projection to these irreps reads. */
    int projectedChannels(Irreps irreps);

    /** The linear projection of grid signals (row k·C + c) back to node features with these irreps: [N·C, dim]. */
    double[][] projectionMatrix(Irreps irreps);

    /**
     * The permutation π of the grid with Q·(element k) = element π(k) when the orthogonal matrix Q maps the grid to itself
     * (within 1e-9); empty otherwise (also for reflections when the fibre is SO(3)).
     */
    Optional<int[]> permutation(double[][] q);
}

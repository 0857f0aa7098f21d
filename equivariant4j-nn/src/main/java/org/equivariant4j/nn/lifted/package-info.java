/**
 * Message passing lifted to the group ("Solution 1: lift to the group"): point clouds lifted to position–orientation
 * space R³ × S² (or to SE(3) itself), with weight sharing over the orbits of point pairs and no Clebsch–Gordan
 * products (PONITA, Bekkers et al. 2024).
 *
 * <p>A {@link org.equivariant4j.nn.lifted.Fiber} samples the orientations: {@link org.equivariant4j.nn.lifted.SphereFiber}
 * (a {@link org.equivariant4j.harmonics.SphereGrid} on S²) or {@link org.equivariant4j.nn.lifted.RotationFiber} (a grid
 * of rotations, the full lift). Features are signals [nodes, grid, channels]:
 * <ul>
 *   <li>{@link org.equivariant4j.nn.lifted.GridLifting} / {@link org.equivariant4j.nn.lifted.GridProjection}: steerable
 *       node features (irreps) to grid signals and back (the spherical-harmonic transform on the grid);</li>
 *   <li>{@link org.equivariant4j.nn.lifted.LiftedKernelBasis}: learned functions of the complete pair invariants
 *       ({@link org.equivariant4j.homogeneous});</li>
 *   <li>{@link org.equivariant4j.nn.lifted.SeparableGroupConv}: a convolution over positions at every grid element, then
 *       over the fibre; {@link org.equivariant4j.nn.lifted.ConvNextBlock} wraps it with a pointwise MLP;</li>
 *   <li>{@link org.equivariant4j.nn.lifted.PonitaModel}: the network, one TorchScript call per forward.</li>
 * </ul>
 * Every layer is exactly equivariant to the rigid motions whose rotation permutes the grid (a finite group's orbit, e.g.
 * the icosahedron's vertices) and equivariant up to the grid's resolution to all others.
 */
package org.equivariant4j.nn.lifted;

/**
 * O(3) irreps and tensor-product paths as pure data, in e3nn's (≥ 0.5) conventions.
 *
 * <p>{@link org.equivariant4j.o3.Irrep} is an O(3) irrep (degree l, parity p); {@link org.equivariant4j.o3.Irreps}
 * a direct sum with multiplicities, {@code "16x0e+8x1o+4x2e"}, and the layout of a feature vector.
 * {@link org.equivariant4j.o3.TensorProductSpec} lists the paths of a Clebsch–Gordan tensor product with their
 * normalisation constants and the weight layout; {@link org.equivariant4j.o3.ReducedTensorProducts} decomposes
 * Cartesian tensors with index symmetries into irreps. The DJL blocks that compute with these live in
 * {@code org.equivariant4j.nn.o3}.
 */
package org.equivariant4j.o3;

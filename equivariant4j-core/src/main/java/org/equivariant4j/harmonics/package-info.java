/**
 * Harmonic analysis on SO(2) and SO(3) in e3nn's (≥ 0.5) conventions.
 *
 * <p>Coordinates are y-up: the polar axis of the spherical harmonics is +y and the azimuth
 * α = atan2(x, z) turns z towards x. Rotations act actively on column vectors; their parameterisations (Euler angles
 * R = Ry(α)·Rx(β)·Ry(γ), scalar-first quaternions (w, x, y, z) with the Hamilton product, axis–angle) live with the
 * groups, in {@code org.equivariant4j.group}.
 * The real basis is the one of e3nn: l = 1 is (x, y, z), so {@code WignerD} of degree 1 is the
 * rotation matrix itself, and {@code Wigner3j} has Frobenius norm 1.
 *
 * <p>Everything here is pure Java in double precision, immutable or stateless, and thread-safe.
 */
package org.equivariant4j.harmonics;

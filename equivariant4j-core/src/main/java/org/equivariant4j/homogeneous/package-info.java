/**
 * Homogeneous spaces of the rigid motions SE(d) (d = 2, 3) and the invariants of their point pairs: the
 * attributes that messages of lifted ("Solution 1: lift to the group") networks depend on.
 *
 * <p>A homogeneous space X = SE(d)/H is the orbit of a reference point under the rigid motions
 * {@link org.equivariant4j.homogeneous.RigidMotion} g = (R, t): positions R^d (H = SO(d)), positions with an
 * orientation R^d × S^{d−1} (H = SO(d−1)) and the group itself (poses, H trivial). A message from p_j to p_i that
 * depends on p_i and p_j only through {@code inv(p_i, p_j)} with inv(g·p_i, g·p_j) = inv(p_i, p_j) gives an
 * equivariant layer; when inv is also complete (equal invariants only for pairs related by a motion) every
 * invariant message function can be written that way (weight sharing over the orbits of pairs).
 *
 * <p>Each {@link org.equivariant4j.homogeneous.PairInvariants} proves completeness constructively: it maps invariants
 * to a canonical pair and finds, for any pair, the motion that carries the canonical pair onto it; two pairs with
 * equal invariants are then related by {@code alignment(b) · alignment(a)⁻¹}.
 */
package org.equivariant4j.homogeneous;

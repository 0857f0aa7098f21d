package org.equivariant4j.homogeneous;

import java.util.Objects;

/**
 * A pair of points of a homogeneous space, named as in message passing: the message goes from the sender p_j to the
 * receiver p_i.
 *
 * @param receiver p_i
 * @param sender   p_j
 * @param <P>      the point type
 */
public record PointPair<P>(P receiver, P sender) {
    public PointPair {
        Objects.requireNonNull(receiver, "receiver");
        Objects.requireNonNull(sender, "sender");
    }
}

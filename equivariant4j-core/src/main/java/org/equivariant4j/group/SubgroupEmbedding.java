package org.equivariant4j.group;

import java.util.Objects;
import java.util.function.Function;

/**
 * An injective homomorphism ι: H → G that identifies H with a subgroup of G (e.g. C_N &lt; SO(2),
 * SO(2) &lt; SO(3) as rotations about the y axis).
 *
 * @param subgroup  H
 * @param group     G
 * @param inclusion ι, a homomorphism
 * @param name      description such as {@code "C4 < SO(2)"}
 */
public record SubgroupEmbedding<H extends GroupElement, G extends GroupElement>(
        Group<H> subgroup, Group<G> group, Function<H, G> inclusion, String name) {

    public SubgroupEmbedding {
        Objects.requireNonNull(subgroup, "subgroup");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(inclusion, "inclusion");
        Objects.requireNonNull(name, "name");
    }

    /** ι(h), checking that h belongs to H. */
    public G include(H h) {
        return inclusion.apply(subgroup.requireElement(h));
    }

    /** The composition H → G → K with an embedding of G into K. */
    public <K extends GroupElement> SubgroupEmbedding<H, K> then(SubgroupEmbedding<G, K> outer) {
        if (!outer.subgroup().equals(group)) {
            throw new IllegalArgumentException("cannot chain " + name + " with " + outer.name() + ": expected an embedding of "
                    + group.name() + ", got one of " + outer.subgroup().name());
        }
        return new SubgroupEmbedding<>(subgroup, outer.group(), h -> outer.include(include(h)),
                subgroup.name() + " < " + outer.group().name());
    }
}

package org.equivariant4j.repr;

import java.util.List;
import org.equivariant4j.group.GroupElement;

/** Implemented by groups whose Clebsch–Gordan coefficients have a closed form (SO(3), O(3)). */
public interface ClosedFormClebschGordan<E extends GroupElement> {

    /** The paths of ψ_a ⊗ ψ_b, in the convention of {@link ClebschGordan}. */
    List<ClebschGordan.Path<E>> clebschGordanPaths(Irrep<E> a, Irrep<E> b);
}

package org.equivariant4j.repr;

/**
 * The type of a real irrep ψ, read off its endomorphisms End(ψ) = {A : Aψ(g) = ψ(g)A}: real (End = R·I), complex
 * (End ≅ C, dimension 2: a real form of a complex irrep and its conjugate) or quaternionic (End ≅ H, dimension 4).
 */
public enum IrrepType {
    REAL(1), COMPLEX(2), QUATERNIONIC(4);

    private final int endomorphismDimension;

    IrrepType(int endomorphismDimension) {
        this.endomorphismDimension = endomorphismDimension;
    }

    /** dim End(ψ): 1, 2 or 4. */
    public int endomorphismDimension() {
        return endomorphismDimension;
    }

    /** The type with the given dim End(ψ). */
    public static IrrepType ofEndomorphismDimension(int d) {
        for (IrrepType t : values()) {
            if (t.endomorphismDimension == d) {
                return t;
            }
        }
        throw new IllegalArgumentException("the endomorphism space of a real irrep has dimension 1, 2 or 4, got " + d);
    }
}

package org.equivariant4j.nn.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.field.GSpaces;
import org.equivariant4j.repr.Representation;
import org.junit.jupiter.api.Test;

/**
 * A model ported from escnn/e2cnn gets the same number of learnable coefficients: the sizes of R2Conv bases with the
 * default rings and cut-offs, as e2cnn 0.2.3 (whose defaults escnn kept) reports them for the same layers
 * ({@code R2Conv(...).basisexpansion.dimension()}, run on this machine with PyTorch 1.13); 30 configurations over every
 * planar GSpace, including aliasing on C2/C3 and several field types at once.
 */
class BasisSizeTest {
    private static final String[] CASES = {
        "c4 trivial regular 3 6",
        "c4 trivial regular 5 11",
        "c4 regular regular 5 44",
        "c8 trivial regular 7 18",
        "c8 regular regular 5 88",
        "c8 regular regular 7 144",
        "c8 regular trivial 9 31",
        "c16 regular regular 5 176",
        "c16 trivial regular 9 31",
        "c3 regular regular 5 33",
        "c2 trivial trivial 5 7",
        "trivial trivial trivial 7 18",
        "d4 trivial regular 5 11",
        "d4 regular regular 5 88",
        "d8 regular regular 7 288",
        "flip trivial regular 7 18",
        "d16 regular regular 5 352",
        "so2 trivial 1 5 4",
        "so2 1 2 7 8",
        "so2 2 2 5 6",
        "so2 trivial;1;2 trivial;1;2 5 43",
        "so2 3 0 9 4",
        "o2 trivial 1,1 5 2",
        "o2 1,1 1,2 7 4",
        "o2 1,0 1,1 5 2",
        "o2 trivial;1,0;1,1;1,2 trivial;1,0;1,1;1,2 7 51",
        "flip trivial regular 5 11",
        "flip regular regular 3 12",
        "trivial trivial trivial 5 11",
        "trivial trivial trivial 9 31",
    };

    @Test
    void basisSizesEqualE2cnnForThirtyLayers() {
        for (String c : CASES) {
            String[] p = c.split(" ");
            GSpace g = GSpaces.byId(p[0]);
            R2Conv conv = R2Conv.builder(type(g, p[1]), type(g, p[2])).kernelSize(Integer.parseInt(p[3])).build();
            assertEquals(Integer.parseInt(p[4]), conv.numCoefficients(), c);
        }
    }

    /** Fields separated by ';': trivial, regular, or an irrep's indices ("1" = psi[1], "1,1" = psi[1,1]). */
    private static FieldType type(GSpace g, String spec) {
        List<Representation<?>> reps = new ArrayList<>();
        for (String f : spec.split(";")) {
            if (f.equals("trivial")) {
                reps.add(g.trivialRepr());
            } else if (f.equals("regular")) {
                reps.add(g.regularRepr());
            } else {
                String[] idx = f.split(",");
                int[] id = new int[idx.length];
                for (int i = 0; i < id.length; i++) {
                    id[i] = Integer.parseInt(idx[i]);
                }
                reps.add(g.irrep(id));
            }
        }
        return FieldType.of(g, reps);
    }
}

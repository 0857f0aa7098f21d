package org.equivariant4j.repr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.O3;
import org.equivariant4j.group.O3Element;
import org.equivariant4j.group.SO3;
import org.equivariant4j.group.SO3Element;
import org.junit.jupiter.api.Test;

/** The closed-form SO(3)/O(3) coefficients agree with the generic intertwiner solver and follow e3nn's selection rules. */
class ClosedFormClebschGordanTest {

    @Test
    void closedFormMatchesTheNumericalSolverUpToSign() {
        SO3 so3 = Groups.so3();
        for (int l1 = 0; l1 <= 2; l1++) {
            for (int l2 = 0; l2 <= 2; l2++) {
                Representation<SO3Element> product = so3.irrep(l1).tensor(so3.irrep(l2));
                for (ClebschGordan.Path<SO3Element> path : ClebschGordan.of(so3.irrep(l1), so3.irrep(l2)).paths()) {
                    List<double[][]> hom = Intertwiners.basis(path.irrep(), product);
                    assertEquals(1, hom.size(), "psi[" + path.irrep().frequency() + "] occurs once in " + l1 + "⊗" + l2);
                    double[][] numeric = hom.get(0);
                    double[][][] c = path.coefficients();
                    int d2 = 2 * l2 + 1;
                    double dot = 0;
                    double norm = 0;
                    for (int i = 0; i < c.length; i++) {
                        for (int j = 0; j < d2; j++) {
                            for (int k = 0; k < c[i][j].length; k++) {
                                dot += numeric[i * d2 + j][k] * c[i][j][k];
                                norm += c[i][j][k] * c[i][j][k];
                            }
                        }
                    }
                    // the numerical basis element has Frobenius norm 1, the closed form has norm √(2l₃+1)
                    assertEquals(1.0, Math.abs(dot) / Math.sqrt(norm), 1e-9, l1 + "⊗" + l2 + "→" + path.irrep().name());
                }
            }
        }
    }

    @Test
    void o3PathsCarryTheProductParity() {
        O3 o3 = Groups.o3();
        ClebschGordan<O3Element> cg = ClebschGordan.of(o3.irrep("1o"), o3.irrep("1o"));
        assertEquals(List.of("0e", "1e", "2e"), cg.paths().stream().map(p -> p.irrep().name()).toList());
        ClebschGordan<O3Element> cg2 = ClebschGordan.of(o3.irrep("1o"), o3.irrep("2e"));
        assertEquals(List.of("1o", "2o", "3o"), cg2.paths().stream().map(p -> p.irrep().name()).toList());
        ClebschGordanTest.assertCompleteAndEquivariant(cg, new SplittableRandom(5));
        ClebschGordanTest.assertCompleteAndEquivariant(cg2, new SplittableRandom(6));
        // the 1o ⊗ 1o → 1e path is the cross product (e3nn: w3j(1,1,1) = ε/√6, scaled by √3)
        double[][][] cross = cg.paths().get(1).coefficients();
        assertEquals(Math.sqrt(3) / Math.sqrt(6), cross[0][1][2], 1e-12);
        assertTrue(cross[1][0][2] < 0);
    }
}

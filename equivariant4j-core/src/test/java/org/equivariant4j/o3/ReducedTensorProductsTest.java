package org.equivariant4j.o3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.O3Element;
import org.equivariant4j.linalg.Matrices;
import org.junit.jupiter.api.Test;

class ReducedTensorProductsTest {

    @Test
    void irrepsOfSymmetricTensorsAsE3nn() {
        Irreps vector = Irreps.parse("1o");
        assertEquals("1x0e+1x2e", ReducedTensorProducts.of("ij=ji", vector).irreps().toString());
        assertEquals("1x1e", ReducedTensorProducts.of("ij=-ji", vector).irreps().toString());
        assertEquals("1x0o", ReducedTensorProducts.of("ijk=-ikj=-jik", vector).irreps().toString());
        assertEquals("1x0e", ReducedTensorProducts.of("ijk=-ikj=-jik", Irreps.parse("1e")).irreps().toString());
        ReducedTensorProducts elasticity = ReducedTensorProducts.of("ijkl=jikl=klij", vector);
        assertEquals("2x0e+2x2e+1x4e", elasticity.irreps().toString());
        assertEquals(21, elasticity.irreps().dim());
        assertEquals("1x0e+1x2e+1x4e", ReducedTensorProducts.of("ijkl=jikl=ikjl=ijlk", Irreps.parse("1e")).irreps().toString());
        // symmetric in i, j (0e + 2e) times a pseudovector k: 1e + (1e + 2e + 3e)
        assertEquals("2x1e+1x2e+1x3e", ReducedTensorProducts.of("ijk=jik", Map.of('i', vector, 'j', vector,
                'k', Irreps.parse("1e"))).irreps().toString());
    }

    @Test
    void changeOfBasisIsOrthonormalEquivariantAndSymmetric() {
        SplittableRandom rng = new SplittableRandom(2);
        for (String formula : new String[] {"ij=ji", "ijkl=jikl=klij", "ijk=-jik"}) {
            ReducedTensorProducts r = ReducedTensorProducts.of(formula, Irreps.parse("1o"));
            double[][] q = r.changeOfBasis();
            assertTrue(Matrices.maxAbsDifference(Matrices.multiply(q, Matrices.transpose(q)),
                    Matrices.identity(q.length)) < 1e-12, formula + ": rows orthonormal");
            int n = formula.indexOf('=');
            for (int t = 0; t < 3; t++) {
                O3Element g = Groups.o3().random(rng);
                double[][] d = g.matrix();
                double[][] big = d;
                for (int a = 1; a < n; a++) {
                    big = Matrices.kronecker(big, d);
                }
                double[][] left = Matrices.multiply(q, big);
                double[][] right = Matrices.multiply(r.irreps().matrix(g), q);
                assertTrue(Matrices.maxAbsDifference(left, right) < 1e-12, formula + ": Q intertwines");
            }
            // tensors rebuilt from irrep coordinates obey the symmetry
            double[] x = new double[q.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = rng.nextGaussian();
            }
            double[] tensor = r.fromIrreps(x);
            if (formula.equals("ijk=-jik")) {
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        for (int k = 0; k < 3; k++) {
                            assertEquals(-tensor[(j * 3 + i) * 3 + k], tensor[(i * 3 + j) * 3 + k], 1e-12);
                        }
                    }
                }
            }
            double[] back = r.toIrreps(tensor);
            for (int i = 0; i < x.length; i++) {
                assertEquals(x[i], back[i], 1e-12);
            }
        }
    }

    @Test
    void badFormulasNameTheProblem() {
        assertThrows(IllegalArgumentException.class, () -> ReducedTensorProducts.of("ij=jk", Irreps.parse("1o")));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ReducedTensorProducts.of("ij=ji", Map.of('i', Irreps.parse("1o"))));
        assertTrue(missing.getMessage().contains("'j'"), missing.getMessage());
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
                () -> ReducedTensorProducts.of("ij=ji", Map.of('i', Irreps.parse("1o"), 'j', Irreps.parse("1e"))));
        assertTrue(mixed.getMessage().contains("different irreps"), mixed.getMessage());
    }
}

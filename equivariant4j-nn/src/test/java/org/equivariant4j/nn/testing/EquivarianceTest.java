package org.equivariant4j.nn.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.group.CyclicElement;
import org.equivariant4j.group.CyclicGroup;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.SO2;
import org.equivariant4j.nn.TestSupport;
import org.equivariant4j.nn.field.EquivariantLinear;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EquivarianceTest {
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    @Test
    void actionOnLastAxisIsTheRepresentation() {
        CyclicGroup c4 = Groups.cyclic(4);
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(new double[] {1, 2, 3, 4}, new Shape(1, 4));
            // regular representation: rho(r) e_h = e_{r h}, so (rho(r) x)[h+1] = x[h]
            double[] y = Equivariance.onLastAxis(c4.regularRepresentation()).apply(c4.generator(), x).toDoubleArray();
            assertEquals(List.of(4.0, 1.0, 2.0, 3.0), List.of(y[0], y[1], y[2], y[3]));
            NDArray z = m.create(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, new Shape(1, 4, 2));
            double[] w = Equivariance.onAxis(c4.regularRepresentation(), 1).apply(c4.generator(), z).toDoubleArray();
            assertEquals(List.of(7.0, 8.0, 1.0, 2.0), List.of(w[0], w[1], w[2], w[3]));
            assertThrows(IllegalArgumentException.class, () -> Equivariance.onAxis(c4.regularRepresentation(), 2).apply(c4.generator(), z));
        }
    }

    @Test
    void detectsANonEquivariantBlock() {
        CyclicGroup c8 = Groups.cyclic(8);
        Linear dense = Linear.builder().setUnits(8).optBias(false).build();
        try (NDManager m = manager.newSubManager()) {
            dense.initialize(m, DataType.FLOAT32, new Shape(4, 8));
            NDArray x = TestSupport.gaussian(m, new Shape(4, 8), DataType.FLOAT32, 1);
            Equivariance.Report r = Equivariance.check(dense, c8.regularRepresentation(), c8.regularRepresentation(), c8.elements(), x);
            assertTrue(r.maxRelativeError() > 0.1, r.toString());
            assertFalse(r.passes(1e-5));
            assertNotNull(r.worstElement());
            assertTrue(r.worstElement() instanceof CyclicElement e && e.power() != 0, r.toString());
        }
    }

    @Test
    void designEntryPointAndScopeHygiene() {
        SO2 so2 = Groups.so2();
        var in = org.equivariant4j.repr.Representation.directSum("i", so2.irrep(0), so2.irrep(1), so2.irrep(2));
        var block = EquivariantLinear.builder(in, in).optSeed(4).build();
        try (NDManager m = manager.newSubManager()) {
            block.initialize(m, DataType.FLOAT64, new Shape(8, 5));
            Equivariance.check(block, in, in, m, DataType.FLOAT64, 7); // the block's own inference cache is built once
            int before = ((BaseNDManager) m).getManagedArrays().size();
            Equivariance.Report r = Equivariance.check(block, in, in, m, DataType.FLOAT64, 7);
            assertEquals(16, r.elementsChecked());
            assertTrue(r.passes(1e-9), r.toString());
            assertEquals(before, ((BaseNDManager) m).getManagedArrays().size(), "the checker frees what it creates");
        }
    }

    /** Memory does not grow with the number of elements: each element's arrays are freed before the next runs. */
    @Test
    void eachElementsArraysAreFreedBeforeTheNext() {
        CyclicGroup c8 = Groups.cyclic(8);
        var rho = c8.regularRepresentation();
        try (NDManager m = manager.newSubManager()) {
            NDArray x = TestSupport.gaussian(m, new Shape(4, 8), DataType.FLOAT64, 2);
            List<Integer> live = new ArrayList<>();
            Equivariance.Report r = Equivariance.check(in -> {
                live.add(((BaseNDManager) m).getManagedArrays().size());
                return in.get(0).mul(2);
            }, List.of(Equivariance.onLastAxis(rho)), Equivariance.onLastAxis(rho), c8.elements(), new NDList(x));
            assertTrue(r.passes(1e-12), r.toString());
            // call 0 is f(x), calls 1..8 are f(g·x) for the 8 elements
            assertEquals(9, live.size());
            assertEquals(live.get(1), live.get(8), "arrays alive when f runs, call by call: " + live);
        }
    }
}

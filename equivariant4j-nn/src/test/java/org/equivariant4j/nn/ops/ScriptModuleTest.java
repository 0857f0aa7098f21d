package org.equivariant4j.nn.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class ScriptModuleTest {
    private static final String METHODS = String.join("\n",
            "def forward(self, a: Tensor, x: Tensor) -> Tensor:",
            "  return torch.add(torch.mul(a, x), 1.0)",
            "def silu_sum(self, x: Tensor, w: Tensor) -> Tuple[Tensor, Tensor]:",
            "  y = torch.silu(torch.linear(x, w))",
            "  return (y, torch.sum(y, [1]))",
            "def index_add(self, src: Tensor, index: Tensor, like: Tensor) -> Tensor:",
            "  return torch.index_add(torch.zeros_like(like), 0, index, src)");

    @Test
    void methodsRunWithAutogradLikeDjlOps() {
        try (NDManager m = NDManager.newBaseManager(); ScriptModule s = ScriptModule.compile(m, METHODS)) {
            Engine.getInstance().setRandomSeed(2);
            NDArray x = m.randomNormal(new Shape(4, 3)).toType(DataType.FLOAT64, false);
            NDArray w = m.randomNormal(new Shape(5, 3)).toType(DataType.FLOAT64, false);
            NDArray r = m.randomNormal(new Shape(4, 5)).toType(DataType.FLOAT64, false);
            w.setRequiresGradient(true);
            NDArray scripted;
            NDArray rowSums;
            NDArray gradScripted;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDList out = s.call("silu_sum", true, x, w);
                assertEquals(2, out.size());
                scripted = out.get(0);
                rowSums = out.get(1);
                gc.backward(scripted.mul(r).sum());
                gradScripted = w.getGradient().duplicate();
            }
            w.getGradient().subi(w.getGradient());
            NDArray ref;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray z = x.matMul(w.transpose());
                ref = z.mul(z.getNDArrayInternal().sigmoid());
                gc.backward(ref.mul(r).sum());
            }
            assertTrue(scripted.sub(ref).abs().max().getDouble() < 1e-12);
            assertTrue(rowSums.sub(ref.sum(new int[] {1})).abs().max().getDouble() < 1e-12);
            assertTrue(gradScripted.sub(w.getGradient()).abs().max().getDouble() < 1e-12);
            assertTrue(gradScripted.abs().max().getDouble() > 0);
            // results live on the first input's manager
            assertEquals(x.getManager(), scripted.getManager());
        }
    }

    @Test
    void forwardScatterAddAndNoGradMode() {
        try (NDManager m = NDManager.newBaseManager(); ScriptModule s = ScriptModule.compile(m, METHODS)) {
            NDArray a = m.create(new float[] {2, 3});
            NDArray x = m.create(new float[] {1, -1});
            a.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray noGrad = s.call("forward", false, a, x).singletonOrThrow();
                assertArrayEquals(new float[] {3, -2}, noGrad.toFloatArray());
                assertFalse(noGrad.hasGradient());
                NDArray y = s.call("forward", true, a, x).singletonOrThrow();
                gc.backward(y.sum());
            }
            assertArrayEquals(new float[] {1, -1}, a.getGradient().toFloatArray());
            // index_add accumulates duplicates (DJL's own scatter overwrites them)
            NDArray added = s.call("index_add", false, m.create(new float[] {1, 2, 5}), m.create(new long[] {0, 0, 2}),
                    m.zeros(new Shape(3))).singletonOrThrow();
            assertArrayEquals(new float[] {3, 0, 5}, added.toFloatArray());
        }
    }

    @Test
    void namesThatDjlWouldReadAsContainersArePassedAsTensors() {
        try (NDManager m = NDManager.newBaseManager(); ScriptModule s = ScriptModule.compile(m, METHODS)) {
            NDArray a = m.create(new float[] {2});
            a.setName("weights.0");
            NDArray x = m.create(new float[] {5});
            x.setName("xs[]");
            assertArrayEquals(new float[] {11}, s.call("forward", false, a, x).singletonOrThrow().toFloatArray());
            assertEquals("weights.0", a.getName());
        }
    }

    @Test
    void callsInsideAScopeDoNotLeak() {
        try (NDManager m = NDManager.newBaseManager(); ScriptModule s = ScriptModule.compile(m, METHODS)) {
            NDArray x = m.randomNormal(new Shape(4, 3));
            NDArray w = m.randomNormal(new Shape(5, 3));
            int before = 0;
            for (int i = 0; i < 50; i++) {
                try (NDScope scope = new NDScope()) {
                    s.call("silu_sum", true, x, w);
                }
                if (i == 4) {
                    before = ((BaseNDManager) m).getManagedArrays().size();
                }
            }
            assertEquals(before, ((BaseNDManager) m).getManagedArrays().size());
        }
    }

    @Test
    void badSourceAndBadCallsGetClearMessages() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> ScriptModule.compile(m, "def f(self, x: Tensor) -> Tensor:\n  return torch.no_such_op(x)"));
            assertTrue(ex.getMessage().contains("TorchScript rejected") && ex.getMessage().contains("no_such_op"),
                    ex.getMessage());
            try (ScriptModule s = ScriptModule.compile(m, METHODS)) {
                ex = assertThrows(IllegalArgumentException.class, () -> s.call("forward", true));
                assertTrue(ex.getMessage().contains("at least one"), ex.getMessage());
                ex = assertThrows(IllegalArgumentException.class, () -> s.call("bad name", true, m.ones(new Shape(1))));
                assertTrue(ex.getMessage().contains("bad name"), ex.getMessage());
            }
        }
    }
}

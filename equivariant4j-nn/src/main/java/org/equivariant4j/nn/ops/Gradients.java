package org.equivariant4j.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * Gradients as tensors, for quantities that are themselves derivatives (forces −∂E/∂r trained on, Hessian–vector
 * products): {@code torch.autograd.grad} through a one-method {@link ScriptKernel}. With {@code createGraph} the
 * gradient is recorded and can be differentiated again (inside a {@link ai.djl.training.GradientCollector} or by
 * another call here).
 */
public final class Gradients {
    private static final ScriptKernel GRAD = new ScriptKernel("Gradients", String.join("\n",
            "def grad(self, y: Tensor, x: Tensor, create: Tensor) -> Tensor:",
            "  g = torch.autograd.grad([y.sum()], [x], create_graph=bool(create), allow_unused=True)[0]",
            "  if g is None:",
            "    return torch.zeros_like(x)",
            "  return g"), (m, dt) -> new NDList());

    private Gradients() {}

    /**
     * ∂(Σ y)/∂x, shaped like x. {@code x} must require gradients ({@code setRequiresGradient(true)}) and y must have been
     * computed from it in grad mode. Zero when y does not depend on x.
     */
    public static NDArray of(NDArray y, NDArray x, boolean createGraph) {
        try (NDArray flag = x.getManager().create(createGraph)) {
            return GRAD.call("grad", y, x, flag).singletonOrThrow();
        }
    }
}

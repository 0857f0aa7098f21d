"""e3nn's side of TensorProductBenchmark: the same two products, timed forward + backward, median of N runs.

  fctp: FullyConnectedTensorProduct 32x0e+32x1o+32x2e (x) 1x0e+1x1o+1x2e -> 32x0e+32x1o+32x2e, shared internal weights
  conv: e3nn's convolution product (gate_points_2101.Convolution.tp): one uvu path per (x entry, sh entry, coupled
        irrep in x) into its own output entry, outputs sorted (11 x 32 copies, dim 1120), per-edge weights from a radial network
        (soft_one_hot_linspace gaussian, 10 basis functions, x sqrt(10), FullyConnectedNet [10, 64, 352], silu)

10 000 edges, float32, input features standard normal, spherical harmonics (component) of random vectors, loss
sum(y * r) with a fixed random r; backward to the features and the weights (the radial network's for conv).

Run (Debian 12: apt-get install python3-torch python3-scipy python3-packaging; e3nn 0.5.1, opt_einsum and opt_einsum_fx
sources on PYTHONPATH; OpenBLAS held to one thread while torch runs its own two):
    OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE PYTHONPATH=... /usr/bin/python3 e3nn_tensor_product.py [threads=2] [runs=20]
"""
import statistics
import sys
import time

import torch
from e3nn import o3
from e3nn.math import soft_one_hot_linspace
from e3nn.nn import FullyConnectedNet


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    edges = 10_000
    irreps = o3.Irreps("32x0e+32x1o+32x2e")
    sh_irreps = o3.Irreps.spherical_harmonics(2)
    x = torch.randn(edges, irreps.dim, requires_grad=True)
    vec = torch.randn(edges, 3)
    sh = o3.spherical_harmonics(sh_irreps, vec, normalize=True, normalization="component")
    r = torch.randn(edges, irreps.dim)
    length = vec.norm(dim=1)

    fctp = o3.FullyConnectedTensorProduct(irreps, sh_irreps, irreps)

    mid, instructions = [], []
    for i, (mul, ir_in) in enumerate(irreps):
        for j, (_, ir_edge) in enumerate(sh_irreps):
            for ir_out in ir_in * ir_edge:
                if ir_out in irreps:
                    instructions.append((i, j, len(mid), "uvu", True))
                    mid.append((mul, ir_out))
    mid = o3.Irreps(mid)
    mid, p, _ = mid.sort()
    instructions = [(a, b, p[c], mode, w) for a, b, c, mode, w in instructions]
    conv = o3.TensorProduct(irreps, sh_irreps, mid, instructions, internal_weights=False, shared_weights=False)
    radial = FullyConnectedNet([10, 64, conv.weight_numel], torch.nn.functional.silu)
    r_mid = torch.randn(edges, mid.dim)

    def step_fctp():
        y = fctp(x, sh)
        (y * r).sum().backward()

    def step_conv():
        emb = soft_one_hot_linspace(length, 0.0, 3.0, 10, basis="gaussian", cutoff=False).mul(10 ** 0.5)
        y = conv(x, sh, radial(emb))
        (y * r_mid).sum().backward()

    for name, step in (("fctp", step_fctp), ("conv", step_conv)):
        times = []
        for k in range(runs + 2):
            t0 = time.perf_counter()
            step()
            t = time.perf_counter() - t0
            if k >= 2:
                times.append(t)
        print(f"e3nn {name}: median {1000 * statistics.median(times):.1f} ms fwd+bwd over {runs} runs "
              f"(torch {torch.__version__}, {threads} threads)")


if __name__ == "__main__":
    main()

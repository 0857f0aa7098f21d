"""e2cnn's side of R2ConvBenchmark and BasisBuildTime.

  1. R2Conv on C8, 16 regular fields -> 16 regular fields (128 -> 128 channels), k = 5, padding 2, batch 16, 32x32,
     against torch.nn.Conv2d(128, 128, 5, padding=2) on the same input: training step (forward + backward, gradients
     zeroed) and inference (eval mode, e2cnn's cached expanded filter), medians of 30 after 5 warm-up calls.
  2. The bases of escnn's canonical six-layer C8 model (regular fields 24, 32, 36, 36, 48, 48; kernels 9, 7, 7, 7, 7, 5):
     the time to build the six R2Conv layers, after the imports.

Run (Debian 12: apt-get install python3-torch python3-scipy; the e2cnn 0.2.3 sources on PYTHONPATH; OpenBLAS held to one
thread while torch runs its own):
    OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE PYTHONPATH=/path/to/e2cnn /usr/bin/python3 e2cnn_r2conv.py [threads=2]
"""
import statistics
import sys
import time
import warnings

import torch

warnings.filterwarnings("ignore")
torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
from e2cnn import gspaces, nn  # noqa: E402


def median_ms(f, runs=30, warmup=5):
    for _ in range(warmup):
        f()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        f()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


r2 = gspaces.Rot2dOnR2(8)
t = nn.FieldType(r2, 16 * [r2.regular_repr])
conv = nn.R2Conv(t, t, 5, padding=2)
plain = torch.nn.Conv2d(128, 128, 5, padding=2)
x = nn.GeometricTensor(torch.randn(16, 128, 32, 32), t)


def train_e2cnn():
    conv.train()
    conv(x).tensor.mean().backward()
    conv.zero_grad()


def train_plain():
    plain(x.tensor).mean().backward()
    plain.zero_grad()


def infer_e2cnn():
    with torch.no_grad():
        conv(x)


def infer_plain():
    with torch.no_grad():
        plain(x.tensor)


tr_e, tr_p = median_ms(train_e2cnn), median_ms(train_plain)
conv.eval()
in_e, in_p = median_ms(infer_e2cnn), median_ms(infer_plain)
print("torch %s, %d threads" % (torch.__version__, torch.get_num_threads()))
print("training:  R2Conv %.1f ms, Conv2d %.1f ms, ratio %.3f" % (tr_e, tr_p, tr_e / tr_p))
print("inference: R2Conv %.1f ms, Conv2d %.1f ms, ratio %.3f" % (in_e, in_p, in_e / in_p))

t0 = time.perf_counter()
t_in = nn.FieldType(r2, [r2.trivial_repr])
for fields, k in zip([24, 32, 36, 36, 48, 48], [9, 7, 7, 7, 7, 5]):
    t_out = nn.FieldType(r2, fields * [r2.regular_repr])
    nn.R2Conv(t_in, t_out, k, padding=k // 2)
    t_in = t_out
print("six-layer C8 model: bases built in %.2f s (after imports)" % (time.perf_counter() - t0))

"""Baseline for EgnnEpochBench: one training epoch of the EGNN N-body model (E_GCL_vel / EGNN_vel, 4 layers x 64,
134 020 parameters) in the reference formulation (edge lists, gathers, index_add_ scatter) in PyTorch, on the
same kind of synthetic data as the Java benchmark: 3000 random 5-body systems, batch 100, Adam lr 5e-4, weight decay 1e-12,
MSE. Prints the median seconds per epoch after one warm-up epoch.

Run (Debian 12: apt-get install python3-torch libopenblas0-openmp; without OpenBLAS, Debian's torch uses the
reference BLAS and is far slower):
    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 egnn_reference_epoch.py [threads=2] [epochs=5]
"""
import sys, time, statistics
import torch
from torch import nn

def segment_sum(data, index, n):
    out = data.new_zeros((n, data.size(1)))
    return out.index_add_(0, index, data)

class Layer(nn.Module):
    def __init__(self, h, edge_attr=2):
        super().__init__()
        act = nn.SiLU()
        self.edge = nn.Sequential(nn.Linear(2 * h + 1 + edge_attr, h), act, nn.Linear(h, h), act)
        self.node = nn.Sequential(nn.Linear(2 * h, h), act, nn.Linear(h, h))
        last = nn.Linear(h, 1, bias=False)
        nn.init.xavier_uniform_(last.weight, gain=0.001)
        self.coord = nn.Sequential(nn.Linear(h, h), act, last)
        self.vel = nn.Sequential(nn.Linear(h, h), act, nn.Linear(h, 1))

    def forward(self, h, x, v, row, col, attr):
        d = x[row] - x[col]
        radial = (d * d).sum(1, keepdim=True)
        m = self.edge(torch.cat([h[row], h[col], radial, attr], 1))
        t = torch.clamp(d * self.coord(m), -100, 100)
        n = x.size(0)
        cnt = segment_sum(torch.ones_like(t), row, n).clamp(min=1)
        x = x + segment_sum(t, row, n) / cnt
        x = x + self.vel(h) * v
        agg = segment_sum(m, row, n)
        h = h + self.node(torch.cat([h, agg], 1))
        return h, x

class Egnn(nn.Module):
    def __init__(self, h=64, layers=4):
        super().__init__()
        self.emb = nn.Linear(1, h)
        self.layers = nn.ModuleList([Layer(h) for _ in range(layers)])

    def forward(self, x, v, q, row, col):
        h = self.emb(torch.linalg.norm(v, dim=1, keepdim=True))
        d0 = x[row] - x[col]
        attr = torch.cat([q[row] * q[col], (d0 * d0).sum(1, keepdim=True)], 1)
        for l in self.layers:
            h, x = l(h, x, v, row, col, attr)
        return x

def edges(n, b):
    rows, cols = [], []
    for i in range(n):
        for j in range(n):
            if i != j:
                rows.append(i); cols.append(j)
    r = torch.tensor(rows); c = torch.tensor(cols)
    off = (torch.arange(b) * n).repeat_interleave(len(rows))
    return r.repeat(b) + off, c.repeat(b) + off

def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    S, N, B = 3000, 5, 100
    x = 1.7 * torch.randn(S, N, 3); v = torch.randn(S, N, 3)
    y = x + 0.8 * v + 0.1 * torch.randn(S, N, 3)
    q = torch.randint(0, 2, (S, N, 1)).float() * 2 - 1
    model = Egnn()
    print("parameters", sum(p.numel() for p in model.parameters()))
    opt = torch.optim.Adam(model.parameters(), lr=5e-4, weight_decay=1e-12)
    row, col = edges(N, B)
    times = []
    for e in range(epochs + 1):
        perm = torch.randperm(S)
        t0 = time.perf_counter(); tot = 0
        for s in range(S // B):
            idx = perm[s * B:(s + 1) * B]
            xb, vb, qb, yb = (a[idx].reshape(-1, a.size(2)) for a in (x, v, q, y))
            opt.zero_grad()
            loss = ((model(xb, vb, qb, row, col) - yb) ** 2).mean()
            loss.backward()
            opt.step()
            tot += loss.item()
        dt = time.perf_counter() - t0
        print(f"epoch {e}: {dt:.3f} s loss {tot / (S // B):.5f}" + (" (warm-up)" if e == 0 else ""), flush=True)
        if e > 0:
            times.append(dt)
    print(f"RESULT reference PyTorch {torch.__version__} threads={threads}: median {statistics.median(times):.3f} s/epoch")

main()

"""Reference values for NBodySegnnReferenceTest: SEGNN's own N-body code (RobDHess/Steerable-E3-GNN, its O3Transform,
SEGNN and O3TensorProduct) on e3nn 0.3.5, the e3nn its paper ran, in float64. Writes one JSON file with a small batch
(3 systems of 5 particles), the predictions x + model(graph), the MSE loss against a target and, per parameter tensor,
the gradient's norm and its dot product with a probe vector; and a summary of the initial weights the reference's N-body
run draws (PyTorch's generator after its torch.manual_seed(42)), which `nbody --init torch --seed 42` reproduces.

The weights are not drawn: parameter tensor k (in the order embedding, then per layer message 1, message 2, update 1,
update 2, then pre-pool 1 and 2; weight before bias) has entry i = 0.05 sin(0.37 i + 1.1 k + 0.3), so the Java test sets
the same values without reading 147 424 numbers. The probe is p_i = cos(0.61 i).

Two inputs: "reference", the reference's node features [x - mean of each particle's own x, y, z, v, |v|] as its code
computes them (`pos - pos.mean(1)`), and "centroid", the same code with that one line replaced by x - (system centroid),
the input of `nbody --model segnn`.

The peers are never project dependencies. What this needs: Debian's python3-torch (1.13), a checkout of e3nn 0.3.5
(git tag 0.3.5) and of Steerable-E3-GNN. torch_geometric, torch_scatter and opt_einsum_fx are not needed: the few
functions SEGNN's code imports from them are defined below (PyG's MessagePassing with flow source -> target and sum
aggregation, scatter sum/mean, no einsum optimisation; wandb, which train_nbody.py imports for logging, is an empty
module). If the e3nn checkout lacks e3nn/o3/constants.pt (a mirror without large files), pass a newer e3nn's
e3nn/o3/_wigner.py as WIGNER: it computes the same Wigner 3j symbols instead of loading them.

The second use, `train`, runs the reference's own training (its main.py with the given arguments) with the same
stand-ins, PyTorch held to THREADS threads and train_nbody.py's torch.manual_seed(42) replaced by SEED. The reference
reads its .npy files from SEGNN_DIR/nbody/dataset: link the folder `./equivariant4j nbody` generates there
(~/.cache/equivariant4j/nbody by default) to train on the same data as the Java runs.

Run:
    /usr/bin/python3 segnn_reference.py E3NN_0_3_5_DIR SEGNN_DIR OUT.json [WIGNER]
    /usr/bin/python3 -u segnn_reference.py train E3NN_0_3_5_DIR SEGNN_DIR THREADS SEED WIGNER|- -- --dataset=nbody \
        --epochs=1000 --max_samples=3000 --model=segnn --lmax_h=1 --lmax_attr=1 --layers=4 --hidden_features=64 \
        --subspace_type=weightbalanced --norm=none --batch_size=100 --gpus=0 --weight_decay=1e-12
"""
import importlib.util
import inspect
import json
import os
import runpy
import sys
import types

import torch
import torch.fx as fx


def install_shims(wigner):
    if not hasattr(torch, "compiler"):
        torch.compiler = types.SimpleNamespace(disable=lambda f: f)

    # e3nn 0.3.5 makes fx proxies without a tracer; torch >= 1.12 then sees one tracer per proxy
    proxy_init = fx.Proxy.__init__
    tracers = {}

    def init(self, node, tracer=None):
        if tracer is None:
            tracer = tracers.setdefault(id(node.graph), fx.proxy.GraphAppendingTracer(node.graph))
        proxy_init(self, node, tracer)

    fx.Proxy.__init__ = init

    oefx = types.ModuleType("opt_einsum_fx")
    oefx.jitable = lambda graph_module: graph_module
    oefx.optimize_einsums_full = lambda model, example_inputs, **kw: model
    sys.modules["opt_einsum_fx"] = oefx

    def scatter(src, index, dim=0, reduce="sum", dim_size=None):
        assert dim == 0
        n = int(index.max()) + 1 if dim_size is None else dim_size
        out = src.new_zeros((n,) + tuple(src.shape[1:])).index_add(0, index, src)
        if reduce == "mean":
            count = src.new_zeros(n).index_add(0, index, torch.ones(index.shape[0], dtype=src.dtype)).clamp(min=1)
            out = out / count.view(-1, *([1] * (src.dim() - 1)))
        return out

    ts = types.ModuleType("torch_scatter")
    ts.scatter = scatter
    sys.modules["torch_scatter"] = ts

    class MessagePassing(torch.nn.Module):
        def __init__(self, node_dim=-2, aggr="add"):
            super().__init__()
            assert aggr == "add"

        def propagate(self, edge_index, **kw):
            src, dst = edge_index[0], edge_index[1]
            args = {}
            for name in inspect.signature(self.message).parameters:
                if name.endswith("_i"):
                    args[name] = kw[name[:-2]].index_select(0, dst)
                elif name.endswith("_j"):
                    args[name] = kw[name[:-2]].index_select(0, src)
                else:
                    args[name] = kw[name]
            aggregated = scatter(self.message(**args), dst, 0, "sum", dim_size=kw["x"].shape[0])
            rest = list(inspect.signature(self.update).parameters)[1:]
            return self.update(aggregated, **{k: kw[k] for k in rest})

    class Data:
        def __init__(self, **kw):
            self.__dict__.update(kw)

        @property
        def num_nodes(self):
            return self.pos.shape[0]

        def contains_isolated_nodes(self):
            return False

        def to(self, device):
            return self

    pyg = types.ModuleType("torch_geometric")
    pyg_nn = types.ModuleType("torch_geometric.nn")
    pyg_nn.MessagePassing = MessagePassing
    pyg_nn.global_mean_pool = lambda x, batch: scatter(x, batch, 0, "mean")
    pyg_nn.global_add_pool = lambda x, batch: scatter(x, batch, 0, "sum")
    pyg_nn.global_max_pool = None
    pyg_data = types.ModuleType("torch_geometric.data")
    pyg_data.Data = Data
    sys.modules.update({"torch_geometric": pyg, "torch_geometric.nn": pyg_nn, "torch_geometric.data": pyg_data})
    sys.modules["wandb"] = types.ModuleType("wandb")  # imported by train_nbody.py for logging only

    if wigner is not None:
        import e3nn.util  # noqa: F401  (the newer _wigner imports it)
        spec = importlib.util.spec_from_file_location("e3nn.o3._wigner", wigner)
        module = importlib.util.module_from_spec(spec)
        sys.modules["e3nn.o3._wigner"] = module
        spec.loader.exec_module(module)


def main():
    e3nn_dir, segnn_dir, out_path = sys.argv[1:4]
    wigner = sys.argv[4] if len(sys.argv) > 4 else None
    sys.path[:0] = [e3nn_dir, segnn_dir]
    install_shims(wigner)
    import e3nn
    from e3nn.o3 import Irreps, spherical_harmonics
    from models.balanced_irreps import WeightBalancedIrreps
    from models.segnn.segnn import SEGNN
    from nbody.train_nbody import O3Transform
    from torch_geometric.data import Data

    assert e3nn.__version__ == "0.3.5", e3nn.__version__
    n, graphs = 5, 3
    attributes = Irreps.spherical_harmonics(1)

    def build():
        hidden = WeightBalancedIrreps(Irreps("64x0e"), attributes, sh=True, lmax=1)
        model = SEGNN(Irreps("2x1o + 1x0e"), hidden, Irreps("1x1o"), attributes, attributes, 4, norm=None, pool="avg",
                      task="node", additional_message_irreps=Irreps("2x0e"))
        modules = [model.embedding_layer]
        for layer in model.layers:
            modules += [layer.message_layer_1, layer.message_layer_2, layer.update_layer_1, layer.update_layer_2]
        modules += [model.pre_pool1, model.pre_pool2]
        tensors = []
        for module in modules:
            tensors.append(module.tp.weight)
            if module.biases is not None:
                tensors.append(module.biases)
        assert sum(t.numel() for t in tensors) == sum(p.numel() for p in model.parameters()) == 147424
        return hidden, model, tensors

    # the initial weights of the reference's N-body run: train_nbody.py's torch.manual_seed(42), then main.py's
    # WeightBalancedIrreps and SEGNN in float32, summarised per tensor
    torch.manual_seed(42)
    drawn = [t.detach().reshape(-1) for t in build()[2]]
    initial = {"seed": 42, "dtype": "float32", "count": [int(t.numel()) for t in drawn],
               "head": [t[:3].tolist() for t in drawn], "last": [t[-1].item() for t in drawn],
               "sum": [t.double().sum().item() for t in drawn], "sum_of_squares": [t.double().square().sum().item()
                                                                                   for t in drawn]}

    torch.set_default_dtype(torch.float64)
    hidden, model, tensors = build()
    model.double()
    with torch.no_grad():
        for k, t in enumerate(tensors):
            i = torch.arange(t.numel(), dtype=torch.float64)
            t.copy_((0.05 * torch.sin(0.37 * i + 1.1 * k + 0.3)).view(t.shape))

    g = torch.Generator().manual_seed(11)
    pos = 2 * (2 * torch.rand(graphs * n, 3, generator=g) - 1)
    vel = 2 * torch.rand(graphs * n, 3, generator=g) - 1
    charges = torch.where(torch.rand(graphs * n, 1, generator=g) < 0.5, -1.0, 1.0)
    target = pos + 0.2 * (2 * torch.rand(graphs * n, 3, generator=g) - 1)
    rows = [s * n + i for s in range(graphs) for i in range(n) for j in range(n) if i != j]
    cols = [s * n + j for s in range(graphs) for i in range(n) for j in range(n) if i != j]
    edge_index = torch.tensor([rows, cols])

    result = {
        "about": "SEGNN's N-body code (Steerable-E3-GNN O3Transform + SEGNN, 32x0e+32x1o, l_attr 1, 4 layers, no norm)"
                 " on e3nn " + e3nn.__version__ + ", float64; written by equivariant4j-bench/src/main/python/"
                 "segnn_reference.py" + ("" if wigner is None else " (its Wigner 3j symbols computed by a newer e3nn's"
                                         " _wigner.py: the checkout lacked constants.pt)"),
        "weights": "tensor k, entry i: 0.05 sin(0.37 i + 1.1 k + 0.3)",
        "probe": "cos(0.61 i)",
        "hidden": str(hidden),
        "parameters": [int(t.numel()) for t in tensors],
        "x": pos.tolist(), "v": vel.tolist(), "q": charges.view(-1).tolist(), "target": target.tolist(),
        "initial_weights": initial,
    }
    transform = O3Transform(1)
    for name in ("reference", "centroid"):
        graph = transform(Data(pos=pos, vel=vel, charges=charges, edge_index=edge_index))
        if name == "centroid":
            centroid = pos.view(graphs, n, 3).mean(1, keepdim=True).expand(graphs, n, 3).reshape(-1, 3)
            graph.x = torch.cat((pos - centroid, graph.x[:, 3:]), 1)
        graph.batch = torch.arange(graphs).repeat_interleave(n)
        model.zero_grad()
        prediction = graph.pos + model(graph)
        loss = torch.nn.MSELoss()(prediction, target)
        loss.backward()
        result[name] = {
            "prediction": prediction.tolist(),
            "loss": loss.item(),
            "gradient_norm": [t.grad.norm().item() for t in tensors],
            "gradient_probe": [(t.grad.reshape(-1) * torch.cos(0.61 * torch.arange(t.numel(), dtype=torch.float64)))
                               .sum().item() for t in tensors],
        }
    with open(out_path, "w") as f:
        json.dump(result, f, indent=1)
    print("wrote", out_path, "loss reference", result["reference"]["loss"], "centroid", result["centroid"]["loss"])


def train():
    e3nn_dir, segnn_dir, threads, seed, wigner = sys.argv[2:7]
    arguments = sys.argv[sys.argv.index("--") + 1:]
    sys.path[:0] = [e3nn_dir, segnn_dir]
    install_shims(None if wigner == "-" else wigner)
    torch.set_num_threads(int(threads))
    manual_seed = torch.manual_seed
    torch.manual_seed = lambda ignored: manual_seed(int(seed))  # train_nbody.py seeds 42 when imported
    sys.argv = ["main.py"] + arguments
    runpy.run_path(os.path.join(segnn_dir, "main.py"), run_name="__main__")


USAGE = ("usage: segnn_reference.py E3NN_0_3_5_DIR SEGNN_DIR OUT.json [WIGNER]\n"
         "   or: segnn_reference.py train E3NN_0_3_5_DIR SEGNN_DIR THREADS SEED WIGNER|- -- MAIN_PY_ARGUMENTS...")


def check_arguments():
    """One line naming what was expected before anything is imported or run."""
    a = sys.argv[1:]
    training = len(a) > 0 and a[0] == "train"
    if training:
        if "--" not in a or a.index("--") != 6 or not a[3].isdigit() or not a[4].lstrip("-").isdigit():
            sys.exit("expected train E3NN_DIR SEGNN_DIR THREADS SEED WIGNER|- -- arguments, got " + " ".join(a) + "\n" + USAGE)
        folders = a[1:3]
    else:
        if len(a) not in (3, 4):
            sys.exit("expected 3 or 4 arguments, got " + str(len(a)) + "\n" + USAGE)
        folders = a[0:2]
    for folder in folders:
        if not os.path.isdir(folder):
            sys.exit("not a folder: " + folder + "\n" + USAGE)
    wigner = a[5] if training else (a[3] if len(a) == 4 else "-")
    if wigner != "-" and not os.path.isfile(wigner):
        sys.exit("WIGNER is not a file: " + wigner + "\n" + USAGE)
    constants = os.path.join(folders[0], "e3nn", "o3", "constants.pt")
    if wigner == "-" and (not os.path.isfile(constants) or os.path.getsize(constants) == 0):
        sys.exit(constants + " is missing or empty: pass a newer e3nn's e3nn/o3/_wigner.py as WIGNER\n" + USAGE)
    if not training:
        out = os.path.dirname(os.path.abspath(a[2]))
        if not os.access(out, os.W_OK):
            sys.exit("cannot write " + a[2] + " (" + out + " is not a writable folder)")
    return training


if __name__ == "__main__":
    train() if check_arguments() else main()

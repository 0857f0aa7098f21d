#!/usr/bin/env python3
"""Writes the fixtures of scripts/bad-inputs.sh into the folder given as the only argument: a small valid N-body
dataset and damaged variants of it, MNIST-format folders (valid, damaged, other image sizes) and predict inputs."""
import gzip
import os
import shutil
import struct
import sys

import numpy as np

root = sys.argv[1]
SUFFIX = "charged5_initvel1small"
rng = np.random.default_rng(0)


def nbody(folder, sizes=(200, 20, 20), frames=49, particles=5, dims=3, loc_dtype=np.float64, edit=None):
    os.makedirs(folder, exist_ok=True)
    for split, s in zip(("train", "valid", "test"), sizes):
        loc = rng.normal(size=(s, frames, dims, particles)).astype(loc_dtype)
        vel = rng.normal(size=(s, frames, dims, particles))
        q = rng.choice([-1.0, 1.0], size=(s, particles, 1))
        edges = q[:, :, 0][:, :, None] * q[:, :, 0][:, None, :]
        arrays = {"loc": loc, "vel": vel, "charges": q, "edges": edges}
        if edit:
            edit(split, arrays)
        for name, a in arrays.items():
            np.save(os.path.join(folder, f"{name}_{split}_{SUFFIX}.npy"), a)


nbody(os.path.join(root, "nbody-ok"))
nbody(os.path.join(root, "nbody-nan"), edit=lambda s, a: a["vel"].__setitem__((3, 30, 1, 2), np.nan) if s == "valid" else None)
nbody(os.path.join(root, "nbody-int"), loc_dtype=np.int64)
nbody(os.path.join(root, "nbody-edges"), edit=lambda s, a: a["edges"].__setitem__((0, 0, 1), 7.0) if s == "test" else None)
nbody(os.path.join(root, "nbody-30frames"), frames=30)
nbody(os.path.join(root, "nbody-1particle"), particles=1)
nbody(os.path.join(root, "nbody-2d"), dims=2)
nbody(os.path.join(root, "nbody-novalid"), sizes=(200, 0, 20))
nbody(os.path.join(root, "nbody-truncated"))
p = os.path.join(root, "nbody-truncated", f"loc_train_{SUFFIX}.npy")
with open(p, "rb") as f:
    data = f.read()
with open(p, "wb") as f:
    f.write(data[: len(data) // 2])
nbody(os.path.join(root, "nbody-missing"))
os.remove(os.path.join(root, "nbody-missing", f"charges_test_{SUFFIX}.npy"))


def idx_images(path, images, magic=0x00000803, gz=False):
    n, h, w = images.shape
    body = struct.pack(">IIII", magic, n, h, w) + images.astype(np.uint8).tobytes()
    with (gzip.open(path, "wb") if gz else open(path, "wb")) as f:
        f.write(body)


def idx_labels(path, labels):
    with open(path, "wb") as f:
        f.write(struct.pack(">II", 0x00000801, len(labels)) + np.asarray(labels, dtype=np.uint8).tobytes())


def mnist(folder, n=400, size=28, labels=None, magic=0x00000803):
    os.makedirs(folder, exist_ok=True)
    images = (rng.random((n, size, size)) * 255).astype(np.uint8)
    idx_images(os.path.join(folder, "t10k-images-idx3-ubyte"), images, magic=magic)
    idx_labels(os.path.join(folder, "t10k-labels-idx1-ubyte"), labels if labels is not None else rng.integers(0, 10, n))
    return images


mnist(os.path.join(root, "mnist-20px"), size=20)
mnist(os.path.join(root, "mnist-magic"), magic=0x00000999)
mnist(os.path.join(root, "mnist-labels"), labels=rng.integers(0, 10, 390))
mnist(os.path.join(root, "mnist-label-12"), labels=np.full(400, 12))
os.makedirs(os.path.join(root, "mnist-truncated"), exist_ok=True)
with open("../shared/data/mnist/t10k-images-idx3-ubyte.gz", "rb") as f:
    gzdata = f.read()
with open(os.path.join(root, "mnist-truncated", "t10k-images-idx3-ubyte.gz"), "wb") as f:
    f.write(gzdata[: len(gzdata) // 3])
shutil.copy("../shared/data/mnist/t10k-labels-idx1-ubyte.gz", os.path.join(root, "mnist-truncated"))
os.makedirs(os.path.join(root, "empty"), exist_ok=True)

# predict inputs
np.save(os.path.join(root, "states-wrong-shape.npy"), rng.normal(size=(4, 5, 6)))
bad = rng.normal(size=(4, 5, 7))
bad[2, 3, 4] = np.inf
np.save(os.path.join(root, "states-inf.npy"), bad)
np.save(os.path.join(root, "states-1particle.npy"), rng.normal(size=(4, 1, 7)))
np.save(os.path.join(root, "states-int.npy"), np.zeros((4, 5, 7), dtype=np.int32))
with open(os.path.join(root, "notes.txt"), "w") as f:
    f.write("not an array\n")
idx_images(os.path.join(root, "digits-20px.idx"), (rng.random((3, 20, 20)) * 255).astype(np.uint8))
with open(os.path.join(root, "a-file"), "w") as f:
    f.write("x\n")

#!/usr/bin/python3
"""A hand migration standing in for `nnport migrate MODEL.py --to pytorch`, so the Keras ->
PyTorch harness (run_case.py --fake) is tested on its own: a correct migration must pass and
each deliberate fault must be caught.

    fake_keras_to_torch.py migrate MODEL.py --to pytorch -o OUT --weights W.weights.h5
                           --report R.json [--input-shape ...] [--input-dtype ...] [--break FAULT]

Knows two models, seq_mlp_tabular and seq_cnn_small (keras/models/), written out by hand in
PyTorch; weights are read from the Keras 3 file with h5py at the paths Keras 3 uses.
FAULT: none | value (one weight off by 1e-3) | perm (wrong input permutation in the report) |
flatten (the CNN flattens in NCHW order instead of Keras' NHWC) | missing-output (no .pt) |
status (report says partial).
"""
import json
import os
import sys

import h5py
import numpy as np
import torch

MLP = '''import torch
from torch import nn


class SeqMlpTabular(nn.Module):
    def __init__(self):
        super().__init__()
        self.dense = nn.Linear(12, 32)
        self.dense_1 = nn.Linear(32, 16)
        self.dense_2 = nn.Linear(16, 3)

    def forward(self, x):
        x = torch.relu(self.dense(x))
        x = torch.tanh(self.dense_1(x))
        return torch.softmax(self.dense_2(x), dim=-1)
'''

CNN = '''import torch
from torch import nn


class SeqCnnSmall(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv2d = nn.Conv2d(1, 8, 3)
        self.conv2d_1 = nn.Conv2d(8, 16, 3)
        self.dense = nn.Linear(400, 10)

    def forward(self, x):
        x = nn.functional.max_pool2d(torch.relu(self.conv2d(x)), 2)
        x = nn.functional.max_pool2d(torch.relu(self.conv2d_1(x)), 2)
        x = x.permute(0, 2, 3, 1).flatten(1)  # Keras flattens channels-last
        return torch.softmax(self.dense(x), dim=-1)
'''


def dense(f, path):
    return {"weight": torch.from_numpy(np.array(f[f"{path}/vars/0"]).T.copy()),
            "bias": torch.from_numpy(np.array(f[f"{path}/vars/1"]))}


def conv(f, path):
    return {"weight": torch.from_numpy(np.array(f[f"{path}/vars/0"]).transpose(3, 2, 0, 1).copy()),
            "bias": torch.from_numpy(np.array(f[f"{path}/vars/1"]))}


def main(argv):
    args = argv[1:]
    fault = "none"
    if "--break" in args:
        i = args.index("--break")
        fault = args[i + 1]
        del args[i:i + 2]
    model_path = args[1]
    opt = {args[i]: args[i + 1] for i in range(2, len(args) - 1, 2)}
    stem = os.path.splitext(os.path.basename(model_path))[0]
    out_dir, report_path = opt["-o"], opt["--report"]
    os.makedirs(out_dir, exist_ok=True)
    state = {}
    with h5py.File(opt["--weights"], "r") as f:
        if stem == "seq_mlp_tabular":
            source, name, perm_in = MLP, "SeqMlpTabular", [0, 1]
            for layer in ("dense", "dense_1", "dense_2"):
                state.update({f"{layer}.{k}": v for k, v in dense(f, f"layers/{layer}").items()})
            shapes = ([None, 12], [None, 3])
        elif stem == "seq_cnn_small":
            source, name, perm_in = CNN, "SeqCnnSmall", [0, 3, 1, 2]
            for layer in ("conv2d", "conv2d_1"):
                state.update({f"{layer}.{k}": v for k, v in conv(f, f"layers/{layer}").items()})
            state.update({f"dense.{k}": v for k, v in dense(f, "layers/dense").items()})
            shapes = ([None, 1, 28, 28], [None, 10])
        else:
            print(f"{model_path}:1:1: error: the fake migration knows no model {stem} [unsupported-layer]",
                  file=sys.stderr)
            return 1
    if fault == "value":
        key = next(iter(state))
        state[key] = state[key].clone()
        state[key].view(-1)[0] += 1e-3
    if fault == "perm":
        perm_in = perm_in[::-1] if len(perm_in) == 2 else [0, 1, 3, 2]
    if fault == "flatten":
        source = source.replace("x.permute(0, 2, 3, 1).flatten(1)", "x.flatten(1)")
    with open(os.path.join(out_dir, f"{stem}.py"), "w") as f:
        f.write(source)
    if fault != "missing-output":
        torch.save(state, os.path.join(out_dir, f"{stem}.pt"))
    report = {"nnport_version": "fake", "source": model_path, "source_framework": "keras",
              "target_framework": "pytorch", "status": "partial" if fault == "status" else "complete",
              "output": os.path.join(out_dir, f"{stem}.py"),
              "entry": {"name": name, "kind": "class", "args": {}},
              "inputs": [{"name": "x", "shape": shapes[0], "dtype": "float32", "source_to_target_perm": perm_in}],
              "outputs": [{"name": "output_0", "shape": shapes[1], "dtype": "float32",
                           "source_to_target_perm": [0, 1]}],
              "weights": {"input": opt["--weights"], "output": os.path.join(out_dir, f"{stem}.pt")},
              "diagnostics": []}
    with open(report_path, "w") as f:
        json.dump(report, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/python3
"""PyTorch side of the equivalence tests: build one reference case from one model file.

Run with Debian's /usr/bin/python3 (the interpreter that has torch 1.13 and numpy):

    /usr/bin/python3 make_case.py MODEL.py OUTDIR

What it does, for the model file MODEL.py:
  1. Parses the first-line header `# nnport-test: KEY=VALUE ...`:
       class=NAME       the nn.Module class to instantiate with no arguments, or
       object=NAME      a module-level model object, or
       function=NAME    a builder function called with no arguments;
       input=SHAPE      one per model input, in forward() order, `N` (or `?`) for the batch
                        (usually first; anywhere, e.g. an RNN initial state 2,N,16);
       dtype=DTYPE      one per input, aligned with the inputs (missing ones are float32);
       vocab=K          integer inputs are drawn in [0, K) (default 100);
       lengths=T[,sorted]  int64 inputs of shape (N,) are sequence lengths for pack_padded_sequence:
                        drawn in [1, T] with one of them T (so max(lengths) = T), sorted in
                        decreasing order with `sorted` (enforce_sorted=True);
       batch=B          batch size (default 2).
  2. Imports MODEL.py from its path (nnport itself never does; this is the reference side).
  3. Seeds torch and numpy, then overwrites EVERY parameter and buffer with random values chosen so
     that they matter and activations stay O(1): Linear/Conv weights ~ N(0, gain^2 / fan_in),
     biases ~ U(-0.3, 0.3), BatchNorm weight U(0.5, 1.5), bias U(-0.5, 0.5), running_mean N(0, 0.5^2),
     running_var U(0.5, 2), Embedding N(0, 1). It fails if a tensor is left untouched.
  4. Puts the model in eval() mode and saves the state_dict as OUTDIR/weights.safetensors, written by
     hand (8-byte little-endian header length, JSON header, raw little-endian data; F32 and I64).
  5. Draws a seeded input (floats N(0,1); integer ids uniform in [0, vocab)), runs the model under
     torch.no_grad(), and writes OUTDIR/input_<i>.bin / output_<i>.bin (raw little-endian float32,
     or int32 for integer inputs) plus OUTDIR/case.json describing shapes, dtypes and the CLI input
     arguments nnport needs.

What it cannot check: that the randomised weights exercise every code path (e.g. a ReLU whose
inputs happen to be all negative), nor training-mode behaviour (Dropout, BatchNorm statistics);
everything is compared in inference mode only. It refuses outputs that are (almost) constant so a
1e-5 tolerance stays meaningful.
"""
import importlib.util
import json
import math
import os
import re
import struct
import sys

import numpy as np
import torch
import torch.nn as nn

SEED = 1234
HEADER_RE = re.compile(r"^#\s*nnport-test:\s*(.*)$")


class CaseError(Exception):
    pass


def parse_header(path):
    with open(path, "r", encoding="utf-8") as f:
        first = f.readline().rstrip("\n")
    m = HEADER_RE.match(first)
    if not m:
        raise CaseError(f"{path}:1: missing '# nnport-test: ...' header on the first line")
    spec = {"inputs": [], "dtypes": [], "vocab": 100, "batch": 2}
    for item in m.group(1).split():
        if "=" not in item:
            raise CaseError(f"{path}:1: malformed header item {item!r}")
        key, value = item.split("=", 1)
        if key in ("class", "object", "function"):
            if "kind" in spec:
                raise CaseError(f"{path}:1: only one of class=/object=/function= allowed")
            spec["kind"], spec["name"] = key, value
        elif key == "input":
            dims = value.split(",")
            # The batch is usually first; an RNN initial state (layers, N, hidden) has it second.
            if sum(d in ("N", "?") for d in dims) != 1:
                raise CaseError(f"{path}:1: input shape needs exactly one N (the batch): {value}")
            spec["inputs"].append([None if d in ("N", "?") else int(d) for d in dims])
            spec.setdefault("input_args", []).append(value)
        elif key == "dtype":
            if value not in ("float32", "int64"):
                raise CaseError(f"{path}:1: unsupported dtype {value}")
            spec["dtypes"].append(value)
        elif key == "vocab":
            spec["vocab"] = int(value)
        elif key == "batch":
            spec["batch"] = int(value)
        elif key == "lengths":
            parts = value.split(",")
            if not parts[0].isdigit() or int(parts[0]) < 1 or any(p != "sorted" for p in parts[1:]):
                raise CaseError(f"{path}:1: lengths= needs T[,sorted]: {value}")
            spec["lengths"] = (int(parts[0]), "sorted" in parts[1:])
        else:
            raise CaseError(f"{path}:1: unknown header key {key!r}")
    if "kind" not in spec:
        raise CaseError(f"{path}:1: header needs class=, object= or function=")
    if not spec["inputs"]:
        raise CaseError(f"{path}:1: header needs at least one input=")
    if len(spec["dtypes"]) > len(spec["inputs"]):
        raise CaseError(f"{path}:1: more dtype= than input=")
    spec["dtypes"] += ["float32"] * (len(spec["inputs"]) - len(spec["dtypes"]))
    return spec


def load_model(path, spec):
    name = "nnport_case_" + re.sub(r"\W", "_", os.path.splitext(os.path.basename(path))[0])
    module_spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    if not hasattr(module, spec["name"]):
        raise CaseError(f"{path}: defines no {spec['name']!r}")
    obj = getattr(module, spec["name"])
    model = obj() if spec["kind"] in ("class", "function") else obj
    if not isinstance(model, nn.Module):
        raise CaseError(f"{path}: {spec['name']} did not give an nn.Module")
    return model


def randomise(model, gen):
    """Overwrite every parameter and buffer; return the set of state_dict keys touched."""
    touched = set()

    def normal(t, std, mean=0.0):
        t.copy_(torch.randn(t.shape, generator=gen) * std + mean)

    def uniform(t, lo, hi):
        t.copy_(torch.rand(t.shape, generator=gen) * (hi - lo) + lo)

    with torch.no_grad():
        for mname, mod in model.named_modules():
            prefix = mname + "." if mname else ""
            if isinstance(mod, (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose1d,
                                nn.ConvTranspose2d, nn.ConvTranspose3d)):
                fan_in = mod.weight[0].numel()
                normal(mod.weight, 1.3 / math.sqrt(fan_in))
                touched.add(prefix + "weight")
                if mod.bias is not None:
                    uniform(mod.bias, -0.3, 0.3)
                    touched.add(prefix + "bias")
            elif isinstance(mod, (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)):
                if mod.affine:
                    uniform(mod.weight, 0.5, 1.5)
                    uniform(mod.bias, -0.5, 0.5)
                    touched.update({prefix + "weight", prefix + "bias"})
                if mod.track_running_stats:
                    normal(mod.running_mean, 0.5)
                    uniform(mod.running_var, 0.5, 2.0)
                    mod.num_batches_tracked.fill_(int(torch.randint(1, 1000, (1,), generator=gen)))
                    touched.update({prefix + "running_mean", prefix + "running_var",
                                    prefix + "num_batches_tracked"})
            elif isinstance(mod, (nn.GroupNorm, nn.InstanceNorm1d, nn.InstanceNorm2d,
                                  nn.InstanceNorm3d)):
                if mod.affine:
                    uniform(mod.weight, 0.5, 1.5)
                    uniform(mod.bias, -0.5, 0.5)
                    touched.update({prefix + "weight", prefix + "bias"})
            elif isinstance(mod, nn.PReLU):
                uniform(mod.weight, 0.05, 0.4)
                touched.add(prefix + "weight")
            elif isinstance(mod, nn.Embedding):
                normal(mod.weight, 1.0)
                touched.add(prefix + "weight")
            elif isinstance(mod, (nn.LSTM, nn.GRU, nn.RNN)):
                # U(-k, k) with k = 1.5/sqrt(hidden): a bit larger than PyTorch's 1/sqrt(hidden)
                # init so the gates are not all near 0.5; both biases random, so a migration that
                # drops bias_hh (or does not sum the two) is caught.
                bound = 1.5 / math.sqrt(mod.hidden_size)
                for pname, p in mod.named_parameters(recurse=False):
                    uniform(p, -bound, bound)
                    touched.add(prefix + pname)
            elif isinstance(mod, nn.LayerNorm) and mod.elementwise_affine:
                uniform(mod.weight, 0.5, 1.5)
                uniform(mod.bias, -0.5, 0.5)
                touched.update({prefix + "weight", prefix + "bias"})
            elif isinstance(mod, nn.MultiheadAttention):
                # Packed or separate q/k/v projections and the packed bias; out_proj is an
                # nn.Linear (NonDynamicallyQuantizableLinear) and is handled above.
                for pname, p in mod.named_parameters(recurse=False):
                    if p.dim() >= 2:
                        normal(p, 1.3 / math.sqrt(p.shape[1]))
                    else:
                        uniform(p, -0.3, 0.3)
                    touched.add(prefix + pname)
        # Tensors registered directly on a module (positional encodings, class tokens).
        for name, t in list(model.named_parameters()) + list(model.named_buffers()):
            if name not in touched and "." not in name.split(".")[-1] and t.is_floating_point():
                owner = model.get_submodule(name.rsplit(".", 1)[0]) if "." in name else model
                if type(owner).__module__.startswith("torch.nn"):
                    continue  # belongs to a built-in layer this function does not know
                normal(t, 0.5)
                touched.add(name)
    missing = [k for k in model.state_dict() if k not in touched]
    if missing:
        raise CaseError("parameters/buffers not randomised (unknown owner module): " + ", ".join(missing))
    return touched


def write_safetensors(state_dict, path):
    """Write a .safetensors file by hand: u64 LE header size, JSON header, raw LE data."""
    header = {"__metadata__": {"format": "pt"}}
    blobs = []
    offset = 0
    for key, tensor in state_dict.items():
        t = tensor.detach().cpu().contiguous()
        if t.dtype == torch.float32:
            dtype, arr = "F32", t.numpy().astype("<f4")
        elif t.dtype == torch.int64:
            dtype, arr = "I64", t.numpy().astype("<i8")
        else:
            raise CaseError(f"state_dict entry {key} has unsupported dtype {t.dtype}")
        data = arr.tobytes()
        header[key] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)  # pad so the data starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    """Independent reader used to self-check the writer above."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    base = 8 + n
    out = {}
    for key, info in header.items():
        if key == "__metadata__":
            continue
        b, e = info["data_offsets"]
        np_dtype = {"F32": "<f4", "I64": "<i8"}[info["dtype"]]
        out[key] = np.frombuffer(raw[base + b:base + e], dtype=np_dtype).reshape(info["shape"])
    return out


def make_case(model_path, outdir):
    spec = parse_header(model_path)
    torch.set_num_threads(1)  # deterministic and kind to parallel ctest runs
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    model = load_model(model_path, spec)
    randomise(model, gen)
    model.eval()
    os.makedirs(outdir, exist_ok=True)

    sd = model.state_dict()
    weights_path = os.path.join(outdir, "weights.safetensors")
    write_safetensors(sd, weights_path)
    back = read_safetensors(weights_path)
    assert list(back) == list(sd), "safetensors self-check: keys differ"
    for k, v in sd.items():
        assert np.array_equal(back[k], v.numpy()), f"safetensors self-check: {k} differs"

    batch = spec["batch"]
    inputs = []
    case_inputs = []
    for i, (shape, dtype) in enumerate(zip(spec["inputs"], spec["dtypes"])):
        full = [batch if d is None else d for d in shape]
        if dtype == "int64" and len(full) == 1 and "lengths" in spec:
            steps, descending = spec["lengths"]
            t = torch.randint(1, steps + 1, full, generator=gen, dtype=torch.int64)
            t[int(torch.randint(0, batch, (1,), generator=gen))] = steps
            if descending:
                t = t.sort(descending=True).values
            t.numpy().astype("<i4").tofile(os.path.join(outdir, f"input_{i}.bin"))
            file_dtype = "int32"
        elif dtype == "int64":
            t = torch.randint(0, spec["vocab"], full, generator=gen, dtype=torch.int64)
            t.numpy().astype("<i4").tofile(os.path.join(outdir, f"input_{i}.bin"))
            file_dtype = "int32"
        else:
            t = torch.randn(full, generator=gen)
            t.numpy().astype("<f4").tofile(os.path.join(outdir, f"input_{i}.bin"))
            file_dtype = "float32"
        inputs.append(t)
        case_inputs.append({"file": f"input_{i}.bin", "shape": full, "dtype": file_dtype,
                            "source_dtype": dtype, "cli_shape": spec["input_args"][i]})

    with torch.no_grad():
        result = model(*inputs)
    outputs = list(result) if isinstance(result, (tuple, list)) else [result]
    case_outputs = []
    for i, out in enumerate(outputs):
        if not torch.is_tensor(out) or out.dtype != torch.float32:
            raise CaseError(f"output {i} is not a float32 tensor")
        arr = out.detach().numpy()
        if not np.all(np.isfinite(arr)):
            raise CaseError(f"output {i} has non-finite values")
        spread = float(arr.max() - arr.min()) if arr.size > 1 else abs(float(arr.flat[0]))
        peak = float(np.abs(arr).max())
        if spread < 1e-2:
            raise CaseError(f"output {i} is almost constant (spread {spread:.3g}); the test would be meaningless")
        if peak > 50:
            raise CaseError(f"output {i} is too large (max |y| = {peak:.3g}) for an absolute 1e-5 tolerance")
        arr.astype("<f4").tofile(os.path.join(outdir, f"output_{i}.bin"))
        case_outputs.append({"file": f"output_{i}.bin", "shape": list(arr.shape), "dtype": "float32",
                             "max_abs": peak, "spread": spread})

    case = {
        "model": os.path.abspath(model_path),
        "entry": {"kind": spec["kind"], "name": spec["name"]},
        "weights": "weights.safetensors",
        "state_dict": {k: list(v.shape) for k, v in sd.items()},
        "inputs": case_inputs,
        "outputs": case_outputs,
        "cli": {"input_shapes": spec["input_args"],
                "input_dtypes": spec["dtypes"] if any(d != "float32" for d in spec["dtypes"]) else []},
    }
    with open(os.path.join(outdir, "case.json"), "w") as f:
        json.dump(case, f, indent=1)
    return case


def main(argv):
    if len(argv) != 3:
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        print("usage: make_case.py MODEL.py OUTDIR", file=sys.stderr)
        return 2
    try:
        case = make_case(argv[1], argv[2])
    except CaseError as e:
        print(f"make_case: error: {e}", file=sys.stderr)
        return 1
    outs = ", ".join(f"{o['shape']} max|y|={o['max_abs']:.3g}" for o in case["outputs"])
    print(f"make_case: {os.path.basename(argv[1])}: {len(case['state_dict'])} tensors, outputs {outs}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

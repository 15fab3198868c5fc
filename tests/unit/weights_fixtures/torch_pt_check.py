"""Loads files written by nnport's TorchPtWriter / PickleWriter with the real PyTorch and reports
what it sees, for weights_torch_pt_writer_test.

usage: torch_pt_check.py load FILE.pt OUT.json [--module]
       torch_pt_check.py pickle FILE.pkl OUT.json
(exit 77 when torch is not installed for this interpreter)

`load` reads FILE.pt with torch.load (default and weights_only=True) and writes, in file order,
each tensor's name, dtype, shape, stride and little-endian bytes (hex). It also re-saves the
loaded state_dict with torch.save under the same file name and reports whether torch's data.pkl
and data records are byte-identical to nnport's. With --module it loads the file into
nn.Sequential(Linear(3, 4), BatchNorm1d(4), Embedding(5, 2)) with load_state_dict(strict=True)
and checks every parameter and buffer bit for bit.
`pickle` unpickles FILE.pkl with the standard pickle module and writes repr() of the result.
"""
import json
import os
import pickle
import sys
import tempfile
import zipfile

try:
    import torch
except ImportError:
    sys.exit(77)

mode, path, out = sys.argv[1], sys.argv[2], sys.argv[3]
report = {}

if mode == "pickle":
    with open(path, "rb") as f:
        report["repr"] = repr(pickle.load(f))
    with open(out, "w") as f:
        json.dump(report, f)
    sys.exit(0)


def raw_hex(t):
    return t.reshape(-1).view(torch.uint8).numpy().tobytes().hex()


state = torch.load(path)
safe = torch.load(path, weights_only=True)
report["type"] = type(state).__module__ + "." + type(state).__name__
report["tensors"] = [{"name": name, "dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape),
                      "stride": list(t.stride()), "hex": raw_hex(t)} for name, t in state.items()]
report["weights_only_equal"] = list(safe.keys()) == list(state.keys()) and all(
    raw_hex(safe[k]) == raw_hex(state[k]) and safe[k].dtype == state[k].dtype for k in state)

with tempfile.TemporaryDirectory() as tmp:
    again = os.path.join(tmp, os.path.basename(path))
    torch.save(state, again)
    ours, theirs = zipfile.ZipFile(path), zipfile.ZipFile(again)
    stem = theirs.namelist()[0].split("/")[0]
    report["torch_names"] = sorted(theirs.namelist())
    report["our_names"] = sorted(ours.namelist())
    report["pickle_identical"] = ours.read(stem + "/data.pkl") == theirs.read(stem + "/data.pkl")
    report["records_identical"] = all(ours.read(n) == theirs.read(n) for n in theirs.namelist()
                                      if n.startswith(stem + "/data/") or n == stem + "/version")
    report["crc_ok"] = ours.testzip() is None

if "--module" in sys.argv:
    module = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Embedding(5, 2))
    result = module.load_state_dict(state, strict=True)
    loaded = module.state_dict()
    report["module_keys_match"] = sorted(loaded.keys()) == sorted(state.keys())
    report["module_bits_equal"] = all(raw_hex(loaded[k]) == raw_hex(state[k]) for k in state)
    report["module_missing"] = list(result.missing_keys) + list(result.unexpected_keys)

with open(out, "w") as f:
    json.dump(report, f)

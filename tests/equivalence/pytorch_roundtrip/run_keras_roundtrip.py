#!/usr/bin/python3
"""Round trip through Keras: PyTorch source -> Keras -> PyTorch, weights included.

    /usr/bin/python3 run_keras_roundtrip.py NNPORT MODEL.py... [--workdir DIR] [--keep]
                                            [--allow-renamed]

For each model file (with the `# nnport-test:` header of the equivalence suite):
  1. The reference (../pytorch/make_case.py): seeded weights saved as weights.safetensors, a
     seeded input and the original model's output.
  2. `NNPORT migrate MODEL.py --to keras --weights weights.safetensors` -> keras/<stem>.py and
     keras/<stem>.weights.h5; then `NNPORT migrate keras/<stem>.py --to pytorch --weights
     keras/<stem>.weights.h5` -> torch/<stem>.py and torch/<stem>.pt. Both must be complete.
  3. Weights: every tensor of the original state_dict (BatchNorm's step counter aside) must come
     back bit-identical in the final .pt under the same name and shape: the Keras layers keep
     the source's module paths as names ("layer1.conv1") and the PyTorch writer nests them
     again; a stored tensor keeps its source layout (AddParameter perm=), and a buffer comes
     back as a buffer (a non-trainable Keras weight), a parameter as a parameter. With
     --allow-renamed (the models of known_renamed.txt), the same bytes under another name or
     shape are accepted (and counted). A recurrent bias pair comes back as its sum (Keras keeps
     one bias), counted apart.
  4. Outputs: the final module (report entry), with the .pt loaded strictly, in eval mode, fed
     the input permuted by both reports, gives the original output (permuted back), max abs
     difference <= 1e-5.
Prints one line per model and a summary; exit status 0 when every model passes.
"""
import argparse
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pytorch"))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import make_case  # noqa: E402

TOL = 1e-5


def run(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)
    return p.returncode, p.stderr


def compose(first, second):
    """source -> middle by `first`, middle -> target by `second`: target = source.permute(p)."""
    if not first:
        return second
    if not second:
        return first
    return [first[i] for i in second]


def digest(t):
    t = t.detach().contiguous()
    return (str(t.dtype), tuple(t.shape), hashlib.sha256(t.numpy().tobytes()).hexdigest())


def check(nnport, model_path, work, allow_renamed):
    stem = os.path.splitext(os.path.basename(model_path))[0]
    case_dir = os.path.join(work, "case")
    case = make_case.make_case(model_path, case_dir)
    keras_dir, torch_dir = os.path.join(work, "keras"), os.path.join(work, "torch")
    r1, r2 = os.path.join(work, "report1.json"), os.path.join(work, "report2.json")
    cmd = [nnport, "migrate", model_path, "--to", "keras", "-o", keras_dir,
           "--weights", os.path.join(case_dir, case["weights"]), "--report", r1]
    for s in case["cli"]["input_shapes"]:
        cmd += ["--input-shape", s]
    for d in case["cli"]["input_dtypes"]:
        cmd += ["--input-dtype", d]
    rc, err = run(cmd, work)
    if rc != 0:
        return False, f"to keras: exit {rc}: {err.strip().splitlines()[-1:] }"
    with open(r1) as f:
        rep1 = json.load(f)
    cmd = [nnport, "migrate", os.path.join(keras_dir, f"{stem}.py"), "--to", "pytorch", "-o", torch_dir,
           "--weights", os.path.join(keras_dir, f"{stem}.weights.h5"), "--report", r2]
    for port in rep1["inputs"]:
        cmd += ["--input-shape", ",".join("N" if d is None else str(d) for d in port["shape"])]
        cmd += ["--input-dtype", port["dtype"]]
    if rep1["entry"].get("name"):
        cmd += ["--class", rep1["entry"]["name"]]
    rc, err = run(cmd, work)
    if rc != 0:
        return False, f"to pytorch: exit {rc}: {err.strip().splitlines()[-3:]}"
    with open(r2) as f:
        rep2 = json.load(f)

    original = make_case.read_safetensors(os.path.join(case_dir, case["weights"]))
    final = torch.load(os.path.join(torch_dir, f"{stem}.pt"))
    by_name = by_bytes = 0
    final_digests = {}
    for k, v in final.items():
        final_digests.setdefault(digest(v), []).append(k)
    missing = []
    renamed = []
    folded = 0
    # Sums of each final recurrent bias pair, for pairs that come back under other names (a
    # stacked nn.LSTM becomes one Keras LSTM per layer, read back as one nn.LSTM each).
    final_sums = set()
    for k in final:
        if "bias_ih_l" in k and k.replace("bias_ih_l", "bias_hh_l") in final:
            final_sums.add(digest(final[k] + final[k.replace("bias_ih_l", "bias_hh_l")]))
    for k, arr in original.items():
        if k.endswith("num_batches_tracked"):
            continue
        # Keras LSTM/SimpleRNN keep one bias = bias_ih + bias_hh; it comes back as bias_ih with a
        # zero bias_hh: the sums must be bit-identical (conventions, recurrent biases).
        pair = k.replace("bias_hh_l", "bias_ih_l") if "bias_hh_l" in k else k.replace("bias_ih_l", "bias_hh_l")
        if pair != k and pair in original:
            ih, hh = (k, pair) if "bias_ih_l" in k else (pair, k)
            total = torch.from_numpy(np.array(original[ih])) + torch.from_numpy(np.array(original[hh]))
            if digest(total) in final_sums:
                folded += 1
                continue
        t = torch.from_numpy(np.array(arr))
        if k in final and digest(final[k]) == digest(t):
            by_name += 1
        elif k in final and final[k].numel() == t.numel() and digest(final[k].reshape(t.shape)) == digest(t):
            # The same bytes as another view (a stored tensor that came back in another layout).
            by_bytes += 1
            renamed.append((k, f"{k} of shape {tuple(final[k].shape)}"))
        elif final_digests.get(digest(t)):
            by_bytes += 1
            renamed.append((k, final_digests[digest(t)][0]))
        else:
            missing.append(k)
    if missing:
        return False, f"weights not bit-identical after the round trip: {missing[:4]}"
    if renamed and not allow_renamed:
        return False, (f"{len(renamed)} tensors come back under other names or shapes: "
                       + ", ".join(f"{a} -> {b}" for a, b in renamed[:4]))

    spec = importlib.util.spec_from_file_location(f"rt_{stem}", os.path.join(torch_dir, f"{stem}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    net = getattr(module, rep2["entry"]["name"])(**rep2["entry"].get("args", {}))
    net.load_state_dict(final, strict=True)
    net.eval()
    # A buffer (register_buffer) comes back as a buffer, a parameter as a parameter: Keras keeps
    # the difference as a non-trainable weight.
    source = make_case.load_model(model_path, make_case.parse_header(model_path))
    kinds = {}
    for which, module in (("source", source), ("final", net)):
        for k, _ in module.named_buffers():
            kinds.setdefault(k, {})[which] = "buffer"
        for k, _ in module.named_parameters():
            kinds.setdefault(k, {})[which] = "parameter"
    switched = [f"{k} ({v['source']} -> {v['final']})" for k, v in sorted(kinds.items())
                if len(v) == 2 and v["source"] != v["final"]]
    if switched:
        return False, "stored tensors come back as another kind: " + ", ".join(switched[:4])
    inputs = []
    for i, port in enumerate(case["inputs"]):
        raw = np.fromfile(os.path.join(case_dir, port["file"]), dtype="<f4" if port["dtype"] == "float32" else "<i4")
        t = torch.from_numpy(raw.reshape(port["shape"]).copy())
        if port["source_dtype"] == "int64":
            t = t.long()
        perm = compose(rep1["inputs"][i].get("source_to_target_perm"), rep2["inputs"][i].get("source_to_target_perm"))
        inputs.append(t.permute(*perm) if perm else t)
    with torch.no_grad():
        result = net(*inputs)
    outs = list(result) if isinstance(result, (tuple, list)) else [result]
    worst = 0.0
    for i, port in enumerate(case["outputs"]):
        ref = torch.from_numpy(np.fromfile(os.path.join(case_dir, port["file"]), dtype="<f4").reshape(port["shape"]))
        perm = compose(rep1["outputs"][i].get("source_to_target_perm"), rep2["outputs"][i].get("source_to_target_perm"))
        if perm:
            ref = ref.permute(*perm)
        worst = max(worst, float((outs[i].float() - ref).abs().max()))
    if not worst <= TOL:
        return False, f"outputs differ: max abs diff {worst:.3e}"
    note = f", {folded} recurrent biases folded into bias_ih + bias_hh" if folded else ""
    renamed_note = f", {by_bytes} renamed" if by_bytes else ""
    return True, f"max abs diff {worst:.1e}; weights bit-identical ({by_name} by name{renamed_note}{note})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("nnport")
    ap.add_argument("models", nargs="+")
    ap.add_argument("--workdir")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--allow-renamed", action="store_true",
                    help="accept tensors that come back bit-identical under another name or shape "
                         "(known gaps, see known_renamed.txt)")
    a = ap.parse_args()
    nnport = os.path.abspath(a.nnport)
    if a.workdir:
        os.makedirs(a.workdir, exist_ok=True)
    passed = 0
    for model in a.models:
        stem = os.path.splitext(os.path.basename(model))[0]
        work = tempfile.mkdtemp(prefix=f"rt-{stem}.", dir=a.workdir)
        try:
            ok, what = check(nnport, os.path.abspath(model), work, a.allow_renamed)
        except Exception as e:  # noqa: BLE001 - a case that breaks is a failure, reported
            ok, what = False, f"{type(e).__name__}: {e}"
        passed += ok
        print(f"{'PASS' if ok else 'FAIL'} {stem}: {what}", flush=True)
        if ok and not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{passed}/{len(a.models)} models round-trip PyTorch -> Keras -> PyTorch")
    return 0 if passed == len(a.models) else 1


if __name__ == "__main__":
    sys.exit(main())

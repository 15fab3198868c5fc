#!/usr/bin/python3
"""Round trip of the PyTorch writer: PyTorch source -> pivot -> generated PyTorch module.

    /usr/bin/python3 run_roundtrip.py NNPORT MODEL.py... [--workdir DIR] [--keep] [--json FILE]

For each model file (with the `# nnport-test:` header of the equivalence suite):
  1. The reference side (../pytorch/make_case.py): seeded random weights saved as
     weights.safetensors, a seeded input and the original model's output.
  2. `NNPORT migrate MODEL.py --from pytorch --to pytorch --dev-same-framework --dev-weight-plan
     plan.json -o out --input-shape ...`: must exit 0 (complete) and write out/<stem>.py.
  3. The generated file must parse, keep lines within 100 columns, and carry no TODO(nnport).
  4. The generated class (report entry, called with no arguments) is instantiated; the original
     state_dict is converted by the weight plan (rename, slice, permute, transforms, combine,
     reshape: every step the weights engine applies) and loaded with strict key checking (only
     BatchNorm's training step counter may be absent from the plan); in eval mode its outputs
     must match the original's, max abs difference <= 1e-5 in fp32 (0 is expected).
Prints one line per model and a summary; exit status 0 when every model passes.

What it cannot check: training behaviour, and weights conversion inside nnport itself (the
plan is applied here, in torch, to keep the writer testable without the .pt writer).
"""
import argparse
import ast
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import traceback

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pytorch"))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import make_case  # noqa: E402

TOLERANCE = 1e-5
MAX_LINE = 100


class Failure(Exception):
    pass


def canonical(part, sd):
    """One plan part: the stored tensor brought to the pivot's canonical layout."""
    if part["source"] not in sd:
        raise Failure(f"plan reads '{part['source']}', which the state_dict lacks")
    t = torch.from_numpy(np.array(sd[part["source"]]))
    if "source_slice" in part:
        s = part["source_slice"]
        t = t.narrow(s["axis"], s["start"], s["length"])
    if part["source_perm"]:
        t = t.permute(*part["source_perm"])
    for tr in part["transforms"]:
        axis = tr["axis"]
        shape = list(t.shape)
        t = t.reshape(shape[:axis] + tr["split"] + shape[axis + 1:])
        order = list(range(axis)) + [axis + p for p in tr["perm"]]
        order += list(range(axis + len(tr["split"]), t.dim()))
        t = t.permute(*order).reshape(shape)
    return t.contiguous()


def to_target(slot, t):
    if slot["block_order"]:
        blocks = t.chunk(len(slot["block_order"]), dim=0)
        t = torch.cat([blocks[i] for i in slot["block_order"]], dim=0)
    if slot["perm"]:
        t = t.permute(*slot["perm"])
    return t.contiguous()


def apply_plan(plan, sd):
    out = {}
    for slot in plan["slots"]:
        parts = [to_target(slot, canonical(p, sd)) for p in slot["parts"]]
        t = parts[0] if len(parts) == 1 else (
            sum(parts[1:], parts[0]) if slot["combine"] == "sum" else torch.stack(parts))
        if slot["shape"]:
            t = t.reshape(slot["shape"])
        out[slot["target"]] = t.contiguous()
    return out


def read_bin(path, dtype, shape):
    return np.fromfile(path, dtype="<f4" if dtype == "float32" else "<i4").reshape(shape)


def check_source_text(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    ast.parse(text, filename=path)
    long_lines = [i + 1 for i, line in enumerate(text.splitlines()) if len(line) > MAX_LINE]
    if long_lines:
        raise Failure(f"lines longer than {MAX_LINE} columns: {long_lines[:5]}")
    if "TODO(nnport)" in text:
        raise Failure("generated code has TODO(nnport) markers")


def run_one(nnport, model_path, workdir):
    stem = os.path.splitext(os.path.basename(model_path))[0]
    case = make_case.make_case(model_path, workdir)
    out_dir = os.path.join(workdir, "out")
    plan_path = os.path.join(workdir, "plan.json")
    report_path = os.path.join(workdir, "report.json")
    cmd = [nnport, "migrate", model_path, "--from", "pytorch", "--to", "pytorch",
           "--dev-same-framework", "--dev-weight-plan", plan_path, "-o", out_dir,
           "--report", report_path]
    for shape in case["cli"]["input_shapes"]:
        cmd += ["--input-shape", shape]
    for dtype in case["cli"]["input_dtypes"]:
        cmd += ["--input-dtype", dtype]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        first = (p.stderr.strip().splitlines() or ["(no diagnostics)"])[0]
        raise Failure(f"nnport exit {p.returncode}: {first}")
    code_path = os.path.join(out_dir, stem + ".py")
    check_source_text(code_path)
    with open(report_path) as f:
        report = json.load(f)
    with open(plan_path) as f:
        plan = json.load(f)

    spec = importlib.util.spec_from_file_location("nnport_roundtrip_" + stem, code_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    entry = report["entry"]
    migrated = getattr(module, entry["name"])(**entry["args"])
    state = apply_plan(plan, make_case.read_safetensors(os.path.join(workdir, case["weights"])))
    missing, unexpected = migrated.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise Failure(f"state_dict keys: missing {missing[:4]}, unexpected {unexpected[:4]}")
    migrated.eval()

    inputs = []
    for spec_in, port in zip(case["inputs"], report["inputs"]):
        arr = read_bin(os.path.join(workdir, spec_in["file"]), spec_in["dtype"], spec_in["shape"])
        t = torch.from_numpy(arr.copy())
        if spec_in["source_dtype"] == "int64":
            t = t.long()
        perm = port["source_to_target_perm"]
        inputs.append(t.permute(*perm) if perm else t)
    with torch.no_grad():
        result = migrated(*inputs)
    outputs = list(result) if isinstance(result, (tuple, list)) else [result]
    if len(outputs) != len(case["outputs"]):
        raise Failure(f"{len(outputs)} outputs, expected {len(case['outputs'])}")
    worst = 0.0
    for got, want, port in zip(outputs, case["outputs"], report["outputs"]):
        ref = read_bin(os.path.join(workdir, want["file"]), "float32", want["shape"])
        ref = torch.from_numpy(ref.copy())
        if port["source_to_target_perm"]:
            ref = ref.permute(*port["source_to_target_perm"])
        if tuple(got.shape) != tuple(ref.shape):
            raise Failure(f"output shape {tuple(got.shape)}, expected {tuple(ref.shape)}")
        worst = max(worst, float((got.float() - ref).abs().max()))
    if worst > TOLERANCE:
        raise Failure(f"max abs diff {worst:.3g} > {TOLERANCE}")
    return worst


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("nnport")
    ap.add_argument("models", nargs="+")
    ap.add_argument("--workdir")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--json", help="write per-model results here")
    args = ap.parse_args(argv[1:])
    torch.set_num_threads(1)
    results = {}
    for model_path in sorted(args.models):
        stem = os.path.splitext(os.path.basename(model_path))[0]
        base = args.workdir or tempfile.gettempdir()
        os.makedirs(base, exist_ok=True)
        workdir = tempfile.mkdtemp(prefix=f"roundtrip-{stem}-", dir=base)
        try:
            diff = run_one(os.path.abspath(args.nnport), os.path.abspath(model_path), workdir)
            results[stem] = {"pass": True, "max_abs_diff": diff}
            print(f"PASS {stem}: max abs diff {diff:.3g}")
            if not args.keep:
                shutil.rmtree(workdir, ignore_errors=True)
        except (Failure, make_case.CaseError) as e:
            results[stem] = {"pass": False, "reason": str(e)}
            print(f"FAIL {stem}: {e} (kept {workdir})")
        except Exception as e:  # the generated code itself failed: say where
            last = traceback.format_exception(type(e), e, e.__traceback__)[-1].strip()
            results[stem] = {"pass": False, "reason": last}
            print(f"FAIL {stem}: {last} (kept {workdir})")
    passed = sum(r["pass"] for r in results.values())
    print(f"{passed} of {len(results)} models round-trip")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1, sort_keys=True)
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

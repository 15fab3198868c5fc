#!/usr/bin/python3
"""Driver for one Keras -> PyTorch equivalence case (CTest: equivalence.keras.<stem>).

    /usr/bin/python3 run_case.py MODEL.py NNPORT [--keep] [--workdir DIR] [--node NODE]
    /usr/bin/python3 run_case.py MODEL.py --oracle-only [--keep] [--workdir DIR] [--node NODE]
    /usr/bin/python3 run_case.py MODEL.py --fake [FAULT]    # harness self-test, no nnport
    /usr/bin/python3 run_case.py MODEL.py --oracle-only --break-layout   # likewise, Keras side

Steps, in one temporary directory (removed on success unless --keep; kept on failure):
  1. Oracle (oracle.py, in this process): MODEL.py run against the mock keras/tensorflow packages
     -> oracle/model.json (Keras config) + oracle/layout.json (Keras 3 weights-file paths).
     nnport is not involved, so a reader bug cannot hide in the reference.
  2. Keras side (make_case.mjs, TensorFlow.js): seeded weights written as a Keras 3
     case/model.weights.h5, a seeded input, the Keras output.
  3. Checks of the Keras side: h5py reads the weights file as written; cases whose TensorFlow.js
     side runs OUR transcriptions (GRU reset_after=True, MultiHeadAttention) agree with the numpy
     reference in numpy_reference.py; layout cross-check, for Sequential/Functional models
     (object= / function=): ../run_keras.mjs, the PyTorch -> Keras suite's strict loader (its own
     Keras 3 path naming, from TensorFlow.js' layer order), must load case/model.weights.h5 into
     the oracle's model, consume every dataset and reproduce the output (within 1e-6). Subclassed models (class=) have attribute-based paths that
     only the oracle computes.
  With --oracle-only the script stops here (no nnport needed): exit 0 when the case is sound.
  4. `NNPORT migrate MODEL.py --to pytorch -o out --weights case/model.weights.h5 --input-shape ...
     [--input-dtype ...] --report report.json`: exit 0, exactly out/<stem>.py and out/<stem>.pt,
     status "complete", no error diagnostic, no TODO(nnport) marker, MODEL.py unchanged.
  5. PyTorch side (in this process, PyTorch 1.13): import out/<stem>.py, build
     entry.name(**entry.args), load_state_dict(torch.load(out/<stem>.pt)) (strict), eval(), feed the
     Keras input permuted by inputs[i].source_to_target_perm and compare with the Keras output
     permuted by outputs[i].source_to_target_perm: max abs difference <= 1e-5 (fp32).

--model-only checks the network alone: a migration that is partial only because of training-script
statements (every error [script-unsupported], exit 3) still gets steps 4-5 on the network, and
passes as "PASS (model only)" when the outputs agree. `--expect-reported script-unsupported` (a
known gap of the training script, known_gaps.txt) requires that report and implies --model-only.

--fake [FAULT] replaces nnport by selftest/fake_keras_to_torch.py, a hand migration of
seq_mlp_tabular and seq_cnn_small; with a FAULT the case must FAIL, and the script exits 0 only
if it does. --break-layout swaps two layers' weights-file paths in the oracle's layout: the
Keras-side checks must then report a broken case (exit 0 only if they do).

Exit status: 0 pass; 1 fail (nnport's migration is wrong or broken); 3 the case itself is broken
(oracle or TensorFlow.js side); 4 nnport is not ready for Keras sources (usage error on
`--to pytorch`, or exit 1 with reason code unsupported-direction); 2 usage.
"""
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
sys.path.insert(0, HERE)

import oracle  # noqa: E402

TOL = 1e-5
FAKE = os.path.join(HERE, "selftest", "fake_keras_to_torch.py")
NODE_TIMEOUT = 120
NNPORT_TIMEOUT = 60
EXIT_PASS, EXIT_FAIL, EXIT_USAGE, EXIT_BROKEN_CASE, EXIT_NOT_READY = 0, 1, 2, 3, 4
# Classes run_keras.mjs (the PyTorch -> Keras suite's loader) does not load or lays out differently.
CROSS_CHECK_UNKNOWN = ["Normalization", "NnportKerasReLU", "NnportKerasGRUResetBefore", "NnportKerasSoftmax", "TimeDistributed",
                      "NnportWeightOp",
                      "NnportArange", "NnportKerasGlobalAvgPool1DChannelsFirst",
                      "NnportKerasInferenceIdentity", "NnportKerasCausalConv1D", "NnportTensordot",
                      "NnportKerasGlobalPoolKeepdims", "ConvLSTM2D"]
# The reason code (src/support/diagnostic_codes.def) for "this nnport does not implement the
# Keras -> PyTorch direction at all", as opposed to "it read this model wrongly".
NOT_READY_CODES = {"unsupported-direction"}


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def tail(text, n=30):
    lines = text.strip().splitlines()
    return "\n".join("    " + l for l in lines[-n:]) if lines else "    (empty)"


def run(cmd, timeout, cwd=None):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout, cwd=cwd)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return None, "", f"timed out after {timeout}s"


def result_line(stdout):
    lines = [l for l in stdout.splitlines() if l.startswith("RESULT ")]
    return lines[-1] if lines else None


def read_bin(np, path, dtype, shape):
    return np.fromfile(path, dtype=np.int32 if dtype == "int32" else np.float32).reshape(shape)


def keras_side(model_path, work, node, break_layout=False):
    """Steps 1-3. Returns (layout, case_dir, facts) or raises CaseBroken. break_layout swaps the
    weights-file paths of the first two layers of one class (harness self-test)."""
    oracle_dir = os.path.join(work, "oracle")
    case_dir = os.path.join(work, "case")
    try:
        config, layout = oracle.build(model_path)
    except Exception as e:  # noqa: BLE001 - whatever the oracle trips on, the case is broken
        raise CaseBroken(f"oracle: {type(e).__name__}: {e}") from e
    if break_layout:
        same = {}
        for entry in layout["layers"].values():
            same.setdefault(entry["class"], []).append(entry)
        a, b = next(v for v in same.values() if len(v) >= 2)[:2]
        a["path"], b["path"] = b["path"], a["path"]
    os.makedirs(oracle_dir, exist_ok=True)
    for name, data in (("model.json", config), ("layout.json", layout)):
        with open(os.path.join(oracle_dir, name), "w") as f:
            json.dump(data, f, indent=1)
    rc, out, err = run([node, os.path.join(HERE, "make_case.mjs"), "--model-json",
                        os.path.join(oracle_dir, "model.json"), "--layout",
                        os.path.join(oracle_dir, "layout.json"), "--out", case_dir], NODE_TIMEOUT)
    res = result_line(out)
    if rc != 0 or res != "RESULT OK":
        raise CaseBroken(f"TensorFlow.js side: {res or f'node exited {rc}'}\n{tail(err) if err.strip() else ''}")
    facts = [l for l in out.splitlines() if l.startswith(("output ", "weights:"))]
    facts.append(check_h5(os.path.join(case_dir, "model.weights.h5"), layout, case_dir))
    facts.extend(check_numpy_reference(model_path, case_dir))
    with open(os.path.join(case_dir, "model.tfjs.json")) as f:
        loaded = f.read()
    not_cross_checkable = sorted(c for c in CROSS_CHECK_UNKNOWN if f'"class_name":"{c}"' in loaded)
    if layout.get("nested"):
        facts.append("layout cross-check: not applicable (a model used as a layer: nested paths)")
    elif layout["header"]["kind"] == "class" or layout.get("subclassed"):
        facts.append("layout cross-check: not applicable (subclassed model: attribute-based paths)")
    elif not_cross_checkable:
        facts.append(f"layout cross-check: skipped, run_keras.mjs does not know {not_cross_checkable}")
    else:
        # Identity "report": the same model on both sides, so the output must match exactly.
        report = {"inputs": [{"shape": i["shape"], "source_to_target_perm": list(range(len(i["shape"])))}
                             for i in layout["inputs"]]}
        with open(os.path.join(case_dir, "case.json")) as f:
            case = json.load(f)
        report["outputs"] = [{"shape": [None] + o["shape"][1:],
                              "source_to_target_perm": list(range(len(o["shape"])))}
                             for o in case["outputs"]]
        identity = os.path.join(work, "identity_report.json")
        with open(identity, "w") as f:
            json.dump(report, f)
        rc, out, err = run([node, os.path.join(HERE, "..", "run_keras.mjs"), "--model-json",
                            os.path.join(case_dir, "model.tfjs.json"), "--weights",
                            os.path.join(case_dir, "model.weights.h5"), "--report", identity,
                            "--case", case_dir, "--tol", "1e-6"], NODE_TIMEOUT)
        res = result_line(out)
        if rc != 0 or not (res or "").startswith("RESULT PASS"):
            raise CaseBroken(f"layout cross-check (run_keras.mjs): {res or f'node exited {rc}'}")
        facts.append("layout cross-check: run_keras.mjs loads the .weights.h5 strictly: " + res[len("RESULT "):])
    return layout, case_dir, facts


class CaseBroken(Exception):
    pass


def check_numpy_reference(model_path, case_dir):
    """Cases run by OUR TensorFlow.js transcriptions also get an independent numpy reference."""
    import numpy as np

    import numpy_reference

    with open(os.path.join(case_dir, "case.json")) as f:
        case = json.load(f)
    inputs = [read_bin(np, os.path.join(case_dir, i["file"]), i["dtype"], i["shape"]) for i in case["inputs"]]
    outputs = [read_bin(np, os.path.join(case_dir, o["file"]), "float32", o["shape"]) for o in case["outputs"]]
    stem = os.path.splitext(os.path.basename(model_path))[0]
    diff = numpy_reference.check(stem, os.path.join(case_dir, "model.weights.h5"), inputs, outputs)
    if diff is None:
        return []
    if not diff <= TOL:
        raise CaseBroken(f"numpy reference: TensorFlow.js output differs by {diff:.3e} > {TOL}")
    return [f"numpy reference (numpy_reference.py) agrees with TensorFlow.js: max abs diff {diff:.3e}"]


def check_h5(path, layout, case_dir):
    """The file as h5py (what Keras itself uses) reads it: a `vars` group for every saveable,
    exactly the datasets make_case.mjs reported, float32 little-endian."""
    import h5py

    with open(os.path.join(case_dir, "case.json")) as f:
        listed = {d["path"]: d["shape"] for d in json.load(f)["datasets"]}
    found = {}
    with h5py.File(path, "r") as f:
        for g in layout["groups"]:
            vars_path = f"{g}/vars" if g else "vars"
            if not isinstance(f.get(vars_path), h5py.Group):
                raise CaseBroken(f"h5py: no group '{vars_path}' in {path}")
        f.visititems(lambda name, obj: found.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
        for name, ds in found.items():
            if ds.dtype.str != "<f4":
                raise CaseBroken(f"h5py: '{name}' is {ds.dtype.str}, not float32")
        shapes = {name: list(ds.shape) for name, ds in found.items()}
    if shapes != listed:
        raise CaseBroken(f"h5py: datasets {sorted(set(shapes) ^ set(listed))[:5]} differ from what was written")
    return f"h5py: {len(shapes)} float32 datasets, {len(layout['groups'])} vars groups as Keras 3 writes them"


def check_report_shape(shape, actual, what):
    """The report's target-convention shape: null batch, the other dimensions as run."""
    if (not isinstance(shape, list) or len(shape) != len(actual) or shape[0] is not None
            or any(d is not None and d != a for d, a in zip(shape[1:], actual[1:]))):
        raise AssertionError(f"report {what}.shape {shape} does not match the permuted tensor {list(actual)}")


def torch_side(out_dir, stem, report, case_dir):
    """Step 5: max abs difference per output, or raises with a reason."""
    import numpy as np
    import torch

    torch.set_num_threads(1)
    spec = importlib.util.spec_from_file_location(f"nnport_out_{stem}", os.path.join(out_dir, f"{stem}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    entry = report.get("entry") or {}
    model = getattr(module, entry["name"])(**(entry.get("args") or {}))
    state = torch.load(os.path.join(out_dir, f"{stem}.pt"), map_location="cpu")
    model.load_state_dict(state, strict=True)
    model.eval()
    with open(os.path.join(case_dir, "case.json")) as f:
        case = json.load(f)
    r_in, r_out = report.get("inputs") or [], report.get("outputs") or []
    if len(r_in) != len(case["inputs"]):
        raise AssertionError(f"report lists {len(r_in)} inputs, the Keras model takes {len(case['inputs'])}")
    if len(r_out) != len(case["outputs"]):
        raise AssertionError(f"report lists {len(r_out)} outputs, the Keras model returns {len(case['outputs'])}")
    feeds = []
    for inp, r in zip(case["inputs"], r_in):
        x = read_bin(np, os.path.join(case_dir, inp["file"]), inp["dtype"], inp["shape"])
        x = np.ascontiguousarray(np.transpose(x, r["source_to_target_perm"]))
        check_report_shape(r.get("shape"), x.shape, f"inputs[{len(feeds)}]")
        t = torch.from_numpy(x)
        dtype = r.get("dtype", "float32")
        t = t.to({"int64": torch.int64, "int32": torch.int32, "float64": torch.float64}.get(dtype, t.dtype))
        feeds.append(t)
    with torch.no_grad():
        got = model(*feeds)
    if isinstance(got, torch.Tensor):
        got = [got]
    got = list(got)
    if len(got) != len(case["outputs"]):
        raise AssertionError(f"the PyTorch model returns {len(got)} outputs, Keras {len(case['outputs'])}")
    diffs = []
    for i, (out, r, g) in enumerate(zip(case["outputs"], r_out, got)):
        want = np.transpose(read_bin(np, os.path.join(case_dir, out["file"]), "float32", out["shape"]),
                            r["source_to_target_perm"])
        g = g.detach().to(torch.float32).numpy()
        check_report_shape(r.get("shape"), want.shape, f"outputs[{i}]")
        if tuple(g.shape) != tuple(want.shape):
            raise AssertionError(f"output {i}: PyTorch shape {list(g.shape)}, "
                                 f"permuted Keras shape {list(want.shape)}")
        diffs.append(float(np.max(np.abs(g - want))) if want.size else 0.0)
    return diffs


def main(argv):
    args = argv[1:]
    keep = "--keep" in args
    if keep:
        args.remove("--keep")
    model_only = "--model-only" in args
    if model_only:
        args.remove("--model-only")
    oracle_only = "--oracle-only" in args
    if oracle_only:
        args.remove("--oracle-only")
    break_layout = "--break-layout" in args
    if break_layout:
        args.remove("--break-layout")
    # A known gap (known_gaps.txt): nnport must report it with this reason code, never
    # complete silently; once it migrates, the case leaves the list.
    expect_reported = None
    if "--expect-reported" in args:
        i = args.index("--expect-reported")
        expect_reported = args[i + 1]
        del args[i:i + 2]
    fake = None
    if "--fake" in args:
        i = args.index("--fake")
        has_value = i + 1 < len(args) and not args[i + 1].startswith("--")
        fake = args[i + 1] if has_value else "none"
        del args[i:i + (2 if has_value else 1)]
        args.append(FAKE)
    node = os.environ.get("NODE", "node")
    workdir = None
    for flag in ("--workdir", "--node"):
        if flag in args:
            i = args.index(flag)
            if flag == "--workdir":
                workdir = args[i + 1]
            else:
                node = args[i + 1]
            del args[i:i + 2]
    if len(args) != (1 if oracle_only else 2):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return EXIT_USAGE
    model_path = os.path.abspath(args[0])
    stem = os.path.splitext(os.path.basename(model_path))[0]
    label = f"equivalence.keras.{stem}" + (" (oracle only)" if oracle_only else "")
    if fake:
        label += f" (fake nnport, break={fake})"
    expect_fail = fake not in (None, "none")
    if workdir:
        os.makedirs(workdir, exist_ok=True)
    work = tempfile.mkdtemp(prefix=f"nnport-keras-{stem}.", dir=workdir)
    before = sha256(model_path)

    def finish(code, tag, lines):
        for l in lines:
            print(f"  {l}")
        if break_layout and code == EXIT_BROKEN_CASE:
            print(f"EXPECTED-BROKEN-CASE {label} (layout fault)")
            shutil.rmtree(work, ignore_errors=True)
            return EXIT_PASS
        if break_layout:
            print(f"FAIL {label}: the swapped weights-file paths were NOT detected")
            return EXIT_FAIL
        if expect_fail and code == EXIT_FAIL:
            print(f"EXPECTED-FAIL {label}")
            shutil.rmtree(work, ignore_errors=True)
            return EXIT_PASS
        if expect_fail:
            code, tag = EXIT_FAIL, f"FAIL (the deliberate fault {fake!r} was not detected; {tag})"
        print(f"{tag} {label}")
        if code == EXIT_PASS and not keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"  work dir kept: {work}")
        return code

    try:
        layout, case_dir, facts = keras_side(model_path, work, node, break_layout)
    except CaseBroken as e:
        return finish(EXIT_BROKEN_CASE, "BROKEN-CASE", [str(e)])
    except Exception as e:  # noqa: BLE001 - a crash of the Keras side is a broken case too
        return finish(EXIT_BROKEN_CASE, "BROKEN-CASE", [f"Keras side crashed: {type(e).__name__}: {e}"])
    if layout["header"]["note"]:
        facts.append(f"not checked: {layout['header']['note']}")
    if oracle_only:
        return finish(EXIT_PASS, "PASS", facts)

    nnport = args[1] if fake else os.path.abspath(args[1])
    if not fake and not os.access(nnport, os.X_OK):
        return finish(EXIT_FAIL, "FAIL", facts + [f"nnport binary {nnport!r} is not executable"])
    out_dir = os.path.join(work, "out")
    report_path = os.path.join(work, "report.json")
    prefix = [sys.executable, FAKE] if fake else [nnport]
    cmd = prefix + ["migrate", model_path, "--to", "pytorch", "-o", out_dir,
           "--weights", os.path.join(case_dir, "model.weights.h5")]
    for shape in layout["header"]["inputs"]:
        cmd += ["--input-shape", ",".join(["N"] + [str(d) for d in shape])]
    for dtype in layout["header"]["dtypes"]:
        cmd += ["--input-dtype", dtype]
    if layout["header"].get("pick"):
        cmd += ["--class", layout["header"]["pick"]]
    cmd += ["--report", report_path]
    if fake:
        cmd += ["--break", fake]
    rc, out, err = run(cmd, NNPORT_TIMEOUT, cwd=work)
    facts.append(f"nnport exit {rc}")
    report = None
    if os.path.exists(report_path):
        try:
            with open(report_path) as f:
                report = json.load(f)
        except ValueError as e:
            return finish(EXIT_FAIL, "FAIL", facts + [f"report.json is not valid JSON: {e}"])
    codes = {d.get("code") for d in (report or {}).get("diagnostics", [])}
    # A gap in the training script only ([script-unsupported]): nnport must report it, and the
    # network is still checked (--model-only semantics), so the model part cannot regress.
    if expect_reported == "script-unsupported":
        expect_reported, model_only = None, True
        if not (rc == 3 and "script-unsupported" in codes):
            return finish(EXIT_FAIL, "FAIL", facts + [
                f"- known gap: expected nnport to exit 3 with [script-unsupported]; got exit {rc}, "
                f"codes {sorted(c for c in codes if c)} (if it now migrates, remove it from known_gaps.txt)",
                tail(err, 8)])
    if expect_reported:
        if rc in (1, 3) and expect_reported in codes:
            return finish(EXIT_PASS, "PASS", facts + [f"known gap, reported as [{expect_reported}]"])
        return finish(EXIT_FAIL, "FAIL", facts + [
            f"- known gap: expected nnport to exit 1 or 3 with [{expect_reported}]; got exit {rc}, "
            f"codes {sorted(c for c in codes if c)} (if it now migrates, remove it from known_gaps.txt)",
            tail(err, 8)])
    not_ready = rc == 1 and (codes & NOT_READY_CODES or report is None and "[unsupported-direction]" in err)
    if rc == 2 or not_ready:
        return finish(EXIT_NOT_READY, "NOT-READY", facts + ["nnport does not migrate Keras sources to PyTorch yet:",
                                                            tail(err, 8)])
    failures = []
    script_only = (model_only and rc == 3 and report is not None and codes
                   and all(d.get("code") == "script-unsupported"
                           for d in report.get("diagnostics", []) if d.get("severity") == "error"))
    if script_only:
        facts.append(f"model only: {len([d for d in report['diagnostics'] if d.get('severity') == 'error'])} "
                     "training-script statement(s) not migrated [script-unsupported], not checked here")
        rc = 0
        report = {**report, "status": "complete",
                  "diagnostics": [d for d in report["diagnostics"] if d.get("severity") != "error"]}
    if rc is None or rc < 0:
        failures.append(f"nnport crashed or hung ({'timeout' if rc is None else f'signal {-rc}'}): {' '.join(cmd)}")
    elif rc != 0:
        failures.append(f"nnport exited {rc} (expected 0 = complete)\n  stderr:\n{tail(err)}")
    elif not script_only and [l for l in err.splitlines() if ": error: " in l]:
        failures.append("nnport exited 0 but printed errors:\n" + tail(err))
    expected = {f"{stem}.py", f"{stem}.pt"}
    present = set(os.listdir(out_dir)) if os.path.isdir(out_dir) else set()
    if rc == 0 and present != expected:
        failures.append(f"output directory: missing {sorted(expected - present)}, "
                        f"unexpected {sorted(present - expected)}")
    if report is None:
        failures.append("nnport wrote no report")
    elif rc == 0:
        if report.get("status") != "complete":
            failures.append(f"report status {report.get('status')!r}, expected 'complete'")
        if report.get("source_framework") != "keras" or report.get("target_framework") != "pytorch":
            failures.append(f"report frameworks {report.get('source_framework')!r} -> "
                            f"{report.get('target_framework')!r}, expected 'keras' -> 'pytorch'")
        errors = [d for d in report.get("diagnostics", []) if d.get("severity") == "error"]
        if errors:
            failures.append(f"report lists {len(errors)} error diagnostic(s): {errors[:3]}")
    py_out = os.path.join(out_dir, f"{stem}.py")
    if rc == 0 and os.path.exists(py_out) and not script_only:
        with open(py_out, encoding="utf-8", errors="replace") as f:
            if "TODO(nnport)" in f.read():
                failures.append("generated Python contains TODO(nnport) markers despite exit 0")
    if rc == 0 and report is not None and expected <= present:
        try:
            diffs = torch_side(out_dir, stem, report, case_dir)
            facts.append("max abs diff per output: " + ", ".join(f"{d:.3e}" for d in diffs))
            if any(not (d <= TOL) for d in diffs):
                failures.append(f"outputs differ: max abs diff {max(diffs):.3e} > {TOL}")
        except Exception as e:  # noqa: BLE001 - a generated model that does not run is a failure
            failures.append(f"PyTorch side: {type(e).__name__}: {e}")
    if sha256(model_path) != before:
        failures.append(f"{model_path} was modified")
    if failures:
        return finish(EXIT_FAIL, "FAIL", facts + [f"- {f}" for f in failures])
    return finish(EXIT_PASS, "PASS (model only)" if script_only else "PASS", facts)


if __name__ == "__main__":
    sys.exit(main(sys.argv))

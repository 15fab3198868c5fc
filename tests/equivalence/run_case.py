#!/usr/bin/python3
"""Driver for one equivalence test case (registered in CTest as equivalence.<stem>).

    /usr/bin/python3 run_case.py MODEL.py NNPORT [--keep] [--workdir DIR] [--node NODE]
    /usr/bin/python3 run_case.py MODEL.py --fake [BREAK]      # harness self-test, no nnport

Steps, in one temporary directory (removed on success unless --keep; kept and printed on failure):
  1. PyTorch reference (pytorch/make_case.py, run in this process): random weights saved as
     weights.safetensors, a seeded input, the model's output.
  2. `NNPORT migrate MODEL.py --to keras -o out --weights weights.safetensors --input-shape ...
     [--input-dtype ...] --report report.json --keras-json out/model.json`; it must exit 0 (not by a
     signal), write exactly out/<stem>.py, out/<stem>.weights.h5 and out/model.json (no stray
     temporary files), a report with status "complete", weights.output naming the .weights.h5, no
     error diagnostics and no TODO(nnport) marker; MODEL.py must be byte-for-byte unchanged.
  3. Keras side (run_keras.mjs in Node with TensorFlow.js): load JSON + weights, feed the permuted
     input, compare the permuted output, max abs difference <= 1e-5.
  4. Python/JSON drift check (check_python_json.py, run in this process): the generated Python
     constructs the same layers with the same names and arguments as the JSON config; every
     generated .py file parses.
Steps 3 and 4 both run whenever step 2 produced files, so one run reports every problem.

What it cannot check: the generated Python executing under real Keras (no TensorFlow for Python is
installed here; the JSON stands in for it, tied to the Python by step 4), training behaviour, and
and for the --keras-api tf.keras flavour the Python differs from keras3 only in spelling (imports,
tf.* ops, `alpha=`), which step 4 ties to the same JSON; CMake runs a subset of models that way.

--fake [BREAK] replaces nnport by selftest/fake_nnport.mjs (a hand migration of mlp_basic and
cnn_small) to prove the harness itself passes a correct migration and catches each BREAK fault;
with BREAK the case is expected to FAIL, and the script exits 0 only if it does.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "pytorch"))
sys.path.insert(0, HERE)

import check_python_json  # noqa: E402
import make_case  # noqa: E402

NODE_TIMEOUT = 120
NNPORT_TIMEOUT = 60


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def tail(text, n=40):
    lines = text.strip().splitlines()
    return "\n".join(("    " + l) for l in lines[-n:]) if lines else "    (empty)"


def run(cmd, timeout, cwd=None):
    t0 = time.time()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout, cwd=cwd)
        return p.returncode, p.stdout, p.stderr, time.time() - t0
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        return None, out, err, time.time() - t0


def main(argv):
    args = argv[1:]
    keep = "--keep" in args
    if keep:
        args.remove("--keep")
    workdir = None
    node = os.environ.get("NODE", "node")
    fake = None
    if "--workdir" in args:
        i = args.index("--workdir")
        workdir = args[i + 1]
        del args[i:i + 2]
    if "--node" in args:
        i = args.index("--node")
        node = args[i + 1]
        del args[i:i + 2]
    keras_api = "keras3"
    if "--keras-api" in args:
        i = args.index("--keras-api")
        keras_api = args[i + 1]
        del args[i:i + 2]
    if "--fake" in args:
        i = args.index("--fake")
        fake = args[i + 1] if i + 1 < len(args) else "none"
        del args[i:i + 2]
        args.append("fake")
    if len(args) != 2:
        print("usage: run_case.py MODEL.py NNPORT [--keep] [--workdir DIR] [--node NODE] "
              "[--keras-api keras3|tf.keras]\n"
              "       run_case.py MODEL.py --fake [none|BREAK]", file=sys.stderr)
        return 2
    model_path = os.path.abspath(args[0])
    nnport = args[1] if args[1] == "fake" else os.path.abspath(args[1])
    stem = os.path.splitext(os.path.basename(model_path))[0]
    label = f"equivalence.{stem}" + (f" (fake nnport, break={fake})" if fake else "")
    if keras_api != "keras3":
        label += f" ({keras_api})"
    if fake is None and not os.access(nnport, os.X_OK):
        print(f"FAIL {label}: nnport binary {nnport!r} is not executable")
        return 1

    if workdir:
        os.makedirs(workdir, exist_ok=True)
        work = tempfile.mkdtemp(prefix=f"{stem}.", dir=workdir)
    else:
        work = tempfile.mkdtemp(prefix=f"nnport-equiv-{stem}.")
    case_dir = os.path.join(work, "case")
    out_dir = os.path.join(work, "out")
    report_path = os.path.join(work, "report.json")
    json_path = os.path.join(out_dir, "model.json")
    py_out = os.path.join(out_dir, f"{stem}.py")
    h5_out = os.path.join(out_dir, f"{stem}.weights.h5")
    failures = []
    facts = []
    before = sha256(model_path)

    # 1. PyTorch reference.
    try:
        case = make_case.make_case(model_path, case_dir)
    except Exception as e:  # noqa: BLE001 - any failure here is a broken test case, report it
        print(f"FAIL {label}: PyTorch reference step failed: {type(e).__name__}: {e}")
        print(f"  work dir kept: {work}")
        return 1
    facts.append("torch outputs " + ", ".join(f"{o['shape']}" for o in case["outputs"]))

    # 2. nnport migrate (or the fake).
    if fake:
        cmd = [node, os.path.join(HERE, "selftest", "fake_nnport.mjs"), stem, case_dir, out_dir]
        if fake != "none":
            cmd += ["--break", fake]
        rc, out, err, dt = run(cmd, NODE_TIMEOUT)
        shutil.copy(os.path.join(out_dir, "report.json"), report_path)
        os.remove(os.path.join(out_dir, "report.json"))
    else:
        cmd = [nnport, "migrate", model_path, "--to", "keras", "-o", out_dir,
               "--weights", os.path.join(case_dir, case["weights"])]
        for s in case["cli"]["input_shapes"]:
            cmd += ["--input-shape", s]
        for d in case["cli"]["input_dtypes"]:
            cmd += ["--input-dtype", d]
        cmd += ["--report", report_path, "--keras-json", json_path, "--keras-api", keras_api]
        rc, out, err, dt = run(cmd, NNPORT_TIMEOUT, cwd=work)
    facts.append(f"nnport exit {rc} in {dt:.1f}s")
    migrated = False
    if rc is None:
        failures.append(f"nnport timed out after {NNPORT_TIMEOUT}s: {' '.join(cmd)}")
    elif rc < 0:
        failures.append(f"nnport was killed by signal {-rc} (crash): {' '.join(cmd)}\n  stderr:\n{tail(err)}")
    elif rc != 0:
        failures.append(f"nnport exited {rc} (expected 0 = complete): {' '.join(cmd)}\n  stderr:\n{tail(err)}")
    else:
        migrated = True
        error_lines = [l for l in err.splitlines() if ": error: " in l]
        if error_lines:
            failures.append("nnport exited 0 but printed errors:\n" + tail("\n".join(error_lines)))
    if os.path.exists(out_dir):
        expected = {f"{stem}.py", f"{stem}.weights.h5", "model.json"}
        present = set(os.listdir(out_dir))
        if migrated and present != expected:
            missing, extra = sorted(expected - present), sorted(present - expected)
            failures.append(f"output directory: missing {missing}, unexpected {extra}")
    elif migrated:
        failures.append(f"nnport exited 0 but created no output directory {out_dir}")
    report = None
    if os.path.exists(report_path):
        try:
            with open(report_path) as f:
                report = json.load(f)
        except ValueError as e:
            failures.append(f"report.json is not valid JSON: {e}")
    elif rc is not None and rc >= 0:
        failures.append("nnport wrote no report (--report)")
    if report is not None and migrated:
        if report.get("status") != "complete":
            failures.append(f"report status is {report.get('status')!r}, expected 'complete'")
        w = report.get("weights") or {}
        if not w.get("output") or os.path.realpath(os.path.join(work, w["output"])) != os.path.realpath(h5_out):
            failures.append(f"report weights.output is {w.get('output')!r}, expected {h5_out}")
        errs = [d for d in report.get("diagnostics", []) if d.get("severity") == "error"]
        if errs:
            failures.append(f"report lists {len(errs)} error diagnostic(s): {errs[:3]}")
    if report is not None and not migrated and report.get("diagnostics"):
        failures.append("report diagnostics: " + "; ".join(
            f"{d.get('line')}:{d.get('col')} {d.get('code')}: {d.get('message')}" for d in report["diagnostics"][:8]))
    if migrated and os.path.exists(py_out):
        with open(py_out, encoding="utf-8", errors="replace") as f:
            if "TODO(nnport)" in f.read():
                failures.append("generated Python contains TODO(nnport) markers despite exit 0")

    # 3. Keras side in TensorFlow.js.
    have_outputs = all(os.path.exists(p) for p in (json_path, h5_out)) and report is not None
    if have_outputs:
        rc3, out3, err3, dt3 = run([node, os.path.join(HERE, "run_keras.mjs"), "--model-json", json_path,
                                    "--weights", h5_out, "--report", report_path, "--case", case_dir],
                                   NODE_TIMEOUT)
        facts.append(f"tfjs {dt3:.1f}s")
        lines = [l for l in out3.splitlines() if l.strip()]
        result = next((l for l in reversed(lines) if l.startswith("RESULT ")), None)
        for l in lines:
            if l.startswith("output ") or l.startswith("weights:"):
                facts.append(l)
        if rc3 != 0 or result is None or not result.startswith("RESULT PASS"):
            detail = result or f"node exited {rc3} without a result"
            failures.append(f"keras (tfjs): {detail}" + (f"\n  node stderr:\n{tail(err3, 20)}" if err3.strip() and result is None else ""))
        else:
            facts.append(result[len("RESULT "):])
    elif migrated:
        failures.append("keras (tfjs): not run, model.json or the .weights.h5 file is missing")

    # 4. Python/JSON drift.
    if os.path.exists(py_out) and os.path.exists(json_path):
        try:
            problems, summary = check_python_json.check(py_out, json_path, out_dir)
        except Exception as e:  # noqa: BLE001
            problems, summary = [f"checker crashed: {type(e).__name__}: {e}"], None
        for p in problems:
            failures.append(f"python/json drift: {p}")
        if summary:
            facts.append(f"python/json: {summary['python_layers']} layers, "
                         f"{summary['wired_calls_checked']} wired calls checked, JSON-only "
                         f"{len(summary['json_only'])}")
    elif migrated:
        failures.append("python/json: not run, the generated .py or model.json is missing")

    if sha256(model_path) != before:
        failures.append(f"{model_path} was modified")

    expect_fail = fake not in (None, "none")
    for fct in facts:
        print(f"  {fct}")
    if failures:
        tag = "EXPECTED-FAIL" if expect_fail else "FAIL"
        print(f"{tag} {label}:")
        for f in failures:
            print(f"  - {f}")
        if expect_fail:
            shutil.rmtree(work, ignore_errors=True)
            return 0
        print(f"  work dir kept: {work}")
        return 1
    if expect_fail:
        print(f"FAIL {label}: the deliberate fault {fake!r} was NOT detected (work dir {work})")
        return 1
    print(f"PASS {label}")
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"  work dir kept: {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

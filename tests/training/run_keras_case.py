#!/usr/bin/python3
"""Driver for one Keras -> PyTorch training-script case (CTest: training.keras.<stem>).

    /usr/bin/python3 run_keras_case.py SCRIPT.py NNPORT [--workdir DIR] [--keep] [--steps N]

In one temporary directory (removed on success unless --keep):
  1. Data: the small dataset the script's `# nnport-training: data=...` header names
     (keras_side/datasets.py) in data/; both scripts read it through DATA_DIR.
  2. Keras side, without nnport: keras_side/record.py runs SCRIPT.py against the mock keras
     package (it runs to its end) and records the model (Keras JSON config + weights layout),
     compile(...), fit(...) with the arrays it was given; make_case.mjs seeds the initial weights
     (case/model.weights.h5); keras_side/train_tfjs.mjs trains the model in TensorFlow.js with
     Keras 3's loss and optimiser formulas and logs the first N (default 5) batch losses.
  3. `NNPORT migrate SCRIPT.py --to pytorch -o out --weights case/model.weights.h5
     --input-shape ... --report report.json`: exit 0, status complete, no TODO(nnport) marker.
  4. PyTorch side: torch_side/run_torch_script.py runs out/<stem>.py under torch 1.13 with
     DataLoader shuffling forced off (the Keras side trains in order too: the same batches in
     the same order), the converted initial weights (out/<stem>.pt) loaded at the model's first
     forward, and every loss.backward() recorded. The script must run to its end.
  5. The first N losses agree within 1e-4 (absolute).

Not checked here (each script's README entry says more): shuffling itself (forced off on both
sides), metrics values, evaluation and prediction results, the saved files' contents.

Exit status: 0 pass, 1 fail, 3 the case itself is broken (Keras side), 2 usage.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "keras_side"))

import datasets  # noqa: E402

TOL = 1e-4
TIMEOUT = 120
EQUIV_KERAS = os.path.join(HERE, "..", "equivalence", "keras")


def run(cmd, cwd=None, env=None):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=TIMEOUT, cwd=cwd,
                           env=env)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return None, "", f"timed out after {TIMEOUT}s"


def tail(text, n=20):
    lines = text.strip().splitlines()
    return "\n".join("    " + l for l in lines[-n:]) if lines else "    (empty)"


def result_line(stdout):
    lines = [l for l in stdout.splitlines() if l.startswith("RESULT ")]
    return lines[-1] if lines else None


class Broken(Exception):
    pass


class Failed(Exception):
    pass


def keras_side(script, work, env, node, steps):
    rec = os.path.join(work, "record")
    run_dir = os.path.join(work, "keras_run")
    os.makedirs(run_dir, exist_ok=True)
    rc, out, err = run([sys.executable, os.path.join(HERE, "keras_side", "record.py"), script, rec], cwd=run_dir,
                       env=env)
    if rc != 0:
        raise Broken(f"record.py (the script under the mock keras) exited {rc}:\n{tail(err)}")
    case = os.path.join(work, "case")
    rc, out, err = run([node, os.path.join(EQUIV_KERAS, "make_case.mjs"), "--model-json",
                        os.path.join(rec, "model.json"), "--layout", os.path.join(rec, "layout.json"),
                        "--out", case])
    if rc != 0 or result_line(out) != "RESULT OK":
        raise Broken(f"make_case.mjs: {result_line(out) or rc}\n{tail(err)}")
    losses_path = os.path.join(work, "keras_losses.json")
    rc, out, err = run([node, os.path.join(HERE, "keras_side", "train_tfjs.mjs"), "--record", rec, "--case", case,
                        "--steps", str(steps), "--out", losses_path])
    if rc != 0 or result_line(out) != "RESULT OK":
        raise Broken(f"train_tfjs.mjs: {result_line(out) or rc}\n{tail(err)}")
    with open(losses_path) as f:
        keras = json.load(f)
    with open(os.path.join(rec, "layout.json")) as f:
        layout = json.load(f)
    return keras, layout, case


def main(argv):
    args = argv[1:]
    keep = "--keep" in args
    if keep:
        args.remove("--keep")
    workdir, steps = None, 5
    for flag in ("--workdir", "--steps"):
        if flag in args:
            i = args.index(flag)
            if flag == "--workdir":
                workdir = args[i + 1]
            else:
                steps = int(args[i + 1])
            del args[i:i + 2]
    if len(args) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    script, nnport = os.path.abspath(args[0]), os.path.abspath(args[1])
    stem = os.path.splitext(os.path.basename(script))[0]
    label = f"training.keras.{stem}"
    node = os.environ.get("NODE") or "node"
    if workdir:
        os.makedirs(workdir, exist_ok=True)
    work = tempfile.mkdtemp(prefix=f"nnport-train-keras-{stem}.", dir=workdir)
    facts = []

    def finish(code, tag):
        for l in facts:
            print(f"  {l}")
        print(f"{tag} {label}")
        if code == 0 and not keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"  work dir kept: {work}")
        return code

    try:
        spec = datasets.parse_header(script)
        data_dir = os.path.join(work, "data")
        datasets.make(spec, data_dir)
        # keras.datasets' cache is $KERAS_HOME/datasets (the migrated script's torchvision root):
        # the driver's tiny files, nothing downloaded.
        keras_home = os.path.join(work, "keras_home")
        os.makedirs(keras_home)
        os.symlink(data_dir, os.path.join(keras_home, "datasets"))
        env = dict(os.environ, DATA_DIR=data_dir, KERAS_HOME=keras_home, PYTHONDONTWRITEBYTECODE="1",
                   OMP_NUM_THREADS="1")
        keras, layout, case = keras_side(script, work, env, node, steps)
    except Broken as e:
        facts.append(str(e))
        return finish(3, "BROKEN-CASE")
    facts.append(f"Keras side (TensorFlow.js, Keras 3 formulas): optimizer {keras['optimizer']}, "
                 f"loss {keras['loss']}, batch_size {keras['batch_size']}, {keras['train_samples']} training samples")
    try:
        out_dir = os.path.join(work, "out")
        report_path = os.path.join(work, "report.json")
        cmd = [nnport, "migrate", script, "--to", "pytorch", "-o", out_dir, "--weights",
               os.path.join(case, "model.weights.h5"), "--report", report_path]
        for shape, dtype in zip(layout["header"]["inputs"], layout["header"]["dtypes"]):
            cmd += ["--input-shape", ",".join(["N"] + [str(d) for d in shape]), "--input-dtype", dtype]
        rc, out, err = run(cmd, cwd=work)
        facts.append(f"nnport exit {rc}")
        # expect=partial todo=L1,L2: the statements at those lines cannot be mapped; nnport must
        # report each at its line (script-unsupported), mark it TODO and migrate the rest.
        partial = spec.get("expect") == "partial"
        want_rc, want_status = (3, "partial") if partial else (0, "complete")
        if rc != want_rc:
            raise Failed(f"nnport exited {rc} (expected {want_rc} = {want_status}):\n{tail(err)}")
        with open(report_path) as f:
            report = json.load(f)
        if report.get("status") != want_status:
            raise Failed(f"report status {report.get('status')!r}, expected {want_status!r}")
        py_out = os.path.join(out_dir, f"{stem}.py")
        with open(py_out) as f:
            todos = f.read().count("TODO(nnport)")
        if partial:
            lines = sorted(int(l) for l in spec.get("todo", "").split(",") if l)
            reported = sorted({d.get("line") for d in report.get("diagnostics", [])
                               if d.get("code") == "script-unsupported"})
            if reported != lines or todos != len(lines):
                raise Failed(f"expected script-unsupported at lines {lines} and {len(lines)} TODO markers; "
                             f"got lines {reported} and {todos} markers")
            facts.append(f"reported at lines {reported}, {todos} TODO(nnport) markers")
        elif todos:
            raise Failed("the migrated script has TODO(nnport) markers despite exit 0")
        torch_dir = os.path.join(work, "torch_run")
        os.makedirs(torch_dir, exist_ok=True)
        record = os.path.join(work, "torch_losses.json")
        rc, out, err = run([sys.executable, os.path.join(HERE, "torch_side", "run_torch_script.py"),
                            "--record", record, "--load-init", os.path.join(out_dir, f"{stem}.pt"),
                            "--no-shuffle", py_out], cwd=torch_dir, env=env)
        if rc != 0:
            raise Failed(f"the migrated script failed under torch (exit {rc}):\n{tail(err)}")
        with open(record) as f:
            torch_rec = json.load(f)
        if torch_rec.get("init") != "loaded":
            raise Failed("the converted initial weights were not loaded (no model forward?)")
        want, got = keras["losses"][:steps], torch_rec["losses"][:steps]
        if len(want) < steps or len(got) < steps:
            raise Failed(f"fewer than {steps} losses: Keras {len(want)}, PyTorch {len(got)}")
        diffs = [abs(a - b) for a, b in zip(want, got)]
        facts.append("losses Keras:   " + " ".join(f"{v:.6f}" for v in want))
        facts.append("losses PyTorch: " + " ".join(f"{v:.6f}" for v in got))
        facts.append(f"max abs loss difference over {steps} steps: {max(diffs):.2e} (tolerance {TOL})")
        if not max(diffs) <= TOL:
            raise Failed(f"losses differ by {max(diffs):.2e} > {TOL}")
    except Failed as e:
        facts.append(f"- {e}")
        return finish(1, "FAIL")
    return finish(0, "PASS")


if __name__ == "__main__":
    sys.exit(main(sys.argv))

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
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "keras_side"))

import datasets  # noqa: E402
from case_driver import (EQUIV_KERAS, Broken, Case, Failed, check_migration, compare_losses,  # noqa: E402
                         result_line, run, tail)


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
    case = Case(argv, __doc__, "keras")
    if case.usage_error:
        return 2
    script, nnport, work, facts = case.script, case.nnport, case.work, case.facts
    try:
        spec = datasets.parse_header(script)
        steps = case.steps(spec)
        data_dir = os.path.join(work, "data")
        datasets.make(spec, data_dir)
        # keras.datasets' cache is $KERAS_HOME/datasets (the migrated script's torchvision root):
        # the driver's tiny files, nothing downloaded.
        keras_home = os.path.join(work, "keras_home")
        os.makedirs(keras_home)
        os.symlink(data_dir, os.path.join(keras_home, "datasets"))
        env = dict(os.environ, DATA_DIR=data_dir, KERAS_HOME=keras_home, PYTHONDONTWRITEBYTECODE="1",
                   OMP_NUM_THREADS="1")
        keras, layout, case_dir = keras_side(script, work, env, case.node, steps)
    except Broken as e:
        facts.append(str(e))
        return case.finish(3, "BROKEN-CASE")
    facts.append(f"Keras side (TensorFlow.js, Keras 3 formulas): optimizer {keras['optimizer']}, "
                 f"loss {keras['loss']}, batch_size {keras['batch_size']}, {keras['train_samples']} training samples")
    try:
        out_dir = os.path.join(work, "out")
        report_path = os.path.join(work, "report.json")
        cmd = [nnport, "migrate", script, "--to", "pytorch", "-o", out_dir, "--weights",
               os.path.join(case_dir, "model.weights.h5"), "--report", report_path]
        for shape, dtype in zip(layout["header"]["inputs"], layout["header"]["dtypes"]):
            cmd += ["--input-shape", ",".join(["N"] + [str(d) for d in shape]), "--input-dtype", dtype]
        rc, out, err = run(cmd, cwd=work)
        facts.append(f"nnport exit {rc}")
        py_out = os.path.join(out_dir, f"{case.stem}.py")
        check_migration(rc, err, report_path, py_out, spec, facts, exact_todo_count=True)
        torch_dir = os.path.join(work, "torch_run")
        os.makedirs(torch_dir, exist_ok=True)
        record = os.path.join(work, "torch_losses.json")
        rc, out, err = run([sys.executable, os.path.join(HERE, "torch_side", "run_torch_script.py"),
                            "--record", record, "--load-init", os.path.join(out_dir, f"{case.stem}.pt"),
                            "--no-shuffle", py_out], cwd=torch_dir, env=env)
        if rc != 0:
            raise Failed(f"the migrated script failed under torch (exit {rc}):\n{tail(err)}")
        with open(record) as f:
            torch_rec = json.load(f)
        if torch_rec.get("init") != "loaded":
            raise Failed("the converted initial weights were not loaded (no model forward?)")
        compare_losses("Keras", keras["losses"], "PyTorch", torch_rec["losses"], steps, facts)
    except Failed as e:
        facts.append(f"- {e}")
        return case.finish(1, "FAIL")
    return case.finish(0, "PASS")


if __name__ == "__main__":
    sys.exit(main(sys.argv))

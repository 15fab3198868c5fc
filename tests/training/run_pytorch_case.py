#!/usr/bin/python3
"""Driver for one PyTorch -> Keras training-script case (CTest: training.pytorch.<stem>).

    /usr/bin/python3 run_pytorch_case.py SCRIPT.py NNPORT [--workdir DIR] [--keep] [--steps N]

The script's header line names its data and the model's input for nnport:
    # nnport-training: data=tabular features=8 classes=3 input=N,8 [dtype=int64]
(data items: keras_side/datasets.py; input/dtype: `nnport migrate --input-shape/--input-dtype`,
in PyTorch's layout; input=data: no --input-shape, nnport reads it from the script's data). In one temporary directory (removed on success unless --keep):
  1. Data: keras_side/datasets.py writes the small dataset into data/; both scripts read it
     through DATA_DIR.
  2. PyTorch side, without nnport: torch_side/run_torch_script.py runs SCRIPT.py under torch 1.13
     with DataLoader shuffling forced off (the Keras side trains in order too: the same batches
     in the same order), saves the model's state_dict at its first forward (the agreed initial
     weights, init.pt) and records every loss.backward(). The script must run to its end.
  3. `NNPORT migrate SCRIPT.py --to keras -o out --weights init.pt --input-shape ...
     --report report.json`: exit 0, status complete, no TODO(nnport) marker.
  4. Keras side: keras_side/record.py runs out/<stem>.py against the mock keras package (to its
     end) and records the model, compile(...) and fit(...) with the arrays it was given;
     make_case.mjs builds the TensorFlow.js case, whose weights file is replaced by nnport's
     converted init.pt (out/<stem>.weights.h5); keras_side/train_tfjs.mjs trains in TensorFlow.js
     with Keras 3's loss and optimiser formulas and logs the first N (default 5) batch losses.
     A header `expect=partial todo=L1,L2` instead requires exit 3 (partial) with
     script-unsupported reported at exactly those lines, each marked TODO(nnport); the rest must
     still migrate and train.
  5. The first N losses agree within 1e-4 (absolute).
  6. The compile/fit arguments tfjs does not use are compared value by value with what the
     source did (fit: epochs, batch_size, shuffle; the optimiser's class and hyper-parameters):
     an EXPECT block in the script's docstring lists them as `key = value` lines
     (e.g. `fit.epochs = 3`, `optimizer.epsilon = 1e-08`).

Not checked here (each script's README entry says more): shuffling itself (forced off on both
sides), metric values, evaluation results, the saved files' contents.

Exit status: 0 pass, 1 fail, 3 the case itself is broken (PyTorch side), 2 usage.
"""
import json
import os
import shutil
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "keras_side"))

import datasets  # noqa: E402
from case_driver import (EQUIV_KERAS, Broken, Case, Failed, check_migration, compare_losses,  # noqa: E402
                         result_line, run, tail)


def expectations(script):
    """`key = value` lines of the docstring's EXPECT block."""
    out = {}
    with open(script, encoding="utf-8") as f:
        text = f.read()
    if "EXPECT" not in text:
        return out
    block = text.split("EXPECT", 1)[1].split('"""', 1)[0]
    for line in block.splitlines():
        if "=" in line and not line.strip().startswith("#"):
            key, _, value = line.partition("=")
            if key.strip():
                out[key.strip()] = json.loads(value.strip())
    return out


def recorded_value(training, key):
    """fit.<arg> of the first fit; optimizer.<kwarg> / loss.<kwarg> / optimizer.class of the
    last compile; metric0.class ...; callback0.<kwarg> of the first fit's callbacks."""
    head, _, name = key.partition(".")
    compile_ = training["compile"][-1] if training["compile"] else {}
    if head == "fit":
        return training["fits"][0].get(name, training["fits"][0].get("kwargs", {}).get(name))
    if head in ("optimizer", "loss"):
        obj = compile_.get(head)
    elif head.startswith("metric"):
        obj = (compile_.get("metrics") or [None] * 99)[int(head[6:])]
    elif head.startswith("callback"):
        obj = (training["fits"][0].get("callbacks") or [None] * 99)[int(head[8:])]
    else:
        raise KeyError(key)
    if not isinstance(obj, dict):
        return obj
    if name == "class":
        return obj.get("class", "").split(".")[-1]
    return obj.get("kwargs", {}).get(name, "<absent>")


def torch_side(script, work, env):
    run_dir = os.path.join(work, "torch_run")
    os.makedirs(run_dir, exist_ok=True)
    record = os.path.join(work, "torch_losses.json")
    init = os.path.join(work, "init.pt")
    rc, out, err = run([sys.executable, os.path.join(HERE, "torch_side", "run_torch_script.py"), script,
                        "--record", record, "--save-init", init, "--no-shuffle"], cwd=run_dir, env=env)
    if rc != 0:
        raise Broken(f"the source script failed under torch (exit {rc}):\n{tail(err)}")
    with open(record) as f:
        rec = json.load(f)
    if rec.get("init") != "saved":
        raise Broken("the model's first forward was not seen (no initial weights)")
    return rec, init


def keras_side(py_out, weights, work, env, node, steps):
    rec = os.path.join(work, "record")
    run_dir = os.path.join(work, "keras_run")
    os.makedirs(run_dir, exist_ok=True)
    rc, out, err = run([sys.executable, os.path.join(HERE, "keras_side", "record.py"), py_out, rec], cwd=run_dir,
                       env=dict(env, NNPORT_RECORD_IN_ORDER="1"))
    if rc != 0:
        raise Failed(f"the migrated script failed under the mock keras (exit {rc}):\n{tail(err)}")
    case = os.path.join(work, "case")
    rc, out, err = run([node, os.path.join(EQUIV_KERAS, "make_case.mjs"), "--model-json",
                        os.path.join(rec, "model.json"), "--layout", os.path.join(rec, "layout.json"),
                        "--out", case])
    if rc != 0 or result_line(out) != "RESULT OK":
        raise Failed(f"make_case.mjs: {result_line(out) or rc}\n{tail(err)}")
    with open(os.path.join(case, "case.json")) as f:
        case_info = json.load(f)
    # The agreed initial weights: PyTorch's, converted by nnport.
    shutil.copyfile(weights, os.path.join(case, case_info["weights"]))
    losses_path = os.path.join(work, "keras_losses.json")
    rc, out, err = run([node, os.path.join(HERE, "keras_side", "train_tfjs.mjs"), "--record", rec, "--case", case,
                        "--steps", str(steps), "--out", losses_path])
    if rc != 0 or result_line(out) != "RESULT OK":
        raise Failed(f"train_tfjs.mjs: {result_line(out) or rc}\n{tail(out + err)}")
    with open(losses_path) as f:
        keras = json.load(f)
    with open(os.path.join(rec, "training.json")) as f:
        training = json.load(f)
    return keras, training


def main(argv):
    case = Case(argv, __doc__, "pytorch")
    if case.usage_error:
        return 2
    script, nnport, work, facts = case.script, case.nnport, case.work, case.facts
    try:
        spec = datasets.parse_header(script)
        steps = case.steps(spec)
        if "input" not in spec:
            raise Broken(f"{script}: the header needs input=N,... (the model's input for nnport) "
                         "or input=data (read from the script's data)")
        data_dir = os.path.join(work, "data")
        datasets.make(spec, data_dir)
        env = dict(os.environ, DATA_DIR=data_dir, PYTHONDONTWRITEBYTECODE="1", OMP_NUM_THREADS="1")
        torch_rec, init = torch_side(script, work, env)
    except Broken as e:
        facts.append(str(e))
        return case.finish(3, "BROKEN-CASE")
    try:
        out_dir = os.path.join(work, "out")
        report_path = os.path.join(work, "report.json")
        cmd = [nnport, "migrate", script, "--to", "keras", "-o", out_dir, "--weights", init,
               "--report", report_path]
        # input=data: no --input-shape; nnport reads the input shape from the script's data.
        if spec["input"] != "data":
            cmd += ["--input-shape", spec["input"]]
        if "dtype" in spec:
            cmd += ["--input-dtype", spec["dtype"]]
        rc, out, err = run(cmd, cwd=work)
        facts.append(f"nnport exit {rc}")
        py_out = os.path.join(out_dir, f"{case.stem}.py")
        check_migration(rc, err, report_path, py_out, spec, facts, exact_todo_count=False)
        keras, training = keras_side(py_out, os.path.join(out_dir, f"{case.stem}.weights.h5"), work, env,
                                     case.node, steps)
        facts.append(f"Keras side (TensorFlow.js, Keras 3 formulas): optimizer {keras['optimizer']}, "
                     f"loss {keras['loss']}, batch_size {keras['batch_size']}, {keras['train_samples']} samples")
        got = keras["losses"][:steps]
        if "weight_penalties" in keras:
            # A coupled weight_decay migrated as an L2 penalty on every weight: Keras' loss
            # includes the penalty, the source's does not (its optimiser adds the gradient).
            penalties = keras["weight_penalties"][:steps]
            facts.append("Keras L2 penalties (subtracted): " + " ".join(f"{v:.6f}" for v in penalties))
            got = [loss - penalty for loss, penalty in zip(got, penalties)]
        if "epoch_rates" in keras:
            facts.append("Keras LearningRateScheduler rates per epoch: " +
                         " ".join(f"{v:.6g}" for v in keras["epoch_rates"]))
        compare_losses("PyTorch", torch_rec["losses"], "Keras", got, steps, facts)
        for key, value in expectations(script).items():
            got_value = recorded_value(training, key)
            if got_value != value:
                raise Failed(f"{key}: expected {value!r}, the migrated script passes {got_value!r}")
            facts.append(f"{key} = {json.dumps(value)}")
    except Failed as e:
        facts.append(f"- {e}")
        return case.finish(1, "FAIL")
    return case.finish(0, "PASS")


if __name__ == "__main__":
    sys.exit(main(sys.argv))

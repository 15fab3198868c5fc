#!/usr/bin/python3
"""Learning-rate schedules migrated both ways, compared rate by rate (CTest:
training.schedule_rates). The loss cases train through one schedule each; this checks the
formulas of every schedule nnport writes, over more steps than a loss case trains.

    /usr/bin/python3 schedule_rates.py NNPORT [--keep]

Keras -> PyTorch: a small Keras script per keras.optimizers.schedules object (ExponentialDecay,
InverseTimeDecay with and without staircase, PiecewiseConstantDecay, PolynomialDecay with and
without cycle, CosineDecay with alpha and with warmup) is migrated; the generated
`lr_schedule(step)` must give Keras' rate (record.py's float32 transcription of Keras 3) at steps
0..STEPS-1 within a relative 5e-6 (Keras computes in float32), and the generated loop must step its LambdaLR after every
optimizer.step().

PyTorch -> Keras: a small PyTorch script per scheduler (StepLR, MultiStepLR, ExponentialLR,
CosineAnnealingLR, LambdaLR, LinearLR stepped per epoch; StepLR, MultiStepLR, ExponentialLR,
LinearLR stepped per batch) is migrated; torch's own scheduler (torch 1.13, get_last_lr after each
step) must agree with the generated LearningRateScheduler lambda at each epoch, resp. the
generated keras.optimizers.schedules object (record.py's transcription) at each step.

Exit status: 0 pass, 1 fail, 2 usage.
"""
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "keras_side"))

import numpy as np  # noqa: E402

STEPS = 40
# Keras computes its schedules in float32 (0.9 ** 38 is 1e-6 off float64 there), torch in float64.
REL = 5e-6

KERAS_CASES = [
    "ExponentialDecay(0.1, decay_steps=3, decay_rate=0.5, staircase=True)",
    "ExponentialDecay(0.1, decay_steps=3, decay_rate=0.5)",
    "InverseTimeDecay(0.1, decay_steps=4, decay_rate=0.5)",
    "InverseTimeDecay(0.1, 4, 0.5, staircase=True)",
    "PiecewiseConstantDecay([3, 7], [0.1, 0.05, 0.01])",
    "PolynomialDecay(0.1, 10, end_learning_rate=0.01, power=2.0)",
    "PolynomialDecay(0.1, 6, end_learning_rate=0.01, cycle=True)",
    "CosineDecay(0.1, 10, alpha=0.1)",
    "CosineDecay(0.0, 10, warmup_target=0.1, warmup_steps=4)",
]

KERAS_SCRIPT = '''import numpy as np
import keras
from keras import layers

x = np.zeros((8, 4), dtype="float32")
y = np.zeros((8,), dtype="int64")
lr_schedule = keras.optimizers.schedules.{schedule}
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3)])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr_schedule),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x, y, epochs=1, batch_size=4)
'''

# (scheduler constructor after the optimizer argument, stepped every "epoch" or "batch")
TORCH_CASES = [
    ("StepLR(optimizer, step_size=3, gamma=0.5)", "epoch"),
    ("MultiStepLR(optimizer, milestones=[2, 5], gamma=0.1)", "epoch"),
    ("ExponentialLR(optimizer, gamma=0.9)", "epoch"),
    ("CosineAnnealingLR(optimizer, T_max=6, eta_min=0.001)", "epoch"),
    ("LambdaLR(optimizer, lr_lambda=lambda epoch: 0.95 ** epoch)", "epoch"),
    ("LinearLR(optimizer, start_factor=0.25, total_iters=4)", "epoch"),
    ("StepLR(optimizer, step_size=3, gamma=0.5)", "batch"),
    ("MultiStepLR(optimizer, milestones=[5, 2], gamma=0.1)", "batch"),
    ("ExponentialLR(optimizer, gamma=0.9)", "batch"),
    ("LinearLR(optimizer, start_factor=0.25, end_factor=0.5, total_iters=4)", "batch"),
    # The source's own expressions as arguments: the formulas written around them must keep
    # their meaning (T_max=num_epochs * steps_per_epoch is not `epoch / num_epochs * ...`).
    ("CosineAnnealingLR(optimizer, T_max=num_epochs * steps_per_epoch, eta_min=0.001)", "epoch"),
    ("StepLR(optimizer, step_size=steps_per_epoch + 1, gamma=0.5)", "epoch"),
    ("LinearLR(optimizer, start_factor=0.5 - 0.25, end_factor=0.25 + 0.25, total_iters=num_epochs + 1)",
     "batch"),
    ("MultiStepLR(optimizer, milestones=[2, 5], gamma=0.2 + 0.3)", "batch"),
]

# The names those expressions use, defined in the script before the scheduler.
SCRIPT_NAMES = {"num_epochs": 3, "steps_per_epoch": 2}

TORCH_SCRIPT = '''import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

x = np.zeros((8, 4), dtype="float32")
y = np.zeros((8,), dtype="int64")
loader = DataLoader(TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=4)
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 3))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
num_epochs = 3
steps_per_epoch = 2
scheduler = torch.optim.lr_scheduler.{scheduler}
for epoch in range(3):
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = criterion(model(inputs), targets)
        loss.backward()
        optimizer.step(){batch_step}
{epoch_step}'''


def migrate(nnport, source, to, work, name, input_shape):
    path = os.path.join(work, name + ".py")
    with open(path, "w") as f:
        f.write(source)
    out = os.path.join(work, "out_" + name)
    p = subprocess.run([nnport, "migrate", path, "--to", to, "-o", out, "--input-shape", input_shape],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise AssertionError(f"nnport exited {p.returncode}:\n{p.stderr}")
    with open(os.path.join(out, name + ".py")) as f:
        return f.read()


def function_block(text, name):
    """The `def name(...)` block of the generated text, dedented."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip().startswith(f"def {name}("):
            indent = len(line) - len(line.lstrip())
            block = [line]
            for l in lines[i + 1:]:
                if l.strip() and len(l) - len(l.lstrip()) <= indent:
                    break
                block.append(l)
            return textwrap.dedent("\n".join(block))
    raise AssertionError(f"no def {name}(...) in the output")


def statement(text, start):
    """The statement starting with `start` (up to its closing parenthesis), dedented."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip().startswith(start):
            block, depth = [], 0
            for l in lines[i:]:
                block.append(l)
                depth += l.count("(") - l.count(")")
                if depth <= 0:
                    break
            return textwrap.dedent("\n".join(block))
    raise AssertionError(f"no statement `{start}...` in the output")


def close(a, b):
    return abs(a - b) <= REL * max(abs(a), abs(b), 1e-12)


def keras_cases(nnport, work, record):
    failures = []
    for k, ctor in enumerate(KERAS_CASES):
        try:
            text = migrate(nnport, KERAS_SCRIPT.format(schedule=ctor), "pytorch", work, f"keras_{k}", "N,4")
            ns = {"math": math}
            exec(function_block(text, "lr_schedule"), ns)
            cls, _, args = ctor.partition("(")
            reference = eval(f"record.{cls}({args}", {"record": record})
            got = [ns["lr_schedule"](step) for step in range(STEPS)]
            want = [float(reference(np.float32(step))) for step in range(STEPS)]
            bad = [s for s in range(STEPS) if not close(got[s], want[s])]
            if bad:
                raise AssertionError(f"step {bad[0]}: PyTorch {got[bad[0]]!r}, Keras {want[bad[0]]!r}")
            loop = text[text.index("for epoch in"):]
            if not re.search(r"optimizer\.step\(\)\n\s+lr_scheduler\.step\(\)", loop):
                raise AssertionError("lr_scheduler.step() does not follow optimizer.step() in the loop")
            if not re.search(r"torch\.optim\.\w+\(.*lr=1\.0", text):
                raise AssertionError("the optimiser does not start from lr=1.0 (LambdaLR's factor is the rate)")
            print(f"  ok  keras {ctor}: {STEPS} steps, e.g. {got[0]:.6g} {got[5]:.6g} {got[STEPS - 1]:.6g}")
        except AssertionError as e:
            failures.append(f"keras {ctor}: {e}")
    return failures


def torch_rates(ctor, steps):
    import torch
    p = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([p], lr=0.1)
    scheduler = eval("torch.optim.lr_scheduler." + ctor,
                     {"torch": torch, "optimizer": optimizer, **SCRIPT_NAMES})
    rates = []
    for _ in range(steps):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return rates


def torch_cases(nnport, work, record):
    failures = []
    schedules = type("schedules", (), dict(record.BUILTIN_SCHEDULES))
    keras_ns = type("keras", (), {"optimizers": type("optimizers", (), {"schedules": schedules})})
    for k, (ctor, unit) in enumerate(TORCH_CASES):
        try:
            source = TORCH_SCRIPT.format(
                scheduler=ctor, batch_step="\n        scheduler.step()" if unit == "batch" else "",
                epoch_step="    scheduler.step()\n" if unit == "epoch" else "")
            text = migrate(nnport, source, "keras", work, f"torch_{k}", "N,4")
            want = torch_rates(ctor, STEPS)
            if unit == "epoch":
                m = re.search(r"LearningRateScheduler\((lambda epoch, lr: .*)\)\s*$", text, re.M)
                if not m:
                    raise AssertionError("no LearningRateScheduler(lambda epoch, lr: ...) in the output")
                fn = eval(m.group(1), {"math": math, **SCRIPT_NAMES})
                got, lr = [], 0.1
                for epoch in range(STEPS):
                    lr = fn(epoch, lr)
                    got.append(lr)
            else:
                code = statement(text, "scheduler = ")
                ns = {"keras": keras_ns, **SCRIPT_NAMES}
                exec(code, ns)
                got = [float(ns["scheduler"](np.float32(step))) for step in range(STEPS)]
            bad = [s for s in range(STEPS) if not close(got[s], want[s])]
            if bad:
                raise AssertionError(f"{unit} {bad[0]}: Keras {got[bad[0]]!r}, torch {want[bad[0]]!r}")
            print(f"  ok  torch {ctor} per {unit}: {STEPS} {unit}s, e.g. {got[0]:.6g} {got[5]:.6g} "
                  f"{got[STEPS - 1]:.6g}")
        except AssertionError as e:
            failures.append(f"torch {ctor} per {unit}: {e}")
    return failures


def main(argv):
    args = argv[1:]
    keep = "--keep" in args
    if keep:
        args.remove("--keep")
    if len(args) != 1:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    nnport = os.path.abspath(args[0])
    import record
    work = tempfile.mkdtemp(prefix="nnport-schedule-rates.")
    failures = keras_cases(nnport, work, record) + torch_cases(nnport, work, record)
    for f in failures:
        print(f"  - {f}")
    if failures:
        print(f"FAIL training.schedule_rates ({len(failures)} of {len(KERAS_CASES) + len(TORCH_CASES)})")
        print(f"  work dir kept: {work}")
        return 1
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    print("PASS training.schedule_rates")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/python3
"""Keras initializers in the migrated PyTorch module (conventions row 16), checked by statistics
(CTest: equivalence.keras_init.<stem>).

    /usr/bin/python3 init_stats.py MODEL.py NNPORT [--keep]

MODEL.py (init_models/) is migrated WITHOUT weights (`NNPORT migrate MODEL.py --to pytorch`), the
generated module is built in PyTorch 1.13, and every tensor of its state_dict is drawn again
ROUNDS times (the constructor, then reset_parameters()) and compared with the rule Keras 3 applies
to that variable, written below by hand from Keras' definitions (not from nnport's pivot):

  zeros / ones / constant   every element exactly that value
  uniform(a, b)             every element in [a, b]; mean and variance (b - a)^2 / 12 within
                            sampling tolerance; the extremes come near both bounds
  normal(m, s)              mean and standard deviation within sampling tolerance
  truncated(m, s)           every element in [m - 2s, m + 2s] (Keras redraws beyond 2 stddev);
                            standard deviation s * .87962566 (the truncated law's)
  orthogonal(g)             the (rows, cols) flattening has orthonormal rows or columns times g
  glorot/he/lecun/variance_scaling  the uniform / truncated / normal law of Keras'
                            VarianceScaling with Keras' fans of Keras' kernel layout

Every tensor of the state_dict must have an expectation, so a parameter left at PyTorch's
default fails too. Exit status: 0 pass, 1 fail, 2 usage.
"""
import importlib.util
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

import torch

ROUNDS = 40
SIGMAS = 6.0  # sampling tolerance, in standard errors
TRUNC_STD = 0.87962566103423978  # stddev of a unit normal truncated at +-2


def vs(scale, mode, dist, fan_in, fan_out):
    """Keras' VarianceScaling(scale, mode, distribution) on a kernel with these fans."""
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    if dist == "uniform":
        limit = math.sqrt(3.0 * scale / n)
        return ("uniform", -limit, limit)
    if dist == "untruncated_normal":
        return ("normal", 0.0, math.sqrt(scale / n))
    return ("truncated", 0.0, math.sqrt(scale / n) / TRUNC_STD)


def glorot_uniform(fan_in, fan_out):
    return vs(1.0, "fan_avg", "uniform", fan_in, fan_out)


ZEROS, ONES = ("constant", 0.0), ("constant", 1.0)
KERAS_UNIFORM = ("uniform", -0.05, 0.05)  # Embedding's "uniform", RandomUniform()


def lstm_bias(units):
    """unit_forget_bias=True: gates i, f, c, o; the forget gate's block is one."""
    return ("blocks", [ZEROS, ONES, ZEROS, ZEROS], units)


# Keras kernel shapes and fans, per model, by the migrated module's state_dict key. A key with
# "[a:b]" is that row block (nn.MultiheadAttention packs the q, k, v projections).
EXPECT = {
    "init_cnn": {
        # Conv2D(16, 3) on 3 channels: kernel (3, 3, 3, 16).
        "conv2d.weight": glorot_uniform(27, 144),
        "conv2d.bias": ZEROS,
        # Conv2D(16, 3, he_normal, bias ones): kernel (3, 3, 16, 16).
        "conv2d_1.weight": vs(2.0, "fan_in", "truncated_normal", 144, 144),
        "conv2d_1.bias": ONES,
        "batch_normalization.weight": ONES,
        "batch_normalization.bias": ZEROS,
        "batch_normalization.running_mean": ZEROS,
        "batch_normalization.running_var": ONES,
        # DepthwiseConv2D(3, depth_multiplier=2): kernel (3, 3, 16, 2), Keras fans (144, 18);
        # torch.nn.init's of the (32, 1, 3, 3) weight would be (9, 288).
        "depthwise_conv2d.weight": glorot_uniform(144, 18),
        "depthwise_conv2d.bias": ZEROS,
        # SeparableConv2D(8, 3): depthwise (3, 3, 32, 1), pointwise (1, 1, 32, 8) he_uniform.
        "separable_conv2d.weight": glorot_uniform(288, 9),
        "separable_conv2d_1.weight": vs(2.0, "fan_in", "uniform", 32, 8),
        "separable_conv2d_1.bias": ZEROS,
        # Conv2DTranspose(4, 3, glorot_normal): kernel (3, 3, 4, 8), fans (36, 72).
        "conv2d_transpose.weight": vs(1.0, "fan_avg", "truncated_normal", 36, 72),
        "conv2d_transpose.bias": ZEROS,
        "dense.weight": ("normal", 0.0, 0.02),
        "dense.bias": ZEROS,
    },
    "init_rnn": {
        "embedding.weight": KERAS_UNIFORM,
        # LSTM(32) on 16 features: kernel (16, 128), recurrent (32, 128), bias (128,).
        "lstm.weight_ih_l0": glorot_uniform(16, 128),
        "lstm.weight_hh_l0": ("orthogonal", 1.0),
        "lstm.bias_ih_l0": lstm_bias(32),
        "lstm.bias_hh_l0": ZEROS,
        # GRU(24, recurrent Orthogonal(gain=2)) on 32: kernel (32, 72), bias (2, 72) zeros.
        "gru.weight_ih_l0": glorot_uniform(32, 72),
        "gru.weight_hh_l0": ("orthogonal", 2.0),
        "gru.bias_ih_l0": ZEROS,
        "gru.bias_hh_l0": ZEROS,
        "dense.weight": vs(1.0, "fan_in", "uniform", 24, 64),
        "dense.bias": ("constant", 0.1),
        # variance_scaling with its defaults: scale 1, fan_in, truncated normal.
        "dense_1.weight": vs(1.0, "fan_in", "truncated_normal", 64, 5),
        "dense_1.bias": ZEROS,
    },
    "init_attention": {
        # MultiHeadAttention(2, key_dim=8) on width 16: query/key/value kernels (16, 2, 8) have
        # Keras fans (32, 128); the output kernel (2, 8, 16) has (16, 32).
        "multi_head_attention.in_proj_weight[0:16]": glorot_uniform(32, 128),
        "multi_head_attention.in_proj_weight[16:32]": glorot_uniform(32, 128),
        "multi_head_attention.in_proj_weight[32:48]": glorot_uniform(32, 128),
        "multi_head_attention.in_proj_bias": ZEROS,
        "multi_head_attention.out_proj.weight": glorot_uniform(16, 32),
        "multi_head_attention.out_proj.bias": ZEROS,
        "layer_normalization.weight": ONES,
        "layer_normalization.bias": ZEROS,
        # Bidirectional(SimpleRNN(12)) on 16: kernel (16, 12), recurrent (12, 12), bias zeros.
        "bidirectional.weight_ih_l0": glorot_uniform(16, 12),
        "bidirectional.weight_hh_l0": ("orthogonal", 1.0),
        "bidirectional.bias_ih_l0": ZEROS,
        "bidirectional.bias_hh_l0": ZEROS,
        "bidirectional.weight_ih_l0_reverse": glorot_uniform(16, 12),
        "bidirectional.weight_hh_l0_reverse": ("orthogonal", 1.0),
        "bidirectional.bias_ih_l0_reverse": ZEROS,
        "bidirectional.bias_hh_l0_reverse": ZEROS,
        "dense.weight": ("truncated", 0.0, 0.1),
        "dense.bias": KERAS_UNIFORM,
        # VarianceScaling(2, fan_out, untruncated_normal): kernel (48, 40).
        "dense_1.weight": vs(2.0, "fan_out", "untruncated_normal", 48, 40),
        "dense_1.bias": ZEROS,
        # add_weight(shape=(40, 32)) without initializer: glorot_uniform; "random_normal".
        "scale_w": glorot_uniform(40, 32),
        "scale_b": ("normal", 0.0, 0.05),
    },
}


def block(key, tensor):
    """The tensor of `key`, or its row block for "name[a:b]"."""
    if "[" not in key:
        return tensor
    a, b = key[key.index("[") + 1:-1].split(":")
    return tensor[int(a):int(b)]


def check(rule, samples, problems, key):
    """samples: list of tensors (one per draw)."""
    kind = rule[0]
    x = torch.stack([s.detach().double() for s in samples])
    flat = x.flatten()
    n = flat.numel()

    def fail(msg):
        problems.append(f"{key}: {msg} (rule {rule})")

    if kind == "constant":
        want = torch.tensor(rule[1], dtype=samples[0].dtype).double()  # 0.1 as float32 holds it
        if not torch.all(flat == want):
            fail(f"not all {rule[1]}: min {flat.min():.6g} max {flat.max():.6g}")
        return
    if kind == "blocks":
        parts, size = rule[1], rule[2]
        for i, part in enumerate(parts):
            check(part, [s[i * size:(i + 1) * size] for s in samples], problems, f"{key}[block {i}]")
        return
    if kind == "orthogonal":
        gain = rule[1]
        for s in samples:
            w = s.detach().double().reshape(s.shape[0], -1)
            m = w.T @ w if w.shape[0] >= w.shape[1] else w @ w.T
            err = (m - gain * gain * torch.eye(m.shape[0], dtype=m.dtype)).abs().max().item()
            if err > 1e-4 * gain * gain:
                fail(f"not orthogonal: max |W'W - g^2 I| = {err:.3g}")
                return
        return
    mean, var = flat.mean().item(), flat.var().item()
    if kind == "uniform":
        a, b = rule[1], rule[2]
        want_mean, want_var = (a + b) / 2, (b - a) ** 2 / 12
        rel_se = math.sqrt(0.8 / n)  # of the sample variance of a uniform law
        if flat.min() < a - 1e-7 or flat.max() > b + 1e-7:
            fail(f"outside [{a:.6g}, {b:.6g}]: [{flat.min():.6g}, {flat.max():.6g}]")
        # The extremes of n uniform draws come within a few (b - a) / n of the bounds.
        slack = (b - a) * 20.0 / n
        if flat.min() > a + slack or flat.max() < b - slack:
            fail(f"range [{flat.min():.6g}, {flat.max():.6g}] does not reach the bounds")
    elif kind == "normal":
        want_mean, want_var = rule[1], rule[2] ** 2
        rel_se = math.sqrt(2.0 / n)
    elif kind == "truncated":
        m, s = rule[1], rule[2]
        want_mean, want_var = m, (s * TRUNC_STD) ** 2
        rel_se = math.sqrt(2.0 / n)
        if flat.min() < m - 2 * s - 1e-7 or flat.max() > m + 2 * s + 1e-7:
            fail(f"outside [{m - 2 * s:.6g}, {m + 2 * s:.6g}]: [{flat.min():.6g}, {flat.max():.6g}]")
    else:
        fail(f"unknown rule kind {kind}")
        return
    if abs(mean - want_mean) > SIGMAS * math.sqrt(want_var / n):
        fail(f"mean {mean:.6g}, want {want_mean:.6g}")
    if abs(var / want_var - 1) > SIGMAS * rel_se:
        fail(f"variance {var:.6g}, want {want_var:.6g} (ratio {var / want_var:.4f}, n {n})")


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    keep = "--keep" in argv
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    model_path, nnport = os.path.abspath(args[0]), os.path.abspath(args[1])
    stem = os.path.splitext(os.path.basename(model_path))[0]
    expect = EXPECT.get(stem)
    if expect is None:
        print(f"FAIL {stem}: no expectations in init_stats.py", file=sys.stderr)
        return 1
    work = tempfile.mkdtemp(prefix=f"nnport-init-{stem}-")
    report_path = os.path.join(work, "report.json")
    cmd = [nnport, "migrate", model_path, "--to", "pytorch", "-o", os.path.join(work, "out"),
           "--report", report_path]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=work)
    problems = []
    if proc.returncode != 0:
        problems.append(f"nnport exit {proc.returncode}: {proc.stderr.strip()}")
    else:
        with open(report_path) as f:
            report = json.load(f)
        spec = importlib.util.spec_from_file_location(stem, os.path.join(work, "out", stem + ".py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        torch.manual_seed(0)
        entry = report["entry"]
        model = getattr(module, entry["name"])(**(entry.get("args") or {}))
        draws = [{k: v.clone() for k, v in model.state_dict().items()}]
        for _ in range(ROUNDS - 1):
            model.reset_parameters()
            draws.append({k: v.clone() for k, v in model.state_dict().items()})
        state_keys = set(draws[0])
        covered = set()
        for key, rule in expect.items():
            name = key.split("[")[0]
            if name not in state_keys:
                problems.append(f"{key}: not in the state_dict ({sorted(state_keys)})")
                continue
            covered.add(name)
            check(rule, [block(key, d[name]) for d in draws], problems, key)
        for key in sorted(state_keys - covered):
            if not key.endswith("num_batches_tracked"):
                problems.append(f"{key}: no expectation (a parameter nnport did not initialise?)")
    if problems:
        print(f"FAIL {stem} (work dir {work})")
        for p in problems:
            print("  " + p)
        return 1
    print(f"PASS {stem}: {len(expect)} tensors x {ROUNDS} draws match Keras' initializers")
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

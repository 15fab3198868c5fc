"""Runs a PyTorch training script under real torch, recording what the loss comparison needs.

    python3 run_torch_script.py SCRIPT --record OUT.json [--save-init W.pt | --load-init W.pt]
                                [--no-shuffle] [-- SCRIPT_ARGS...]

- Every `Tensor.backward()` on a scalar records the loss value (in call order) to OUT.json
  ("losses"), with the number of recorded steps per epoch boundary unknown: the comparison
  uses the first N values only.
- The first forward of the outermost module with parameters (a global forward pre-hook,
  removed after it ran once; torchvision transforms are parameterless modules) either saves its state_dict (--save-init; the agreed initial weights) or loads one in
  place (--load-init; load_state_dict copies into the existing tensors, so an optimiser created
  before keeps its references).
- --no-shuffle forces DataLoader(shuffle=False) and makes random_split without a generator cut
  the samples in order (no permutation): the migrated Keras script is then run with shuffling
  and permutations off too (keras_side/record.py), so both sides see the same batches in the
  same order. A random_split with a seeded generator keeps torch's permutation: nnport writes
  the same one (NumPy's RandomState), so the parts are compared as they are.
- torchvision's CIFAR datasets check the md5 sums of the published files before reading them:
  the driver's tiny files (keras_side/datasets.py) only have to exist. Nothing is downloaded
  (MNIST-style datasets only check that their files exist).
The script runs as __main__ (runpy) with sys.argv = [SCRIPT] + SCRIPT_ARGS and its own
directory on sys.path, as `python3 SCRIPT ...` would.
"""
import argparse
import json
import math
import os
import runpy
import sys

import torch
import torch.nn.modules.module as torch_module
import torch.utils.data as torch_data


def offline_datasets():
    try:
        import torchvision.datasets.cifar as cifar
    except ImportError:
        return
    cifar.check_integrity = lambda path, md5=None: os.path.isfile(path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("script")
    parser.add_argument("--record", required=True)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--save-init")
    group.add_argument("--load-init")
    parser.add_argument("--no-shuffle", action="store_true")
    argv = sys.argv[1:]
    script_args = argv[argv.index("--") + 1:] if "--" in argv else []
    o = parser.parse_args(argv[:argv.index("--")] if "--" in argv else argv)

    record = {"losses": [], "init": None, "shuffle_forced_off": o.no_shuffle}

    original_backward = torch.Tensor.backward

    def recording_backward(self, *args, **kwargs):
        if self.numel() == 1:
            record["losses"].append(float(self.detach().double().item()))
        return original_backward(self, *args, **kwargs)

    torch.Tensor.backward = recording_backward

    handle = None

    def first_forward(module, inputs):
        # torchvision transforms are modules too: the model is the first module with parameters.
        if next(module.parameters(), None) is None:
            return None
        handle.remove()
        if o.save_init:
            torch.save(module.state_dict(), o.save_init)
            record["init"] = "saved"
        elif o.load_init:
            state = torch.load(o.load_init)
            with torch.no_grad():
                missing = module.load_state_dict(state, strict=True)
            record["init"] = "loaded"
            del missing
        record["model_class"] = type(module).__name__
        return None

    if o.save_init or o.load_init:
        handle = torch_module.register_module_forward_pre_hook(first_forward)

    if o.no_shuffle:
        original_init = torch_data.DataLoader.__init__

        def init_without_shuffle(self, *args, **kwargs):
            if len(args) >= 3:  # DataLoader(dataset, batch_size, shuffle, ...)
                args = args[:2] + (False,) + args[3:]
            else:
                kwargs["shuffle"] = False
            original_init(self, *args, **kwargs)

        torch_data.DataLoader.__init__ = init_without_shuffle

        original_split = torch_data.random_split

        def split_in_order(dataset, lengths, generator=None):
            if generator is not None:
                # A seeded generator's permutation: nnport writes torch's own (torch_randperm).
                return original_split(dataset, lengths, generator=generator)
            if all(isinstance(n, float) for n in lengths):
                # Fractions (torch 1.13): floor(len * f) each, the remainder one by one from the
                # first part, as torch's own random_split sizes them.
                sizes = [int(math.floor(len(dataset) * f)) for f in lengths]
                for i in range(len(dataset) - sum(sizes)):
                    sizes[i % len(sizes)] += 1
                lengths = sizes
            parts, start = [], 0
            for n in lengths:
                parts.append(torch_data.Subset(dataset, list(range(start, start + n))))
                start += n
            return parts

        torch_data.random_split = split_in_order
        torch_data.dataset.random_split = split_in_order

    offline_datasets()
    script = os.path.abspath(o.script)
    sys.argv = [script] + script_args
    sys.path.insert(0, os.path.dirname(script))
    error = None
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as e:
        if e.code not in (None, 0):
            error = "SystemExit(%r)" % (e.code,)
    finally:
        torch.Tensor.backward = original_backward
        if error:
            record["error"] = error
        with open(o.record, "w") as f:
            json.dump(record, f, indent=1)
    if error:
        sys.exit(1)


if __name__ == "__main__":
    main()

"""Writes examples/cifar_cnn.safetensors: seeded random weights of the example model, as a
PyTorch state_dict in the safetensors format (written with numpy; no extra packages).
Run with Debian's Python, which has python3-torch: /usr/bin/python3 tools/make_example_weights.py
"""
import importlib.util
import json
import pathlib
import struct

import numpy as np
import torch

ROOT = pathlib.Path(__file__).resolve().parent.parent
DTYPES = {torch.float32: "F32", torch.int64: "I64", torch.float16: "F16", torch.float64: "F64"}


def save_safetensors(state_dict, path):
    header, blobs, offset = {}, [], 0
    for name, tensor in state_dict.items():
        data = tensor.detach().contiguous().cpu().numpy().tobytes()
        header[name] = {"dtype": DTYPES[tensor.dtype], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)


def main():
    spec = importlib.util.spec_from_file_location("cifar_cnn", ROOT / "examples" / "cifar_cnn.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    torch.manual_seed(0)
    model = module.CifarCNN()
    with torch.no_grad():
        for name, buf in model.named_buffers():
            if name.endswith("running_mean"):
                buf.normal_(0, 0.1)
            elif name.endswith("running_var"):
                buf.uniform_(0.5, 1.5)
    save_safetensors(model.state_dict(), ROOT / "examples" / "cifar_cnn.safetensors")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
# Fixture for weights_torch_test.cc: writes a real PyTorch state_dict as .safetensors (by hand,
# with numpy: there is no safetensors package here) and, independently, the Keras layouts the
# converter must produce, computed with numpy transposes. Exit code 77 means "torch missing".
import json
import sys

try:
    import numpy as np
    import torch
    from torch import nn
except ImportError:
    sys.exit(77)

DTYPES = {np.dtype("float32"): "F32", np.dtype("float64"): "F64", np.dtype("float16"): "F16",
          np.dtype("int64"): "I64"}


def write_safetensors(path, tensors):
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        array = np.array(tensors[name], order="C")  # keeps 0-d shapes, unlike ascontiguousarray
        data = array.astype(array.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": DTYPES[array.dtype], "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)  # the reference writer aligns the data to 8 bytes
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little") + text + b"".join(chunks))


def main(out_dir):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(16, 5))
    model.train()
    with torch.no_grad():
        for _ in range(3):  # give the BatchNorm statistics non-trivial values
            model(torch.randn(8, 3, 4, 4))
    state = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    # Keys as DataParallel writes them, and one tensor in float16 as half-precision exports do.
    source = {"module." + k: v for k, v in state.items()}
    source["module.4.bias"] = state["4.bias"].astype(np.float16)
    write_safetensors(f"{out_dir}/model.safetensors", source)

    dense = state["4.weight"].reshape(5, 4, 2, 2).transpose(0, 2, 3, 1).reshape(5, 16)  # (C,H,W) -> (H,W,C)
    expected = {
        "layers/conv2d/vars/0": state["0.weight"].transpose(2, 3, 1, 0),
        "layers/conv2d/vars/1": state["0.bias"],
        "layers/batch_normalization/vars/0": state["1.weight"],
        "layers/batch_normalization/vars/1": state["1.bias"],
        "layers/batch_normalization/vars/2": state["1.running_mean"],
        "layers/batch_normalization/vars/3": state["1.running_var"],
        "layers/dense/vars/0": dense.T,
        "layers/dense/vars/1": state["4.bias"].astype(np.float16).astype(np.float32),
    }
    write_safetensors(f"{out_dir}/expected.safetensors", expected)


if __name__ == "__main__":
    main(sys.argv[1])

#!/usr/bin/python3
# Fixture for weights_torch_checkpoint_test.cc: real torch.save checkpoints (zip and legacy
# formats) and, independently, the expected tensors as contiguous little-endian bytes in a
# .safetensors file written by hand. Exit code 77 means "torch missing".
#   torch_checkpoints.py OUT_DIR [CIFAR_SAFETENSORS]
import json
import sys

try:
    import numpy as np
    import torch
except ImportError:
    sys.exit(77)

SAFETENSORS_DTYPES = {
    torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8",
    torch.bool: "BOOL",
}
NUMPY_DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64}


def raw_bytes(tensor):
    flat = tensor.detach().contiguous().reshape(-1)
    if flat.dtype == torch.bool:
        flat = flat.to(torch.uint8)
    return flat.view(torch.uint8).numpy().tobytes()  # host order; the test host is little-endian


def write_safetensors(path, tensors):
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        data = raw_bytes(tensors[name])
        header[name] = {"dtype": SAFETENSORS_DTYPES[tensors[name].dtype], "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little") + text + b"".join(chunks))


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    size = int.from_bytes(blob[:8], "little")
    header = json.loads(blob[8:8 + size])
    data = blob[8 + size:]
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=NUMPY_DTYPES[entry["dtype"]]).reshape(entry["shape"])
        out[name] = torch.from_numpy(array.copy())
    return out


def state_dict_with_every_dtype():
    torch.manual_seed(0)
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    sd = {
        "f32": torch.randn(3, 4),
        "f16": torch.randn(5).half(),
        "bf16": torch.randn(2, 3).bfloat16(),
        "f64": torch.randn(2, 2, dtype=torch.float64),
        "i64": torch.tensor([-(2 ** 40), 7, 2 ** 62], dtype=torch.int64),
        "i32": torch.tensor([-5, 2 ** 30], dtype=torch.int32),
        "i16": torch.tensor([[-300, 300]], dtype=torch.int16),
        "i8": torch.tensor([-128, 127, 0], dtype=torch.int8),
        "u8": torch.tensor([0, 255, 17], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True]),
        "scalar": torch.tensor(3.5),
        "empty": torch.zeros(0, 4),
        # A transposed view (non-contiguous strides) and two views of one storage.
        "transposed": base.t(),
        "shared_row": base[1],
        "shared_tail": base[2:],
        "param": torch.nn.Parameter(torch.randn(2, 2)),
    }
    return sd


def main(out_dir, cifar=None):
    sd = state_dict_with_every_dtype()
    write_safetensors(f"{out_dir}/expected.safetensors", sd)
    torch.save(sd, f"{out_dir}/zip.pt")
    torch.save(sd, f"{out_dir}/legacy.pt", _use_new_zipfile_serialization=False)
    torch.save({"module." + k: v for k, v in sd.items()}, f"{out_dir}/data_parallel.pt")

    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(torch.randn(2, 3)).sum().backward()
    optimizer.step()  # gives the optimizer state tensors of its own
    model_sd = model.state_dict()
    write_safetensors(f"{out_dir}/model_expected.safetensors", model_sd)
    torch.save({"epoch": 3, "model": model_sd, "optimizer": optimizer.state_dict(), "best": 0.5},
               f"{out_dir}/nested_model.pt")
    torch.save({"state_dict": model_sd, "meta": {"note": "x"}}, f"{out_dir}/nested_state_dict.pt")
    torch.save({"model_state_dict": model_sd}, f"{out_dir}/nested_model_state_dict.pt",
               _use_new_zipfile_serialization=False)
    torch.save({"net": model_sd, "ema": {k: v + 1 for k, v in model_sd.items()}}, f"{out_dir}/nested_net.pt")
    torch.save({"weights": {"a": torch.ones(2)}, "bundle": model_sd}, f"{out_dir}/nested_two_candidates.pt")

    if cifar:
        weights = read_safetensors(cifar)
        torch.save(weights, f"{out_dir}/cifar.pt")
        torch.save(weights, f"{out_dir}/cifar_legacy.pt", _use_new_zipfile_serialization=False)
        torch.save({"epoch": 9, "model_state_dict": {"module." + k: v for k, v in weights.items()}},
                   f"{out_dir}/cifar_nested_dp.pt")


if __name__ == "__main__":
    main(*sys.argv[1:])

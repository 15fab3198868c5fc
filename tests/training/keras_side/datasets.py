"""Small datasets the Keras training scripts read, written by the driver into a temp directory.

Each script names its data on its `# nnport-training:` header line:
    data=tabular    x_train.npy (N, features) float32, y_train.npy (N,) int64 class indices,
                    x_test.npy, y_test.npy
    data=regression as tabular, y (N, 1) float32 (a noisy linear function of x)
    data=csv        train.csv: columns f0..f{features-1}, label (class index)
    data=images     images/<class>/img_<k>.png (RGB, size x size) for `classes` classes
    data=tokens     x_train.npy (N, length) int64 token ids in [1, vocab), y_train.npy (N,) in
                    [0, classes) (classes=2 with binary=1: float32 (N, 1) 0/1), x_test/y_test
    data=series     x_train.npy (N, length, features) float32 windows of a noisy sine,
                    y_train.npy (N, 1) the next value, x_test/y_test
Other items: features=, classes=, train=, test=, size=, vocab=, length=, binary=1.
"""
import csv
import os

import numpy as np


def parse_header(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("# nnport-training:"):
                break
        else:
            raise ValueError(f"{path}: no '# nnport-training:' header line")
    spec = {}
    for item in line[len("# nnport-training:"):].split():
        key, _, value = item.partition("=")
        spec[key] = value
    if "data" not in spec:
        raise ValueError(f"{path}: the header needs data=")
    return spec


def make(spec, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(20261130)
    kind = spec["data"]
    n_train, n_test = int(spec.get("train", 96)), int(spec.get("test", 32))
    features, classes = int(spec.get("features", 8)), int(spec.get("classes", 3))

    def save(name, arr):
        np.save(os.path.join(out_dir, name), arr)

    if kind in ("tabular", "regression", "csv"):
        w = rng.normal(size=(features, classes if kind != "regression" else 1))
        for split, n in (("train", n_train), ("test", n_test)):
            x = rng.normal(size=(n, features)).astype("float32")
            score = x @ w + 0.3 * rng.normal(size=(n, w.shape[1]))
            if kind == "regression":
                y = score.astype("float32")
            else:
                y = np.argmax(score, axis=1).astype("int64")
            if kind == "csv":
                with open(os.path.join(out_dir, f"{split}.csv"), "w", newline="") as f:
                    writer = csv.writer(f)
                    writer.writerow([f"f{i}" for i in range(features)] + ["label"])
                    for row, label in zip(x, y):
                        writer.writerow([f"{v:.6f}" for v in row] + [int(label)])
            else:
                save(f"x_{split}.npy", x)
                save(f"y_{split}.npy", y)
    elif kind == "images":
        from PIL import Image

        size = int(spec.get("size", 16))
        per_class = n_train // classes
        for c in range(classes):
            folder = os.path.join(out_dir, "images", f"class_{c}")
            os.makedirs(folder, exist_ok=True)
            base = rng.integers(0, 256, size=3)
            for k in range(per_class):
                img = np.clip(base + rng.normal(scale=60, size=(size, size, 3)), 0, 255).astype("uint8")
                Image.fromarray(img, "RGB").save(os.path.join(folder, f"img_{k:03d}.png"))
    elif kind == "tokens":
        vocab, length = int(spec.get("vocab", 50)), int(spec.get("length", 12))
        binary = spec.get("binary") == "1"
        for split, n in (("train", n_train), ("test", n_test)):
            x = rng.integers(1, vocab, size=(n, length)).astype("int64")
            score = (x % (2 if binary else classes)).sum(axis=1)
            if binary:
                y = (score > length // 2).astype("float32")[:, None]
            else:
                y = (score % classes).astype("int64")
            save(f"x_{split}.npy", x)
            save(f"y_{split}.npy", y)
    elif kind == "series":
        length = int(spec.get("length", 10))
        t = np.arange(n_train + n_test + length + 1, dtype="float64")
        signal = np.sin(0.3 * t) + 0.1 * rng.normal(size=t.shape)
        feats = np.stack([signal] + [np.cos(0.1 * k * t) for k in range(1, features)], axis=1)
        windows = np.stack([feats[i:i + length] for i in range(n_train + n_test)]).astype("float32")
        targets = np.array([signal[i + length] for i in range(n_train + n_test)], dtype="float32")[:, None]
        save("x_train.npy", windows[:n_train])
        save("y_train.npy", targets[:n_train])
        save("x_test.npy", windows[n_train:])
        save("y_test.npy", targets[n_train:])
    else:
        raise ValueError(f"unknown data kind {kind!r}")

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
    data=mnist / data=fashion_mnist
                    the files torchvision's MNIST / FashionMNIST read without downloading:
                    <root>/MNIST/raw/ (or FashionMNIST/raw/) train-images-idx3-ubyte,
                    train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte
                    (28x28 uint8 images, 10 classes), <root> = DATA_DIR
    data=cifar10    the files torchvision's CIFAR10 reads: <root>/cifar-10-batches-py/
                    data_batch_1..5, test_batch (pickled dicts, 32x32x3 uint8, 10 classes),
                    batches.meta
    data=imdb       Keras' imdb.npz: <root>/imdb.npz, reviews as word-id lists (ids below vocab=,
                    lengths up to length=), labels 0/1
Other items: features=, classes=, train=, test=, size=, vocab=, length=, binary=1.

`keras_load_data(name, data_dir)` reads those same files in keras.datasets.<name>.load_data()'s
form ((x_train, y_train), (x_test, y_test)): the mock keras returns them, so both sides train on
the same tiny data in the same order.
"""
import csv
import os
import pickle
import struct

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
    elif kind in ("mnist", "fashion_mnist"):
        raw = os.path.join(out_dir, _IDX_FOLDERS[kind], "raw")
        os.makedirs(raw, exist_ok=True)
        for prefix, n in (("train", n_train), ("t10k", n_test)):
            y = rng.integers(0, 10, size=n).astype("uint8")
            # Class-dependent brightness so that the tiny set is learnable.
            x = np.clip(y[:, None, None] * 20 + rng.normal(scale=50, size=(n, 28, 28)) + 40, 0, 255)
            with open(os.path.join(raw, f"{prefix}-images-idx3-ubyte"), "wb") as f:
                f.write(struct.pack(">IIII", 0x0803, n, 28, 28) + x.astype("uint8").tobytes())
            with open(os.path.join(raw, f"{prefix}-labels-idx1-ubyte"), "wb") as f:
                f.write(struct.pack(">II", 0x0801, n) + y.tobytes())
    elif kind == "cifar10":
        folder = os.path.join(out_dir, "cifar-10-batches-py")
        os.makedirs(folder, exist_ok=True)
        names = [f"data_batch_{k}" for k in range(1, 6)]
        sizes = [n_train // 5 + (1 if k < n_train % 5 else 0) for k in range(5)]
        for name, n in list(zip(names, sizes)) + [("test_batch", n_test)]:
            labels = rng.integers(0, 10, size=n)
            base = (labels[:, None] * 23) % 256
            data = np.clip(base + rng.normal(scale=60, size=(n, 3072)) + 10, 0, 255).astype("uint8")
            with open(os.path.join(folder, name), "wb") as f:
                pickle.dump({"batch_label": name, "data": data, "labels": [int(v) for v in labels]}, f)
        with open(os.path.join(folder, "batches.meta"), "wb") as f:
            pickle.dump({"label_names": ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
                                         "horse", "ship", "truck"], "num_vis": 3072}, f)
    elif kind == "imdb":
        # Keras' imdb.npz: object arrays of word-id lists of varied lengths (ids from 1, frequent
        # words small), int64 labels, the published train/test split.
        vocab, length = int(spec.get("vocab", 50)), int(spec.get("length", 12))
        arrays = {}
        for split, n in (("train", n_train), ("test", n_test)):
            labels = rng.integers(0, 2, size=n).astype("int64")
            reviews = []
            for label in labels:
                ids = rng.integers(1, vocab, size=int(rng.integers(length // 2, length + 1)))
                reviews.append([int(w) for w in ids if (w % 2 == label) or w > vocab // 2])
            x = np.empty(n, dtype=object)
            x[:] = reviews
            arrays[f"x_{split}"], arrays[f"y_{split}"] = x, labels
        np.savez(os.path.join(out_dir, "imdb.npz"), **arrays)
    else:
        raise ValueError(f"unknown data kind {kind!r}")


_IDX_FOLDERS = {"mnist": "MNIST", "fashion_mnist": "FashionMNIST"}


def _read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, n = struct.unpack(">II", data[:8])
    if magic == 0x0803:
        rows, cols = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, dtype="uint8", offset=16).reshape(n, rows, cols).copy()
    return np.frombuffer(data, dtype="uint8", offset=8).copy()


def keras_imdb_load_data(data_dir, num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1,
                         oov_char=2, index_from=3):
    """keras.datasets.imdb.load_data() on the tiny imdb.npz, step by step as Keras' own
    (keras/src/datasets/imdb.py): the oracle the migrated script's NumPy helper is compared to."""
    with np.load(os.path.join(data_dir, "imdb.npz"), allow_pickle=True) as f:
        x_train, labels_train = f["x_train"], f["y_train"]
        x_test, labels_test = f["x_test"], f["y_test"]
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x_train))
    rng.shuffle(indices)
    x_train, labels_train = x_train[indices], labels_train[indices]
    indices = np.arange(len(x_test))
    rng.shuffle(indices)
    x_test, labels_test = x_test[indices], labels_test[indices]
    if start_char is not None:
        x_train = [[start_char] + [w + index_from for w in x] for x in x_train]
        x_test = [[start_char] + [w + index_from for w in x] for x in x_test]
    elif index_from:
        x_train = [[w + index_from for w in x] for x in x_train]
        x_test = [[w + index_from for w in x] for x in x_test]
    else:
        x_train = [list(x) for x in x_train]
        x_test = [list(x) for x in x_test]
    if maxlen:
        def remove_long_seq(seq, label):
            kept = [(x, y) for x, y in zip(seq, label) if len(x) < maxlen]
            return [x for x, _ in kept], [y for _, y in kept]
        x_train, labels_train = remove_long_seq(x_train, labels_train)
        x_test, labels_test = remove_long_seq(x_test, labels_test)
    xs = x_train + x_test
    labels = np.concatenate([labels_train, labels_test])
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        xs = [[w if (skip_top <= w < num_words) else oov_char for w in x] for x in xs]
    else:
        xs = [[w for w in x if skip_top <= w < num_words] for x in xs]
    idx = len(x_train)
    return ((np.array(xs[:idx], dtype="object"), labels[:idx]),
            (np.array(xs[idx:], dtype="object"), labels[idx:]))


def keras_load_data(name, data_dir, **kwargs):
    """keras.datasets.<name>.load_data() over the files `make` wrote: Keras' shapes and dtypes
    (MNIST: (N, 28, 28) uint8 and (N,) uint8; CIFAR-10: (N, 32, 32, 3) uint8 and (N, 1) uint8)."""
    if name in _IDX_FOLDERS:
        raw = os.path.join(data_dir, _IDX_FOLDERS[name], "raw")
        return tuple((_read_idx(os.path.join(raw, f"{p}-images-idx3-ubyte")),
                      _read_idx(os.path.join(raw, f"{p}-labels-idx1-ubyte"))) for p in ("train", "t10k"))
    if name == "cifar10":
        folder = os.path.join(data_dir, "cifar-10-batches-py")
        out = []
        for files in ([f"data_batch_{k}" for k in range(1, 6)], ["test_batch"]):
            xs, ys = [], []
            for name_ in files:
                with open(os.path.join(folder, name_), "rb") as f:
                    entry = pickle.load(f, encoding="latin1")
                xs.append(entry["data"].reshape(-1, 3, 32, 32))
                ys.extend(entry["labels"])
            x = np.concatenate(xs).transpose(0, 2, 3, 1)  # Keras: channels-last
            out.append((x, np.asarray(ys, dtype="uint8").reshape(-1, 1)))
        return tuple(out)
    kwargs.pop("path", None)  # the cache file's name only
    if name == "imdb":
        return keras_imdb_load_data(data_dir, **kwargs)
    raise ValueError(f"no tiny data for keras.datasets.{name}")

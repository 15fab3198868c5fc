"""Writes Keras weight files with h5py (Debian's python3-h5py) for weights_keras_h5_reader_test.

usage: keras_h5_files.py OUTDIR    (exit 77 when h5py or numpy is missing)

The layouts follow Keras 3 saving_lib (H5IOStore: "<inner path>/vars/<i>") and tf.keras
hdf5_format (root attribute layer_names, per-layer weight_names, "<layer>/<weight>:0" datasets;
whole-model files keep them under "model_weights"). OUTDIR/manifest.json lists, per file, every
tensor the reader must return: key, dtype, shape, little-endian bytes (hex) and whether the
dataset is stored contiguously (so the reader can view it in place), plus expected aliases.
Files named bad_*.h5 must be refused; manifest["bad"] maps them to a fragment of the message.
"""
import json
import os
import sys
import zipfile

try:
    import h5py
    import numpy as np
except ImportError:
    sys.exit(77)

out = sys.argv[1]
rng = np.random.default_rng(7)
manifest = {"files": {}, "bad": {}}

DTYPE_NAMES = {np.dtype("float32"): "float32", np.dtype("float64"): "float64",
               np.dtype("float16"): "float16", np.dtype("int64"): "int64",
               np.dtype("int32"): "int32", np.dtype("int16"): "int16", np.dtype("int8"): "int8",
               np.dtype("uint8"): "uint8", np.dtype("bool"): "bool"}


def expect(entries, key, array, contiguous, dtype_name=None):
    little = array.astype(array.dtype.newbyteorder("<"))
    entries[key] = {"dtype": dtype_name or DTYPE_NAMES[little.dtype.newbyteorder("=")],
                    "shape": list(array.shape), "hex": little.tobytes().hex(),
                    "contiguous": contiguous}


def values(shape, dtype):
    if np.dtype(dtype) == np.bool_:
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    if np.issubdtype(np.dtype(dtype), np.integer):
        info = np.iinfo(dtype)
        return rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)
    return rng.standard_normal(size=shape).astype(dtype)


def write_keras3(path, userblock=0):
    entries = {}
    kwargs = {"userblock_size": userblock} if userblock else {}
    with h5py.File(path, "w", **kwargs) as f:
        f.create_group("vars")
        plain = {
            "layers/dense/vars/0": values((3, 4), np.float32),
            "layers/dense/vars/1": values((4,), np.float32),
            "layers/lstm/cell/vars/0": values((4, 16), np.float32),
            "layers/lstm/cell/vars/1": values((4, 16), np.float32),
            "layers/lstm/cell/vars/2": values((16,), np.float32),
            "layers/bidirectional/forward_layer/cell/vars/0": values((4, 12), np.float32),
            "layers/bidirectional/backward_layer/cell/vars/0": values((4, 12), np.float32),
            "layers/multi_head_attention/_query_dense/vars/0": values((8, 2, 4), np.float32),
            "layers/embedding/vars/0": values((5, 3), np.float16),
            "layers/wide/vars/0": values((2, 2), np.float64),
            "layers/ints/vars/0": np.array(42, dtype=np.int64),
            "layers/ints/vars/1": values((3,), np.int32),
            "layers/ints/vars/2": values((3,), np.int16),
            "layers/ints/vars/3": values((3,), np.int8),
            "layers/ints/vars/4": values((3,), np.uint8),
            "layers/mask/vars/0": values((5,), np.bool_),
            "layers/scalar/vars/0": np.array(1.5, dtype=np.float32),
        }
        for key, array in plain.items():
            f[key] = array
            expect(entries, key, array, True)
        f.create_group("layers/relu/vars")  # a weightless layer: an empty group, no tensor
        # Layouts that cannot be viewed in place: chunked + gzip, big-endian, compact.
        conv = values((3, 3, 2, 4), np.float32)
        f.create_dataset("layers/conv2d/vars/0", data=conv, chunks=(3, 3, 1, 2), compression="gzip")
        expect(entries, "layers/conv2d/vars/0", conv, False)
        big = values((2, 3), np.float32)
        f.create_dataset("layers/big_endian/vars/0", data=big.astype(">f4"))
        expect(entries, "layers/big_endian/vars/0", big, False)
        big_half = values((4,), np.float16)
        f.create_dataset("layers/big_endian/vars/1", data=big_half.astype(">f2"))
        expect(entries, "layers/big_endian/vars/1", big_half, False)
        compact = values((2, 2), np.float32)
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_layout(h5py.h5d.COMPACT)
        space = h5py.h5s.create_simple((2, 2))
        dataset = h5py.h5d.create(f["layers/dense"].id, b"compact", h5py.h5t.IEEE_F32LE, space, dcpl=dcpl)
        dataset.write(h5py.h5s.ALL, h5py.h5s.ALL, compact)
        expect(entries, "layers/dense/compact", compact, False)
        empty = np.zeros((0, 3), dtype=np.float32)
        f["layers/empty/vars/0"] = empty
        expect(entries, "layers/empty/vars/0", empty, True)
        # bfloat16 as Keras 3 writes it: 2-byte opaque elements marked with a dtype attribute.
        bf16_bits = values((3,), np.uint16)
        ds = f.create_dataset("layers/bf16/vars/0", data=bf16_bits.view("V2"))
        ds.attrs["dtype"] = "bfloat16"
        expect(entries, "layers/bf16/vars/0", bf16_bits, True, "bfloat16")
        # Links that are not followed: a soft link to a dataset and an external link.
        f["layers/alias"] = h5py.SoftLink("/layers/dense/vars/0")
        f["layers/elsewhere"] = h5py.ExternalLink("missing.h5", "/x")
    return entries


def legacy_layers(group, layers, fixed_strings):
    """tf.keras save_weights_to_hdf5_group: layer_names, then one group per layer."""
    entries, aliases = {}, {}
    encode = (lambda names: np.asarray([n.encode("utf8") for n in names])) if fixed_strings else list
    group.attrs["backend"] = "tensorflow"
    group.attrs["keras_version"] = "2.15.0"
    k = 0
    for layer, weights in layers:
        g = group.create_group(layer)
        # An empty list is np.asarray([]) in Keras: a float64 array of length 0.
        g.attrs["weight_names"] = encode([name for name, _ in weights]) if weights else np.asarray([])
        for i, (name, array) in enumerate(weights):
            g[name] = array
            key = layer + "/" + name[:-2] if name.endswith(":0") else layer + "/" + name
            expect(entries, key, array, True)
            aliases["#%d/%d" % (k, i)] = key
        if weights:
            k += 1
    return entries, aliases


LEGACY_LAYERS = [
    ("input_1", []),
    ("dense_1", [("dense_1/kernel:0", values((3, 4), np.float32)), ("dense_1/bias:0", values((4,), np.float32))]),
    ("dropout", []),
    ("batch_normalization", [("batch_normalization/gamma:0", values((4,), np.float32)),
                             ("batch_normalization/beta:0", values((4,), np.float32)),
                             ("batch_normalization/moving_mean:0", values((4,), np.float32)),
                             ("batch_normalization/moving_variance:0", values((4,), np.float32))]),
    ("dense_2", [("dense_2/kernel:0", values((4, 2), np.float32)), ("dense_2/bias:0", values((2,), np.float32))]),
]


def write_legacy_weights(path):
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = np.asarray([name.encode("utf8") for name, _ in LEGACY_LAYERS])
        return legacy_layers(f, LEGACY_LAYERS, fixed_strings=True)


def write_legacy_model(path):
    """Whole-model save("m.h5"): weights under model_weights; layer_names split in two chunks
    (as save_attributes_to_hdf5_group does past 64 KiB) and stored as variable-length strings."""
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = json.dumps({"class_name": "Sequential"})
        f.attrs["keras_version"] = "2.15.0"
        group = f.create_group("model_weights")
        names = [name for name, _ in LEGACY_LAYERS]
        group.attrs["layer_names0"] = names[:2]
        group.attrs["layer_names1"] = names[2:]
        entries, aliases = legacy_layers(group, LEGACY_LAYERS, fixed_strings=False)
        f.create_group("optimizer_weights")
        f["optimizer_weights/iter"] = np.array(3, dtype=np.int64)  # not a model weight
    return entries, aliases


def write_bad(name, fragment, build):
    path = os.path.join(out, name)
    with h5py.File(path, "w") as f:
        f.create_group("vars")
        build(f)
    manifest["bad"][name] = fragment


files = manifest["files"]
files["keras3.weights.h5"] = {"tensors": write_keras3(os.path.join(out, "keras3.weights.h5")), "aliases": {},
                              "layout": "keras3"}
files["userblock.weights.h5"] = {"tensors": write_keras3(os.path.join(out, "userblock.weights.h5"), 512),
                                 "aliases": {}, "layout": "keras3"}
tensors, aliases = write_legacy_weights(os.path.join(out, "legacy.h5"))
files["legacy.h5"] = {"tensors": tensors, "aliases": aliases, "layout": "legacy"}
tensors, aliases = write_legacy_model(os.path.join(out, "legacy_model.h5"))
files["legacy_model.h5"] = {"tensors": tensors, "aliases": aliases, "layout": "legacy"}

# .keras archives as Keras 3 writes them (stored members), and one with a deflated member.
config = json.dumps({"class_name": "Sequential", "config": {"name": "sequential"}})
for name, method in (("model.keras", zipfile.ZIP_STORED), ("deflated.keras", zipfile.ZIP_DEFLATED)):
    with zipfile.ZipFile(os.path.join(out, name), "w", compression=method) as zf:
        zf.writestr("metadata.json", json.dumps({"keras_version": "3.8.0"}))
        zf.writestr("config.json", config)
        zf.write(os.path.join(out, "keras3.weights.h5"), "model.weights.h5")
    entry = dict(files["keras3.weights.h5"])
    # Contiguous datasets of a stored member are viewed in the archive; inflated ones in a buffer.
    files[name] = entry
manifest["config_json"] = config
with zipfile.ZipFile(os.path.join(out, "bad_no_weights.keras"), "w") as zf:
    zf.writestr("config.json", config)

write_bad("bad_string.h5", "not a tensor element type",
          lambda f: f.create_dataset("layers/x/vars/0", data=np.array([b"ab", b"cd"])))
write_bad("bad_compound.h5", "not a tensor element type",
          lambda f: f.create_dataset("layers/x/vars/0", data=np.zeros(2, dtype=[("a", "<f4"), ("b", "<i4")])))
write_bad("bad_uint16.h5", "no PyTorch dtype",
          lambda f: f.create_dataset("layers/x/vars/0", data=np.zeros(2, dtype=np.uint16)))
write_bad("bad_huge.h5", "absurd size",
          lambda f: f.create_dataset("layers/x/vars/0", shape=(1 << 40,), dtype=np.float32, chunks=(1 << 16,)))
write_bad("bad_null_space.h5", "no data space",
          lambda f: f.create_dataset("layers/x/vars/0", data=h5py.Empty("f4")))
raw = os.path.join(out, "raw.bin")
with open(raw, "wb") as r:
    r.write(np.zeros(4, dtype=np.float32).tobytes())
write_bad("bad_external.h5", "outside the file",
          lambda f: f.create_dataset("layers/x/vars/0", shape=(4,), dtype=np.float32, external=[(raw, 0, 16)]))
write_bad("bad_legacy_missing.h5", "listed in weight_names but missing",
          lambda f: (f.attrs.__setitem__("layer_names", np.asarray([b"dense"])),
                     f.create_group("dense").attrs.__setitem__("weight_names", np.asarray([b"dense/kernel:0"]))))

with open(os.path.join(out, "manifest.json"), "w") as m:
    json.dump(manifest, m)

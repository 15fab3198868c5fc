#!/usr/bin/python3
"""Keras model file -> Keras JSON config + Keras 3 weights layout, WITHOUT nnport.

    python3 oracle.py MODEL.py OUTDIR

Runs MODEL.py (one of OUR test models, never user code) against the mock `keras` / `tensorflow`
packages in mock/, which record layer constructions and calls (see mock/keras/_graph.py), and
writes OUTDIR/model.json (tf.keras 2.x Functional config, loadable by TensorFlow.js
`tf.models.modelFromJSON`) and OUTDIR/layout.json: the header (inputs, dtypes, vocab, batch),
each built-in layer's Keras 3 `.weights.h5` path, and every group Keras writes.

Header line (first line starting with `# nnport-test:`):
    object=NAME | function=NAME | class=NAME    where the model is (module variable, builder
                                                function called without arguments, or a
                                                keras.Model subclass constructed without them)
    input=N,D1,D2...                            one per model input, Keras (channels-last) shape
    dtype=float32|int32                         one per input (default float32)
    vocab=K                                     integer inputs are drawn from [0, K)
    batch=B                                     batch size of the seeded input (default 2)
    pad=pre|post|scattered                      integer (N, T) inputs padded with id 0 (mask_zero):
                                                sequence b gets b*(T-1)/(N-1) padding steps at the
                                                start, the end or random steps; other ids >= 1;
                                                float (N, T, F) inputs get all-zero steps there
                                                (Masking(mask_value=0.0))
    range=LO,HI                                 float inputs are drawn from U(LO, HI) (default
                                                -1,1; e.g. 0,255 for models that rescale pixels)
    note=...                                    free text up to the end of the line (what the
                                                case does not check); must come last
"""
import importlib.util
import json
import os
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))


# Built-in layers without variables: one created inside call() (untracked by Keras 3, so absent
# from the weights file) is fine.
WEIGHTLESS = {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Activation",
              "Dropout", "Flatten", "Reshape", "Permute", "ReLU", "Softmax"}


def parse_header(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("# nnport-test:"):
                break
        else:
            raise ValueError(f"{path}: no '# nnport-test:' header line")
    body = line[len("# nnport-test:"):].strip()
    note = ""
    if " note=" in " " + body:
        body, note = (" " + body).split(" note=", 1)
        body = body.strip()
    spec = {"inputs": [], "dtypes": [], "vocab": None, "batch": 2, "range": [-1.0, 1.0],
            "note": note.strip()}
    for item in body.split():
        key, _, value = item.partition("=")
        if key in ("object", "function", "class"):
            spec["kind"], spec["name"] = key, value
        elif key == "input":
            dims = value.split(",")
            if dims[0] not in ("N", "?"):
                raise ValueError(f"{path}: input {value}: the batch dimension must be N")
            spec["inputs"].append([int(d) for d in dims[1:]])
        elif key == "dtype":
            spec["dtypes"].append(value)
        elif key == "pick":
            # The file has several top-level models: nnport is given `--class NAME`.
            spec["pick"] = value
        elif key == "vocab":
            spec["vocab"] = int(value)
        elif key == "pad":
            spec["pad"] = value
        elif key == "batch":
            spec["batch"] = int(value)
        elif key == "range":
            lo, hi = (float(v) for v in value.split(","))
            spec["range"] = [lo, hi]
        else:
            raise ValueError(f"{path}: unknown header item {item!r}")
    if "kind" not in spec or not spec["inputs"]:
        raise ValueError(f"{path}: the header needs object=|function=|class= and input=")
    while len(spec["dtypes"]) < len(spec["inputs"]):
        spec["dtypes"].append("float32")
    return spec


def load_mock():
    mock = os.path.join(HERE, "mock")
    for name in list(sys.modules):
        if name in ("keras", "tensorflow") or name.startswith(("keras.", "tensorflow.")):
            del sys.modules[name]
    sys.path.insert(0, mock)
    try:
        import keras  # noqa: F401 - the mock
        import tensorflow  # noqa: F401
        from keras import _graph, _models
        import _nnport_thirdparty
        _nnport_thirdparty.install()
    finally:
        sys.path.remove(mock)
    if not keras.__version__.endswith("nnport-mock"):
        raise RuntimeError("the mock keras package was not the one imported")
    return _graph, _models


def build(model_path):
    """(config, layout) for one model file."""
    spec = parse_header(model_path)
    _graph, _models = load_mock()
    _graph.reset()
    module_spec = importlib.util.spec_from_file_location("nnport_keras_test_model", model_path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    obj = getattr(module, spec["name"])
    model = obj() if spec["kind"] in ("function", "class") else obj
    specs = list(zip(spec["inputs"], spec["dtypes"]))
    config, inputs, outputs, ops = _models.serialize(model, specs)
    paths, groups = _models.weight_layout(model, ops)
    layers = {}
    for op in ops:
        w = getattr(op, "_nnport_weight", None)
        if w is not None:  # NnportWeightOp: its variable is the owning user layer's
            if w.owner._nnport_name not in paths:
                raise _graph.OracleError(f"the layer owning weight {w.name} is not saved")
            owner = paths[w.owner._nnport_name]
            layers[op._nnport_name] = {"class": "NnportWeightOp", "path": owner,
                                       "var_paths": [f"{owner}/vars/{w.index}" if owner else f"vars/{w.index}"]}
            continue
        if op._nnport_is_op or op._nnport_class == "InputLayer":
            continue
        if op._nnport_name not in paths:
            if op._nnport_class in WEIGHTLESS:
                continue  # e.g. layers.concatenate([...]) inside call(): untracked, nothing to save
            raise _graph.OracleError(f"layer {op._nnport_name} ({op._nnport_class}) is not reachable "
                                     "from the model's attributes, so Keras would not save it")
        layers[op._nnport_name] = {"class": op._nnport_class, "path": paths[op._nnport_name]}
    # The header describes the inputs; a model declaring its own Input must agree with it.
    for t, (shape, dtype) in zip(inputs, specs):
        layer = t.node.operation
        declared = layer._nnport_shape[1:]
        if len(declared) != len(shape) or any(d is not None and d != s for d, s in zip(declared, shape)):
            raise _graph.OracleError(f"input {layer._nnport_name} has shape {layer._nnport_shape[1:]}, "
                                     f"the header says {shape}")
    if len(inputs) != len(specs):
        raise _graph.OracleError(f"the model has {len(inputs)} inputs, the header lists {len(specs)}")
    layout = {"header": spec, "layers": layers, "groups": groups,
              "inputs": [{"name": t.node.operation._nnport_name, "shape": [None] + s, "dtype": d}
                         for t, (s, d) in zip(inputs, specs)],
              "outputs": len(outputs),
              # object= may name an instance of a keras.Model subclass: attribute-based paths.
              "subclassed": not isinstance(model, _models.Sequential)
                            and not getattr(model, "_nnport_functional", False),
              # A model used as a layer keeps its own "layers" level in the weights file, and a
              # custom layer's sublayers sit under its attributes (layers/<unit>/<attr>/...);
              # run_keras.mjs (flat TensorFlow.js layer order) lays out neither.
              "nested": any("/layers/" in e["path"] or e["path"].count("/") > 1 for e in layers.values())}
    return config, layout


def main(argv):
    if len(argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    config, layout = build(os.path.abspath(argv[1]))
    os.makedirs(argv[2], exist_ok=True)
    with open(os.path.join(argv[2], "model.json"), "w") as f:
        json.dump(config, f, indent=1)
    with open(os.path.join(argv[2], "layout.json"), "w") as f:
        json.dump(layout, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/python3
"""Runs a Keras training script against the mock keras/tensorflow packages and records what it
asks Keras to do, WITHOUT nnport: the model (Keras JSON config + Keras 3 weights layout, as the
equivalence oracle writes them), compile(...) (optimizer, loss, metrics), fit(...) (arrays or
pipeline, epochs, batch size, shuffle, validation split or data, callbacks), evaluate, predict and
save_weights calls.

    /usr/bin/python3 record.py SCRIPT.py OUTDIR [-- SCRIPT ARGS...]

Run from the directory the script expects (the driver's data directory). Writes
OUTDIR/model.json, OUTDIR/layout.json (oracle form, header from the first fit's data),
OUTDIR/training.json and OUTDIR/fit<k>_{x,y}.npy (the arrays each fit was given, or the
pipeline's arrays before its shuffle/batch steps, with the pipeline in training.json).

Everything Keras computes (losses, accuracies, predictions) is a placeholder here: the script
runs to its end so that its framework-free code (printing, file handling) is exercised, and the
Node trainer (train_tfjs.mjs) computes the real losses from the recording.
"""
import importlib.util
import json
import os
import runpy
import sys

import numpy as np

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE_DIR = os.path.join(HERE, "..", "..", "equivalence", "keras")
sys.path.insert(0, ORACLE_DIR)

import oracle  # noqa: E402


SCHEDULE_STEPS = 256


class LearningRateSchedule:
    """keras.optimizers.schedules.LearningRateSchedule: a script's subclass is recorded as its
    rate at steps 0..SCHEDULE_STEPS-1, evaluated with NumPy standing in for keras.ops."""

    def __init__(self, *args, **kwargs):
        pass

    def rates(self):
        import keras

        stand_ins = {"cast": lambda x, dtype=None: np.asarray(x, dtype=dtype or "float32"), "cos": np.cos,
                     "sin": np.sin, "where": np.where, "minimum": np.minimum, "maximum": np.maximum,
                     "power": np.power, "exp": np.exp, "floor": np.floor, "convert_to_tensor": np.asarray}
        saved = {k: getattr(keras.ops, k, None) for k in stand_ins}
        try:
            for k, f in stand_ins.items():
                setattr(keras.ops, k, f)
            return [float(self(np.float32(step))) for step in range(SCHEDULE_STEPS)]
        finally:
            for k, f in saved.items():
                if f is None:
                    delattr(keras.ops, k)
                else:
                    setattr(keras.ops, k, f)


class _Builtin(LearningRateSchedule):
    """The built-in keras.optimizers.schedules, transcribed from Keras 3
    (keras/src/optimizers/schedules/learning_rate_schedule.py) in float32 as Keras computes them."""

    def __init__(self, *args, **kwargs):
        kwargs.pop("name", None)
        names = self.ARGS
        if len(args) > len(names):
            raise TypeError(f"{type(self).__name__}: {len(args)} positional arguments")
        self.config = dict(self.DEFAULTS)
        self.config.update(zip(names, args))
        self.config.update(kwargs)
        missing = [n for n in names if n not in self.config]
        if missing:
            raise TypeError(f"{type(self).__name__}: missing {missing}")


def _f32(x):
    return np.float32(x)


class ExponentialDecay(_Builtin):
    ARGS = ("initial_learning_rate", "decay_steps", "decay_rate", "staircase")
    DEFAULTS = {"staircase": False}

    def __call__(self, step):
        c = self.config
        p = _f32(step) / _f32(c["decay_steps"])
        if c["staircase"]:
            p = np.floor(p)
        return _f32(c["initial_learning_rate"]) * np.power(_f32(c["decay_rate"]), p)


class InverseTimeDecay(_Builtin):
    ARGS = ExponentialDecay.ARGS
    DEFAULTS = {"staircase": False}

    def __call__(self, step):
        c = self.config
        p = _f32(step) / _f32(c["decay_steps"])
        if c["staircase"]:
            p = np.floor(p)
        return _f32(c["initial_learning_rate"]) / (_f32(1) + _f32(c["decay_rate"]) * p)


class PiecewiseConstantDecay(_Builtin):
    ARGS = ("boundaries", "values")
    DEFAULTS = {}

    def __call__(self, step):
        b, v = self.config["boundaries"], self.config["values"]
        return _f32(v[sum(1 for x in b if step > x)])


class PolynomialDecay(_Builtin):
    ARGS = ("initial_learning_rate", "decay_steps", "end_learning_rate", "power", "cycle")
    DEFAULTS = {"end_learning_rate": 0.0001, "power": 1.0, "cycle": False}

    def __call__(self, step):
        c = self.config
        step, steps = _f32(step), _f32(c["decay_steps"])
        if c["cycle"]:
            steps = steps * (_f32(1) if step == 0 else np.ceil(step / steps))
        else:
            step = np.minimum(step, steps)
        lr0, end = _f32(c["initial_learning_rate"]), _f32(c["end_learning_rate"])
        return (lr0 - end) * np.power(_f32(1) - step / steps, _f32(c["power"])) + end


class CosineDecay(_Builtin):
    ARGS = ("initial_learning_rate", "decay_steps", "alpha", "name", "warmup_target", "warmup_steps")
    DEFAULTS = {"alpha": 0.0, "name": "CosineDecay", "warmup_target": None, "warmup_steps": 0}

    def _decay(self, step, steps, start):
        alpha = self.config["alpha"]
        cosine = _f32(0.5) * (_f32(1) + np.cos(_f32(np.pi) * (step / steps)))
        return start * ((1 - alpha) * cosine + alpha)

    def __call__(self, step):
        c = self.config
        lr0, steps, step = _f32(c["initial_learning_rate"]), _f32(c["decay_steps"]), _f32(step)
        if c["warmup_target"] is None:
            return self._decay(np.minimum(step, steps), steps, lr0)
        target, warm = _f32(c["warmup_target"]), _f32(c["warmup_steps"])
        step = np.minimum(step, steps + warm)
        if step < warm:
            return (target - lr0) * (step / warm) + lr0
        return self._decay(step - warm, steps, target)


BUILTIN_SCHEDULES = {cls.__name__: cls for cls in (ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay,
                                                   PolynomialDecay, CosineDecay)}


def plain(value):
    """JSON form of an argument: literals, lists, recorded objects, arrays by shape."""
    if isinstance(value, LearningRateSchedule):
        return {"schedule": type(value).__name__, "per_step": value.rates()}
    if isinstance(value, Recorded):
        return value.to_json()
    if isinstance(value, RecordedDataset):
        return {"dataset": value.index}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return {"array_shape": list(value.shape), "dtype": str(value.dtype)}
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return {"unknown": type(value).__name__}


class Recorded:
    """An optimizer/loss/metric/callback/regularizer/schedule object: its class and arguments."""

    def __init__(self, symbol, args, kwargs):
        self.symbol, self.args, self.kwargs = symbol, list(args), dict(kwargs)

    def to_json(self):
        return {"class": self.symbol, "args": plain(self.args), "kwargs": plain(self.kwargs)}

    # keras.regularizers.L2 in a layer config: the form Keras serialises.
    @property
    def _nnport_class(self):
        return self.symbol.split(".")[-1]

    def _nnport_config(self):
        config = dict(self.kwargs)
        name = self.symbol.split(".")[-1].lower()
        if self.args:
            config[name if name in ("l1", "l2") else "value"] = self.args[0]
        return plain(config)

    def __call__(self, *args, **kwargs):  # a loss/metric object called directly
        return 0.0


class Factory:
    """keras.optimizers / keras.losses / ...: any attribute is a class that records its call."""

    def __init__(self, prefix):
        self._prefix = prefix

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Factory(f"{self._prefix}.{name}")

    def __call__(self, *args, **kwargs):
        return Recorded(self._prefix, args, kwargs)


class RecordedDataset:
    """tf.data.Dataset / image_dataset_from_directory: the arrays and the steps applied."""

    def __init__(self, recorder, x, y, source, steps=None, extra=None):
        self.recorder, self.x, self.y, self.source = recorder, x, y, source
        self.steps = list(steps or [])
        self.extra = dict(extra or {})
        self.index = None
        self.class_names = self.extra.get("class_names")

    def _then(self, step):
        return RecordedDataset(self.recorder, self.x, self.y, self.source, self.steps + [step], self.extra)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None):
        return self._then({"op": "shuffle", "buffer_size": plain(buffer_size), "seed": seed})

    def batch(self, batch_size, drop_remainder=False, **kwargs):
        return self._then({"op": "batch", "batch_size": int(batch_size), "drop_remainder": bool(drop_remainder)})

    def prefetch(self, *args, **kwargs):
        return self._then({"op": "prefetch"})

    def cache(self, *args, **kwargs):
        return self._then({"op": "cache"})

    def map(self, fn, **kwargs):
        # Applied eagerly to the arrays, so the recording holds what the model is trained on.
        x, y = fn(self.x, self.y)
        d = RecordedDataset(self.recorder, np.asarray(x), np.asarray(y), self.source,
                            self.steps + [{"op": "map"}], self.extra)
        return d

    def take(self, n):
        return self._then({"op": "take", "count": int(n)})

    def __iter__(self):
        yield self.x, self.y

    def describe(self):
        return {"source": self.source, "steps": self.steps, **plain(self.extra)}


class Recorder:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.compiles, self.fits, self.evaluations, self.predictions, self.saves = [], [], [], [], []
        self.calls = []
        self.model = None

    def save_arrays(self, tag, x, y):
        files = {}
        for key, arr in (("x", x), ("y", y)):
            if arr is None:
                continue
            if key == "y" and isinstance(arr, (list, tuple)):
                # One target array per output of the model: a list of files, in output order.
                files[key] = []
                for i, item in enumerate(arr):
                    name = f"{tag}_{key}{i}.npy"
                    np.save(os.path.join(self.out_dir, name), np.ascontiguousarray(item))
                    files[key].append(name)
                continue
            name = f"{tag}_{key}.npy"
            np.save(os.path.join(self.out_dir, name), np.ascontiguousarray(arr))
            files[key] = name
        return files

    def data(self, tag, x, y):
        if isinstance(x, RecordedDataset):
            entry = {"pipeline": x.describe()}
            entry.update(self.save_arrays(tag, x.x, x.y))
            return entry, x.x
        if x is None:
            return {}, None
        return self.save_arrays(tag, x, y), x


def epoch_rates(recorder, callbacks, epochs):
    """keras.callbacks.LearningRateScheduler(schedule): the rate of each epoch, as Keras 3 sets
    it at on_epoch_begin (lr = schedule(epoch, current rate), from the optimizer's
    learning_rate), or None without such a callback."""
    schedulers = [c for c in callbacks if isinstance(c, Recorded) and
                  c.symbol.split(".")[-1] == "LearningRateScheduler"]
    if not schedulers:
        return None
    if len(schedulers) > 1:
        raise SystemExit("record.py: more than one LearningRateScheduler is not transcribed")
    cb = schedulers[0]
    fn = cb.args[0] if cb.args else cb.kwargs["schedule"]
    opt = getattr(recorder, "optimizer", None)
    lr = None
    if isinstance(opt, Recorded):
        lr = opt.kwargs.get("learning_rate", opt.args[0] if opt.args else None)
    if not isinstance(lr, (int, float)):
        raise SystemExit(f"record.py: LearningRateScheduler needs a constant learning_rate, got {lr!r}")
    out = []
    for epoch in range(int(epochs if isinstance(epochs, int) else 1)):
        lr = float(np.float32(fn(epoch, lr)))  # the optimizer's float32 variable
        out.append(lr)
    return out


def install(recorder):
    """Patches the mock packages with the recording pieces."""
    _graph, _models = oracle.load_mock()
    # The scripts read the driver's local CSV files: the real pandas when there is one, not the
    # oracle's stand-in (the oracle never reads data).
    stand_in = sys.modules.pop("pandas", None)
    if importlib.util.find_spec("pandas") is None and stand_in is not None:
        sys.modules["pandas"] = stand_in
    import keras
    import tensorflow

    take_regularizers(_graph)
    for family in ("optimizers", "losses", "metrics", "callbacks", "regularizers"):
        setattr(keras, family, Factory(f"keras.{family}"))
        sys.modules[f"keras.{family}"] = getattr(keras, family)
        sys.modules[f"tensorflow.keras.{family}"] = getattr(keras, family)
    # Permutations off (NNPORT_RECORD_IN_ORDER=1, set by run_pytorch_case.py), as DataLoader
    # shuffling and random_split on the PyTorch side (torch_side/run_torch_script.py
    # --no-shuffle): a migrated random_split permutes with np.random.default_rng(seed).permutation(n).
    make_rng = np.random.default_rng

    class InOrder:
        def __init__(self, *args, **kwargs):
            self._rng = make_rng(*args, **kwargs)

        def permutation(self, x):
            return np.arange(x) if isinstance(x, (int, np.integer)) else np.asarray(x)

        def __getattr__(self, name):
            return getattr(self._rng, name)

    if os.environ.get("NNPORT_RECORD_IN_ORDER") == "1":
        np.random.default_rng = InOrder
    keras.optimizers.schedules = type("schedules", (), {"LearningRateSchedule": LearningRateSchedule,
                                                        **BUILTIN_SCHEDULES})

    Model = _models.Model

    def compile(self, optimizer="rmsprop", loss=None, metrics=None, **kwargs):
        recorder.model = self
        recorder.optimizer = optimizer
        recorder.compiles.append({"optimizer": plain(optimizer), "loss": plain(loss), "metrics": plain(metrics),
                                  "kwargs": plain(kwargs)})

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, **kwargs):
        recorder.model = self
        k = len(recorder.fits)
        entry, xs = recorder.data(f"fit{k}", x, y)
        entry.update({"batch_size": batch_size, "epochs": plain(epochs), "shuffle": plain(shuffle),
                      "validation_split": plain(validation_split), "callbacks": plain(callbacks or []),
                      "kwargs": plain(kwargs)})
        if validation_data is not None:
            if isinstance(validation_data, RecordedDataset):
                entry["validation"] = recorder.data(f"fit{k}_val", validation_data, None)[0]
            else:
                entry["validation"] = recorder.data(f"fit{k}_val", validation_data[0], validation_data[1])[0]
        entry["input_dtype"] = str(np.asarray(xs).dtype) if xs is not None else None
        rates = epoch_rates(recorder, callbacks or [], epochs)
        if rates is not None:
            entry["lr_per_epoch"] = rates
        recorder.fits.append(entry)
        history = Recorded("keras.callbacks.History", [], {})
        n_epochs = int(epochs if isinstance(epochs, int) else 1)
        history.history = {"loss": [0.0] * n_epochs}
        history.epoch = list(range(n_epochs))
        history.params = {"verbose": 1 if verbose == "auto" else verbose, "epochs": n_epochs, "steps": 0}
        # Placeholders under the names Keras logs (the script's own code reads them).
        metrics = [m if isinstance(m, str) else "metric" for m in
                   ((recorder.compiles[-1] if recorder.compiles else {}).get("metrics") or [])]
        for name in metrics:
            history.history[name] = [0.0] * n_epochs
        if validation_data is not None or validation_split:
            for name in ["loss"] + metrics:
                history.history["val_" + name] = [0.0] * n_epochs
        return history

    def evaluate(self, x=None, y=None, batch_size=None, **kwargs):
        recorder.evaluations.append({"batch_size": batch_size, "kwargs": plain(kwargs)})
        compiled = recorder.compiles[-1] if recorder.compiles else {}
        metrics = compiled.get("metrics") or []
        return [0.0] * (1 + len(metrics)) if metrics else 0.0

    def predict(self, x, batch_size=None, **kwargs):
        recorder.predictions.append({"batch_size": batch_size})
        n = len(x.x if isinstance(x, RecordedDataset) else x)
        return np.zeros((n, 1), dtype="float32")

    def save_weights(self, filepath, **kwargs):
        recorder.saves.append({"filepath": plain(filepath)})

    def load_weights(self, filepath, **kwargs):
        recorder.calls.append({"load_weights": plain(filepath)})

    Model.compile, Model.fit, Model.evaluate, Model.predict = compile, fit, evaluate, predict
    Model.trainable_weights = property(lambda self: [AllWeights(self)])
    Model.save_weights, Model.load_weights = save_weights, load_weights

    def from_tensor_slices(tensors):
        x, y = tensors if isinstance(tensors, tuple) else (tensors, None)
        return RecordedDataset(recorder, np.asarray(x), None if y is None else np.asarray(y), "tensor_slices")

    class Data:
        class Dataset:
            pass

        AUTOTUNE = -1

        class experimental:
            AUTOTUNE = -1

    Data.Dataset.from_tensor_slices = staticmethod(from_tensor_slices)
    tensorflow.data = Data
    tensorflow.random = type("random", (), {"set_seed": staticmethod(lambda seed: None)})
    tensorflow.cast = lambda x, dtype: np.asarray(x).astype(dtype)

    def image_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None,
                                     color_mode="rgb", batch_size=32, image_size=(256, 256), shuffle=True,
                                     seed=None, validation_split=None, subset=None, interpolation="bilinear",
                                     **kwargs):
        from PIL import Image

        names = sorted(d for d in os.listdir(directory) if os.path.isdir(os.path.join(directory, d)))
        files, labels_ = [], []
        for i, name in enumerate(names):
            for f in sorted(os.listdir(os.path.join(directory, name))):
                files.append(os.path.join(directory, name, f))
                labels_.append(i)
        if validation_split:
            # Keras: the file list is shuffled with the seed, then split (the LAST fraction validates).
            if shuffle:
                rng = np.random.RandomState(seed)
                rng.shuffle(files)
                rng = np.random.RandomState(seed)
                rng.shuffle(labels_)
            n_val = int(validation_split * len(files))
            if subset == "training":
                files, labels_ = files[:-n_val], labels_[:-n_val]
            elif subset == "validation":
                files, labels_ = files[-n_val:], labels_[-n_val:]
        images = []
        for f in files:
            img = Image.open(f).convert("L" if color_mode == "grayscale" else "RGB")
            if img.size != (image_size[1], image_size[0]):
                img = img.resize((image_size[1], image_size[0]), Image.BILINEAR)
            a = np.asarray(img, dtype="float32")
            images.append(a[..., None] if a.ndim == 2 else a)
        x = np.stack(images)
        y = np.asarray(labels_, dtype="int32")
        if label_mode == "categorical":
            y = np.eye(len(names), dtype="float32")[y]
        elif label_mode == "binary":
            y = y.astype("float32")[:, None]
        ds = RecordedDataset(recorder, x, y, "image_folder",
                             extra={"class_names": names, "image_size": list(image_size), "shuffle": shuffle,
                                    "seed": seed, "validation_split": validation_split, "subset": subset})
        return ds.batch(batch_size)

    # keras.datasets.<name>.load_data(): the driver's tiny files (datasets.py), the same data
    # torchvision reads on the PyTorch side.
    import datasets as tiny_data

    for name in ("mnist", "fashion_mnist", "cifar10", "imdb"):
        loader = type(name, (), {"load_data": staticmethod(
            lambda _name=name, **k: tiny_data.keras_load_data(_name, os.environ.get("DATA_DIR", "data"),
                                                              **k))})
        setattr(keras.datasets, name, loader)
    # `from tensorflow.keras.datasets import cifar10` imports the package by name.
    sys.modules["keras.datasets"] = keras.datasets
    sys.modules["tensorflow.keras.datasets"] = keras.datasets

    keras.utils.image_dataset_from_directory = image_dataset_from_directory
    keras.preprocessing = type("preprocessing", (), {"image_dataset_from_directory":
                                                     staticmethod(image_dataset_from_directory)})
    sys.modules["keras.preprocessing"] = keras.preprocessing
    # GradientTape loops: their optimizer, loss object and pipeline as compile/fit entries.
    import custom_loops

    custom_loops.install(recorder, plain, Recorded, RecordedDataset, Model, tensorflow)
    return _graph, _models


# Regularizer arguments -> the variable they penalise (train_tfjs.mjs adds c * sum(w^2)).
REGULARIZED_VARIABLES = {"kernel_regularizer": "kernel", "bias_regularizer": "bias"}


def l2_factor(value):
    """The L2 factor of a regularizer argument: "l2", keras.regularizers.l2(c) / L2(l2=c) /
    L1L2(l2=c) (Keras' defaults); an L1 part is not transcribed in train_tfjs.mjs."""
    if isinstance(value, str):
        if value == "l2":
            return 0.01
        raise ValueError(f"regularizer {value!r} is not transcribed")
    name = value.symbol.split(".")[-1]
    if name in ("l2", "L2"):
        return float(value.kwargs.get("l2", value.args[0] if value.args else 0.01))
    if name in ("l1_l2", "L1L2") and not value.kwargs.get("l1") and not value.args:
        return float(value.kwargs.get("l2", 0.0))
    raise ValueError(f"regularizer {value.symbol} is not transcribed")


def take_regularizers(_graph):
    """Built-in layers keep their regularizer arguments aside (as {variable: l2 factor}) instead
    of in their config: TensorFlow.js would build its own, and train_tfjs.mjs adds the penalty."""
    init = _graph.Layer.__init__

    def __init__(self, *args, **kwargs):
        init(self, *args, **kwargs)
        kept = getattr(self, "_nnport_kwargs", {})
        self._nnport_regularizers = {variable: l2_factor(kept.pop(key))
                                     for key, variable in REGULARIZED_VARIABLES.items()
                                     if kept.get(key) is not None}

    _graph.Layer.__init__ = __init__


class AllWeights:
    """`model.trainable_weights` stands for all of them at once: a regularizer set on it (the
    migrated coupled weight_decay: `for w in model.trainable_weights: w.regularizer = L2(c)`)
    penalises every trainable weight (layout "weight_l2"; train_tfjs.mjs adds c * sum(w^2))."""

    def __init__(self, model):
        object.__setattr__(self, "_model", model)

    def __setattr__(self, name, value):
        if name != "regularizer":
            raise AttributeError(f"setting {name} on a model weight is not transcribed")
        object.__setattr__(self._model, "_nnport_weight_l2", l2_factor(value))


def describe(_graph, _models, model, specs):
    """model.json config and layout.json of the trained model (oracle.build's form)."""
    config, inputs, outputs, ops = _models.serialize(model, specs)
    regularizers = {op._nnport_name: op._nnport_regularizers for op in ops
                    if getattr(op, "_nnport_regularizers", None)}
    paths, groups = _models.weight_layout(model, ops)
    layers = {}
    for op in ops:
        if op._nnport_is_op or op._nnport_class == "InputLayer":
            continue
        if op._nnport_name not in paths:
            if op._nnport_class in oracle.WEIGHTLESS:
                continue
            raise _graph.OracleError(f"layer {op._nnport_name} is not reachable from the model")
        layers[op._nnport_name] = {"class": op._nnport_class, "path": paths[op._nnport_name]}
    layout = {"layers": layers, "groups": groups,
              "inputs": [{"name": t.node.operation._nnport_name, "shape": [None] + list(s), "dtype": d}
                         for t, (s, d) in zip(inputs, specs)],
              "outputs": len(outputs), "nested": False}
    if regularizers:
        layout["regularizers"] = regularizers
    if getattr(model, "_nnport_weight_l2", None) is not None:
        layout["weight_l2"] = model._nnport_weight_l2
    return config, layout


def main(argv):
    if len(argv) < 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    script, out_dir = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    script_args = argv[4:] if len(argv) > 3 and argv[3] == "--" else []
    os.makedirs(out_dir, exist_ok=True)
    recorder = Recorder(out_dir)
    _graph, _models = install(recorder)
    _graph.reset()
    saved_argv = sys.argv
    sys.argv = [script] + script_args
    try:
        runpy.run_path(script, run_name="__main__")
    finally:
        sys.argv = saved_argv
    if recorder.model is None or not recorder.fits:
        raise SystemExit(f"{script}: no compile/fit was recorded")
    fit = recorder.fits[0]
    x = np.load(os.path.join(out_dir, fit["x"]))
    dtype = "int32" if np.issubdtype(x.dtype, np.integer) else "float32"
    specs = [(list(x.shape[1:]), dtype)]
    config, layout = describe(_graph, _models, recorder.model, specs)
    layout["header"] = {"kind": "object", "name": "model", "inputs": [list(x.shape[1:])], "dtypes": [dtype],
                        "vocab": int(x.max()) + 1 if dtype == "int32" else None, "batch": 4,
                        "range": [float(x.min()), float(x.max())] if dtype == "float32" else [-1.0, 1.0],
                        "note": ""}
    with open(os.path.join(out_dir, "model.json"), "w") as f:
        json.dump(config, f, indent=1)
    with open(os.path.join(out_dir, "layout.json"), "w") as f:
        json.dump(layout, f, indent=1)
    training = {"compile": recorder.compiles, "fits": recorder.fits, "evaluations": recorder.evaluations,
                "predictions": recorder.predictions, "saves": recorder.saves, "calls": recorder.calls}
    with open(os.path.join(out_dir, "training.json"), "w") as f:
        json.dump(training, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

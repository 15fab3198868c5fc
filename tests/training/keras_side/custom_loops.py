"""Custom training loops (tf.GradientTape) under the mock keras, for record.py: what one
optimisation step uses, recorded as the compile/fit entries train_tfjs.mjs replays.

A GradientTape step computes `loss_object(y_true, model(x, training=True))` on one batch of a
tf.data pipeline and applies the gradients with an optimizer. In Keras that is the update fit()
makes with the same optimizer and loss on the same batches, so the first apply_gradients() call
records compile(optimizer, loss) and fit(pipeline), and each further call one more epoch (the mock
pipeline yields all its samples as one batch: one apply_gradients per epoch's loop).

Checked here, as Keras would compute it: the loss object is called as (y_true, y_pred) with the
model's output second; the model is called on the batch, not on anything else.
Not transcribed: model.losses (no regularizers in these scripts), a loop that steps more than once
per batch.
"""
import numpy as np


class ModelOutput:
    """The model's output on a batch: only passed on to the loss object and metrics."""

    def __init__(self, model):
        self.model = model


class GradientTape:
    def __init__(self, *args, **kwargs):
        if args or kwargs:
            raise SystemExit(f"GradientTape{args or ''}{kwargs or ''} is not transcribed")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def gradient(self, loss, sources):
        return [None for _ in sources]


def install(recorder, plain, Recorded, RecordedDataset, Model, tensorflow):
    state = {"loss": None, "dataset": None, "fit": None}
    model_call = Model.__call__

    def __call__(self, inputs, *args, **kwargs):
        if isinstance(inputs, np.ndarray):
            recorder.model = self
            return ModelOutput(self)
        return model_call(self, inputs, *args, **kwargs)

    Model.__call__ = __call__
    Model.losses = property(lambda self: [])
    Model.trainable_variables = Model.__dict__["trainable_weights"]
    recorded_call = Recorded.__call__

    def call(self, *args, **kwargs):
        if self.symbol.startswith("keras.losses.") and any(isinstance(a, ModelOutput) for a in args):
            if len(args) != 2 or kwargs or not isinstance(args[1], ModelOutput):
                raise SystemExit(f"{self.symbol} is called with the model output first: Keras takes "
                                 "(y_true, y_pred)")
            state["loss"] = self
        return recorded_call(self, *args, **kwargs)

    def apply_gradients(self, grads_and_vars, **kwargs):
        list(grads_and_vars)
        if state["fit"] is None:
            if state["loss"] is None or state["dataset"] is None:
                raise SystemExit("apply_gradients() without a loss object on the model's output over a dataset")
            recorder.compiles.append({"optimizer": plain(self), "loss": plain(state["loss"]), "metrics": [],
                                      "kwargs": {}})
            entry, xs = recorder.data("fit0", state["dataset"], None)
            entry.update({"batch_size": None, "epochs": 0, "shuffle": False, "validation_split": 0.0,
                          "callbacks": [], "kwargs": {}, "custom_loop": True,
                          "input_dtype": str(np.asarray(xs).dtype)})
            recorder.fits.append(entry)
            state["fit"] = entry
        state["fit"]["epochs"] += 1

    Recorded.__call__ = call
    Recorded.apply_gradients = apply_gradients
    Recorded.update_state = lambda self, *args, **kwargs: None
    Recorded.reset_state = Recorded.reset_states = lambda self: None
    Recorded.result = lambda self: np.float32(0.0)
    iterate = RecordedDataset.__iter__

    def dataset_iter(self):
        state["dataset"] = self
        return iterate(self)

    RecordedDataset.__iter__ = dataset_iter
    tensorflow.GradientTape = GradientTape

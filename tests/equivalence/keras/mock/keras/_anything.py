"""Stand-ins for the parts of Keras a model file touches around the model without affecting it
(optimizers, losses, metrics, callbacks, plot_model): any attribute, any call, nothing recorded."""


class _AnythingType(type):
    """Class-level attributes too: keras.optimizers.schedules.InverseTimeDecay(...)."""

    def __getattr__(cls, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Anything


class Anything(metaclass=_AnythingType):
    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        return Anything()

    def __getitem__(self, key):  # history.history["accuracy"]
        return _Items()

    # Arithmetic and formatting of results the oracle does not compute (predictions, metrics):
    # f"{100 * predictions[0][0]:.1f}".
    def _any(self, *args):
        return Anything()

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _any
    __truediv__ = __rtruediv__ = __neg__ = __abs__ = _any

    def __format__(self, spec):
        return format(0.0, spec) if spec else "Anything"

    def __iter__(self):  # `for batch in dataset.take(1):` over a tf.data stand-in: no batches
        return iter(())

    def __float__(self):  # "%.4f" % (float(loss_value),) in a hand-written training loop
        return 0.0

    def __index__(self):  # np.array(class_names)[np.argmax(model.predict(x), axis=-1)]
        return 0

    def __setitem__(self, key, value):  # dataset["Origin"] = ... (the pandas stand-in)
        pass

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Anything()


class _Items(Anything):
    """An item of a result (history.history["loss"]): a sequence of no values, since no epoch
    ran, for range(1, len(history.history["loss"]) + 1). Only items have a length: NumPy would
    take any object with one for an empty array (np.abs(model.predict(x) - x))."""

    def __len__(self):
        return 0


class Namespace:
    """A module-like object whose every attribute is an Anything class."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Anything

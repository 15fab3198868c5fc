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
        return Anything()

    def __setitem__(self, key, value):  # dataset["Origin"] = ... (the pandas stand-in)
        pass

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Anything()


class Namespace:
    """A module-like object whose every attribute is an Anything class."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Anything

"""Stand-ins for the parts of Keras a model file touches around the model without affecting it
(optimizers, losses, metrics, callbacks, plot_model): any attribute, any call, nothing recorded."""


class Anything:
    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        return Anything()

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

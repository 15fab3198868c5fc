"""Mock keras.layers: every built-in layer the test models use, recorded by _graph.Layer."""
from . import _graph
from ._anything import Anything as _Anything

Layer = _graph.Layer
InputLayer = _graph.InputLayer
Input = _graph.Input
for _name in _graph.SIGNATURES:
    globals()[_name] = _graph.make_builtin(_name)
# Keras spellings that are the same class.
Convolution2D = globals()["Conv2D"]
Deconvolution2D = globals()["Conv2DTranspose"]
MaxPool2D = globals()["MaxPooling2D"]
AvgPool2D = globals()["AveragePooling2D"]
GlobalAvgPool2D = globals()["GlobalAveragePooling2D"]
MaxPool1D = globals()["MaxPooling1D"]
MaxPool3D = globals()["MaxPooling3D"]
AvgPool1D = globals()["AveragePooling1D"]
AvgPool3D = globals()["AveragePooling3D"]
GlobalAvgPool1D = globals()["GlobalAveragePooling1D"]
GlobalMaxPool1D = globals()["GlobalMaxPooling1D"]
GlobalMaxPool2D = globals()["GlobalMaxPooling2D"]


class Lambda(Layer):
    """layers.Lambda(function): a weightless layer whose function is traced inline like a custom
    layer's call() (Keras 3 saves it as an empty `lambda` group)."""

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self._nnport_function_arg = function
        self._nnport_arguments = arguments or {}

    def call(self, inputs):
        return self._nnport_function_arg(inputs, **self._nnport_arguments)


class TextVectorization(_Anything):
    """Strings -> ids outside the model (string tensors are not recorded): adapt() and calls on
    datasets do nothing here."""


class StringLookup(_Anything):
    """Strings -> ids outside the model. get_vocabulary() as Keras gives it: the OOV token "[UNK]"
    (num_oov_indices=1), after the mask token when there is one, then the vocabulary; with
    invert=True the vocabulary passed is taken as is."""

    def __init__(self, vocabulary=None, mask_token=None, oov_token="[UNK]", invert=False, **kwargs):
        vocabulary = list(vocabulary or [])
        if invert:
            self._nnport_vocabulary = vocabulary
        else:
            self._nnport_vocabulary = ([] if mask_token is None else [mask_token]) + [oov_token] + vocabulary

    def get_vocabulary(self):
        return list(self._nnport_vocabulary)

    def vocabulary_size(self):
        return len(self._nnport_vocabulary)


# The functional merge spellings: layers.add([a, b]) builds an Add layer and applies it.
def _merge_function(cls_name):
    def merge(inputs, **kwargs):
        return globals()[cls_name](**kwargs)(inputs)

    merge.__name__ = cls_name.lower()
    return merge


add = _merge_function("Add")
subtract = _merge_function("Subtract")
multiply = _merge_function("Multiply")
average = _merge_function("Average")
maximum = _merge_function("Maximum")
minimum = _merge_function("Minimum")
concatenate = _merge_function("Concatenate")


class _Experimental:
    """tf.keras 2.x `layers.experimental.preprocessing.Rescaling` and friends."""

    def __init__(self, **names):
        self.__dict__.update(names)


experimental = _Experimental(preprocessing=_Experimental(Rescaling=globals()["Rescaling"],
                                                          Normalization=globals()["Normalization"]))

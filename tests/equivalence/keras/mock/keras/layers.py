"""Mock keras.layers: every built-in layer the test models use, recorded by _graph.Layer."""
from . import _graph

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

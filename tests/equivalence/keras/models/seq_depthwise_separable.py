# nnport-test: object=model input=N,14,14,4
"""MobileNet-style: DepthwiseConv2D (depth_multiplier 2), pointwise Conv2D, SeparableConv2D."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(14, 14, 4)),
    layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2),
    layers.BatchNormalization(),
    layers.ReLU(max_value=6.0),
    layers.Conv2D(8, 1),
    layers.SeparableConv2D(12, 3, strides=2, padding="same", activation="relu"),
    layers.DepthwiseConv2D((3, 3), strides=(2, 2)),
    layers.Flatten(),
    layers.Dense(3),
])

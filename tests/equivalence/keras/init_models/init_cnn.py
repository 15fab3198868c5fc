"""Convolutions of every kind with Keras' default initializers and a few explicit ones: the
kernels' fans are Keras' (depthwise and transposed kernels differ from torch.nn.init's)."""
import keras
from keras import initializers, layers

model = keras.Sequential(
    [
        keras.Input(shape=(12, 12, 3)),
        layers.Conv2D(16, 3, activation="relu"),
        layers.Conv2D(16, 3, kernel_initializer="he_normal", bias_initializer="ones"),
        layers.BatchNormalization(),
        layers.DepthwiseConv2D(3, depth_multiplier=2),
        layers.SeparableConv2D(8, 3, pointwise_initializer="he_uniform"),
        layers.Conv2DTranspose(4, 3, strides=2, kernel_initializer="glorot_normal"),
        layers.Flatten(),
        layers.Dense(10, kernel_initializer=initializers.RandomNormal(stddev=0.02)),
    ]
)

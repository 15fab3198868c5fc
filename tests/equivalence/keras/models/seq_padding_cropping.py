# nnport-test: object=model input=N,12,10,3
"""ZeroPadding2D (asymmetric ((1, 2), (0, 1))), Cropping2D, AveragePooling2D padding="same" on
odd sizes (TensorFlow excludes the padding from the average)."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(12, 10, 3)),
    layers.ZeroPadding2D(padding=((1, 2), (0, 1))),
    layers.Conv2D(6, 3),
    layers.Cropping2D(cropping=((1, 0), (2, 1))),
    layers.AveragePooling2D(pool_size=3, strides=2, padding="same"),
    layers.ZeroPadding2D(1),
    layers.MaxPooling2D(pool_size=2, strides=2, padding="same"),
    layers.Flatten(),
    layers.Dense(4),
])

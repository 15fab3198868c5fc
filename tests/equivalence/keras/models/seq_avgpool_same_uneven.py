# nnport-test: object=model input=N,7,9,4
"""AveragePooling2D padding="same" where TensorFlow pads one more cell after than before and
leaves the pads out of the mean: stride 1 with an even window (PyTorch pads the larger amount
and drops the first window), then strides (2, 3) on odd sizes (PyTorch ceil_mode)."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(7, 9, 4)),
    layers.AveragePooling2D(pool_size=(2, 4), strides=1, padding="same"),
    layers.Conv2D(5, 1),
    layers.AveragePooling2D(pool_size=(3, 4), strides=(2, 3), padding="same"),
    layers.Flatten(),
    layers.Dense(3),
])

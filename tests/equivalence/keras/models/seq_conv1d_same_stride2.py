# nnport-test: object=model input=N,32,3
"""Conv1D over a signal: padding="same" with stride 2 on an even length (TensorFlow pads one
more on the right: the asymmetric-padding trap), pooling, Flatten."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(32, 3)),
    layers.Conv1D(8, 4, strides=2, padding="same", activation="relu"),
    layers.MaxPooling1D(2),
    layers.Conv1D(8, 3, padding="same"),
    layers.AveragePooling1D(pool_size=3, strides=2, padding="same"),
    layers.Flatten(),
    layers.Dense(2),
])

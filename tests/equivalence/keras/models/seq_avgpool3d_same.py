# nnport-test: object=model input=N,5,6,7,2
"""AveragePooling3D padding="same" with uneven pads on every axis (the pads are left out of the
mean), and AveragePooling1D with stride 1 and an even window after a Reshape."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(5, 6, 7, 2)),
    layers.AveragePooling3D(pool_size=(2, 3, 2), strides=(1, 2, 2), padding="same"),
    layers.Conv3D(3, 1),
    layers.Reshape((60, 3)),
    layers.AveragePooling1D(pool_size=4, strides=1, padding="same"),
    layers.Flatten(),
    layers.Dense(2),
])

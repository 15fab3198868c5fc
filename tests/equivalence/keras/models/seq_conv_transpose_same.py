# nnport-test: object=model input=N,6,6,3
"""Conv2DTranspose with padding="same" and stride 2 (output 2x, asymmetric crop), then "valid"
with stride 2 and kernel 3."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(6, 6, 3)),
    layers.Conv2DTranspose(6, 3, strides=2, padding="same", activation="relu"),
    layers.Conv2DTranspose(4, 3, strides=2, padding="valid"),
    layers.Conv2D(2, 3),
])
